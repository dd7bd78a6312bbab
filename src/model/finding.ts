/**
 * The finding contract. `tagwarden scan --format json` prints a `ScanReport`; every other format
 * (text, SARIF, Markdown, JUnit) is derived from it. Its JSON Schema is `schemas/report.schema.json`;
 * bump `REPORT_SCHEMA_VERSION` on any incompatible change.
 */
import type { SpendCoverage } from './spend.js'
import type { Ledger } from './ledger.js'

export const REPORT_SCHEMA_VERSION = '1.1'

export type Severity = 'error' | 'warning' | 'note'

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 }

/** `permission-set` (schema 1.1): an IAM Identity Center permission set, `arn` its ARN, `accountId` the instance's owner. */
export type SubjectKind = 'user' | 'role' | 'account' | 'tag-key' | 'iac-resource' | 'api-key' | 'org' | 'permission-set'

export interface Subject {
  kind: SubjectKind
  arn?: string
  accountId?: string
  name?: string
  file?: string
  line?: number
  column?: number
  logicalId?: string
  address?: string
  constructPath?: string
  tagKey?: string
}

/** How the principal can be reached; drives which rule owns a role. */
export type AttributionPath = 'iam-user' | 'workload' | 'iam-principal' | 'federation' | 'gateway' | 'unreachable'

export interface Evidence {
  /** Statements that grant the Bedrock capability, as `<policy source>#Statement[i]` plus the actions. */
  grants?: Array<{ policy: string; statement: string; actions: string[]; conditional?: boolean; policyVariables?: string[] }>
  /** Per granted inference action, the SAR resource types it is allowed on (`*`: an action without resource types). */
  resourceTypes?: Record<string, string[]>
  [key: string]: unknown
}

export interface Suppression {
  kind: 'exception' | 'inline' | 'baseline'
  reason: string
  expires?: string
  source?: string
}

/** How the finding's principal has been used (`scan` marks every principal finding). */
export interface FindingUsage {
  state: 'bedrock-used' | 'used-other-services' | 'never-used' | 'unknown'
  /** The evidence: IAM Access Advisor, CUR spend, or RoleLastUsed. */
  source?: 'access-advisor' | 'cur' | 'role-last-used'
  /** `bedrock-used`: last Bedrock use; `used-other-services`: last use of any service. */
  lastUsed?: string
}

export interface Finding {
  ruleId: string
  severity: Severity
  message: string
  /** Stable identifier for the message template, with the values that filled it. */
  messageId: string
  data: Record<string, string | number>
  subject: Subject
  principalArn?: string
  evidence: Evidence
  fix?: string
  fingerprint: string
  suppressed?: Suppression
  /** Principal findings only. */
  usage?: FindingUsage
  /** Set only when the scan ran with `--baseline`: `unchanged` findings are in the baseline and do not fail the gate. */
  baselineState?: 'new' | 'unchanged'
  /** Bedrock spend behind the finding (spend rules; per principal with CUR 2.0). */
  spend?: FindingSpend
}

/**
 * A copy of a finding with some fields set, that keeps what a spread would lose: the engine's findings
 * render `message` on demand (an accessor) and a spread would store the rendered string in every copy.
 */
export function withFields<F extends Finding>(f: F, fields: Partial<F>): F {
  return Object.assign(Object.defineProperties({}, Object.getOwnPropertyDescriptors(f)) as F, fields)
}

export interface FindingSpend {
  total: number
  unattributed: number
  /**
   * Schema 1.1, with a ledger (CUR 2.0): the ledger dollars this finding's fix would have attributed —
   * the spend of the causes it owns. Summed over findings it never counts a dollar twice.
   */
  recoverable?: number
  /** Schema 1.1: the ledger cause this finding owns (the costliest when it owns several). Accept unknown IDs. */
  cause?: string
  currency: string
  /** `end` exclusive; both YYYY-MM-DD. */
  period: { start: string; end: string }
}

/**
 * Something tagwarden read but could not evaluate (schema 1.1): a resource type that can create IAM principals or
 * grant permissions but is not modelled, a statement whose action cannot be resolved, a trust principal that cannot be
 * classified, an input that was not captured. Never a silent clean: each one is said here, and `--strict` makes any
 * entry an incomplete result (exit 2).
 */
export interface NotEvaluatedEntry {
  /** The file (repository-relative where known) or the source (`aws:111111111111`, `identity-center`). */
  file?: string
  /** The resource: a logical ID, a Terraform address, a principal or permission-set ARN. */
  resource?: string
  /** The statement within the resource (`Policies[0].Statement[2]`), when the gap is one statement. */
  statement?: string
  /** Why it was not evaluated, in plain words. */
  reason: string
}

