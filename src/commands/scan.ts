import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'
import { liveFlagsFor } from '../cli/live-flags.js'
import { IAC_FLAGS } from '../cli/iac-options.js'

const IAC = Object.fromEntries(IAC_FLAGS.map((f) => [f.name, `${f.summary} Default: ${f.default}.`])) as Record<string, string>
import { commonFlags, extraOutputFlags, gateFlags, outputFlags, sarifFlags, reportingOptions } from '../cli/flags.js'
import { costExplorerFlags, curFlag } from '../cli/spend-options.js'

export default class Scan extends TagwardenCommand {
  static override summary = 'Audit IAM principals for Bedrock cost attribution.'

  static override description = `Reads IAM from raw AWS CLI/SDK JSON snapshots (--input) or live from AWS, finds every IAM user and role that can run Amazon Bedrock inference, and checks that its spend can be attributed: required principal tags, session tags and session names for federated roles, per-user AssumeRole for LLM gateways, and long-term Bedrock API keys.

Sources: with --input (or other offline sources) nothing is read from AWS unless --live or --org asks for it too; with no offline source, the caller's AWS account is scanned live with the standard credential chain (--profile, --region). --org scans every ACTIVE account of the Organization through --role-name (read-only calls only; see docs/live-scan.md).

Formats: text, json (the finding contract), sarif (GitHub code scanning), markdown (step summary / PR comment), junit, github (workflow-command annotations). One run can write several: --format/--output for the main output plus --<format>-output FILE for each extra one.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it (with --baseline: new findings only); 2 usage/config error or an incomplete result (an input that could not be read); 130 interrupted.`

  static override examples = [
    {
      description: 'Audit the bundled demo organization',
      command: '<%= config.bin %> <%= command.id %> --input examples/demo-org',
    },
    {
      description: 'Audit an exported account, fail the build on warnings too',
      command: 'aws iam get-account-authorization-details --output json > snap/auth.json && <%= config.bin %> <%= command.id %> --input snap --fail-on warning',
    },
    {
      description: 'Pre-deploy gate on infrastructure as code (CloudFormation, CDK cdk.out, Terraform plan JSON), SARIF with line numbers',
      command: '<%= config.bin %> <%= command.id %> --iac infra/ --iac cdk.out --changed-only origin/main --format sarif --output results.sarif',
    },
    {
      description: 'Audit the whole AWS Organization live through a read-only audit role',
      command: '<%= config.bin %> <%= command.id %> --org --role-name tagwarden-audit --json-output results.json',
    },
    {
      description: 'CI: annotations on stdout, SARIF for code scanning, JSON for later, Markdown step summary',
      command: '<%= config.bin %> <%= command.id %> --input snap --format github --sarif-output results.sarif --json-output results.json --markdown-output "$GITHUB_STEP_SUMMARY"',
    },
    {
      description: 'Pull-request gate: rules file and baseline from the base branch (the pull request cannot relax them), inline suppressions ignored',
      command:
        'git fetch --depth=1 origin main && <%= config.bin %> <%= command.id %> --iac infra/ --config-from-ref origin/main --baseline .tagwarden-baseline.json --no-inline-suppressions',
    },
    {
      description: 'Audit a large collected organization on 2 worker threads (--jobs 1: in the main thread)',
      command: '<%= config.bin %> <%= command.id %> --input collected/ --jobs 2 --json-output results.json',
    },
    {
      description: 'Gate only on findings that are not in the baseline',
      command: '<%= config.bin %> baseline create --from results.json && <%= config.bin %> <%= command.id %> --input snap --baseline .tagwarden-baseline.json',
    },
  ]

  static override flags = {
    input: Flags.string({
      char: 'i',
      summary: 'Snapshot file or folder (walked for *.json). Repeatable.',
      multiple: true,
      helpValue: 'PATH',
    }),
    ...gateFlags,
    'config-from-ref': Flags.string({
      summary:
        'Read the rules file (--rules, default ./tagwarden.yaml) and the --baseline file from this git ref (e.g. origin/main) instead of the working tree, which a pull request controls. A file missing at REF means the bundled rules / no baseline; a working-tree copy that differs is ignored and named on stderr. The ref must be fetched (exit 2 otherwise).',
      helpValue: 'REF',
      helpGroup: 'GATE',
    }),
    'inline-suppressions': Flags.boolean({
      summary:
        'Honour IaC inline suppressions (Metadata.tagwarden.ignore, # tagwarden:ignore). --no-inline-suppressions ignores them, so a pull request cannot hide its own findings; the summary says so.',
      allowNo: true,
      default: true,
      helpGroup: 'GATE',
    }),
    ...outputFlags,
    ...extraOutputFlags,
    ...sarifFlags,
    iac: Flags.string({ summary: IAC.iac, multiple: true, helpValue: 'PATH' }),
    'tf-dir': Flags.string({ summary: IAC['tf-dir'], helpValue: 'DIR', helpGroup: 'IAC' }),
    'var-file': Flags.string({ summary: IAC['var-file'], helpValue: 'FILE', helpGroup: 'IAC', multiple: true }),
    'changed-only': Flags.string({ summary: IAC['changed-only'], helpValue: 'BASE_REF', helpGroup: 'IAC' }),
    'base-path': Flags.string({ summary: IAC['base-path'], helpValue: 'DIR', helpGroup: 'IAC' }),
    cur: curFlag('puts Bedrock spend on findings and adds the spend ledger'),
    jobs: Flags.string({
      summary:
        'Worker threads that read and analyse the --input accounts (1–64). Default: one per core, at most 4, when a snapshot has several accounts and 256 MB or more of files (about 150,000 principals: there workers bound the memory), else the main thread; 1: the main thread only.',
      helpValue: 'N',
    }),
    'used-within': Flags.string({
      summary: 'Keep only findings about principals that used Bedrock within this window (e.g. 90d, 12w); needs Bedrock use evidence (--usage on a live scan).',
      helpValue: 'DURATION',
    }),
    ...liveFlagsFor('scan'),
    ...costExplorerFlags,
    ...commonFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Scan)
    // Heavy modules load only when a scan actually runs, so `--help` stays fast.
    const { runScanCommand } = await import('../cli/scan-command.js')
    process.exitCode = await runScanCommand({
      inputs: flags.input ?? [],
      cur: flags.cur,
      costExplorer: { 'cost-explorer': flags['cost-explorer'], since: flags.since, 'cache-dir': flags['cache-dir'] },
      iac: { paths: flags.iac ?? [], tfDir: flags['tf-dir'], changedOnly: flags['changed-only'], basePath: flags['base-path'], varFiles: flags['var-file'] },
      live: {
        live: flags.live,
        org: flags.org,
        accounts: flags.accounts,
        'exclude-accounts': flags['exclude-accounts'],
        ou: flags.ou,
        'role-name': flags['role-name'],
        'external-id': flags['external-id'],
        profile: flags.profile,
        region: flags.region,
        concurrency: flags.concurrency,
        'max-attempts': flags['max-attempts'],
        scps: flags.scps,
        shard: flags.shard,
        quiet: flags.quiet,
        usage: flags.usage,
        'usage-limit': flags['usage-limit'],
        'aggregate-output': flags['aggregate-output'],
        'allow-partial': flags['allow-partial'],
      },
      debug: flags.debug,
      configFromRef: flags['config-from-ref'],
      inlineSuppressions: flags['inline-suppressions'],
      usedWithin: flags['used-within'],
      jobs: flags.jobs,
      ...reportingOptions(flags),
    })
  }
}
