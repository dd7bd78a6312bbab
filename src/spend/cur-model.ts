/**
 * Per-principal Bedrock spend from CUR 2.0 (`line_item_iam_principal`, `tags` with `iamPrincipal/<key>`).
 *
 * Every source ends in the same `CurGroup` stream: the local readers (Parquet, CSV, S3) emit one group
 * per usage line item, Athena returns one per `GROUP BY` row. `CurSpendAccumulator` (cur-aggregate.ts)
 * folds them into per-principal records whose size follows the number of principals, never the number
 * of rows, and assembles `CurSpendData`. Plain JSON throughout.
 */
import type { TagKeySpend } from './model.js'
import type { CurSourceKind, SpendPeriod } from '../model/spend.js'

/** Bedrock usage of one caller with one combination of required tag values (a row, or a GROUP BY row). */
export interface CurGroup {
  /** `line_item_usage_account_id`. */
  accountId: string
  /** `line_item_iam_principal` as billed (a session ARN keeps its session name); `''` when absent. */
  principal: string
  /** `line_item_currency_code`; `USD` when the export has no such column. */
  currency: string
  /** Value of `iamPrincipal/<key>` for each required key, in `tagKeys` order; undefined when absent. */
  values: ReadonlyArray<string | undefined>
  /** `line_item_unblended_cost` already clipped to the period. */
  cost: number
  /** Line items behind the group (1 for a row). */
  rows: number
  /** Earliest and latest usage day of the group (`YYYY-MM-DD`), when known. */
  first?: string
  last?: string
  /**
   * Per required key, in `tagKeys` order: a value found under another spelling of `iamPrincipal/<key>`
   * (`iamPrincipal/Team`) when the exact key has none; the ledger's `case-drift`. Absent: none.
   */
  caseValues?: ReadonlyArray<string | undefined>
  /** `line_item_usage_type` (Marketplace models without one: the product name), for spend by model. */
  usageType?: string
}

/**
 * The bill at the grain the ledger needs (src/spend/ledger.ts): one billed principal (an index into
 * `CurSpendData.principals`), one usage day, one combination of line values per required key, in
 * integer micro-units of the currency so that sums are exact.
 */
export interface LedgerCell {
  p: number
  day: string
  /** Per required key: the value under the exact key (`''`: none). */
  values: string[]
  /** Per required key: the value under another spelling when the exact key has none (`''`: none). */
  caseValues: string[]
  micro: number
}

/** The same without the day and with the usage type: spend by model stays small (principals × models). */
export interface LedgerModelCell {
  p: number
  usageType: string
  values: string[]
  caseValues: string[]
  micro: number
}

/** How a caller appears in `line_item_iam_principal`. */
export type CurPrincipalKind = 'user' | 'role' | 'root' | 'federated-user' | 'none' | 'unknown'

/** One session of a role (`assumed-role/Role/<session>`): the session name names the federated or gateway user. */
export interface SessionSpend {
  name: string
  total: number
  unattributed: number
}

/** Spend of one required key on one principal: how much lacked a value, and each value seen. */
export interface PrincipalKeySpend {
  unattributed: number
  values: Record<string, number>
}

/** Bedrock spend of one IAM user or role (all its sessions), as billed. */
export interface PrincipalSpend {
  /** The principal's own account (from its ARN; the usage account when the ARN has none). */
  accountId: string
  kind: CurPrincipalKind
  /** User or role name (no path: session ARNs carry none); `''` for `none`. */
  name: string
  /** The IAM form, `arn:<p>:iam::A:user/<name>` or `arn:<p>:iam::A:role/<name>`; the billed ARN otherwise. */
  arn: string
  total: number
  /** Spend on rows lacking a value for at least one required key. */
  unattributed: number
  byKey: Record<string, PrincipalKeySpend>
  /** Roles only: sessions, costliest first, at most `SESSION_CAP` named. */
  sessions?: { count: number; capped: boolean; top: SessionSpend[] }
  rows: number
  first?: string
  last?: string
  /** Span of the unattributed and of the attributed spend: tells "tagged after the spend" apart. */
  unattributedFirst?: string
  unattributedLast?: string
  attributedFirst?: string
  attributedLast?: string
}

/** A row the readers could not use, for the error list (the first few) and the summary (all, counted). */
export interface SkippedRow {
  file: string
  /** CSV: 1-based line of the record; Parquet: 0-based row index. */
  row?: number
  reason: string
}

export interface CurReadStats {
  /** Data files (or Athena result pages) read. */
  files: number
  rows: number
  bedrockRows: number
  /** Bedrock rows left out: credits, refunds, taxes, fees and other non-usage line items. */
  nonUsageRows: number
  skippedRows: number
  /** The first skipped rows, with the reason. */
  skipped: SkippedRow[]
  /** Data files of a superseded delivery (a re-delivered billing period), not read. */
  superseded: string[]
}

export interface CurSpendData {
  source: { kind: CurSourceKind; location: string }
  period: SpendPeriod
  currency: string
  /** The required keys the figures are attributed by, in rules-file order. */
  tagKeys: string[]
  total: number
  /** Rows lacking a value for at least one required key. */
  unattributed: number
  /** Usage account → Bedrock spend. */
  accounts: Record<string, { total: number; unattributed: number }>
  /** Per required key, in the shape Cost Explorer's grouping has (so part 1's rules and reports read it). */
  byTag: Record<string, TagKeySpend>
  /** Costliest unattributed spend first. Includes the `none` record (rows without a principal), if any. */
  principals: PrincipalSpend[]
  /** Accounts that appear in the CUR at all (any service; Athena: Bedrock rows only). */
  accountsSeen: string[]
  stats: CurReadStats
  notes: string[]
  /** The ledger's cells: per principal, day and line values (micro-units). */
  cells: LedgerCell[]
  /** Per principal, usage type and line values (micro-units). */
  modelCells: LedgerModelCell[]
}

/** How many sessions of one role are named in the evidence; the rest are counted together. */
export const SESSION_CAP = 25
