/**
 * tagwarden's help: oclif's Help, except that an indented line of a command's description (a YAML sample,
 * a list of fields) is printed as written instead of being reflowed into the paragraph around it.
 */
import { format } from 'node:util'
import { CommandHelp, Help, type Command, type Interfaces } from '@oclif/core'

export class TagwardenCommandHelp extends CommandHelp {
  protected override description(): string | undefined {
    const cmd = this.command
    if (!cmd.description) return undefined
    const text = cmd.summary ? `${cmd.summary}\n\n${cmd.description}` : cmd.description
    const out: string[] = []
    let paragraph: string[] = []
    const flush = (): void => {
      if (paragraph.length > 0) out.push(this.wrap(paragraph.join('\n')))
      paragraph = []
    }
    for (const line of text.split(/\r?\n/)) {
      if (/^\s+\S/.test(line)) {
        // Preformatted: kept verbatim (only rendered, for `<%= config.bin %>`).
        flush()
        out.push(this.render(line))
      } else if (line.trim() === '') {
        flush()
        out.push('')
      } else {
        paragraph.push(line)
      }
    }
    flush()
    return out.join('\n')
  }

  /** The USAGE lines of the command, as its help shows them. */
  usageText(): string {
    return this.render(this.usage())
  }
}

export class TagwardenHelp extends Help {
  protected override CommandHelpClass = TagwardenCommandHelp as unknown as typeof CommandHelp

  // On copies: oclif's formatCommand(s) rewrite the commands' IDs in place (`rules:list` → `rules list`),
  // which would break later lookups by ID in the same process.
  protected override formatCommand(command: Command.Loadable): string {
    return super.formatCommand({ ...command })
  }

  protected override formatCommands(commands: Command.Loadable[]): string {
    return super.formatCommands(commands.map((c) => ({ ...c })))
  }

  /** Straight to stdout (oclif goes through console.log, which test runners capture). */
  protected override log(...args: string[]): void {
    process.stdout.write(`${format(...args)}\n`)
  }

  /** `$ tagwarden <command> …` usage lines of one command (for a usage error). */
  usageOf(command: Command.Loadable): string {
    // As formatCommand does: the ID as typed (`rules list`), on a copy (oclif's own help mutates the command).
    const typed = { ...command, id: command.id.split(':').join(this.config.topicSeparator) }
    return (this.getCommandHelpClass(typed) as TagwardenCommandHelp).usageText()
  }
}

/** Help options from package.json, as oclif reads them. */
function helpOptions(config: Interfaces.Config): Partial<Interfaces.HelpOptions> {
  return (config.pjson.oclif as { helpOptions?: Partial<Interfaces.HelpOptions> }).helpOptions ?? {}
}

export function createHelp(config: Interfaces.Config): TagwardenHelp {
  return new TagwardenHelp(config, helpOptions(config))
}
