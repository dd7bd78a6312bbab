import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'
import { commonFlags, extraOutputFlags } from '../cli/flags.js'
import { costExplorerFlags, curFlag, SPEND_FORMATS, type SpendFormat } from '../cli/spend-options.js'

export default class Spend extends TagwardenCommand {
  static override summary = 'Report Bedrock spend per account and team: attributed vs untagged, and tag activation.'

  static override description = `Reads Cost Explorer data — saved \`aws ce\` outputs in --input, or the Cost Explorer API with --cost-explorer — and reports Amazon Bedrock spend (UnblendedCost, usage only: credits, refunds and taxes excluded) per linked account and per value of each required tag key, how much of it carries no value, and whether each key is an active IAM-principal cost allocation tag (\`iamPrincipal/<key>\`).

Formats: text, json, markdown (with a Mermaid chart; GitHub renders it in step summaries and PR comments), csv (with --cur: the ledger, one row per principal, key and day), html (one self-contained file: with --cur the ledger's headline, chart, team spend and trend; --html-output FILE writes it besides the main output).

--cost-explorer must run with credentials of the management (payer) account or an account with billing access, allowed ce:ListCostAllocationTags, ce:GetDimensionValues and ce:GetCostAndUsage. Every Cost Explorer request costs USD 0.01 (each result page counts): about 2 + one per required tag key per run. The estimate is printed before the first request and the exact count after; with --cache-dir a re-run the same day costs nothing.

Exit codes: 0 report written; 2 usage error, unreadable input, or a Cost Explorer failure (AccessDenied, DataUnavailable) unless --allow-partial.`

  static override examples = [
    { description: 'The demo organization’s saved Cost Explorer outputs', command: '<%= config.bin %> <%= command.id %> --input examples/demo-org' },
    { description: 'Live, last 30 days, cached for the day, as a step summary', command: '<%= config.bin %> <%= command.id %> --cost-explorer --cache-dir .tagwarden-cache --format markdown --output "$GITHUB_STEP_SUMMARY"' },
    { description: 'The ledger from a CUR 2.0 export, as a self-contained HTML page', command: '<%= config.bin %> <%= command.id %> --input snap --cur s3://my-cur-bucket/cur2/my-export/ --html-output spend.html' },
    { description: 'Since the start of the quarter', command: '<%= config.bin %> <%= command.id %> --cost-explorer --since 2026-07-01 --format json --output spend.json' },
  ]

  static override flags = {
    input: Flags.string({ char: 'i', summary: 'File or folder with saved `aws ce` JSON outputs (walked for *.json; IAM files are ignored). Repeatable.', multiple: true, helpValue: 'PATH' }),
    ...costExplorerFlags,
    profile: Flags.string({ summary: 'With --cost-explorer or an s3:// / athena:// --cur: named profile from the shared AWS config (also AWS_PROFILE).', helpValue: 'NAME', helpGroup: 'SPEND' }),
    region: Flags.string({ summary: 'With --cost-explorer or an s3:// / athena:// --cur: region for the credential chain (Cost Explorer itself answers from us-east-1).', helpValue: 'REGION', helpGroup: 'SPEND' }),
    cur: curFlag('adds the spend ledger, team × account / model, top principals and the daily trend; with IAM snapshots in --input the causes too. --format csv: one row per principal, key and day'),
    'allow-partial': Flags.boolean({ summary: 'Exit 0 even when Cost Explorer failed or an input could not be read (the report says so).' }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: [...SPEND_FORMATS], default: 'text' }),
    output: Flags.string({ char: 'o', summary: 'Write to FILE instead of stdout (appended when FILE is $GITHUB_STEP_SUMMARY).', helpValue: 'FILE' }),
    'html-output': extraOutputFlags['html-output'],
    color: Flags.boolean({ summary: 'Colour text output (default: on a TTY unless NO_COLOR is set).', allowNo: true }),
    quiet: Flags.boolean({ summary: 'No progress on stderr while the CUR is read (it is also off when stderr is not a terminal, and in CI).' }),
    ...commonFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Spend)
    // The reporters and the AWS SDK load only when a report is made, so `--help` stays fast.
    const { runSpendCommand } = await import('../cli/spend-command.js')
    process.exitCode = await runSpendCommand({
      inputs: flags.input ?? [],
      costExplorer: flags['cost-explorer'],
      since: flags.since,
      cacheDir: flags['cache-dir'],
      format: flags.format as SpendFormat,
      output: flags.output,
      htmlOutput: flags['html-output'],
      rules: flags.rules,
      now: flags.now,
      color: flags.color,
      allowPartial: flags['allow-partial'],
      cur: flags.cur,
      profile: flags.profile,
      region: flags.region,
      quiet: flags.quiet,
    })
  }
}
