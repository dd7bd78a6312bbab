/**
 * One self-updating line of progress on stderr for work that may take a while (an offline scan of a
 * large snapshot, a CUR read). Nothing is drawn during the first `delayMs` (a quick run prints no
 * progress at all), then at most one redraw per `minIntervalMs`. The line is `\r` + erase + text, cut to
 * the terminal width so it never wraps; `clear()` erases it before anything else is written to the same
 * terminal, and `stop()` erases it for good. Off unless the stream is a terminal, and off with `--quiet`
 * or in CI (`CI` set), so logs, pipes and JSON/SARIF output never see it.
 */

/** The time source and timer, injectable so tests run on a fake clock. */
export interface StatusClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const SYSTEM_CLOCK: StatusClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    // Never keeps the process alive on its own.
    t.unref()
    return t
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

/** What the line is written to (process.stderr, or a fake terminal in tests). */
export interface StatusStream {
  write(s: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface StatusLineOptions {
  /** Defaults to process.stderr. */
  stream?: StatusStream
  quiet?: boolean
  /** Defaults to process.env (`CI` set: off). */
  env?: Record<string, string | undefined>
  clock?: StatusClock
  /** Nothing is drawn before this (default 2 s). */
  delayMs?: number
  /** At most one redraw per this many milliseconds (default 100, i.e. ≤ 10 per second). */
  minIntervalMs?: number
}

export interface StatusLine {
  /** The current text; a function is only called when the line is drawn. */
  update(text: string | (() => string)): void
  /** Erases the line if it is drawn (before other output); the next update draws it again. */
  clear(): void
  /** Erases the line and draws nothing more. */
  stop(): void
}

export const NO_STATUS_LINE: StatusLine = { update() {}, clear() {}, stop() {} }

const ERASE = '\r\u001b[2K'

export function statusLineEnabled(o: Pick<StatusLineOptions, 'stream' | 'quiet' | 'env'> = {}): boolean {
  const stream = o.stream ?? process.stderr
  const env = o.env ?? process.env
  return !o.quiet && stream.isTTY === true && !env.CI
}

export function createStatusLine(o: StatusLineOptions = {}): StatusLine {
  if (!statusLineEnabled(o)) return NO_STATUS_LINE
  const stream = o.stream ?? process.stderr
  const clock = o.clock ?? SYSTEM_CLOCK
  const minInterval = o.minIntervalMs ?? 100
  let text: string | (() => string) = ''
  let due = false
  let stopped = false
  let drawn = false
  let lastDraw = -Infinity
  const draw = (): void => {
    const t = typeof text === 'function' ? text() : text
    if (t === '') return
    const width = Math.max(20, (stream.columns ?? 80) - 1)
    stream.write(`${ERASE}${t.length > width ? `${t.slice(0, width - 1)}…` : t}`)
    drawn = true
    lastDraw = clock.now()
  }
  const timer = clock.setTimeout(() => {
    if (stopped) return
    due = true
    draw()
  }, o.delayMs ?? 2000)
  const clear = (): void => {
    if (!drawn) return
    stream.write(ERASE)
    drawn = false
    // Redraw on the next update, whatever the throttle says.
    lastDraw = -Infinity
  }
  return {
    update(next) {
      text = next
      if (!due || stopped) return
      if (clock.now() - lastDraw >= minInterval) draw()
    },
    clear,
    stop() {
      if (stopped) return
      clock.clearTimeout(timer)
      clear()
      stopped = true
    },
  }
}
