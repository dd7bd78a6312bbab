/**
 * Progress of an org scan on stderr (accounts done/total, errors, ETA) with cli-progress. Never on stdout,
 * off when stderr is not a terminal or with --quiet, so logs and pipes stay clean.
 */
import cliProgress from 'cli-progress'

export interface Progress {
  start(total: number): void
  tick(ok: boolean): void
  stop(): void
}

export const NO_PROGRESS: Progress = { start() {}, tick() {}, stop() {} }

export interface ProgressOptions {
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream
  quiet?: boolean
}

export function progressEnabled(o: ProgressOptions = {}): boolean {
  const stream = o.stream ?? process.stderr
  return !o.quiet && stream.isTTY === true
}

export function createProgress(o: ProgressOptions = {}): Progress {
  if (!progressEnabled(o)) return NO_PROGRESS
  const stream = o.stream ?? process.stderr
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'accounts {bar} {value}/{total} | errors {errors} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  )
  let errors = 0
  let started = false
  return {
    start(total) {
      bar.start(total, 0, { errors })
      started = true
    },
    tick(ok) {
      if (!ok) errors++
      if (started) bar.increment(1, { errors })
    },
    stop() {
      if (started) bar.stop()
      started = false
    },
  }
}
