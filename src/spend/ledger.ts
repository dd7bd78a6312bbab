/**
 * The spend ledger: every billed Bedrock dollar is attributed, or has exactly one cause.
 *
 * Evaluated per ledger cell (one billed principal, one day, one combination of line values; see
 * `LedgerCell`) and per required key. For key k the line is in one of four states: `ok` (an allowed
 * value under the exact key `iamPrincipal/<k>`), `missing` (no value, or a blank one), `case` (a value
 * only under another spelling such as `iamPrincipal/Team`) or `invalid` (a value that is not allowed).
 * The cause of a key that is not `ok` is the first that applies, in `LEDGER_CAUSES` order:
 *
 *   1 deleted-principal       a user/role of a scanned account that the scan does not have
 *   2 account-not-scanned     a user/role of an account that was not scanned
 *   3 root-or-unidentified    root, no `line_item_iam_principal`, a federation-token user, an unknown caller
 *   4 gateway-collapsed       a declared LLM gateway role's own sessions — even when the line is `ok`:
 *                             every user behind the gateway shares its tags (misattributed if the line
 *                             carries a value, else unattributed)
 *   5 session-tags-not-passed `missing`, and an IAM finding says the role's sessions cannot pass tags
 *   6 api-key-user            a user holding a long-term Bedrock API key (existing on that day) without an
 *                             allowed value for k now (bucket as the line decides: missing → unattributed)
 *   7 missing-tag             `missing`, and the principal has no value for k now
 *   8 tag-added-after-spend   `missing`, and the principal carries k now (tagging is not retroactive)
 *   9 case-drift              `case`
 *  10 invalid-value           `invalid`
 *
 * A line is attributed when every key is `ok` and it is no gateway's; otherwise its cause is the earliest
 * of its keys' causes. Each cause has owning rules (`CAUSE_OWNERS`); the owning finding on the principal
 * (or, for case drift, on the key) gets the dollars as `spend.recoverable`: what its fix would have
 * attributed. Other findings on the principal show its spend but recover nothing from it.
 *
 * Everything is summed in integer micro-units and rounded once, at the end, to cents by largest
 * remainder (total → buckets → causes → principals), so the displayed figures add up to the cent.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { TagRequirement } from '../config/types.js'
import { principalArnsOf, type Finding } from '../model/finding.js'
import { LEDGER_CAUSES, LEDGER_TOP_PRINCIPALS, type Ledger, type LedgerBucket, type LedgerBuckets, type LedgerCause, type LedgerCauseEntry, type LedgerKey, type LedgerTeamRow } from '../model/ledger.js'
import type { CurSpendData, LedgerCell, PrincipalSpend } from './cur-model.js'
import type { PrincipalJoin } from './principal-join.js'
import { tagPattern } from '../util/tag-pattern.js'

/** The rules whose finding owns a cause (base rule IDs), first preferred. */
export const CAUSE_OWNERS: Record<LedgerCause, readonly string[]> = {
  'deleted-principal': ['principal-unattributed-spend'],
  'account-not-scanned': ['principal-unattributed-spend'],
  'root-or-unidentified': ['principal-unattributed-spend'],
  'gateway-collapsed': ['gateway-direct-invoke', 'gateway-collapsed-spend'],
  'session-tags-not-passed': ['federated-role-session-tags', 'gateway-target-session-tags', 'identity-center-session-tags'],
  'api-key-user': ['bedrock-api-key-long-term'],
  'missing-tag': ['principal-missing-tag'],
  'tag-added-after-spend': ['principal-unattributed-spend'],
  'case-drift': ['tag-key-case-drift'],
  'invalid-value': ['tag-value-not-allowed', 'tag-value-whitespace'],
}

const RANK: Record<LedgerCause, number> = Object.fromEntries(LEDGER_CAUSES.map((c, i) => [c, i])) as Record<LedgerCause, number>
const SESSION_TAG_RULES = new Set(CAUSE_OWNERS['session-tags-not-passed'])

type LineState = 'ok' | 'missing' | 'case' | 'invalid'

/** How the join placed a billed principal. */
type Standing = 'matched' | 'deleted' | 'account-not-scanned' | 'unidentified'

