/**
 * Folds `CurGroup`s (CUR rows, or Athena's GROUP BY rows) into per-principal spend and the per-key
 * figures Cost Explorer would give, and decides what counts: Bedrock usage line items only, clipped to
 * the period. Pure and order-independent, which is what makes the local and the Athena path agree.
 *
 * Memory follows the principals (and at most `MAX_TRACKED_SESSIONS` session names), never the rows.
 */
import { sessionArnToRole, parseArn } from '../iam/arn.js'
import { addTo, isUntaggedValue, roundAmount, type TagKeySpend } from './model.js'
import { SESSION_CAP, type CurGroup, type CurPrincipalKind, type CurReadStats, type CurSpendData, type LedgerCell, type LedgerModelCell, type PrincipalSpend } from './cur-model.js'
import type { SpendPeriod } from '../model/spend.js'

/** Line item types that are Bedrock usage; Credit, Refund, Tax, Fee and the rest are left out. */
export const USAGE_LINE_ITEM_TYPES: readonly string[] = ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage']
/** `line_item_product_code` of Bedrock itself. Marketplace models are recognised by product name. */
export const BEDROCK_PRODUCT_CODES: readonly string[] = ['AmazonBedrock', 'AmazonBedrockService']
export const MARKETPLACE_BEDROCK_SUFFIX = '(Amazon Bedrock Edition)'
/** IAM principal data exists in CUR 2.0 from this day on: rows before it never name a caller. */
export const IAM_PRINCIPAL_DATA_SINCE = '2026-04-08'
/** Distinct session names remembered across all roles; further sessions are counted, not named. */
export const MAX_TRACKED_SESSIONS = 200_000

const DAY_MS = 86_400_000

export function isBedrockProduct(productCode: string | undefined, productName: string | undefined): boolean {
  if (productCode !== undefined && BEDROCK_PRODUCT_CODES.includes(productCode)) return true
  return productName !== undefined && productName.trimEnd().endsWith(MARKETPLACE_BEDROCK_SUFFIX)
}

export function isUsageLineItem(type: string | undefined): boolean {
  return type !== undefined && USAGE_LINE_ITEM_TYPES.includes(type)
}

export function periodMs(p: SpendPeriod): { start: number; end: number } {
  return { start: Date.parse(`${p.start}T00:00:00Z`), end: Date.parse(`${p.end}T00:00:00Z`) }
}

/**
 * The part of a line item's cost that falls in the period, in proportion to time: a daily or hourly row
 * is in or out; a monthly row straddling the period's edge counts for the days inside. A row without an
 * end (or with end ≤ start) counts whole when it starts inside.
 */
export function clipCost(cost: number, startMs: number, endMs: number, period: { start: number; end: number }): number {
  if (!(endMs > startMs)) return startMs >= period.start && startMs < period.end ? cost : 0
  const from = Math.max(startMs, period.start)
  const to = Math.min(endMs, period.end)
  if (to <= from) return 0
  if (from === startMs && to === endMs) return cost
  return (cost * (to - from)) / (endMs - startMs)
}

/** Day strings by day number: a CUR has a few hundred days and millions of rows. */
const days = new Map<number, string>()
export function utcDay(ms: number): string {
  const n = Math.floor(ms / DAY_MS)
  let s = days.get(n)
  if (s === undefined) {
    s = new Date(ms).toISOString().slice(0, 10)
    if (days.size < 100_000) days.set(n, s)
  }
  return s
}

/** The caller behind `line_item_iam_principal`, as the IAM join needs it: account, kind, name, session. */
export interface CurCaller {
  accountId: string
  kind: CurPrincipalKind
  name: string
  arn: string
  session?: string
}

export function callerOf(principal: string, usageAccountId: string): CurCaller {
  const p = principal.trim()
  if (p === '') return { accountId: usageAccountId, kind: 'none', name: '', arn: '' }
  const session = sessionArnToRole(p)
  const a = parseArn(p)
  if (session && a) return { accountId: session.accountId, kind: 'role', name: session.roleName, session: session.sessionName, arn: `arn:${a.partition}:iam::${session.accountId}:role/${session.roleName}` }
  if (a && a.service === 'iam' && a.resourceType === 'user' && a.resourceName !== '') {
    return { accountId: a.accountId, kind: 'user', name: a.resourceName, arn: `arn:${a.partition}:iam::${a.accountId}:user/${a.resourceName}` }
  }
  // A role ARN (not a session) is not what CUR writes, but a hand-made or future export might.
  if (a && a.service === 'iam' && a.resourceType === 'role' && a.resourceName !== '') {
    return { accountId: a.accountId, kind: 'role', name: a.resourceName, arn: `arn:${a.partition}:iam::${a.accountId}:role/${a.resourceName}` }
  }
  if (a && a.service === 'iam' && a.resource === 'root') return { accountId: a.accountId, kind: 'root', name: 'root', arn: p }
  if (a && a.service === 'sts' && a.resourceType === 'federated-user') return { accountId: a.accountId, kind: 'federated-user', name: a.resourceName, arn: p }
  return { accountId: a?.accountId || usageAccountId, kind: 'unknown', name: p, arn: p }
}

