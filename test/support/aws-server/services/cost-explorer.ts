/**
 * AWS Cost Explorer (awsJson1_1, `X-Amz-Target: AWSInsightsIndexService.<Op>`, signing name `ce`):
 * cost allocation tags, SERVICE dimension values, and GetCostAndUsage computed from line items — time
 * period (End exclusive) split by month, Filter expressions (And/Or/Not, Dimensions, Tags), GroupBy of
 * at most two keys, `<TagKey>$<value>` group keys with `<TagKey>$` for untagged spend, and real paging
 * with small page sizes so tests see several pages.
 *
 * Not part of the default service set: `startAwsServer(world, { services: [costExplorerService(fake)] })`.
 */
import type { OperationHandler, ServiceDefinition } from '../index.js'
import { page } from '../paginate.js'
import { AwsFault, json11Protocol, type Params } from '../protocols.js'

const TARGET_PREFIX = 'AWSInsightsIndexService'

export interface FakeLineItem {
  accountId: string
  /** Cost Explorer SERVICE value, e.g. `Amazon Bedrock`, `Claude 4.6 Sonnet (Amazon Bedrock Edition)`. */
  service: string
  /** `YYYY-MM-DD` */
  date: string
  amount: number
  /** RECORD_TYPE; default `Usage`. */
  recordType?: string
  /** Tags by their cost allocation key string (`iamPrincipal/team`, `team`…); only active keys group. */
  tags?: Record<string, string>
}

export interface FakeCostAllocationTag {
  TagKey: string
  Type: 'UserDefined' | 'AWSGenerated'
  Status: 'Active' | 'Inactive'
  LastUpdatedDate?: string
  LastUsedDate?: string
}

export interface FakeCostExplorer {
  /** Accounts whose credentials may call Cost Explorer (payer, delegated billing); others get AccessDeniedException. */
  billingAccounts: string[]
  accountNames?: Record<string, string>
  costAllocationTags: FakeCostAllocationTag[]
  items: FakeLineItem[]
  /** Force small pages (groups per GetCostAndUsage page, values per GetDimensionValues page, tags per ListCostAllocationTags page). */
  pageSize?: { costAndUsage?: number; dimensionValues?: number; costAllocationTags?: number }
  /** Answer DataUnavailableException (Cost Explorer not enabled). */
  dataUnavailable?: boolean
}

interface Expression {
  And?: Expression[]
  Or?: Expression[]
  Not?: Expression
  Dimensions?: { Key?: string; Values?: string[]; MatchOptions?: string[] }
  Tags?: { Key?: string; Values?: string[]; MatchOptions?: string[] }
}

const DIMENSIONS: Record<string, (i: FakeLineItem) => string> = {
  SERVICE: (i) => i.service,
  RECORD_TYPE: (i) => i.recordType ?? 'Usage',
  LINKED_ACCOUNT: (i) => i.accountId,
}

function validation(message: string): AwsFault {
  return new AwsFault('ValidationException', message)
}

function activeKeys(ce: FakeCostExplorer): Set<string> {
  return new Set(ce.costAllocationTags.filter((t) => t.Status === 'Active').map((t) => t.TagKey))
}

/** The value an item has for a tag key as Cost Explorer sees it: nothing unless the key is active. */
function tagValue(ce: FakeCostExplorer, item: FakeLineItem, key: string): string {
  return activeKeys(ce).has(key) ? (item.tags?.[key] ?? '') : ''
}

function matches(ce: FakeCostExplorer, item: FakeLineItem, e: Expression): boolean {
  const parts = [e.And, e.Or, e.Not, e.Dimensions, e.Tags].filter((x) => x !== undefined).length
  if (parts !== 1) throw validation('an Expression must have exactly one of And, Or, Not, Dimensions, Tags')
  if (e.And) {
    if (e.And.length < 2) throw validation('And needs at least two expressions')
    return e.And.every((x) => matches(ce, item, x))
  }
  if (e.Or) {
    if (e.Or.length < 2) throw validation('Or needs at least two expressions')
    return e.Or.some((x) => matches(ce, item, x))
  }
  if (e.Not) return !matches(ce, item, e.Not)
  if (e.Dimensions) {
    const get = DIMENSIONS[e.Dimensions.Key ?? '']
    if (!get) throw validation(`this fake does not filter on dimension ${String(e.Dimensions.Key)}`)
    return (e.Dimensions.Values ?? []).includes(get(item))
  }
  const t = e.Tags!
  const value = tagValue(ce, item, t.Key ?? '')
  if (t.MatchOptions?.includes('ABSENT')) return value === ''
  return (t.Values ?? []).includes(value)
}

