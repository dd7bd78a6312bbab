/**
 * The spend ledger a report carries (`ledger` in `scan` and `spend` JSON, `$defs/ledger` in
 * schemas/report.schema.json): every billed Bedrock dollar of the period is attributed, or belongs to
 * exactly one cause. Amounts are in the currency's cents, apportioned by largest remainder so that the
 * displayed figures add up (`attributed + unattributed + misattributed = total`,
 * `Σ byCause.amount = unattributed + misattributed`, per key the same). Built by src/spend/ledger.ts.
 */
import type { CurSourceKind, SpendPeriod } from './spend.js'

/**
 * Why a dollar is not attributed, in precedence order (the first that applies wins). Consumers must
 * accept IDs they do not know: later versions may add causes.
 */
export const LEDGER_CAUSES = [
  'deleted-principal',
  'account-not-scanned',
  'root-or-unidentified',
  'gateway-collapsed',
  'session-tags-not-passed',
  'api-key-user',
  'missing-tag',
  'tag-added-after-spend',
  'case-drift',
  'invalid-value',
] as const
export type LedgerCause = (typeof LEDGER_CAUSES)[number]

/** Unattributed: booked to no team. Misattributed: booked, but to the wrong one (a gateway, a typo, another spelling). */
export type LedgerBucket = 'unattributed' | 'misattributed'

export interface LedgerPrincipalAmount {
  /** The billed principal in IAM form (`arn:aws:iam::A:role/R`); `''` for spend without `line_item_iam_principal`. */
  arn: string
  accountId: string
  amount: number
}

export interface LedgerCauseEntry {
  cause: LedgerCause
  bucket: LedgerBucket
  amount: number
  /** Costliest first. */
  principals: LedgerPrincipalAmount[]
  /** Fingerprints of the findings that own this cause (whose fix would attribute the dollars). */
  findings: string[]
}

export interface LedgerKey {
  tagKey: string
  attributed: number
  unattributed: number
  misattributed: number
  byCause: LedgerCauseEntry[]
}

export interface LedgerBuckets {
  total: number
  attributed: number
  unattributed: number
  misattributed: number
}

/** One tag value of a key (`value` null: the key's unattributed or misattributed spend), by account and by model. */
export interface LedgerTeamRow {
  tagKey: string
  value: string | null
  bucket: 'attributed' | LedgerBucket
  amount: number
  byAccount: Record<string, number>
  /** Usage type (`line_item_usage_type`) → amount. */
  byModel: Record<string, number>
}

export interface LedgerPrincipalRow extends LedgerBuckets {
  arn: string
  accountId: string
  kind: string
  /** The cause of most of its unattributed or misattributed spend. */
  cause?: LedgerCause
}

export interface Ledger extends LedgerBuckets {
  currency: string
  period: SpendPeriod
  source: { kind: CurSourceKind; location: string }
  /** The required keys, in rules-file order. */
  tagKeys: string[]
  byCause: LedgerCauseEntry[]
  byKey: LedgerKey[]
  /** Views for the spend report and the HTML report (each figure rounded on its own). */
  byAccount: Array<LedgerBuckets & { accountId: string }>
  daily: Array<Omit<LedgerBuckets, 'total'> & { date: string }>
  teams: LedgerTeamRow[]
  /** The costliest billed principals (at most `LEDGER_TOP_PRINCIPALS`). */
  topPrincipals: LedgerPrincipalRow[]
  notes: string[]
}

export const LEDGER_TOP_PRINCIPALS = 20
