import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../../cli/command.js'

export default class RulesList extends TagwardenCommand {
  static override summary = 'List the rules in effect: ID, severity, enabled, and the file that configured each.'

  static override description = `Built-in rules and the custom rules of your rules file (./tagwarden.yaml when present, or --rules FILE). SOURCE is the file that last configured the rule: <bundled> is tagwarden's own rules.yaml, <built-in> a rule at its defaults.

Exit codes: 0 listed; 2 the rules file does not load.`

  static override examples = [
    { description: 'The rules and where each is configured', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'As JSON, with your rules file', command: '<%= config.bin %> <%= command.id %> --rules tagwarden.yaml --format json' },
  ]

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    rules: Flags.string({ summary: 'Rules file (YAML). Default: ./tagwarden.yaml if present.', helpValue: 'FILE' }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(RulesList)
    const { runRulesList } = await import('../../cli/rules-list.js')
    process.exitCode = runRulesList({ format: flags.format as 'text' | 'json', rules: flags.rules })
  }
}