interface Who {
  spend: PrincipalSpend
  standing: Standing
  fact?: PrincipalFacts
  /** The ARN findings name it by: the scanned principal's, else the billed IAM form. */
  arn: string
  /** Keys (indexes) whose sessions cannot pass tags, by an IAM finding; `all` when the finding names no key. */
  sessionTagKeys: Set<number> | 'all' | undefined
}

export interface KeyVerdict {
  cause: LedgerCause
  bucket: LedgerBucket
}

export interface LineVerdict {
  /** Per key: undefined when attributed. */
  perKey: Array<KeyVerdict | undefined>
  /** The line's cause (undefined: attributed) and the key it came from. */
  cause?: LedgerCause
  bucket?: LedgerBucket
  key?: number
}

export interface LedgerEvaluation {
  data: CurSpendData
  who: Who[]
  /** One verdict per `data.cells` entry. */
  lines: LineVerdict[]
  /** Per principal (same objects as `data.principals`): cause → micro-units, line level. */
  byPrincipal: Map<PrincipalSpend, Map<LedgerCause, number>>
}

export interface LedgerInputs {
  data: CurSpendData
  join: PrincipalJoin
  requiredTags: readonly TagRequirement[]
  /** The IAM pass's findings (suppressed included): they decide `session-tags-not-passed`. */
  findings: readonly Finding[]
  /** Base rule of a rule instance ID (custom instances of a built-in rule). */
  baseOf: (ruleId: string) => string
}

/** Whether a billed value attributes: exactly an allowed value (the bill does not trim), or any non-blank one without a list. */
export function isAllowedValue(req: TagRequirement | undefined, value: string): boolean {
  if (value.trim() === '') return false
  if (req?.allowedValues && !req.allowedValues.includes(value)) return false
  if (req?.pattern) {
    if (!tagPattern(req.pattern).test(value)) return false
  }
  return true
}

function hasAllowedTag(fact: PrincipalFacts | undefined, key: string, req: TagRequirement | undefined): boolean {
  const t = fact?.tags.find((x) => x.key === key)
  return t !== undefined && isAllowedValue(req, t.value)
}

function hasTag(fact: PrincipalFacts | undefined, key: string): boolean {
  const t = fact?.tags.find((x) => x.key === key)
  return t !== undefined && t.value.trim() !== ''
}

/** A long-term Bedrock API key of the user that existed on `day` (unknown day or dates: yes). */
function hadApiKey(fact: PrincipalFacts | undefined, day: string | undefined): boolean {
  if (!fact || fact.kind !== 'user') return false
  return fact.apiKeys.some((k) => {
    if (k.serviceName !== 'bedrock.amazonaws.com') return false
    if (day === undefined || day === '') return true
    if (k.createDate && k.createDate.slice(0, 10) > day) return false
    if (k.expirationDate && k.expirationDate.slice(0, 10) < day) return false
    return true
  })
}

function whoOf(inputs: LedgerInputs): Who[] {
  const { data, join } = inputs
  const factOf = new Map<PrincipalSpend, PrincipalFacts>()
  for (const [arn, s] of join.byFact) {
    const f = join.facts.get(arn)
    if (f) factOf.set(s, f)
  }
  const unmatched = new Map(join.unmatched.map((u) => [u.spend, u.reason]))
  const sessionKeys = new Map<string, Set<number> | 'all'>()
  for (const f of inputs.findings) {
    if (!SESSION_TAG_RULES.has(inputs.baseOf(f.ruleId))) continue
    const k = f.subject.tagKey
    const i = k === undefined ? -1 : data.tagKeys.indexOf(k)
    // A permission-set finding (identity-center-session-tags) covers the sessions of its roles.
    for (const arn of principalArnsOf(f)) {
      const prev = sessionKeys.get(arn)
      if (i < 0 || prev === 'all') sessionKeys.set(arn, 'all')
      else sessionKeys.set(arn, new Set([...(prev ?? []), i]))
    }
  }
  return data.principals.map((spend) => {
    const fact = factOf.get(spend)
    const reason = unmatched.get(spend)
    const standing: Standing = fact ? 'matched' : reason === 'deleted' ? 'deleted' : reason === 'account-not-scanned' ? 'account-not-scanned' : 'unidentified'
    const arn = fact?.arn ?? spend.arn
    return { spend, standing, ...(fact ? { fact } : {}), arn, sessionTagKeys: sessionKeys.get(arn) }
  })
}

