/**
 * Progress on stderr for offline scans and CUR reads (issue 18, item 4): one updating line on a terminal
 * after about 2 s, throttled, erased before other output and at the end; nothing when stderr is not a
 * terminal, with --quiet or in CI, and never on stdout. A fake terminal and a fake clock: no real time.
 */
import { describe, expect, it } from 'vitest'
import { createStatusLine, type StatusClock } from '../../src/util/status-line.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScanCommand } from '../../src/cli/scan-command.js'
import { runSpendCommand } from '../../src/cli/spend-command.js'
import { runMergeCommand } from '../../src/cli/merge-command.js'
import { scanProgress } from '../../src/cli/scan-progress.js'
import type { AccountSource } from '../../src/sources/account-source.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { runShardScan } from '../../src/pipeline/shard-merge.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { REPO } from './run-cli.js'

const DEMO = `${REPO}examples/demo-org`
const ERASE = '\r\u001b[2K'

class FakeTerminal {
  isTTY = true
  columns = 100
  text = ''
  write(s: string): boolean {
    this.text += s
    return true
  }
  /** What is on the screen's last line now: the text after the last erase. */
  get visible(): string {
    const i = this.text.lastIndexOf(ERASE)
    return i < 0 ? this.text : this.text.slice(i + ERASE.length)
  }
}

/** Time moves only when the test says (`advance`) or, with `step`, by that much at every `now()`. */
class FakeClock implements StatusClock {
  t = 0
  timers: Array<{ at: number; fn: () => void; id: number }> = []
  cleared: number[] = []
  private next = 1
  now(): number {
    return this.t
  }
  advance(ms: number): void {
    this.t += ms
    this.fire()
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.timers.push({ at: this.t + ms, fn, id })
    return id
  }
  clearTimeout(h: unknown): void {
    this.cleared.push(h as number)
    this.timers = this.timers.filter((x) => x.id !== h)
  }
  private fire(): void {
    for (const due of this.timers.filter((x) => x.at <= this.t)) {
      this.timers = this.timers.filter((x) => x !== due)
      due.fn()
    }
  }
}

/**
 * For whole runs: the 2 s delay ends at the run's first pause for I/O (a setImmediate) rather than by the
 * clock, and every now() is 400 ms later. No real time is involved.
 */
function duringScan(): StatusClock {
  let t = 0
  return {
    now: () => (t += 400),
    setTimeout: (fn) => setImmediate(fn),
    clearTimeout: (h) => clearImmediate(h as NodeJS.Immediate),
  }
}

describe('the status line', () => {
  it('draws nothing for the first 2 s, then the latest text, at most every 100 ms', () => {
    const tty = new FakeTerminal()
    const clock = new FakeClock()
    const line = createStatusLine({ stream: tty, clock, env: {} })
    line.update('one')
    clock.advance(1999)
    line.update('two')
    expect(tty.text).toBe('')
    clock.advance(1)
    expect(tty.text).toBe(`${ERASE}two`)
    line.update('three')
    line.update('four')
    expect(tty.visible).toBe('two')
    clock.advance(100)
    line.update('five')
    expect(tty.visible).toBe('five')
    expect(tty.text.split(ERASE).filter(Boolean)).toEqual(['two', 'five'])
  })

  it('erases itself before other output and at the end, and stops its timer', () => {
    const tty = new FakeTerminal()
    const clock = new FakeClock()
    const line = createStatusLine({ stream: tty, clock, env: {} })
    line.update('reading')
    clock.advance(2000)
    line.clear()
    expect(tty.text).toBe(`${ERASE}reading${ERASE}`)
    // Drawn again at the next update, throttle or not.
    line.update('again')
    expect(tty.visible).toBe('again')
    line.stop()
    expect(tty.visible).toBe('')
    line.update('after')
    expect(tty.visible).toBe('')

    const quick = new FakeTerminal()
    const c2 = new FakeClock()
    const l2 = createStatusLine({ stream: quick, clock: c2, env: {} })
    l2.update('quick')
    l2.stop()
    expect(c2.timers).toEqual([])
    expect(c2.cleared).toHaveLength(1)
    c2.advance(5000)
    expect(quick.text).toBe('')
  })

  it('is cut to the terminal width, so it never wraps', () => {
    const tty = new FakeTerminal()
    tty.columns = 30
    const clock = new FakeClock()
    const line = createStatusLine({ stream: tty, clock, env: {} })
    line.update('x'.repeat(100))
    clock.advance(2000)
    expect(tty.visible).toBe(`${'x'.repeat(28)}…`)
  })

  it('is off when the stream is not a terminal, with --quiet and in CI', () => {
    for (const [tty, opts] of [
      [Object.assign(new FakeTerminal(), { isTTY: false }), {}],
      [new FakeTerminal(), { quiet: true }],
      [new FakeTerminal(), { env: { CI: 'true' } }],
    ] as const) {
      const clock = new FakeClock()
      const line = createStatusLine({ stream: tty, clock, env: {}, ...opts })
      line.update('text')
      clock.advance(10_000)
      line.update('more')
      line.stop()
      expect(tty.text).toBe('')
      expect(clock.timers).toEqual([])
    }
  })
})

