/**
 * The flags of live scans (`scan --live/--org`, `collect`, `merge`), as data, and their translation into
 * `LiveScanOptions`. Kept free of AWS SDK imports so `tagwarden --help` stays fast: the live scanner
 * itself (src/pipeline/live-source.ts) is imported only when a live scan runs.
 */
import { UsageError } from '../errors.js'
import type { LiveScanOptions } from '../sources/live.js'
import { parseShard } from '../scanners/live/shard.js'

export interface LiveFlagSpec {
  name: string
  type: 'boolean' | 'string' | 'integer'
  summary: string
  default?: boolean | string | number
  helpValue?: string
  multiple?: boolean
  /** `--no-<name>` is accepted (booleans). */
  allowNo?: boolean
  min?: number
  max?: number
  required?: boolean
  /** One-letter form (`-o`). */
  char?: string
  /** Other accepted names (`--out` for `--output`). */
  aliases?: string[]
  /** Commands that take the flag. */
  commands: Array<'scan' | 'collect' | 'merge'>
  helpGroup: 'AWS' | 'OUTPUTS'
}

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole'

export const LIVE_FLAGS: readonly LiveFlagSpec[] = [
  {
    name: 'live',
    type: 'boolean',
    summary: 'Scan AWS directly (the caller’s account) with the standard credential chain instead of --input files. Implied by --org.',
    commands: ['scan'],
    helpGroup: 'AWS',
  },
  {
    name: 'org',
    type: 'boolean',
    summary: 'Scan every ACTIVE account of the AWS Organization (run from the management account or a delegated administrator).',
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'accounts',
    type: 'string',
    summary: 'With --org: only these account IDs (comma-separated or repeated).',
    helpValue: 'ID,…',
    multiple: true,
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'exclude-accounts',
    type: 'string',
    summary: 'With --org: skip these account IDs (comma-separated or repeated).',
    helpValue: 'ID,…',
    multiple: true,
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'ou',
    type: 'string',
    summary: 'With --org: only accounts under this OU, at any depth (repeatable).',
    helpValue: 'ou-xxxx-xxxxxxxx',
    multiple: true,
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'role-name',
    type: 'string',
    summary: 'Role to assume in each member account. Prefer the read-only tagwarden-audit role (docs/iam/audit-role-stackset.yaml).',
    default: DEFAULT_ROLE_NAME,
    helpValue: 'NAME',
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'external-id',
    type: 'string',
    summary: 'sts:ExternalId to present when assuming --role-name.',
    helpValue: 'ID',
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'profile',
    type: 'string',
    summary: 'Named profile from the shared AWS config (also AWS_PROFILE); SSO profiles work after `aws sso login`.',
    helpValue: 'NAME',
    commands: ['scan', 'collect', 'merge'],
    helpGroup: 'AWS',
  },
  {
    name: 'region',
    type: 'string',
    summary: 'Region of the API endpoints (default: AWS_REGION, the profile’s region, else us-east-1). us-gov-west-1 or cn-north-1 for GovCloud and China.',
    helpValue: 'REGION',
    commands: ['scan', 'collect', 'merge'],
    helpGroup: 'AWS',
  },
  {
    name: 'sso-region',
    type: 'string',
    summary: 'Region of your IAM Identity Center instance, where its permission sets and attributes for access control are read (default: --region).',
    helpValue: 'REGION',
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'sso-account',
    type: 'string',
    summary: 'Read IAM Identity Center in this account (its delegated administrator) through --role-name; default: the caller’s account.',
    helpValue: 'ID',
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'concurrency',
    type: 'integer',
    summary: 'Accounts read at the same time.',
    default: 8,
    min: 1,
    max: 64,
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'max-attempts',
    type: 'integer',
    summary: 'Attempts per AWS call, with adaptive backoff and jitter on throttling, HTTP 429 and 5xx.',
    default: 5,
    min: 1,
    max: 20,
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'scps',
    type: 'boolean',
    summary: 'With --org: read service control policies and apply them to Bedrock access (--no-scps to skip).',
    default: true,
    allowNo: true,
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'usage',
    type: 'boolean',
    summary: 'Ask IAM Access Advisor when each Bedrock-capable principal last used Bedrock (two extra read calls per such principal); marks findings bedrock-used / never-used and enables bedrock-capable-unused.',
    commands: ['scan'],
    helpGroup: 'AWS',
  },
  {
    name: 'usage-limit',
    type: 'integer',
    summary: 'With --usage: ask about at most N principals across the scan.',
    min: 1,
    commands: ['scan'],
    helpGroup: 'AWS',
  },
  {
    name: 'shard',
    type: 'string',
    summary: 'With --org: scan only shard K of N (1-based; by account-ID hash), e.g. one CI matrix job each; combine with `tagwarden merge`.',
    helpValue: 'K/N',
    commands: ['scan', 'collect'],
    helpGroup: 'AWS',
  },
  {
    name: 'aggregate-output',
    type: 'string',
    summary: 'With --shard: also write the shard’s aggregate (for `tagwarden merge`) to FILE.',
    helpValue: 'FILE',
    commands: ['scan'],
    helpGroup: 'OUTPUTS',
  },
  {
    name: 'allow-partial',
    type: 'boolean',
    summary: 'Do not exit 2 when some accounts or calls failed; they stay in errors[].',
    commands: ['scan', 'collect', 'merge'],
    helpGroup: 'AWS',
  },
  {
    name: 'quiet',
    type: 'boolean',
    summary: 'No progress on stderr (it is also off when stderr is not a terminal, and in CI).',
    commands: ['scan', 'collect', 'merge'],
    helpGroup: 'OUTPUTS',
  },
  {
    name: 'output',
    char: 'o',
    aliases: ['out'],
    type: 'string',
    summary: 'Folder to write the snapshot to (new or empty); scan it later with `tagwarden scan --input DIR`. Also --out.',
    helpValue: 'DIR',
    required: true,
    commands: ['collect'],
    helpGroup: 'OUTPUTS',
  },
]

