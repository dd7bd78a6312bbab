/**
 * Progress of an offline scan (snapshots, IaC) and of a CUR read, as one line on stderr once the run has
 * taken about 2 s: accounts (or templates) read so far, then the CUR files and rows. Terminal only, off
 * with --quiet and in CI (see util/status-line.ts); a live --org scan draws its own bar instead.
 */
import type { CurReadProgress } from '../scanners/cur/load.js'
import type { AccountSource } from '../sources/account-source.js'
import { createStatusLine, SYSTEM_CLOCK, type StatusClock, type StatusStream } from '../util/status-line.js'

/** Test seams: a fake terminal and a fake clock. */
export interface ScanProgressOptions {
  stream?: StatusStream
  clock?: StatusClock
}

export interface ScanProgress {
  onAccount(accountId: string, ok: boolean): void
  onCur(p: CurReadProgress): void
  /** Erases the line before anything else is written to stderr (the next update draws it again). */
  clear(): void
  stop(): void
}

const n = (x: number): string => x.toLocaleString('en-US')

export function scanProgress(
  o: ScanProgressOptions & { quiet?: boolean | undefined; env: Record<string, string | undefined>; sources: readonly AccountSource[]; iacOnly: boolean; live?: boolean },
): ScanProgress {
  const clock = o.clock ?? SYSTEM_CLOCK
  const line = createStatusLine({ ...(o.stream ? { stream: o.stream } : {}), ...(o.clock ? { clock: o.clock } : {}), quiet: o.quiet ?? false, env: o.env })
  const started = clock.now()
  const noun = (k: number): string => (o.iacOnly ? (k === 1 ? 'template' : 'templates') : k === 1 ? 'account' : 'accounts')
  let done = 0
  let failed = 0
  const elapsed = (): string => `${Math.round((clock.now() - started) / 1000)} s`
  line.update(() => `tagwarden: reading ${o.live ? 'from AWS' : 'the inputs'}… ${elapsed()}`)
  return {
    onAccount(_id, ok) {
      done++
      if (!ok) failed++
      line.update(() => {
        const total = o.sources.reduce((t, s) => t + (s.accountTotal?.() ?? 0), 0)
        // A multi-document template yields more than its source planned: then no total.
        const known = total >= done
        return `tagwarden: ${n(done)}${known ? ` of ${n(total)}` : ''} ${noun(known ? total : done)} read${failed ? `, ${n(failed)} failed` : ''}… ${elapsed()}`
      })
    },
    onCur(p) {
      line.update(() => `tagwarden: CUR: ${n(p.filesDone)} of ${n(p.files)} file${p.files === 1 ? '' : 's'}, ${n(p.rows)} rows read… ${elapsed()}`)
    },
    clear() {
      line.clear()
    },
    stop() {
      line.stop()
    },
  }
}
