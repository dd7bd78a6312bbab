import { Args } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'
import { commonFlags, extraOutputFlags, gateFlags, outputFlags, sarifFlags, reportingOptions } from '../cli/flags.js'
import { liveFlagsFor } from '../cli/live-flags.js'

export default class Merge extends TagwardenCommand {
  static override summary = 'Combine the shard aggregates of a sharded org scan into one report.'

  static override description = `Each \`tagwarden scan --org --shard K/N --aggregate-output shard-K.json\` job (e.g. one CI matrix job each) writes a compact aggregate. merge rebuilds the org index from all of them and runs the rules once, so cross-account rules (a gateway in one shard, its targets in another) and org-level rules see the whole organization: the result equals an unsharded scan.

Takes the same output, gate and rules flags as scan. Exit codes as scan.`

  static override examples = [
    { description: 'Merge four shards into SARIF and JSON', command: '<%= config.bin %> <%= command.id %> shard-*.json --format sarif --output results.sarif --json-output results.json' },
  ]

  static override strict = false

  static override args = {
    files: Args.string({ description: 'Shard aggregate files written with --aggregate-output.', required: true }),
  }

  static override flags = {
    ...gateFlags,
    ...outputFlags,
    ...extraOutputFlags,
    ...sarifFlags,
    ...liveFlagsFor('merge'),
    ...commonFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Merge)
    const { runMergeCommand } = await import('../cli/merge-command.js')
    process.exitCode = await runMergeCommand({
      files: argv as string[],
      ...reportingOptions(flags),
      live: { 'allow-partial': flags['allow-partial'] },
    })
  }
}
