/**
 * Typed errors and the one exit-code map. Nothing else in the code base decides an exit code.
 */

export const ExitCode = {
  /** No finding at or above --fail-on. */
  Clean: 0,
  /** Findings at or above --fail-on. */
  Findings: 1,
  /** Usage or config error, incomplete result, or internal error. */
  Incomplete: 2,
  /** Interrupted (Ctrl-C). */
  Interrupted: 130,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export class TagwardenError extends Error {
  readonly code: string
  readonly hint?: string
  readonly exitCode: ExitCode = ExitCode.Incomplete
  constructor(code: string, message: string, hint?: string) {
    super(message)
    this.name = new.target.name
    this.code = code
    if (hint !== undefined) this.hint = hint
  }
}

/** A bad flag or argument. */
export class UsageError extends TagwardenError {}

/** A rules file that does not parse or validate. `location` is `file:line:column`. */
export class ConfigError extends TagwardenError {
  readonly location?: string
  constructor(code: string, message: string, opts: { hint?: string; location?: string } = {}) {
    super(code, message, opts.hint)
    if (opts.location !== undefined) this.location = opts.location
  }
}

export function isTagwardenError(e: unknown): e is TagwardenError {
  return e instanceof TagwardenError
}
