/**
 * Turns `GetCostAndUsage` pages (SDK output or `aws ce get-cost-and-usage` JSON: the same member names)
 * into per-account, per-tag-value totals, and assembles `SpendData`. Pure: the live and the offline
 * path both end here, which is what makes their findings equal on equal data.
 *
 * Group keys follow `GroupDefinitions` order. A `LINKED_ACCOUNT` key is the account ID; a `TAG` key is
 * `<TagKey>$<value>`, with `<TagKey>$` for spend without the tag. Tag keys cannot contain `$`, so the
 * value is everything after the first `$`.
 */
import { addTo, isUntaggedValue, roundAmount, type AccountTagSpend, type CostAllocationTagEntry, type SpendData, type TagKeySpend } from './model.js'
import type { CostExplorerRequestStats, SpendPeriod, SpendSourceKind } from '../model/spend.js'

export const SPEND_METRIC = 'UnblendedCost'
/** Record types left out of every figure: money that is not Bedrock usage. */
export const EXCLUDED_RECORD_TYPES = ['Credit', 'Refund', 'Tax'] as const
/** Where every figure in every report comes from, in words. */
export const SPEND_BASIS = `${SPEND_METRIC}, usage only: credits, refunds and taxes excluded (RECORD_TYPE)`

/** Cost Explorer JSON, loosely typed: saved files may lack any member. */
export interface MetricValueJson {
  Amount?: string
  Unit?: string
}
export interface CostAndUsagePage {
  GroupDefinitions?: Array<{ Type?: string; Key?: string }>
  ResultsByTime?: Array<{
    TimePeriod?: { Start?: string; End?: string }
    Total?: Record<string, MetricValueJson>
    Groups?: Array<{ Keys?: string[]; Metrics?: Record<string, MetricValueJson> }>
    Estimated?: boolean
  }>
  DimensionValueAttributes?: Array<{ Value?: string; Attributes?: Record<string, string> }>
  NextPageToken?: string
}

/** `iamPrincipal/team$search` → key `iamPrincipal/team`, value `search`; `iamPrincipal/team$` → value ``. */
export function parseTagGroupKey(groupKey: string): { key: string; value: string } {
  const i = groupKey.indexOf('$')
  return i < 0 ? { key: '', value: groupKey } : { key: groupKey.slice(0, i), value: groupKey.slice(i + 1) }
}

export interface Grouping {
  /** Position of `LINKED_ACCOUNT` in each group's `Keys`. */
  account?: number
  /** Position and key of the `TAG` grouping. */
  tag?: { index: number; costKey: string }
  /** Any other grouping (SERVICE…): its amounts are summed over. */
  others: string[]
}

export function groupingOf(page: Pick<CostAndUsagePage, 'GroupDefinitions'>): Grouping {
  const out: Grouping = { others: [] }
  for (const [i, g] of (page.GroupDefinitions ?? []).entries()) {
    if (g.Type === 'DIMENSION' && g.Key === 'LINKED_ACCOUNT') out.account = i
    else if (g.Type === 'TAG' && typeof g.Key === 'string' && out.tag === undefined) out.tag = { index: i, costKey: g.Key }
    else out.others.push(`${g.Type ?? '?'}:${g.Key ?? '?'}`)
  }
  return out
}

/** One query's pages summed up. */
export interface CostAndUsageAggregate {
  grouping: Grouping
  /** Account ID (or `*` when not grouped by account) → spend, per tag value when grouped by a tag. */
  byAccount: Record<string, AccountTagSpend>
  byValue: Record<string, number>
  total: number
  untagged: number
  period?: SpendPeriod
  currency?: string
  estimated: boolean
  accountNames: Record<string, string>
  notes: string[]
}

function amountOf(metrics: Record<string, MetricValueJson> | undefined, metric: string): { amount: number; unit?: string } | undefined {
  const m = metrics?.[metric]
  if (!m || m.Amount === undefined) return undefined
  const amount = Number(m.Amount)
  if (!Number.isFinite(amount)) return undefined
  return m.Unit !== undefined ? { amount, unit: m.Unit } : { amount }
}

function widen(p: SpendPeriod | undefined, start: string | undefined, end: string | undefined): SpendPeriod | undefined {
  if (!start || !end) return p
  if (!p) return { start, end }
  return { start: start < p.start ? start : p.start, end: end > p.end ? end : p.end }
}