interface SessionAcc {
  total: number
  unattributed: number
}

interface PrincipalAcc {
  caller: CurCaller
  total: number
  unattributed: number
  byKey: Array<{ unattributed: number; values: Map<string, number> }>
  sessions?: Map<string, SessionAcc>
  /** Sessions beyond the tracking budget: counted together. */
  untrackedSessions: number
  rows: number
  first?: string
  last?: string
  unattributedFirst?: string
  unattributedLast?: string
  attributedFirst?: string
  attributedLast?: string
  /** Ledger cells (day × line values) and model cells (usage type × line values), in micro-units. */
  cells: Map<string, Omit<LedgerCell, 'p'>>
  models: Map<string, Omit<LedgerModelCell, 'p'>>
}

/** The key of a ledger line's values (exact keys and their other spellings) within a cell map. */
const lineKey = (values: readonly string[], caseValues: readonly string[]): string => JSON.stringify([values, caseValues])

/** Cost → integer micro-units: the ledger adds these exactly. */
export function toMicro(cost: number): number {
  return Math.round(cost * 1e6)
}

interface AccountAcc {
  total: number
  unattributed: number
  byKey: Array<{ untagged: number; byValue: Record<string, number> }>
}

const minDay = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined || a <= b ? a : b)
const maxDay = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined || a >= b ? a : b)

export class CurSpendAccumulator {
  private readonly principals = new Map<string, PrincipalAcc>()
  private readonly accounts = new Map<string, AccountAcc>()
  private readonly currencies = new Map<string, number>()
  private readonly seen = new Set<string>()
  private trackedSessions = 0

  constructor(readonly tagKeys: readonly string[]) {}

  /** An account that appears in the CUR (any service): the CUR speaks for its principals. */
  sawAccount(accountId: string): void {
    if (accountId !== '') this.seen.add(accountId)
  }

  add(g: CurGroup): void {
    const p = this.spend(g)
    if (!p) return
    const micro = toMicro(g.cost)
    const values = this.tagKeys.map((_, i) => g.values[i] ?? '')
    const caseValues = this.tagKeys.map((_, i) => g.caseValues?.[i] ?? '')
    // The line values' key, made once for both cells (this runs for every row the row reader reads).
    const line = lineKey(values, caseValues)
    this.cell(p, g.first ?? '', values, caseValues, micro, line)
    this.model(p, g.usageType ?? '', values, caseValues, micro, line)
  }

  /**
   * A group's spend without its ledger cells (`addCell` and `addModel` give those, already summed):
   * the DuckDB reader aggregates the cells per caller and day, the rest per billed principal.
   */
  addSpend(g: Omit<CurGroup, 'usageType'>): void {
    this.spend(g)
  }

  private spend(g: Omit<CurGroup, 'usageType'>): PrincipalAcc | undefined {
    if (g.cost === 0 && g.rows === 0) return undefined
    this.sawAccount(g.accountId)
    const missing = this.tagKeys.map((_, i) => {
      const v = g.values[i]
      return v === undefined || isUntaggedValue(v)
    })
    const unattributed = missing.some(Boolean) ? g.cost : 0
    this.currencies.set(g.currency, (this.currencies.get(g.currency) ?? 0) + Math.abs(g.cost))

    const acct = this.account(g.accountId)
    acct.total += g.cost
    acct.unattributed += unattributed
    for (const [i, k] of acct.byKey.entries()) {
      const value = g.values[i] ?? ''
      k.byValue[value] = (k.byValue[value] ?? 0) + g.cost
      if (missing[i]) k.untagged += g.cost
    }

    const caller = this.caller(g.principal, g.accountId)
    const p = this.record(caller, g.accountId)
    p.total += g.cost
    p.unattributed += unattributed
    p.rows += g.rows
    for (const [i, k] of p.byKey.entries()) {
      if (missing[i]) k.unattributed += g.cost
      else {
        const v = g.values[i] as string
        k.values.set(v, (k.values.get(v) ?? 0) + g.cost)
      }
    }
    p.first = minDay(p.first, g.first)
    p.last = maxDay(p.last, g.last)
    if (unattributed !== 0) {
      p.unattributedFirst = minDay(p.unattributedFirst, g.first)
      p.unattributedLast = maxDay(p.unattributedLast, g.last)
    } else {
      p.attributedFirst = minDay(p.attributedFirst, g.first)
      p.attributedLast = maxDay(p.attributedLast, g.last)
    }
    if (caller.session !== undefined) {
      p.sessions ??= new Map()
      let s = p.sessions.get(caller.session)
      if (!s && this.trackedSessions < MAX_TRACKED_SESSIONS) {
        s = { total: 0, unattributed: 0 }
        p.sessions.set(caller.session, s)
        this.trackedSessions++
      }
      if (s) {
        s.total += g.cost
        s.unattributed += unattributed
      } else p.untrackedSessions++
    }
    return p
  }

