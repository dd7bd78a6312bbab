/**
 * The spend shapes a scan report carries (`summary.spend`): what Cost Explorer or CUR covered, and
 * the kinds and periods they name. Defined here so the report model depends on no spend logic.
 */
/** `TimePeriod` of Cost Explorer: `start` inclusive, `end` exclusive, both `YYYY-MM-DD`. */
export interface SpendPeriod {
  start: string
  end: string
}

export type SpendSourceKind = 'cost-explorer-api' | 'cost-explorer-files' | 'cur-files' | 'cur-s3' | 'cur-athena'

export interface CostExplorerRequestStats {
  /** Requests sent to AWS (each page is one request; each costs USD 0.01). */
  sent: number
  /** Requests answered from `--cache-dir` (free). */
  cached: number
  /** USD: `sent` × 0.01. */
  costUsd: number
  /** Per operation: requests sent / answered from the cache. */
  byOperation: Record<string, { sent: number; cached: number }>
}

/** Where the CUR came from: a local export, its S3 prefix, or an Athena table. */
export type CurSourceKind = 'cur-files' | 'cur-s3' | 'cur-athena'

export type ActivationState =
  /** An IAM-principal cost allocation tag with exactly this key is active. */
  | 'active'
  /** AWS lists it, but Inactive. */
  | 'inactive'
  /** AWS lists no IAM-principal cost allocation tag with exactly this key. */
  | 'not-listed'

export type UnmatchedReason =
  /** The account was scanned and has no such user or role: deleted (or renamed) since. */
  | 'deleted'
  /** The account was not among the scanned ones. */
  | 'account-not-scanned'
  /** The account's root user called Bedrock. */
  | 'root'
  /** `sts:GetFederationToken` sessions: no IAM principal to tag. */
  | 'federated-user'
  /** Rows without `line_item_iam_principal`. */
  | 'no-principal'
  | 'unknown'

export interface SpendKeyCoverage {
  tagKey: string
  /** `unknown` when no `ListCostAllocationTags` output was given. */
  activation: ActivationState | 'unknown'
  /** The Cost Explorer key string grouped by (or to activate). */
  costKey?: string
  /** Whether `untagged-bedrock-spend` judged this key. */
  untaggedChecked: boolean
  untagged?: number
  /** Untagged share of the total, 0..1 (absent when there was no spend). */
  untaggedShare?: number
  /** Why the key was not judged, when it was not. */
  reason?: string
}

/** `summary.spend` of a scan report. */
export interface SpendCoverage {
  checked: boolean
  /** Why spend was not checked. */
  reason?: string
  source?: SpendSourceKind
  period?: SpendPeriod
  basis?: string
  currency?: string
  total?: number
  keys: SpendKeyCoverage[]
  requests?: Pick<CostExplorerRequestStats, 'sent' | 'cached' | 'costUsd'>
  /** CUR 2.0: per-principal spend joined to the IAM principals. */
  principals?: PrincipalSpendSummary
  /** Schema 1.1: why the report has no `ledger` (no CUR 2.0 data). */
  ledgerReason?: string
}

/** `summary.spend.principals` of a scan report. */
export interface PrincipalSpendSummary {
  source: { kind: CurSourceKind; location: string }
  period: SpendPeriod
  currency: string
  total: number
  attributed: number
  unattributed: number
  /** Per required key: spend without a value for it. */
  byKey: Array<{ tagKey: string; unattributed: number; share: number | null }>
  principals: {
    /** Users and roles with Bedrock spend. */
    billed: number
    /** Of those, matched to a scanned user or role. */
    matched: number
    /** Billed callers with unattributed spend. */
    withUnattributed: number
    unmatched: Partial<Record<UnmatchedReason, number>>
  }
  /** Spend on rows without `line_item_iam_principal`. */
  noPrincipal: number
  /** Findings that carry `spend`. */
  findingsWithSpend: number
  inputs: { files: number; rows: number; bedrockRows: number; skippedRows: number; superseded: number }
  notes: string[]
}
