/**
 * The base of every tagwarden command: oclif's parse errors become one plain usage error (exit 2) that
 * names the command as typed, suggests the flag a mistyped one probably meant, and shows the command's
 * usage when an argument or a required flag is missing — without oclif's internal IDs or its note about
 * multi-value flags.
 */
import { Command, type Interfaces } from '@oclif/core'
import { UsageError } from '../errors.js'
import { closest } from '../util/text.js'
import { displayId } from './dispatch.js'
import { createHelp } from './help.js'

/** A usage error that also shows the command's usage lines. */
export class CommandUsageError extends UsageError {
  constructor(
    code: string,
    message: string,
    hint: string,
    readonly usage: string,
  ) {
    super(code, message, hint)
  }
}

/** Usage errors of a command called without what it works on: they show the usage too. */
const NOTHING_TO_WORK_ON = new Set(['no-input', 'baseline-no-source', 'merge-no-input'])

type FlagTable = Record<string, Interfaces.Flag<unknown> & { aliases?: string[]; charAliases?: string[] }>

/** Every spelling of the command's flags: `--name`, `--alias`, `-c`. */
function flagSpellings(flags: FlagTable): string[] {
  const out: string[] = []
  for (const [name, f] of Object.entries(flags)) {
    if (f.hidden) continue
    out.push(`--${name}`, ...(f.aliases ?? []).map((a) => `--${a}`))
    if (f.type === 'boolean' && (f as { allowNo?: boolean }).allowNo) out.push(`--no-${name}`)
    if (f.char) out.push(`-${f.char}`)
  }
  return out
}

/** `--inputs` → `--input`; `--input=x` style values are kept out of the comparison. */
export function suggestFlag(given: string, flags: FlagTable): string | undefined {
  const name = given.split('=')[0]!
  const spellings = flagSpellings(flags)
  return closest(name, spellings, Math.max(2, Math.floor(name.length / 4)))
}

interface ParseErrorLike extends Error {
  flags?: string[]
  args?: Array<{ name?: string; description?: string } | string>
}

function errorName(e: Error): string {
  return e.constructor?.name ?? e.name
}

export abstract class TagwardenCommand extends Command {
  /** The command's ID (`rules:list`), however oclif spelt it. */
  private get commandId(): string {
    return (this.id ?? this.ctor.id ?? '').split(' ').join(':')
  }

  /** The command as the user types it (`rules list`). */
  protected get typedName(): string {
    return `${this.config.bin} ${displayId(this.commandId)}`.trim()
  }

  private usageLines(): string {
    const cmd = this.config.findCommand(this.commandId)
    return cmd ? createHelp(this.config).usageOf(cmd) : ''
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    throw this.translate(err)
  }

  private translate(err: ParseErrorLike): Error {
    const hint = `\`${this.config.bin} help ${displayId(this.commandId)}\` shows every flag`
    switch (errorName(err)) {
      case 'NonExistentFlagsError': {
        const flags = err.flags ?? []
        const parts = flags.map((f) => {
          const s = suggestFlag(f, this.ctor.flags as FlagTable)
          return `${f}${s ? ` (did you mean ${s}?)` : ''}`
        })
        return new UsageError('unknown-flag', `${this.typedName} has no flag ${parts.join(', ')}`, hint)
      }
      case 'RequiredArgsError': {
        const missing = (err.args ?? []).map((a) => (typeof a === 'string' ? a : `${(a.name ?? '').toUpperCase()}${a.description ? ` (${a.description.replace(/\.$/, '')})` : ''}`))
        return new CommandUsageError('missing-argument', `${this.typedName} needs ${missing.join(' and ')}`, hint, this.usageLines())
      }
      case 'UnexpectedArgsError': {
        const args = (err.args ?? []).map(String)
        return new CommandUsageError('unexpected-argument', `${this.typedName} takes no argument ${args.map((a) => `\`${a}\``).join(', ')}`, hint, this.usageLines())
      }
      case 'FailedFlagValidationError': {
        // oclif: "The following error occurred:\n  Missing required flag out\n  See more help with --help"
        const reasons = err.message
          .split('\n')
          .slice(1)
          // eslint-disable-next-line no-control-regex
          .map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trim())
          .filter((l) => l !== '' && !/^See more help/.test(l))
        const required = reasons.map((r) => /^Missing required flag (\S+)/.exec(r)?.[1]).filter((n): n is string => n !== undefined)
        if (required.length === reasons.length && required.length > 0) {
          return new CommandUsageError('missing-flag', `${this.typedName} needs ${required.map((n) => `--${n}`).join(' and ')}`, hint, this.usageLines())
        }
        return new CommandUsageError('invalid-flags', `${this.typedName}: ${reasons.join('; ')}`, hint, this.usageLines())
      }
      default:
        // Called with nothing to work on (`spend`, `baseline create` alone): the usage says what it takes.
        if (err instanceof UsageError && !(err instanceof CommandUsageError) && NOTHING_TO_WORK_ON.has(err.code)) {
          return new CommandUsageError(err.code, err.message, err.hint ?? hint, this.usageLines())
        }
        return err
    }
  }
}