  /** Micro-units of a caller's usage on one day with these line values (values `''` where absent). */
  addCell(accountId: string, principal: string, day: string, values: string[], caseValues: string[], micro: number): void {
    this.cell(this.record(this.caller(principal, accountId), accountId), day, values, caseValues, micro)
  }

  /** Micro-units of a caller's usage of one usage type with these line values. */
  addModel(accountId: string, principal: string, usageType: string, values: string[], caseValues: string[], micro: number): void {
    this.model(this.record(this.caller(principal, accountId), accountId), usageType, values, caseValues, micro)
  }

  private cell(p: PrincipalAcc, day: string, values: string[], caseValues: string[], micro: number, line = lineKey(values, caseValues)): void {
    const cellKey = `${day}\u0000${line}`
    const cell = p.cells.get(cellKey)
    if (cell) cell.micro += micro
    else p.cells.set(cellKey, { day, values, caseValues, micro })
  }

  private model(p: PrincipalAcc, usageType: string, values: string[], caseValues: string[], micro: number, line = lineKey(values, caseValues)): void {
    const modelKey = `${usageType}\u0000${line}`
    const model = p.models.get(modelKey)
    if (model) model.micro += micro
    else p.models.set(modelKey, { usageType, values, caseValues, micro })
  }

  /** The record of a caller (a role's sessions share their role's), made on first use. */
  private record(caller: CurCaller, accountId: string): PrincipalAcc {
    const key = `${caller.accountId}\u0000${caller.kind}\u0000${caller.kind === 'none' ? accountId : caller.arn}`
    let p = this.principals.get(key)
    if (!p) {
      p = { caller: { ...caller, ...(caller.kind === 'none' ? { accountId } : {}) }, total: 0, unattributed: 0, byKey: this.tagKeys.map(() => ({ unattributed: 0, values: new Map() })), untrackedSessions: 0, rows: 0, cells: new Map(), models: new Map() }
      delete p.caller.session
      this.principals.set(key, p)
    }
    return p
  }

  /** `callerOf`, remembered per principal string: millions of rows name a few thousand callers. */
  private readonly callers = new Map<string, CurCaller>()
  private caller(principal: string, accountId: string): CurCaller {
    const key = `${accountId}\u0000${principal}`
    let c = this.callers.get(key)
    if (!c) {
      c = callerOf(principal, accountId)
      if (this.callers.size < MAX_TRACKED_SESSIONS) this.callers.set(key, c)
    }
    return c
  }

  private account(id: string): AccountAcc {
    let a = this.accounts.get(id)
    if (!a) {
      a = { total: 0, unattributed: 0, byKey: this.tagKeys.map(() => ({ untagged: 0, byValue: {} })) }
      this.accounts.set(id, a)
    }
    return a
  }

  /** The principal records, costliest unattributed spend first (then total, then ARN). */
  principalSpend(): PrincipalSpend[] {
    return this.ordered().map(([r]) => r)
  }