/** Sums the pages of one `GetCostAndUsage` query (grouped by account and/or one tag, or not at all). */
export function aggregateCostAndUsage(pages: readonly CostAndUsagePage[], metric = SPEND_METRIC): CostAndUsageAggregate {
  const grouping = groupingOf(pages[0] ?? {})
  const agg: CostAndUsageAggregate = { grouping, byAccount: {}, byValue: {}, total: 0, untagged: 0, estimated: false, accountNames: {}, notes: [] }
  const units = new Set<string>()
  const account = (id: string): AccountTagSpend => (agg.byAccount[id] ??= { total: 0, untagged: 0, byValue: {} })
  const add = (accountId: string, value: string | undefined, amount: number): void => {
    const a = account(accountId)
    a.total = roundAmount(a.total + amount)
    agg.total = roundAmount(agg.total + amount)
    if (value === undefined) return
    addTo(a.byValue, value, amount)
    addTo(agg.byValue, value, amount)
    if (isUntaggedValue(value)) {
      a.untagged = roundAmount(a.untagged + amount)
      agg.untagged = roundAmount(agg.untagged + amount)
    }
  }
  for (const page of pages) {
    for (const attr of page.DimensionValueAttributes ?? []) {
      const name = attr.Attributes?.description
      if (attr.Value && name) agg.accountNames[attr.Value] = name
    }
    for (const r of page.ResultsByTime ?? []) {
      agg.period = widen(agg.period, r.TimePeriod?.Start, r.TimePeriod?.End)
      if (r.Estimated) agg.estimated = true
      const groups = r.Groups ?? []
      if ((page.GroupDefinitions ?? []).length === 0) {
        // Ungrouped: `Total` is the only figure.
        const t = amountOf(r.Total, metric)
        if (t) {
          if (t.unit) units.add(t.unit)
          add('*', undefined, t.amount)
        }
        continue
      }
      for (const g of groups) {
        const a = amountOf(g.Metrics, metric)
        if (!a) continue
        if (a.unit) units.add(a.unit)
        const keys = g.Keys ?? []
        const accountId = grouping.account !== undefined ? (keys[grouping.account] ?? '*') : '*'
        const value = grouping.tag !== undefined ? parseTagGroupKey(keys[grouping.tag.index] ?? '').value : undefined
        add(accountId, value, a.amount)
      }
    }
  }
  if (units.size > 1) agg.notes.push(`amounts come in several units (${[...units].join(', ')}); they were added up as they are`)
  const unit = [...units][0]
  if (unit !== undefined) agg.currency = unit
  return agg
}

export interface SpendAssembly {
  source: { kind: SpendSourceKind; files?: string[] }
  /** The period asked for (live) or found in the files. */
  period?: SpendPeriod
  services?: SpendData['services']
  costAllocationTags?: CostAllocationTagEntry[]
  /** Required key → the aggregate of the query grouped by its cost key. */
  byTag: Array<{ tagKey: string; costKey: string; aggregate: CostAndUsageAggregate }>
  /** A query grouped by `LINKED_ACCOUNT` only (when no key could be grouped by). */
  accountsOnly?: CostAndUsageAggregate
  notes?: string[]
  requests?: CostExplorerRequestStats
}

function tagKeySpend(tagKey: string, costKey: string, a: CostAndUsageAggregate): TagKeySpend {
  return { tagKey, costKey, total: a.total, untagged: a.untagged, byValue: a.byValue, byAccount: a.byAccount }
}

/** One `SpendData` from the queries of one run. Account totals come from the first grouping that has them. */
export function assembleSpendData(x: SpendAssembly): SpendData {
  const aggregates = [...x.byTag.map((t) => t.aggregate), ...(x.accountsOnly ? [x.accountsOnly] : [])]
  const first = aggregates[0]
  const accounts: SpendData['accounts'] = {}
  const names: Record<string, string> = Object.assign({}, ...aggregates.map((a) => a.accountNames)) as Record<string, string>
  for (const [id, a] of Object.entries(first?.byAccount ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    accounts[id] = { total: a.total, ...(names[id] ? { name: names[id] } : {}) }
  }
  const byTag: Record<string, TagKeySpend> = {}
  for (const t of x.byTag) byTag[t.tagKey] = tagKeySpend(t.tagKey, t.costKey, t.aggregate)
  const notes = [...(x.notes ?? []), ...aggregates.flatMap((a) => a.notes)]
  const data: SpendData = {
    source: x.source,
    metric: SPEND_METRIC,
    currency: first?.currency ?? 'USD',
    basis: SPEND_BASIS,
    accounts,
    total: first?.total ?? 0,
    byTag,
    estimated: aggregates.some((a) => a.estimated),
    notes: [...new Set(notes)],
  }
  if (x.period) data.period = x.period
  if (x.services) data.services = x.services
  if (x.costAllocationTags) data.costAllocationTags = x.costAllocationTags
  if (x.requests) data.requests = x.requests
  return data
}

/** Cost allocation tags from `ListCostAllocationTags` pages, first listing of a key wins. */
export function costAllocationTagsFrom(pages: ReadonlyArray<{ CostAllocationTags?: Array<Record<string, unknown>> }>): CostAllocationTagEntry[] {
  const out: CostAllocationTagEntry[] = []
  const seen = new Set<string>()
  for (const p of pages) {
    for (const t of p.CostAllocationTags ?? []) {
      if (typeof t.TagKey !== 'string' || seen.has(t.TagKey)) continue
      seen.add(t.TagKey)
      const e: CostAllocationTagEntry = { tagKey: t.TagKey, type: String(t.Type ?? ''), status: String(t.Status ?? '') }
      if (typeof t.LastUpdatedDate === 'string') e.lastUpdatedDate = t.LastUpdatedDate
      if (typeof t.LastUsedDate === 'string') e.lastUsedDate = t.LastUsedDate
      out.push(e)
    }
  }
  return out
}

/**
 * AgentCore Runtime compute bills as its own service and IAM principal attribution does not cover it
 * (facts §1.4): it can never carry a principal tag, so counting it would inflate the untagged share.
 */
export function splitBedrockServices(values: readonly string[]): NonNullable<SpendData['services']> {
  const included: string[] = []
  const excluded: Array<{ service: string; reason: string }> = []
  for (const v of [...new Set(values)].sort()) {
    if (!/bedrock/i.test(v)) continue
    if (/agentcore/i.test(v)) excluded.push({ service: v, reason: 'AgentCore Runtime compute is not attributed to IAM principals' })
    else included.push(v)
  }
  return { included, excluded }
}
