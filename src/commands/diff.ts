import { Args, Flags } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'

export default class Diff extends TagwardenCommand {
  static override summary = 'Compare two JSON results: new, fixed and still-open findings.'

  static override description = `Matches findings by fingerprint (rule + subject + tag key), so the comparison survives input order and reruns. Suppressed findings count on neither side. For the periodic-audit trend; --format markdown gives a report section.

Exit codes: 0 compared (with --fail-on-new: and nothing new); 1 --fail-on-new and new findings; 2 usage error or unreadable result.`

  static override examples = [
    { description: 'Last month against this month, as Markdown', command: '<%= config.bin %> <%= command.id %> audit-2026-05.json audit-2026-06.json --format markdown' },
  ]

  static override args = {
    old: Args.string({ description: 'The earlier `scan --format json` result.', required: true }),
    new: Args.string({ description: 'The later `scan --format json` result.', required: true }),
  }

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'markdown', 'json'], default: 'text' }),
    output: Flags.string({ char: 'o', summary: 'Write to FILE instead of stdout.', helpValue: 'FILE' }),
    'fail-on-new': Flags.boolean({ summary: 'Exit 1 when NEW has findings OLD did not.' }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff)
    const { runDiff } = await import('../cli/baseline-command.js')
    process.exitCode = runDiff({ old: args.old, new: args.new, format: flags.format as 'text' | 'markdown' | 'json', output: flags.output, failOnNew: flags['fail-on-new'] })
  }
}