  /** The principal records in report order, each with its accumulator (for the ledger cells). */
  private ordered(): Array<[PrincipalSpend, PrincipalAcc]> {
    const out: Array<[PrincipalSpend, PrincipalAcc]> = []
    for (const p of this.principals.values()) {
      const r: PrincipalSpend = {
        accountId: p.caller.accountId,
        kind: p.caller.kind,
        name: p.caller.name,
        arn: p.caller.arn,
        total: roundAmount(p.total),
        unattributed: roundAmount(p.unattributed),
        byKey: Object.fromEntries(
          this.tagKeys.map((k, i) => {
            const b = p.byKey[i]!
            return [k, { unattributed: roundAmount(b.unattributed), values: Object.fromEntries([...b.values].sort(([x], [y]) => (x < y ? -1 : 1)).map(([v, n]) => [v, roundAmount(n)])) }]
          }),
        ),
        rows: p.rows,
      }
      if (p.sessions) {
        const all = [...p.sessions].map(([name, s]) => ({ name, total: roundAmount(s.total), unattributed: roundAmount(s.unattributed) }))
        all.sort((a, b) => b.unattributed - a.unattributed || b.total - a.total || (a.name < b.name ? -1 : 1))
        r.sessions = { count: all.length, capped: p.untrackedSessions > 0 || all.length > SESSION_CAP, top: all.slice(0, SESSION_CAP) }
      }
      for (const k of ['first', 'last', 'unattributedFirst', 'unattributedLast', 'attributedFirst', 'attributedLast'] as const) {
        const v = p[k]
        if (v !== undefined) r[k] = v
      }
      out.push([r, p])
    }
    return out.sort(([a], [b]) => b.unattributed - a.unattributed || b.total - a.total || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : a.accountId < b.accountId ? -1 : 1))
  }

  /** Cells in a stable order (principal, then day or usage type, then line values). */
  private ledgerCells(ordered: ReadonlyArray<[PrincipalSpend, PrincipalAcc]>): Pick<CurSpendData, 'cells' | 'modelCells'> {
    const byKey = <T>(m: Map<string, T>): T[] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v)
    const cells: LedgerCell[] = []
    const modelCells: LedgerModelCell[] = []
    ordered.forEach(([, acc], p) => {
      for (const c of byKey(acc.cells)) if (c.micro !== 0) cells.push({ p, ...c })
      for (const c of byKey(acc.models)) if (c.micro !== 0) modelCells.push({ p, ...c })
    })
    return { cells, modelCells }
  }

  /** The currency of most of the spend; a note when there are several. */
  currency(): { currency: string; note?: string } {
    const all = [...this.currencies].sort((a, b) => b[1] - a[1])
    const first = all[0]?.[0] ?? 'USD'
    if (all.length <= 1) return { currency: first }
    return { currency: first, note: `the CUR bills in several currencies (${all.map(([c]) => c).join(', ')}); they were added up as they are` }
  }

  result(x: { source: CurSpendData['source']; period: SpendPeriod; stats: CurReadStats; notes?: string[] }): CurSpendData {
    const { currency, note } = this.currency()
    const accounts: CurSpendData['accounts'] = {}
    const byTag: Record<string, TagKeySpend> = Object.fromEntries(
      this.tagKeys.map((k) => [k, { tagKey: k, costKey: `iamPrincipal/${k}`, total: 0, untagged: 0, byValue: {}, byAccount: {} } satisfies TagKeySpend]),
    )
    let total = 0
    let unattributed = 0
    for (const [id, a] of [...this.accounts].sort(([x], [y]) => (x < y ? -1 : 1))) {
      accounts[id] = { total: roundAmount(a.total), unattributed: roundAmount(a.unattributed) }
      total += a.total
      unattributed += a.unattributed
      for (const [i, k] of this.tagKeys.entries()) {
        const src = a.byKey[i]!
        const t = byTag[k]!
        const byValue: Record<string, number> = {}
        for (const [v, n] of Object.entries(src.byValue)) {
          addTo(byValue, v, n)
          addTo(t.byValue, v, n)
        }
        t.byAccount[id] = { total: roundAmount(a.total), untagged: roundAmount(src.untagged), byValue }
        t.total = roundAmount(t.total + a.total)
        t.untagged = roundAmount(t.untagged + src.untagged)
      }
    }
    const notes = [...(x.notes ?? [])]
    if (note) notes.push(note)
    const ordered = this.ordered()
    return {
      source: x.source,
      period: { ...x.period },
      currency,
      tagKeys: [...this.tagKeys],
      total: roundAmount(total),
      unattributed: roundAmount(unattributed),
      accounts,
      byTag,
      principals: ordered.map(([r]) => r),
      accountsSeen: [...this.seen].sort(),
      stats: x.stats,
      notes,
      ...this.ledgerCells(ordered),
    }
  }
}

export function emptyStats(): CurReadStats {
  return { files: 0, rows: 0, bedrockRows: 0, nonUsageRows: 0, skippedRows: 0, skipped: [], superseded: [] }
}

/** The first skipped rows are listed with their reason; beyond that they are only counted. */
export const SKIPPED_ROWS_LISTED = 20

export function skipRow(stats: CurReadStats, file: string, reason: string, row?: number): void {
  stats.skippedRows++
  if (stats.skipped.length < SKIPPED_ROWS_LISTED) stats.skipped.push(row === undefined ? { file, reason } : { file, row, reason })
}

/**
 * The period when none is given: the days the rows covered (`last` is an end instant, exclusive), not
 * before IAM principal data exists.
 */
export function defaultPeriod(first: number | undefined, last: number | undefined): SpendPeriod | undefined {
  if (first === undefined || last === undefined) return undefined
  const startMs = Math.max(Math.floor(first / DAY_MS) * DAY_MS, Date.parse(`${IAM_PRINCIPAL_DATA_SINCE}T00:00:00Z`))
  const endMs = Math.max(Math.ceil(last / DAY_MS) * DAY_MS, startMs + DAY_MS)
  return { start: utcDay(startMs), end: utcDay(endMs) }
}

