/**
 * Shared CUR test data: rows of every kind the reader must tell apart, and an independent, literal
 * implementation of the Athena aggregation (what its SQL returns), to check both paths against.
 */
import type { CurFixtureRow } from './fixtures.js'
import type { SpendPeriod } from '../../src/model/spend.js'

export const A1 = '111111111111'
export const A2 = '222222222222'
const T = 'iamPrincipal/team'

/**
 * Every case in a few dozen rows: users and role sessions (a role with a path, whose session ARN has
 * none), Marketplace models, other services, credits/taxes/fees, null and empty tag maps, blank values,
 * other tag prefixes, rows without a principal, a monthly row straddling the period, rows outside it.
 */
export function mixedRows(): CurFixtureRow[] {
  const rows: CurFixtureRow[] = []
  const days = ['2026-07-20', '2026-07-21', '2026-07-25', '2026-07-31', '2026-08-01', '2026-08-10', '2026-08-19', '2026-08-20']
  for (const [i, d] of days.entries()) {
    const start = `${d}T00:00:00Z`
    rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 1.1 + i, start, tags: { [T]: 'search', 'accountTag/env': 'prod' } })
    rows.push({ account: A1, principal: `arn:aws:sts::${A1}:assumed-role/svc-role/i-0abc${i % 3}`, cost: 0.333333 * (i + 1), start, tags: i % 2 ? { [T]: 'ads' } : { 'userAttribute/email': 'x@acme.example' } })
    rows.push({ account: A2, principal: `arn:aws:sts::${A2}:assumed-role/okta-ds/jdoe@acme.example`, cost: 2.5, start, productCode: 'mp-7f3k2a9', productName: 'Claude 4.6 Sonnet (Amazon Bedrock Edition)', tags: { [T]: '  ' } })
    rows.push({ account: A2, principal: `arn:aws:sts::${A2}:assumed-role/deleted-notebook/nb-${i}`, cost: 0.05, start, tags: null })
    rows.push({ account: A2, principal: null, cost: 0.7, start, tags: {} })
    rows.push({ account: A2, principal: `arn:aws:iam::${A2}:user/ec2-ops`, cost: 9.9, start, productCode: 'AmazonEC2', productName: 'Amazon Elastic Compute Cloud', tags: { [T]: 'platform' } })
    rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: -0.4, start, lineItemType: i % 2 ? 'Credit' : 'Tax', tags: { [T]: 'search' } })
    rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 0.12, start, lineItemType: 'SavingsPlanCoveredUsage', productCode: 'AmazonBedrockService', tags: { [T]: 'search' } })
  }
  rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 3.1, start: '2026-07-01T00:00:00Z', end: '2026-08-01T00:00:00Z', tags: { [T]: 'search' } })
  rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 5, start: '2026-08-02T00:00:00Z', lineItemType: 'Fee', tags: { [T]: 'search' } })
  rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/bob`, cost: 1, start: '2026-08-03T00:00:00Z', productCode: 'mp-9x', productName: 'Some Dataset', tags: {} })
  return rows
}

const USAGE = ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage']
const DAY = 86_400_000

/** What the Athena SQL returns for these rows: one string row per (account, principal, currency, values). */
export function aggregateLikeAthena(rows: readonly CurFixtureRow[], tagKeys: readonly string[], period: SpendPeriod) {
  const S = Date.parse(`${period.start}T00:00:00Z`)
  const E = Date.parse(`${period.end}T00:00:00Z`)
  const groups = new Map<string, { cells: Array<string | null>; n: number; cost: number; first: number; last: number }>()
  let total = 0
  let unattributed = 0
  const accounts: Record<string, { total: number; unattributed: number }> = {}
  for (const r of rows) {
    const bedrock = (r.productCode ?? 'AmazonBedrock') === 'AmazonBedrock' || r.productCode === 'AmazonBedrockService' || (r.productName ?? '').endsWith('(Amazon Bedrock Edition)')
    if (!bedrock || !USAGE.includes(r.lineItemType ?? 'Usage')) continue
    const start = Date.parse(r.start)
    const end = r.end ? Date.parse(r.end) : start + DAY
    if (!(start < E && end > S)) continue
    const cost = (r.cost * (Math.min(end, E) - Math.max(start, S))) / (end - start)
    const values = tagKeys.map((k) => r.tags?.[`iamPrincipal/${k}`] ?? null)
    const blank = (v: string | null | undefined) => v === null || v === undefined || v.trim() === ''
    const caseValues = tagKeys.map((k, i) => {
      if (!blank(values[i])) return null
      const other = Object.keys(r.tags ?? {})
        .filter((t) => t.toLowerCase() === `iamprincipal/${k.toLowerCase()}` && t !== `iamPrincipal/${k}` && !blank(r.tags?.[t]))
        .sort()[0]
      return other === undefined ? null : (r.tags?.[other] ?? null)
    })
    const day = new Date(start).toISOString().slice(0, 10)
    const usageType = r.usageType ?? 'USE1-Claude4.6Sonnet-input-tokens'
    const key = JSON.stringify([r.account, r.principal ?? '', values, caseValues, day, usageType])
    const g = groups.get(key) ?? { cells: [r.account, r.principal ?? '', r.currency ?? 'USD', ...values, ...caseValues, day, usageType], n: 0, cost: 0, first: start, last: start }
    g.n++
    g.cost += cost
    g.first = Math.min(g.first, start)
    g.last = Math.max(g.last, start)
    groups.set(key, g)
    const un = values.some((v) => v === null || v.trim() === '') ? cost : 0
    total += cost
    unattributed += un
    const a = (accounts[r.account] ??= { total: 0, unattributed: 0 })
    a.total += cost
    a.unattributed += un
  }
  const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
  return {
    total,
    unattributed,
    accounts,
    athena: {
      columns: ['account_id', 'principal', 'currency', ...tagKeys.map((_, i) => `tag_${i + 1}`), ...tagKeys.map((_, i) => `case_${i + 1}`), 'usage_day', 'usage_type', 'line_items', 'cost', 'first_usage', 'last_usage'],
      rows: [...groups.values()].map((g) => [...g.cells, String(g.n), String(g.cost), ts(g.first), ts(g.last)]),
    },
  }
}

/** Totals to the cent, for comparing two paths. */
export function sums(x: { total: number; unattributed: number; accounts: Record<string, { total: number; unattributed: number }> }) {
  return {
    total: x.total.toFixed(2),
    unattributed: x.unattributed.toFixed(2),
    accounts: Object.fromEntries(Object.entries(x.accounts).sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, a]) => [id, [a.total.toFixed(2), a.unattributed.toFixed(2)]])),
  }
}