function lineStates(values: readonly string[], caseValues: readonly string[], reqs: ReadonlyArray<TagRequirement | undefined>): LineState[] {
  return values.map((v, i) => {
    if (v.trim() === '') return (caseValues[i] ?? '').trim() !== '' ? 'case' : 'missing'
    return isAllowedValue(reqs[i], v) ? 'ok' : 'invalid'
  })
}

function keyVerdict(who: Who, i: number, key: string, state: LineState, req: TagRequirement | undefined, day: string | undefined): KeyVerdict | undefined {
  const fixed = (cause: LedgerCause): KeyVerdict => ({ cause, bucket: cause === 'case-drift' || cause === 'invalid-value' ? 'misattributed' : 'unattributed' })
  const asLine = (cause: LedgerCause): KeyVerdict => ({ cause, bucket: state === 'missing' ? 'unattributed' : 'misattributed' })
  if (who.fact?.gateway && who.fact.kind === 'role') return asLine('gateway-collapsed')
  if (state === 'ok') return undefined
  if (who.standing === 'deleted') return fixed('deleted-principal')
  if (who.standing === 'account-not-scanned') return fixed('account-not-scanned')
  if (who.standing === 'unidentified') return fixed('root-or-unidentified')
  if (state === 'missing' && (who.sessionTagKeys === 'all' || who.sessionTagKeys?.has(i))) return fixed('session-tags-not-passed')
  if (hadApiKey(who.fact, day) && !hasAllowedTag(who.fact, key, req)) return asLine('api-key-user')
  if (state === 'missing') return fixed(hasTag(who.fact, key) ? 'tag-added-after-spend' : 'missing-tag')
  return fixed(state === 'case' ? 'case-drift' : 'invalid-value')
}

function lineVerdict(who: Who, keys: readonly string[], reqs: ReadonlyArray<TagRequirement | undefined>, values: readonly string[], caseValues: readonly string[], day: string | undefined): LineVerdict {
  const states = lineStates(values, caseValues, reqs)
  const perKey = keys.map((k, i) => keyVerdict(who, i, k, states[i]!, reqs[i], day))
  let best: number | undefined
  for (const [i, v] of perKey.entries()) if (v && (best === undefined || RANK[v.cause] < RANK[perKey[best]!.cause])) best = i
  if (best === undefined) return { perKey }
  const cause = perKey[best]!.cause
  // A cause whose bucket follows the line: unattributed when any key it covers has no value at all.
  const bucket = perKey.some((v, i) => v?.cause === cause && v.bucket === 'unattributed' && states[i] === 'missing') || perKey[best]!.bucket === 'unattributed' ? 'unattributed' : 'misattributed'
  return { perKey, cause, bucket, key: best }
}

/** Causes of every cell; needs the IAM pass's findings (session tags), not the spend rules'. */
export function evaluateLedger(inputs: LedgerInputs): LedgerEvaluation {
  const { data } = inputs
  const who = whoOf(inputs)
  const reqs = data.tagKeys.map((k) => inputs.requiredTags.find((r) => r.key === k))
  const byPrincipal = new Map<PrincipalSpend, Map<LedgerCause, number>>()
  const lines = data.cells.map((c) => {
    const w = who[c.p]!
    const v = lineVerdict(w, data.tagKeys, reqs, c.values, c.caseValues, c.day)
    if (v.cause) {
      let m = byPrincipal.get(w.spend)
      if (!m) byPrincipal.set(w.spend, (m = new Map()))
      m.set(v.cause, (m.get(v.cause) ?? 0) + c.micro)
    }
    return v
  })
  return { data, who, lines, byPrincipal }
}

// ---------------------------------------------------------------------------------------------
// Rounding

/** Micro-units → cents, half away from zero. */
export function microToCents(micro: number): number {
  return Math.sign(micro) * Math.round(Math.abs(micro) / 1e4)
}

