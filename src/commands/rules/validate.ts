import { Args, Flags } from '@oclif/core'
import { TagwardenCommand } from '../../cli/command.js'

export default class RulesValidate extends TagwardenCommand {
  static override summary = 'Check a rules file: schema, rule IDs, options, regexes; with --input, globs and exceptions that match nothing.'

  static override description = `Reports every problem at once as file:line:column: message — invalid YAML, schema violations, unknown rule IDs (in rules, custom rules and exceptions), unknown or mistyped rule options, invalid regular expressions, duplicate tag keys, exception reasons and dates.

With --input, the file is also checked against that inventory: scope paths, ARNs and accounts, gateway name patterns and ARNs, and exception targets that match no IAM user or role, and exceptions that suppress no finding.

Exit codes: 0 valid; 1 the file has problems; 2 usage error (no such file or input).`

  static override examples = [
    { description: 'In CI, before the scan', command: '<%= config.bin %> <%= command.id %> tagwarden.yaml' },
    { description: 'Also find exceptions and globs that match nothing in a snapshot', command: '<%= config.bin %> <%= command.id %> tagwarden.yaml --input snap' },
  ]

  static override args = {
    file: Args.string({ description: 'The rules file to check.', required: true }),
  }

  static override flags = {
    input: Flags.string({ char: 'i', summary: 'Snapshot file or folder to check globs and exceptions against. Repeatable.', multiple: true, helpValue: 'PATH' }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    now: Flags.string({ summary: 'Evaluate as of this date (exception expiry). Also TAGWARDEN_NOW.', helpValue: 'YYYY-MM-DD' }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RulesValidate)
    const [{ runRulesValidate }, { resolveNow }] = await Promise.all([import('../../cli/rules-validate.js'), import('../../cli/clock.js')])
    process.exitCode = await runRulesValidate({ file: args.file, inputs: flags.input, format: flags.format as 'text' | 'json', now: resolveNow(flags.now) })
  }
}