describe('scan progress', () => {
  /** The demo snapshots and its CUR export, on a fake terminal. */
  async function scan(opts: { tty?: boolean; quiet?: boolean; env?: Record<string, string>; format?: 'json' | 'text' } = {}): Promise<{ tty: FakeTerminal; stdout: string; stderr: string; code: number }> {
    const tty = new FakeTerminal()
    tty.isTTY = opts.tty ?? true
    let stdout = ''
    let stderr = ''
    const code = await runScanCommand({
      inputs: [DEMO],
      cur: `${DEMO}/cur/csv`,
      format: opts.format ?? 'json',
      failOn: 'never',
      now: '2026-01-01',
      cwd: REPO,
      env: opts.env ?? {},
      ...(opts.quiet ? { live: { quiet: true } } : {}),
      stdout: (s) => (stdout += s),
      stderr: (s) => {
        // The scan's own stderr lines land on the same terminal.
        tty.write(s)
        stderr += s
      },
      progress: { stream: tty, clock: duringScan() },
    })
    return { tty, stdout, stderr, code }
  }

  it('shows accounts and CUR rows read on a terminal after the delay, erased at the end, never on stdout', async () => {
    const r = await scan()
    const drawn = r.tty.text.split(ERASE).filter(Boolean)
    expect(drawn.some((l) => /^tagwarden: \d of 3 accounts read… \d+ s$/.test(l))).toBe(true)
    expect(drawn.some((l) => /^tagwarden: CUR: \d+ of \d+ files?, \d+ rows read… \d+ s$/.test(l))).toBe(true)
    // Erased at the end: the last thing on the terminal is the erase.
    expect(r.stderr).toBe('')
    expect(r.tty.text.endsWith(ERASE)).toBe(true)
    expect(r.stdout).not.toContain('\r')
    expect(JSON.parse(r.stdout)).toHaveProperty('summary')
    // The stderr writer itself never receives the progress line.
    expect(r.stderr).not.toContain('accounts read')
  })

  it('shows nothing when stderr is not a terminal, with --quiet, or in CI', async () => {
    for (const opts of [{ tty: false }, { quiet: true }, { env: { CI: 'true' } }]) {
      const r = await scan(opts)
      expect(r.tty.text).toBe(r.stderr)
      expect(r.tty.text).not.toContain('\r')
    }
  })

  it('erases the line before the text report is written', async () => {
    const r = await scan({ format: 'text' })
    expect(r.stdout).toContain('Summary')
    expect(r.stdout).not.toContain('\r')
    const last = r.tty.text.lastIndexOf('accounts read')
    expect(last).toBeGreaterThan(-1)
    expect(r.tty.text.indexOf(ERASE, last)).toBeGreaterThan(last)
  })
})