/**
 * Splits `cents` among `parts` (micro-units) by largest remainder: each part gets its floor in cents,
 * and the cents left over go to the largest remainders (ties: the earlier part).
 */
export function apportion(cents: number, parts: readonly number[]): number[] {
  const base = parts.map((m) => Math.floor(m / 1e4))
  const rem = parts.map((m, i) => m - base[i]! * 1e4)
  let left = cents - base.reduce((a, b) => a + b, 0)
  const order = parts.map((_, i) => i).sort((a, b) => rem[b]! - rem[a]! || a - b)
  for (let j = 0; left > 0 && parts.length > 0; j = (j + 1) % parts.length, left--) base[order[j]!]!++
  const back = [...order].reverse()
  for (let j = 0; left < 0 && parts.length > 0; j = (j + 1) % parts.length, left++) base[back[j]!]!--
  return base
}

const money = (cents: number): number => cents / 100

// ---------------------------------------------------------------------------------------------
// Owners, recoverable spend and the ledger

interface EntryAcc {
  cause: LedgerCause
  bucket: LedgerBucket
  micro: number
  principals: Map<number, number>
  findings: Set<string>
}

interface Totals {
  total: number
  attributed: number
  unattributed: number
  misattributed: number
  entries: Map<string, EntryAcc>
}

const emptyTotals = (): Totals => ({ total: 0, attributed: 0, unattributed: 0, misattributed: 0, entries: new Map() })

function addTo(t: Totals, micro: number, p: number, verdict: { cause?: LedgerCause; bucket?: LedgerBucket }, owner: Finding | undefined): void {
  t.total += micro
  if (!verdict.cause || !verdict.bucket) {
    t.attributed += micro
    return
  }
  t[verdict.bucket] += micro
  const id = `${verdict.cause}\u0000${verdict.bucket}`
  let e = t.entries.get(id)
  if (!e) t.entries.set(id, (e = { cause: verdict.cause, bucket: verdict.bucket, micro: 0, principals: new Map(), findings: new Set() }))
  e.micro += micro
  e.principals.set(p, (e.principals.get(p) ?? 0) + micro)
  if (owner) e.findings.add(owner.fingerprint)
}

function roundTotals(t: Totals, who: readonly Who[]): LedgerBuckets & { byCause: LedgerCauseEntry[] } {
  const total = microToCents(t.total)
  const [attributed, unattributed, misattributed] = apportion(total, [t.attributed, t.unattributed, t.misattributed]) as [number, number, number]
  const byCause: LedgerCauseEntry[] = []
  for (const bucket of ['unattributed', 'misattributed'] as const) {
    const entries = [...t.entries.values()].filter((e) => e.bucket === bucket).sort((a, b) => RANK[a.cause] - RANK[b.cause])
    const cents = apportion(bucket === 'unattributed' ? unattributed : misattributed, entries.map((e) => e.micro))
    for (const [i, e] of entries.entries()) {
      const ps = [...e.principals].sort((a, b) => b[1] - a[1] || a[0] - b[0])
      const pc = apportion(cents[i]!, ps.map(([, m]) => m))
      byCause.push({
        cause: e.cause,
        bucket: e.bucket,
        amount: money(cents[i]!),
        principals: ps.map(([p], j) => ({ arn: who[p]!.arn, accountId: who[p]!.spend.accountId, amount: money(pc[j]!) })),
        findings: [...e.findings],
      })
    }
  }
  byCause.sort((a, b) => RANK[a.cause] - RANK[b.cause] || (a.bucket < b.bucket ? 1 : -1))
  return { total: money(total), attributed: money(attributed), unattributed: money(unattributed), misattributed: money(misattributed), byCause }
}

/** Finds the finding that owns a cause on a principal (or, for case drift, on the key). */
class OwnerIndex {
  private readonly byArn = new Map<string, Finding[]>()
  private readonly byAccountSubject = new Map<string, Finding[]>()
  private readonly byTagKey = new Map<string, Finding[]>()

