import { Args } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'
import { commonFlags, extraOutputFlags, gateFlags, outputFlags, sarifFlags, reportingOptions } from '../cli/flags.js'
import { liveFlagsFor } from '../cli/live-flags.js'
import { curFlag } from '../cli/spend-options.js'

export default class Merge extends TagwardenCommand {
  static override summary = 'Combine the shard aggregates of a sharded org scan into one report.'

  static override description = `Each \`tagwarden scan --org --shard K/N --aggregate-output shard-K.json\` job (e.g. one CI matrix job each) writes a compact aggregate. merge rebuilds the org index from all of them and runs the rules once, so cross-account rules (a gateway in one shard, its targets in another) and org-level rules see the whole organization: the result equals an unsharded scan.

With --cur (a CUR 2.0 export, as for scan) the merged report carries the spend ledger, computed over all shards: a shard alone cannot tell a deleted principal from one in an account another shard scanned.

Takes the same output, gate and rules flags as scan. Exit codes as scan.`

  static override examples = [
    { description: 'Merge four shards into SARIF and JSON', command: '<%= config.bin %> <%= command.id %> shard-*.json --format sarif --output results.sarif --json-output results.json' },
    { description: 'With the spend ledger from the CUR 2.0 export, and the HTML report', command: '<%= config.bin %> <%= command.id %> shard-*.json --cur s3://my-cur-bucket/cur2/my-export/ --json-output results.json --html-output report.html' },
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
    cur: curFlag('adds the spend ledger over all shards and puts Bedrock spend on findings'),
    ...liveFlagsFor('merge'),
    ...commonFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Merge)
    const { runMergeCommand } = await import('../cli/merge-command.js')
    process.exitCode = await runMergeCommand({
      files: argv as string[],
      cur: flags.cur,
      ...reportingOptions(flags),
      live: { 'allow-partial': flags['allow-partial'], profile: flags.profile, region: flags.region, quiet: flags.quiet },
    })
  }
}
