import { Args } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'

export default class Help extends TagwardenCommand {
  static override summary = 'Show help for tagwarden, a topic or a command.'

  static override examples = [
    { description: 'The flags, exit codes and examples of scan', command: '<%= config.bin %> <%= command.id %> scan' },
    { description: 'A subcommand', command: '<%= config.bin %> <%= command.id %> rules validate' },
  ]

  static override strict = false

  static override args = {
    command: Args.string({ description: 'Command or topic, as you would type it (e.g. `rules list`).' }),
  }

  async run(): Promise<void> {
    const { argv } = await this.parse(Help)
    const { showHelpFor } = await import('../cli/dispatch.js')
    await showHelpFor(argv as string[], this.config)
  }
}