  constructor(
    findings: readonly Finding[],
    private readonly baseOf: (id: string) => string,
  ) {
    const push = (m: Map<string, Finding[]>, k: string, f: Finding): void => {
      const l = m.get(k)
      if (l) l.push(f)
      else m.set(k, [f])
    }
    for (const f of findings) {
      const arns = principalArnsOf(f)
      for (const arn of arns) push(this.byArn, arn, f)
      if (arns.length === 0 && f.subject.kind === 'account' && f.subject.accountId) push(this.byAccountSubject, `${f.subject.accountId}\u0000${f.subject.name ?? ''}`, f)
      if (f.subject.kind === 'tag-key' && f.subject.tagKey) push(this.byTagKey, f.subject.tagKey, f)
    }
  }

  owner(cause: LedgerCause, who: Who, key: string): Finding | undefined {
    const rules = CAUSE_OWNERS[cause]
    let candidates: Finding[]
    if (cause === 'case-drift') candidates = this.byTagKey.get(key.toLowerCase()) ?? []
    else {
      candidates = who.arn !== '' ? (this.byArn.get(who.arn) ?? []) : []
      if (who.standing === 'unidentified') {
        const s = who.spend
        const name = s.kind === 'none' ? 'no-principal' : s.kind === 'root' ? 'root' : s.name
        candidates = [...candidates, ...(this.byAccountSubject.get(`${s.accountId}\u0000${name}`) ?? [])]
      }
    }
    let best: Finding | undefined
    let bestRank = Infinity
    for (const f of candidates) {
      const r = rules.indexOf(this.baseOf(f.ruleId))
      if (r < 0 || r >= bestRank) continue
      const k = f.subject.tagKey
      if (k !== undefined && cause !== 'case-drift' && k !== key) continue
      best = f
      bestRank = r
    }
    return best
  }
}

export interface LedgerResult {
  ledger: Ledger
  /** Finding → micro-units it owns, per cause (for `spend.recoverable` and `spend.cause`), and how much of it is unattributed. */
  owned: Map<Finding, { byCause: Map<LedgerCause, number>; unattributed: number }>
}

/**
 * The ledger over all findings (IAM and spend pass): owners resolved, every figure rounded. Sets
 * `spend.recoverable` (and `spend.cause` on the owning ones) on the findings.
 */
