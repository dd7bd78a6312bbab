import { Command, Flags } from '@oclif/core'
import { commonFlags, outputFlags } from '../cli/flags.js'

export default class Scan extends Command {
  static override summary = 'Audit IAM principals for Bedrock cost attribution.'

  static override description = `Reads raw AWS CLI/SDK JSON snapshots (--input), finds every IAM user and role that can run Amazon Bedrock inference, and checks that its spend can be attributed: required principal tags, session tags and session names for federated roles, per-user AssumeRole for LLM gateways, and long-term Bedrock API keys.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage/config error or an incomplete result (an input that could not be read); 130 interrupted.`

  static override examples = [
    {
      description: 'Audit the bundled demo organization',
      command: '<%= config.bin %> <%= command.id %> --input examples/demo-org',
    },
    {
      description: 'Audit an exported account, fail the build on warnings too',
      command: 'aws iam get-account-authorization-details --output json > snap/auth.json\n<%= config.bin %> <%= command.id %> --input snap --fail-on warning',
    },
    {
      description: 'Machine-readable output',
      command: '<%= config.bin %> <%= command.id %> --input snap --format json --output results.json',
    },
  ]

  static override flags = {
    input: Flags.string({
      char: 'i',
      summary: 'Snapshot file or folder (walked for *.json). Repeatable.',
      multiple: true,
      helpValue: 'PATH',
    }),
    'fail-on': Flags.string({
      summary: 'Lowest severity that makes the exit code 1.',
      options: ['error', 'warning', 'note', 'never'],
      default: 'error',
    }),
    ...outputFlags,
    ...commonFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Scan)
    // Heavy modules load only when a scan actually runs, so `--help` stays fast.
    const { runScanCommand } = await import('../cli/scan-command.js')
    process.exitCode = await runScanCommand({
      inputs: flags.input ?? [],
      format: flags.format as 'text' | 'json',
      output: flags.output,
      failOn: flags['fail-on'] as 'error' | 'warning' | 'note' | 'never',
      rules: flags.rules,
      now: flags.now,
      color: flags.color,
      verbose: flags.verbose,
    })
  }
}
