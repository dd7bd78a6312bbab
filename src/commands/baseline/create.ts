import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../../cli/command.js'
import { commonFlags } from '../../cli/flags.js'
import { DEFAULT_BASELINE_PATH } from '../../baseline/file.js'

export default class BaselineCreate extends TagwardenCommand {
  static override summary = 'Write a baseline file: the current findings, accepted for now.'

  static override description = `A baseline lists finding fingerprints (with rule and subject for reviewers). \`scan --baseline FILE\` then fails only on findings not in it, marks the rest unchanged, and lists entries that are fixed so the file can shrink.

Make it from an existing JSON result (--from; rescanning 1,000 accounts is expensive) or from a scan (--input). Suppressed (excepted) findings are not included: their exception already covers them.

Exit codes: 0 written; 2 usage error, or the scan/result was incomplete (the baseline is still written, but findings from unread inputs are missing from it).`

  static override examples = [
    { description: 'From the JSON result of the last scan', command: '<%= config.bin %> <%= command.id %> --from results.json' },
    { description: 'From a fresh scan', command: '<%= config.bin %> <%= command.id %> --input snap --output .tagwarden-baseline.json' },
  ]

  static override flags = {
    from: Flags.string({ summary: 'A `scan --format json` result to take the findings from.', helpValue: 'FILE', exclusive: ['input'] }),
    input: Flags.string({ char: 'i', summary: 'Snapshot file or folder to scan. Repeatable.', multiple: true, helpValue: 'PATH' }),
    output: Flags.string({ char: 'o', summary: `Baseline file to write (- for stdout).`, default: DEFAULT_BASELINE_PATH, helpValue: 'FILE' }),
    'skip-rule': Flags.string({ summary: 'Do not run this rule (scan only). Repeatable.', multiple: true, helpValue: 'RULE-ID' }),
    ...commonFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(BaselineCreate)
    const { runBaselineCreate } = await import('../../cli/baseline-command.js')
    process.exitCode = await runBaselineCreate({
      from: flags.from,
      inputs: flags.input ?? [],
      output: flags.output,
      skipRules: flags['skip-rule'],
      rules: flags.rules,
      now: flags.now,
    })
  }
}
