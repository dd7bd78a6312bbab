/**
 * The spend model: Bedrock spend over one period, per linked account and per value of each required
 * tag key, as Cost Explorer reports it. Both Cost Explorer paths (live API, saved `aws ce` JSON) build
 * the same `SpendData`, so the spend rules and reports never know where the numbers came from.
 *
 * Part 2 (CUR 2.0 `line_item_iam_principal`) adds per-principal spend next to the per-tag figures:
 * `byPrincipal` below is reserved for it, keyed by principal ARN.
 *
 * Everything here is plain JSON (records, not maps): `tagwarden spend --format json` prints it as is.
 */
import type { CostExplorerRequestStats, SpendPeriod, SpendSourceKind } from '../model/spend.js'

/** One entry of `ListCostAllocationTags`, as AWS returned it (the key string is never normalised). */
export interface CostAllocationTagEntry {
  tagKey: string
  /** `AWSGenerated` | `UserDefined` (the enum has no IAM-principal type as of 2026-08). */
  type: string
  /** `Active` | `Inactive`. */
  status: string
  lastUpdatedDate?: string
  lastUsedDate?: string
}

/** Spend of one linked account grouped by one tag key. `''` is the untagged bucket (`<key>$`). */
export interface AccountTagSpend {
  total: number
  /** Spend with no value, or a blank (whitespace-only) value, for the key: not attributable. */
  untagged: number
  byValue: Record<string, number>
}

/** Bedrock spend grouped by one required tag key (one `GetCostAndUsage` query, all its pages). */
export interface TagKeySpend {
  /** The required key from the rules file (`team`). */
  tagKey: string
  /** The exact Cost Explorer key string grouped by (`iamPrincipal/team`), as AWS listed it. */
  costKey: string
  total: number
  untagged: number
  /** Tag value → spend across all accounts; `''` is spend without the tag. */
  byValue: Record<string, number>
  /**
   * Account ID → its share. `*` when the query was not grouped by `LINKED_ACCOUNT` (a saved output
   * grouped by the tag only): the figures then cover all accounts together.
   */
  byAccount: Record<string, AccountTagSpend>
}

export interface SpendData {
  source: { kind: SpendSourceKind; files?: string[] }
  /** Undefined only when no spend figures were given (saved `list-cost-allocation-tags` output alone). */
  period?: SpendPeriod
  /** Always `UnblendedCost`. */
  metric: string
  /** ISO currency code of the amounts (Cost Explorer: `USD`). */
  currency: string
  /** What the figures include, in words, for every report: metric, record types, services. */
  basis: string
  /** Cost Explorer `SERVICE` values included (Bedrock and its Marketplace models) and left out, when known. */
  services?: { included: string[]; excluded: Array<{ service: string; reason: string }> }
  /** All cost allocation tags AWS listed; undefined when `ListCostAllocationTags` output was not given. */
  costAllocationTags?: CostAllocationTagEntry[]
  /** Bedrock spend per linked account (every key's grouping sums to these). */
  accounts: Record<string, { total: number; name?: string }>
  total: number
  /** Required tag key → its grouping. Keys that were not queried (inactive) or not given are absent. */
  byTag: Record<string, TagKeySpend>
  /** Cost Explorer marked some figures as estimated (the current month is not closed). */
  estimated: boolean
  /** Things the reader should know (inputs ignored, differing periods…); not errors. */
  notes: string[]
  /** Live only: what the Cost Explorer requests cost. */
  requests?: CostExplorerRequestStats
  /** Part 2 (CUR 2.0): principal ARN → spend. Not filled by Cost Explorer. */
  byPrincipal?: Record<string, { total: number; unattributed: number }>
}

/** The `spend` object a finding may carry (schemas/report.schema.json `finding.spend`). */
export interface FindingSpend {
  total: number
  unattributed: number
  currency: string
  period: SpendPeriod
}

export const COST_EXPLORER_USD_PER_REQUEST = 0.01

/** Amounts arrive as decimal strings with many digits; six decimals keep sums exact enough and stable. */
export function roundAmount(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

export function addTo(record: Record<string, number>, key: string, amount: number): void {
  record[key] = roundAmount((record[key] ?? 0) + amount)
}

/** A tag value that attributes nothing: absent (`''`) or whitespace only. */
export function isUntaggedValue(value: string): boolean {
  return value.trim() === ''
}

/** `1,234.56` (two decimals, thousands separators), independent of the machine's locale. */
export function formatAmount(x: number): string {
  const fixed = Math.abs(x).toFixed(2)
  const [int = '0', dec = '00'] = fixed.split('.')
  return `${x < 0 ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`
}

export function formatMoney(x: number, currency: string): string {
  return `${currency} ${formatAmount(x)}`
}

/** `31.1%`; `n/a` when there is no spend to share. */
export function formatShare(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a'
}

/** The last day covered: `end` is exclusive. */
export function lastDay(period: SpendPeriod): string {
  const d = new Date(`${period.end}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - 1)
  return d.toISOString().slice(0, 10)
}

export function formatPeriod(period: SpendPeriod): string {
  return `${period.start} to ${lastDay(period)}`
}

export function formatPeriodOf(data: Pick<SpendData, 'period'>): string {
  return data.period ? formatPeriod(data.period) : 'period unknown'
}

export function findingSpend(total: number, unattributed: number, currency: string, period: SpendPeriod): FindingSpend {
  return { total: roundAmount(total), unattributed: roundAmount(unattributed), currency, period: { ...period } }
}