/** The parsed values of the flags above (oclif's camel-cased or kebab-cased keys both work). */
export interface LiveFlagValues {
  live?: boolean
  org?: boolean
  accounts?: string[]
  'exclude-accounts'?: string[]
  ou?: string[]
  'role-name'?: string
  'external-id'?: string
  profile?: string
  region?: string
  'sso-region'?: string
  'sso-account'?: string
  concurrency?: number
  'max-attempts'?: number
  scps?: boolean
  shard?: string
  quiet?: boolean
  usage?: boolean
  'usage-limit'?: number
}

const ACCOUNT_ID_RE = /^\d{12}$/
const OU_RE = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/

function idList(flag: string, values: string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined
  const ids = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))]
  const bad = ids.filter((id) => !ACCOUNT_ID_RE.test(id))
  if (bad.length > 0) throw new UsageError('invalid-account-id', `--${flag}: ${bad.join(', ')} is not a 12-digit AWS account ID`, 'e.g. --accounts 111111111111,222222222222')
  return ids
}

/** Whether the flags ask for a live scan (no --input needed). */
export function isLiveScan(flags: Pick<LiveFlagValues, 'live' | 'org'>): boolean {
  return flags.live === true || flags.org === true
}

/** Validates the flags and builds the live scanner's options. Throws `UsageError` (exit 2). */
export function liveOptionsFromFlags(flags: LiveFlagValues): LiveScanOptions {
  const org = flags.org === true
  const accounts = idList('accounts', flags.accounts)
  const excludeAccounts = idList('exclude-accounts', flags['exclude-accounts'])
  const ous = flags.ou && flags.ou.length > 0 ? [...new Set(flags.ou.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))] : undefined
  for (const ou of ous ?? []) {
    if (!OU_RE.test(ou)) throw new UsageError('invalid-ou', `--ou ${ou} is not an OU ID (ou-xxxx-xxxxxxxx) or root ID (r-xxxx)`, 'list them with `aws organizations list-organizational-units-for-parent --parent-id r-xxxx`')
  }
  const orgOnly: Array<[string, unknown]> = [
    ['--accounts', accounts],
    ['--exclude-accounts', excludeAccounts],
    ['--ou', ous],
    ['--shard', flags.shard],
  ]
  for (const [name, value] of orgOnly) {
    if (value !== undefined && !org) throw new UsageError('flag-needs-org', `${name} needs --org`, `without --org tagwarden scans only the caller's account; add --org`)
  }
  const opts: LiveScanOptions = {
    org,
    roleName: flags['role-name'] ?? DEFAULT_ROLE_NAME,
    concurrency: flags.concurrency ?? 8,
    maxAttempts: flags['max-attempts'] ?? 5,
    scps: flags.scps ?? true,
    quiet: flags.quiet ?? false,
  }
  if (!/^[\w+=,.@/-]{1,512}$/.test(opts.roleName!)) throw new UsageError('invalid-role-name', `--role-name ${opts.roleName} is not a valid IAM role name`, 'e.g. --role-name tagwarden-audit')
  if (accounts) opts.accounts = accounts
  if (excludeAccounts) opts.excludeAccounts = excludeAccounts
  if (ous) opts.ous = ous
  if (flags['external-id'] !== undefined) opts.externalId = flags['external-id']
  if (flags.profile !== undefined) opts.profile = flags.profile
  if (flags.region !== undefined) opts.region = flags.region
  if (flags['sso-region'] !== undefined) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(flags['sso-region'])) throw new UsageError('invalid-region', `--sso-region ${flags['sso-region']} is not an AWS Region`, 'e.g. --sso-region eu-west-1 (where `aws sso-admin list-instances` lists your instance)')
    opts.ssoRegion = flags['sso-region']
  }
  if (flags['sso-account'] !== undefined) opts.ssoAccount = idList('sso-account', [flags['sso-account']])![0]!
  if (flags.shard !== undefined) opts.shard = parseShard(flags.shard)
  if (flags['usage-limit'] !== undefined && !flags.usage) throw new UsageError('flag-needs-usage', '--usage-limit needs --usage', 'add --usage')
  if (flags.usage) opts.usage = true
  if (flags['usage-limit'] !== undefined) opts.usageLimit = flags['usage-limit']
  return opts
}