function inPeriod(item: FakeLineItem, tp: { Start?: unknown; End?: unknown } | undefined): boolean {
  return item.date >= String(tp?.Start) && item.date < String(tp?.End)
}

function checkPeriod(tp: unknown): { Start: string; End: string } {
  const p = tp as { Start?: unknown; End?: unknown } | undefined
  const ok = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)
  if (!p || !ok(p.Start) || !ok(p.End)) throw validation('TimePeriod with Start and End (YYYY-MM-DD) is required')
  if (String(p.Start) >= String(p.End)) throw validation('Start date must be before End date')
  return { Start: String(p.Start), End: String(p.End) }
}

function monthSlices(p: { Start: string; End: string }): Array<{ Start: string; End: string }> {
  const out: Array<{ Start: string; End: string }> = []
  let start = p.Start
  while (start < p.End) {
    const d = new Date(`${start}T00:00:00Z`)
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10)
    const end = next < p.End ? next : p.End
    out.push({ Start: start, End: end })
    start = end
  }
  return out
}

function amountText(x: number): string {
  return String(Math.round(x * 1e10) / 1e10)
}

function requireAccess(ce: FakeCostExplorer, accountId: string, action: string, callerArn: string): void {
  if (!ce.billingAccounts.includes(accountId)) {
    throw new AwsFault('AccessDeniedException', `User: ${callerArn} is not authorized to perform: ${action} on resource: arn:aws:ce:us-east-1:${accountId}:/${action.split(':')[1]}`)
  }
}

