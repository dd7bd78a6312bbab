/** Text output as people read it: section headings, wrapping on a terminal, baseline marks, the suppressed list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BaselineFile } from '../../src/baseline/file.js'
import { DEMO, runCli } from './run-cli.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tw-text-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.concurrent('text output', () => {
  it('has a heading per section', async () => {
    const r = await runCli(['scan', '--input', DEMO, '--fail-on', 'never'])
    const headings = r.stdout.split('\n').filter((l) => /^[A-Z]/.test(l))
    expect(headings[0]).toMatch(/^Findings \(\d+\)$/)
    expect(headings.at(-1)).toBe('Summary')
  })

  it('wraps to the terminal width with a hanging indent on a TTY, and not when piped', async () => {
    const [tty, piped] = await Promise.all([
      runCli(['scan', '--input', DEMO, '--fail-on', 'never', '--no-color'], { tty: { columns: 80 } }),
      runCli(['scan', '--input', DEMO, '--fail-on', 'never']),
    ])
    const long = piped.stdout.split('\n').filter((l) => l.length > 80)
    expect(long.length).toBeGreaterThan(5)
    const lines = tty.stdout.split('\n')
    // Only an unbreakable word (an ARN) may overrun the width.
    for (const l of lines.filter((x) => x.length > 80)) expect(l.trim()).not.toContain(' ')
    // Continuation lines of a finding message keep its indent: no line starts mid-sentence at column 0.
    const words = (s: string): string => s.replace(/\s+/g, ' ').trim()
    expect(words(tty.stdout)).toBe(words(piped.stdout))
    expect(lines.filter((l) => /^[a-z(`]/.test(l) && !/^(error|warning|note) /.test(l))).toEqual([])
  })
})

describe('baseline marks', () => {
  it('text marks each finding new or unchanged and lists the fixed ones; Markdown marks both too', async () => {
    const json = join(tmp, 'all.json')
    await runCli(['scan', '--input', DEMO, '--format', 'json', '--output', json, '--fail-on', 'never'])
    const baselinePath = join(tmp, 'baseline.json')
    expect((await runCli(['baseline', 'create', '--from', json, '--output', baselinePath])).status).toBe(0)
    const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as BaselineFile
    const dropped = baseline.findings.find((e) => e.ruleId === 'tag-key-case-drift')!
    baseline.findings = [
      ...baseline.findings.filter((e) => e !== dropped),
      { fingerprint: 'f'.repeat(32), ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::111111111111:role/deleted-since' },
    ]
    writeFileSync(baselinePath, JSON.stringify(baseline))
    const md = join(tmp, 'summary.md')
    const r = await runCli(['scan', '--input', DEMO, '--baseline', baselinePath, '--markdown-output', md])
    // The one new finding is a warning: below --fail-on error.
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^warning tag-key-case-drift {2}tag key team {2}\[new\]$/m)
    const headers = r.stdout.split('\n').filter((l) => /^(error|warning|note) /.test(l))
    expect(headers.filter((l) => l.endsWith('[unchanged]'))).toHaveLength(baseline.findings.length - 1)
    expect(headers.every((l) => /\[(new|unchanged)\]$/.test(l))).toBe(true)
    expect(r.stdout).toContain(`Baseline ${baselinePath}: 1 new, ${baseline.findings.length - 1} unchanged, 1 fixed`)
    expect(r.stdout).toMatch(/^ {2}fixed {2}principal-missing-tag {2}arn:aws:iam::111111111111:role\/deleted-since$/m)
    // The text says it all; stderr does not repeat it.
    expect(r.stderr).not.toContain('baseline')
    const markdown = readFileSync(md, 'utf8')
    expect(markdown).toMatch(/\*\*warning\*\* \(new\) `tag key team`/)
    expect(markdown).toMatch(/\*\*error\*\* \(unchanged\) /)
    expect(markdown).toContain('arn:aws:iam::111111111111:role/deleted-since')
  })
})

describe('the suppressed list', () => {
  it('names the tag key, so two suppressed findings of one principal can be told apart', async () => {
    const rules = join(tmp, 'two-keys.yaml')
    writeFileSync(
      rules,
      [
        'version: 1',
        'tags:',
        '  required:',
        '    - key: team',
        '    - key: cost-center',
        'exceptions:',
        '  - rules: principal-missing-tag',
        "    arn: 'arn:aws:iam::333333333333:user/bob'",
        '    reason: bob leaves at the end of the month',
        '',
      ].join('\n'),
    )
    const r = await runCli(['scan', '--input', DEMO, '--rules', rules, '--fail-on', 'never'])
    const rows = r.stdout.split('\n').filter((l) => l.includes('user/bob') && l.startsWith('  principal-missing-tag'))
    expect(rows).toHaveLength(2)
    expect(rows.some((l) => l.includes('arn:aws:iam::333333333333:user/bob (tag key team)'))).toBe(true)
    expect(rows.some((l) => l.includes('arn:aws:iam::333333333333:user/bob (tag key cost-center)'))).toBe(true)
  })
})
