import { Args, Flags } from '@oclif/core'
import { TagwardenCommand } from '../../cli/command.js'

export default class RulesExplain extends TagwardenCommand {
  static override summary = 'Explain a rule: why it matters for Bedrock cost attribution, what it checks, examples, the fix.'

  static override description = `Prints the rule's documentation as Markdown: the same text as docs/rules/<id>.md and the SARIF help shown in GitHub code scanning. A custom rule from your rules file is explained through the built-in rule it extends.

Exit codes: 0 explained; 2 no such rule.`

  static override examples = [{ description: 'Why a principal needs its team tag', command: '<%= config.bin %> <%= command.id %> principal-missing-tag' }]

  static override args = {
    id: Args.string({ description: 'Rule ID (see `tagwarden rules list`).', required: true }),
  }

  static override flags = {
    rules: Flags.string({ summary: 'Rules file with custom rules. Default: ./tagwarden.yaml if present.', helpValue: 'FILE' }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RulesExplain)
    const { runRulesExplain } = await import('../../cli/rules-explain.js')
    process.exitCode = runRulesExplain({ id: args.id, rules: flags.rules })
  }
}