export function finishLedger(ev: LedgerEvaluation, findings: Finding[], baseOf: (id: string) => string, requiredTags: readonly TagRequirement[]): LedgerResult {
  const { data, who } = ev
  const index = new OwnerIndex(findings, baseOf)
  const keys = data.tagKeys
  const all = emptyTotals()
  const perKey = keys.map(() => emptyTotals())
  const owned = new Map<Finding, { byCause: Map<LedgerCause, number>; unattributed: number }>()
  const byAccount = new Map<string, LedgerBuckets>()
  const daily = new Map<string, Omit<LedgerBuckets, 'total'>>()
  const perPrincipal = who.map(() => ({ total: 0, attributed: 0, unattributed: 0, misattributed: 0, causes: new Map<LedgerCause, number>() }))
  const ownerCache = new Map<string, Finding | undefined>()
  const ownerOf = (cause: LedgerCause, p: number, k: number): Finding | undefined => {
    const id = `${cause}\u0000${p}\u0000${k}`
    if (!ownerCache.has(id)) ownerCache.set(id, index.owner(cause, who[p]!, keys[k]!))
    return ownerCache.get(id)
  }
  const bump = (t: Record<string, number>, bucket: string, micro: number): void => {
    t[bucket] = (t[bucket] ?? 0) + micro
  }
  for (const [n, cell] of data.cells.entries()) {
    const v = ev.lines[n]!
    const owner = v.cause !== undefined ? ownerOf(v.cause, cell.p, v.key!) : undefined
    addTo(all, cell.micro, cell.p, v, owner)
    if (owner && v.cause) {
      let o = owned.get(owner)
      if (!o) owned.set(owner, (o = { byCause: new Map(), unattributed: 0 }))
      o.byCause.set(v.cause, (o.byCause.get(v.cause) ?? 0) + cell.micro)
      if (v.bucket === 'unattributed') o.unattributed += cell.micro
    }
    for (const [i, kv] of v.perKey.entries()) addTo(perKey[i]!, cell.micro, cell.p, kv ?? {}, kv ? ownerOf(kv.cause, cell.p, i) : undefined)
    const bucket = v.bucket ?? 'attributed'
    const acct = who[cell.p]!.spend.accountId
    const a = byAccount.get(acct) ?? { total: 0, attributed: 0, unattributed: 0, misattributed: 0 }
    a.total += cell.micro
    bump(a as unknown as Record<string, number>, bucket, cell.micro)
    byAccount.set(acct, a)
    const d = daily.get(cell.day) ?? { attributed: 0, unattributed: 0, misattributed: 0 }
    bump(d as unknown as Record<string, number>, bucket, cell.micro)
    daily.set(cell.day, d)
    const pp = perPrincipal[cell.p]!
    pp.total += cell.micro
    bump(pp as unknown as Record<string, number>, bucket, cell.micro)
    if (v.cause) pp.causes.set(v.cause, (pp.causes.get(v.cause) ?? 0) + cell.micro)
  }
  const cents = (m: number): number => money(microToCents(m))
  const buckets = <T extends Partial<LedgerBuckets>>(b: T): T => Object.fromEntries(Object.entries(b).map(([k, m]) => [k, cents(m as number)])) as T
  const top = perPrincipal
    .map((pp, p) => ({ pp, p }))
    .filter(({ pp }) => pp.total !== 0)
    .sort((a, b) => b.pp.total - a.pp.total || a.p - b.p)
    .slice(0, LEDGER_TOP_PRINCIPALS)
    .map(({ pp, p }) => {
      const w = who[p]!
      const cause = [...pp.causes].sort((a, b) => b[1] - a[1] || RANK[a[0]] - RANK[b[0]])[0]?.[0]
      return { arn: w.arn, accountId: w.spend.accountId, kind: w.spend.kind, ...buckets({ total: pp.total, attributed: pp.attributed, unattributed: pp.unattributed, misattributed: pp.misattributed }), ...(cause ? { cause } : {}) }
    })
  const rounded = roundTotals(all, who)
  const byKey: LedgerKey[] = keys.map((tagKey, i) => {
    const r = roundTotals(perKey[i]!, who)
    return { tagKey, attributed: r.attributed, unattributed: r.unattributed, misattributed: r.misattributed, byCause: r.byCause }
  })
  const ledger: Ledger = {
    currency: data.currency,
    period: { ...data.period },
    source: { ...data.source },
    tagKeys: [...keys],
    ...rounded,
    byKey,
    byAccount: [...byAccount].sort(([x], [y]) => (x < y ? -1 : 1)).map(([accountId, b]) => ({ accountId, ...buckets(b) })),
    daily: [...daily].filter(([d]) => d !== '').sort(([x], [y]) => (x < y ? -1 : 1)).map(([date, b]) => ({ date, ...buckets(b) })),
    teams: teamRows(ev, requiredTags),
    topPrincipals: top,
    notes: [],
  }
  for (const f of findings) {
    const o = owned.get(f)
    const micro = o ? [...o.byCause.values()].reduce((a, b) => a + b, 0) : 0
    if (!f.spend && micro === 0) continue
    const recoverable = cents(micro)
    const main = o ? [...o.byCause].sort((a, b) => b[1] - a[1] || RANK[a[0]] - RANK[b[0]])[0]?.[0] : undefined
    // A finding without spend of its own (the org-wide case-drift finding): what it owns is its spend.
    f.spend ??= { total: recoverable, unattributed: cents(o?.unattributed ?? 0), currency: data.currency, period: { ...data.period } }
    f.spend.recoverable = recoverable
    if (main) f.spend.cause = main
  }
  return { ledger, owned }
}