describe('CUR progress in spend and merge', () => {
  const curLines = (t: FakeTerminal): string[] => t.text.split(ERASE).filter((l) => l.startsWith('tagwarden: CUR: '))

  it('spend --cur shows the CUR read, and nothing with --quiet', async () => {
    for (const quiet of [false, true]) {
      const tty = new FakeTerminal()
      let stderr = ''
      const code = await runSpendCommand({
        inputs: [DEMO],
        cur: `${DEMO}/cur/csv`,
        format: 'json',
        now: '2026-01-01',
        cwd: REPO,
        env: {},
        quiet,
        stdout: () => undefined,
        stderr: (s) => (stderr += s),
        progress: { stream: tty, clock: duringScan() },
      })
      expect(code, stderr).not.toBe(2)
      if (quiet) expect(tty.text).toBe('')
      else {
        expect(curLines(tty).length).toBeGreaterThan(0)
        expect(tty.text.endsWith(ERASE)).toBe(true)
      }
    }
  })

  it('merge --cur shows the CUR read and erases it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-progress-'))
    try {
      const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
      const files: string[] = []
      for (const [k, folder] of ['111111111111', '222222222222'].entries()) {
        const { aggregate } = await runShardScan({ config, sources: [snapshotSource([join(DEMO, folder)])], now: new Date('2026-01-01T00:00:00Z'), shard: { k: k + 1, n: 2 } })
        files.push(join(dir, `shard-${k + 1}.json`))
        writeFileSync(files[k]!, JSON.stringify(aggregate))
      }
      const tty = new FakeTerminal()
      let stdout = ''
      await runMergeCommand({ files, cur: `${DEMO}/cur/csv`, format: 'json', failOn: 'never', now: '2026-01-01', cwd: REPO, env: {}, stdout: (s) => (stdout += s), stderr: () => undefined, progress: { stream: tty, clock: duringScan() } })
      expect(curLines(tty).length).toBeGreaterThan(0)
      expect(tty.text.endsWith(ERASE)).toBe(true)
      expect(stdout).not.toContain('\r')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the progress words', () => {
  const source = (total: number): AccountSource => ({ accountTotal: () => total }) as unknown as AccountSource
  const lines = (o: { iacOnly: boolean; live?: boolean; total: number; accounts: boolean[] }): string[] => {
    const tty = new FakeTerminal()
    const clock = new FakeClock()
    const p = scanProgress({ stream: tty, clock, env: {}, sources: [source(o.total)], iacOnly: o.iacOnly, ...(o.live ? { live: true } : {}) })
    clock.advance(2000)
    for (const ok of o.accounts) {
      clock.advance(100)
      p.onAccount('x', ok)
    }
    p.stop()
    return tty.text.split(ERASE).filter(Boolean)
  }

  it('counts accounts or templates, with the total when it is known, and failures', () => {
    expect(lines({ iacOnly: false, total: 3, accounts: [true, false] })).toEqual(['tagwarden: reading the inputs… 2 s', 'tagwarden: 1 of 3 accounts read… 2 s', 'tagwarden: 2 of 3 accounts read, 1 failed… 2 s'])
    expect(lines({ iacOnly: true, total: 1, accounts: [true] })).toEqual(['tagwarden: reading the inputs… 2 s', 'tagwarden: 1 of 1 template read… 2 s'])
    // More templates than planned (a multi-document file): no total.
    expect(lines({ iacOnly: true, total: 1, accounts: [true, true] }).at(-1)).toBe('tagwarden: 2 templates read… 2 s')
    expect(lines({ iacOnly: false, live: true, total: 0, accounts: [] })).toEqual(['tagwarden: reading from AWS… 2 s'])
  })
})