export function costExplorerHandlers(ce: FakeCostExplorer): Record<string, OperationHandler> {
  return {
    ListCostAllocationTags: (params: Params, ctx) => {
      requireAccess(ce, ctx.caller.accountId, 'ce:ListCostAllocationTags', ctx.caller.arn)
      const wanted = Array.isArray(params.TagKeys) ? (params.TagKeys as string[]) : undefined
      const tags = ce.costAllocationTags.filter(
        (t) => (params.Status === undefined || t.Status === params.Status) && (params.Type === undefined || t.Type === params.Type) && (!wanted || wanted.includes(t.TagKey)),
      )
      const max = params.MaxResults === undefined ? 100 : Number(params.MaxResults)
      if (!Number.isInteger(max) || max < 1 || max > 1000) throw validation(`MaxResults ${String(params.MaxResults)} is outside 1..1000`)
      const size = Math.min(max, ce.pageSize?.costAllocationTags ?? max)
      const pg = page(tags, { token: params.NextToken, size, defaultSize: size, maxSize: 1000, tokenError: 'InvalidNextTokenException' })
      return { CostAllocationTags: pg.items, ...(pg.next ? { NextToken: pg.next } : {}) }
    },

    GetDimensionValues: (params: Params, ctx) => {
      requireAccess(ce, ctx.caller.accountId, 'ce:GetDimensionValues', ctx.caller.arn)
      if (ce.dataUnavailable) throw new AwsFault('DataUnavailableException', 'Data is not available. Please try to adjust the time period.')
      const tp = checkPeriod(params.TimePeriod)
      if (params.Dimension !== 'SERVICE') throw validation(`this fake only lists SERVICE values, not ${String(params.Dimension)}`)
      if (params.Context !== undefined && params.Context !== 'COST_AND_USAGE') throw validation(`Context ${String(params.Context)} is not supported here`)
      const search = typeof params.SearchString === 'string' ? params.SearchString.toLowerCase() : ''
      const values = [...new Set(ce.items.filter((i) => inPeriod(i, tp)).map((i) => i.service))].filter((s) => s.toLowerCase().includes(search)).sort()
      const size = ce.pageSize?.dimensionValues ?? 1000
      const pg = page(values, { token: params.NextPageToken, size, defaultSize: size, maxSize: 10_000, tokenError: 'InvalidNextTokenException' })
      return {
        DimensionValues: pg.items.map((Value) => ({ Value, Attributes: {} })),
        ReturnSize: pg.items.length,
        TotalSize: values.length,
        ...(pg.next ? { NextPageToken: pg.next } : {}),
      }
    },

    GetCostAndUsage: (params: Params, ctx) => {
      requireAccess(ce, ctx.caller.accountId, 'ce:GetCostAndUsage', ctx.caller.arn)
      if (ce.dataUnavailable) throw new AwsFault('DataUnavailableException', 'Data is not available. Please try to adjust the time period.')
      const tp = checkPeriod(params.TimePeriod)
      if (params.Granularity !== 'MONTHLY' && params.Granularity !== 'DAILY') throw validation('Granularity must be MONTHLY or DAILY in this fake')
      const metrics = params.Metrics
      if (!Array.isArray(metrics) || metrics.length === 0) throw validation('Metrics is required')
      const groupBy = (params.GroupBy ?? []) as Array<{ Type?: string; Key?: string }>
      if (groupBy.length > 2) throw validation('You can group by at most two keys (GroupBy has more than two elements)')
      for (const g of groupBy) {
        if (g.Type === 'DIMENSION' && !(g.Key && g.Key in DIMENSIONS)) throw validation(`this fake does not group by dimension ${String(g.Key)}`)
        if (g.Type !== 'DIMENSION' && g.Type !== 'TAG') throw validation(`GroupBy Type ${String(g.Type)} is not supported here`)
      }
      const filter = params.Filter as Expression | undefined
      const items = ce.items.filter((i) => inPeriod(i, tp) && (!filter || matches(ce, i, filter)))
      const keysOf = (i: FakeLineItem): string[] => groupBy.map((g) => (g.Type === 'TAG' ? `${g.Key}$${tagValue(ce, i, g.Key ?? '')}` : DIMENSIONS[g.Key!]!(i)))

      // One flat list of (month, group) rows, paged like the real service: a page holds some of the groups.
      const slices = params.Granularity === 'MONTHLY' ? monthSlices(tp) : []
      const rows: Array<{ slice: { Start: string; End: string }; keys: string[]; amount: number }> = []
      for (const slice of slices) {
        const sums = new Map<string, number>()
        for (const i of items.filter((x) => inPeriod(x, slice))) {
          const k = JSON.stringify(keysOf(i))
          sums.set(k, (sums.get(k) ?? 0) + i.amount)
        }
        if (groupBy.length === 0) rows.push({ slice, keys: [], amount: [...sums.values()].reduce((a, b) => a + b, 0) })
        else for (const [k, amount] of [...sums].sort(([a], [b]) => (a < b ? -1 : 1))) rows.push({ slice, keys: JSON.parse(k) as string[], amount })
      }
      const size = ce.pageSize?.costAndUsage ?? 1000
      const pg = page(rows, { token: params.NextPageToken, size, defaultSize: size, maxSize: 10_000, tokenError: 'InvalidNextTokenException' })
      const metricOf = (amount: number) => Object.fromEntries((metrics as string[]).map((m) => [m, { Amount: amountText(amount), Unit: 'USD' }]))
      const results = slices
        .map((slice) => {
          const mine = pg.items.filter((r) => r.slice.Start === slice.Start)
          if (groupBy.length === 0) return { TimePeriod: slice, Total: metricOf(mine.reduce((a, r) => a + r.amount, 0)), Groups: [], Estimated: false }
          return { TimePeriod: slice, Total: {}, Groups: mine.map((r) => ({ Keys: r.keys, Metrics: metricOf(r.amount) })), Estimated: false }
        })
        .filter((r) => groupBy.length === 0 || r.Groups.length > 0)
      const accountIndex = groupBy.findIndex((g) => g.Type === 'DIMENSION' && g.Key === 'LINKED_ACCOUNT')
      const accounts = accountIndex < 0 ? [] : [...new Set(pg.items.map((r) => r.keys[accountIndex]!))].sort()
      return {
        GroupDefinitions: groupBy,
        ResultsByTime: results,
        DimensionValueAttributes: accounts.map((id) => ({ Value: id, Attributes: { description: ce.accountNames?.[id] ?? `account-${id}` } })),
        ...(pg.next ? { NextPageToken: pg.next } : {}),
      }
    },
  }
}

export function costExplorerService(ce: FakeCostExplorer): ServiceDefinition {
  return {
    signingName: 'ce',
    protocol: json11Protocol({ targetPrefix: TARGET_PREFIX }),
    accessDeniedCode: 'AccessDeniedException',
    invalidTokenCode: 'UnrecognizedClientException',
    expiredTokenCode: 'ExpiredTokenException',
    handlers: costExplorerHandlers(ce),
  }
}