/** Spend per tag value (attributed) and per bucket, by account and by model, for each key. */
function teamRows(ev: LedgerEvaluation, requiredTags: readonly TagRequirement[]): LedgerTeamRow[] {
  const { data, who } = ev
  const reqs = data.tagKeys.map((k) => requiredTags.find((r) => r.key === k))
  const rows = new Map<string, { tagKey: string; value: string | null; bucket: LedgerTeamRow['bucket']; micro: number; byAccount: Map<string, number>; byModel: Map<string, number> }>()
  const row = (tagKey: string, value: string | null, bucket: LedgerTeamRow['bucket']) => {
    const id = JSON.stringify([tagKey, value, bucket])
    let r = rows.get(id)
    if (!r) rows.set(id, (r = { tagKey, value, bucket, micro: 0, byAccount: new Map(), byModel: new Map() }))
    return r
  }
  const add = (m: Map<string, number>, k: string, micro: number): void => void m.set(k, (m.get(k) ?? 0) + micro)
  const place = (cell: Pick<LedgerCell, 'values'>, perKey: LineVerdict['perKey'], f: (r: ReturnType<typeof row>) => void): void => {
    for (const [i, k] of data.tagKeys.entries()) {
      const kv = perKey[i]
      f(kv ? row(k, null, kv.bucket) : row(k, cell.values[i]!, 'attributed'))
    }
  }
  for (const [n, cell] of data.cells.entries()) {
    place(cell, ev.lines[n]!.perKey, (r) => {
      r.micro += cell.micro
      add(r.byAccount, who[cell.p]!.spend.accountId, cell.micro)
    })
  }
  for (const mc of data.modelCells) {
    const v = lineVerdict(who[mc.p]!, data.tagKeys, reqs, mc.values, mc.caseValues, undefined)
    place(mc, v.perKey, (r) => add(r.byModel, mc.usageType || '(unknown)', mc.micro))
  }
  const cents = (m: number): number => money(microToCents(m))
  const order = { attributed: 0, misattributed: 1, unattributed: 2 }
  return [...rows.values()]
    .sort((a, b) => (a.tagKey === b.tagKey ? 0 : data.tagKeys.indexOf(a.tagKey) - data.tagKeys.indexOf(b.tagKey)) || order[a.bucket] - order[b.bucket] || b.micro - a.micro || ((a.value ?? '') < (b.value ?? '') ? -1 : 1))
    .map((r) => ({
      tagKey: r.tagKey,
      value: r.value,
      bucket: r.bucket,
      amount: cents(r.micro),
      byAccount: Object.fromEntries([...r.byAccount].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, m]) => [k, cents(m)])),
      byModel: Object.fromEntries([...r.byModel].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, m]) => [k, cents(m)])),
    }))
}

// ---------------------------------------------------------------------------------------------
// CSV: one row per principal, tag key, day (and line value / cause)

export const LEDGER_CSV_COLUMNS = ['date', 'account_id', 'principal_arn', 'principal_kind', 'tag_key', 'tag_value', 'cause', 'amount', 'currency'] as const

/**
 * A spreadsheet cell: quoted when needed, and a text that a spreadsheet would run as a formula (starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with `'` (OWASP "CSV injection").
 */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** The ledger per principal, key and day as CSV text; each key's amounts add up to the ledger's total (largest remainder). */
export function ledgerCsv(ev: LedgerEvaluation): string {
  const { data, who } = ev
  const lines: string[] = [LEDGER_CSV_COLUMNS.join(',')]
  for (const [i, key] of data.tagKeys.entries()) {
    const rows = new Map<string, { day: string; p: number; value: string; cause: string; micro: number }>()
    for (const [n, cell] of data.cells.entries()) {
      const kv = ev.lines[n]!.perKey[i]
      const value = cell.values[i] !== '' ? cell.values[i]! : (cell.caseValues[i] ?? '')
      const id = JSON.stringify([cell.day, cell.p, value, kv?.cause ?? ''])
      const r = rows.get(id)
      if (r) r.micro += cell.micro
      else rows.set(id, { day: cell.day, p: cell.p, value, cause: kv?.cause ?? '', micro: cell.micro })
    }
    const list = [...rows.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) || a.p - b.p || (a.value < b.value ? -1 : 1))
    const total = microToCents(list.reduce((n, r) => n + r.micro, 0))
    const cents = apportion(total, list.map((r) => r.micro))
    for (const [j, r] of list.entries()) {
      const w = who[r.p]!
      lines.push([r.day, w.spend.accountId, w.arn, w.spend.kind, key, r.value, r.cause].map(csvCell).join(',') + `,${(cents[j]! / 100).toFixed(2)},${csvCell(data.currency)}`)
    }
  }
  return `${lines.join('\n')}\n`
}