/** What the IaC scan read, recognised and skipped (`summary.inputs.iac`, schema 1.1). */
export interface IacInputCounts {
  /** Files opened and parsed to recognise them (CDK manifests included). */
  filesRead: number
  /** CloudFormation templates (CDK stack templates are counted under `assemblies`). */
  templates: number
  /** Terraform plan JSON files. */
  plans: number
  /** CDK cloud assemblies. */
  assemblies: number
  /** Files read that are not a template, plan or cloud assembly (including empty and unparsable ones). */
  notTemplates: number
  /** Symlinks not followed because they lead out of the folder named on the command line, or to nothing. */
  skippedSymlinks: number
  /** Files over their size limit, not read. */
  skippedTooLarge: number
  /**
   * With `--changed-only`: how many of the templates, plans, CDK stacks and Terraform root modules found
   * changed since the base ref (only those were scanned).
   */
  changed?: number
}

export interface ScanErrorEntry {
  source: string
  accountId?: string
  subject?: string
  code: string
  message: string
  hint?: string
}

/** A note about an exception in the rules file (expired, expiring soon, or unused). Never counts for --fail-on. */
export interface ExceptionNotice {
  kind: 'expired' | 'expiring-soon' | 'unused'
  rules: string[]
  target: string
  reason: string
  expires?: string
  location: string
  message: string
}

/** Per-operation AWS call counts of a live scan. */
export interface AwsCallStats {
  /** Operation (`iam:GetAccountAuthorizationDetails`) → calls, retries not included. */
  calls: Record<string, number>
  /** Operation → extra attempts after throttling or transient errors. */
  retries: Record<string, number>
  /** Account → operation → calls. */
  byAccount: Record<string, Record<string, number>>
  total: number
}

export interface ScanSummary {
  accounts: {
    scanned: number
    failed: number
    ids: string[]
    /** ACTIVE accounts of the organization's account list that no input covered. */
    notCovered: string[]
  }
  principals: { users: number; roles: number; skippedServiceLinked: number }
  bedrockCapable: { total: number; byPath: Partial<Record<AttributionPath, number>> }
  /** Share of Bedrock-capable principals with no finding, 0..1 (null when there are none). */
  attributableShare: number | null
  findings: { total: number; bySeverity: Record<Severity, number>; byRule: Record<string, number>; suppressed: number }
  rulesNotEvaluated: Array<{ ruleId: string; reason: string }>
  inputs: { files: number; errors: number; iac?: IacInputCounts }
  exceptions: ExceptionNotice[]
  /** The rules files in effect, bundled first. */
  rulesFiles: string[]
  /** Notes about the inputs that are not errors (never change the exit code). */
  notes: string[]
  /** What was read but not evaluated (schema 1.1; absent in 1.0 reports). Exit 2 only with `--strict`. */
  notEvaluated: NotEvaluatedEntry[]
  /** Live scans: AWS calls made. */
  aws?: { calls: AwsCallStats }
  /** Present only when the scan ran with `--baseline`. */
  baseline?: BaselineSummary
  /** Whether Bedrock spend was checked (Cost Explorer) and how; present when the run had a spend source. */
  spend?: SpendCoverage
}

/** How the findings compare with a baseline file (`scan --baseline FILE`). */
export interface BaselineSummary {
  file: string
  /** Findings not in the baseline: only these fail the gate. */
  new: number
  unchanged: number
  /** Baseline entries no finding matches any more: remove them (`tagwarden baseline create`). */
  fixed: Array<{ fingerprint: string; ruleId: string; subject: string }>
}

export interface ScanReport {
  schemaVersion: string
  tool: { name: 'tagwarden'; version: string }
  generatedAt: string
  findings: Finding[]
  summary: ScanSummary
  errors: ScanErrorEntry[]
  /** Schema 1.1: the spend ledger, when per-principal spend (CUR 2.0) was read; `summary.spend.ledgerReason` says why not. */
  ledger?: Ledger
}

/**
 * The fix hints an IaC finding can get, in the language of the input (see `scanners/iac/fix-hints.ts`);
 * a rule names its kind in `meta.iacFix`.
 */
export type IacFixKind =
  /** Add the required tags to the resource. */
  | 'add-tag'
  /** Allow `sts:TagSession` for the identity provider, requiring the tags. */
  | 'federation-tag-session'
  /** Allow `sts:TagSession` for the gateway role, requiring the tags. */
  | 'gateway-session-tags'
  /** Require `sts:SourceIdentity` from the gateway role. */
  | 'gateway-source-identity'
  /** Keep inference behind the gateway (no direct Bedrock access). */
  | 'gateway-direct-invoke'

/**
 * The IAM principals a finding is about: its `principalArn`, or — for a permission-set finding, which has none —
 * the permission set's roles (`evidence.roleArns`), whose billed sessions are that finding's spend.
 */
export function principalArnsOf(f: Pick<Finding, 'principalArn' | 'evidence'>): string[] {
  if (f.principalArn) return [f.principalArn]
  const roles = f.evidence.roleArns
  return Array.isArray(roles) ? roles.filter((a): a is string => typeof a === 'string') : []
}
