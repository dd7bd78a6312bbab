/**
 * Usage evidence: whether a principal has used Bedrock, something else, or nothing at all.
 *
 * `RoleLastUsed` (in every `get-account-authorization-details` role) records the last use of *any*
 * service and users have no such field, so it can never prove Bedrock use: it only separates "used
 * something" from "never used". Bedrock use itself comes from IAM Access Advisor (`scan --usage`,
 * live) or from CUR spend; both arrive as `BedrockUsageEvidence`.
 */

/** How a finding's principal has been used, as far as the evidence goes. */
export type UsageState = 'bedrock-used' | 'used-other-services' | 'never-used' | 'unknown'

export type UsageSource = 'access-advisor' | 'cur' | 'role-last-used'

/** Bedrock use (or its absence) seen by a source that can see Bedrock specifically. */
export interface BedrockUsageEvidence {
  source: Exclude<UsageSource, 'role-last-used'>
  /** Last Bedrock use the source saw (ISO 8601); absent when it saw none in its window. */
  lastUsed?: string
  /** Start of the window the source looked at (Access Advisor: its 400-day tracking period; CUR: the first billing day read). */
  windowStart?: string
  /** Access Advisor only: the last use of any service in the tracking period; absent when none. */
  anyServiceLastUsed?: string
}

/** What the classification reads from a principal (a subset of `PrincipalFacts`). */
export interface UsageInput {
  kind: 'user' | 'role'
  /** `RoleLastUsed`: `{}` when present but empty (never used in the 400-day window), absent when unknown. */
  lastUsed?: { date?: string; region?: string }
  bedrockUsage?: readonly BedrockUsageEvidence[]
}

export interface PrincipalUsage {
  state: UsageState
  /** Whether Bedrock itself was used: known only from Access Advisor or CUR, or from a role never used at all. */
  bedrock: 'used' | 'unused' | 'unknown'
  /** The evidence the state rests on; absent for `unknown`. */
  source?: UsageSource
  /** `bedrock-used`: last Bedrock use; `used-other-services`: last use of any service. */
  lastUsed?: string
  /** The window the Bedrock evidence covers, when known. */
  windowStart?: string
}

function latest(dates: ReadonlyArray<string | undefined>): string | undefined {
  let best: string | undefined
  let bestT = -Infinity
  for (const d of dates) {
    if (d === undefined) continue
    const t = Date.parse(d)
    if (!Number.isNaN(t) && t > bestT) {
      bestT = t
      best = d
    }
  }
  return best
}

export function classifyUsage(p: UsageInput): PrincipalUsage {
  const evidence = p.bedrockUsage ?? []
  const bedrockLast = latest(evidence.map((e) => e.lastUsed))
  if (bedrockLast !== undefined) {
    const e = evidence.find((x) => x.lastUsed === bedrockLast)!
    return { state: 'bedrock-used', bedrock: 'used', source: e.source, lastUsed: bedrockLast, ...(e.windowStart ? { windowStart: e.windowStart } : {}) }
  }
  // A role with an empty RoleLastUsed was not used at all in the tracking window, Bedrock included.
  if (p.kind === 'role' && p.lastUsed && p.lastUsed.date === undefined) {
    return { state: 'never-used', bedrock: 'unused', source: 'role-last-used' }
  }
  if (evidence.length === 0) return { state: 'unknown', bedrock: 'unknown' }
  // Every source that can see Bedrock saw none.
  const windowStart = latest(evidence.map((e) => e.windowStart))
  const win = windowStart ? { windowStart } : {}
  // The state rests on the Bedrock evidence; the date is the last use of anything, wherever it was seen.
  const advisor = evidence.find((e) => e.source === 'access-advisor')
  const source = (advisor ?? evidence[0]!).source
  const otherUse = latest([p.lastUsed?.date, ...evidence.map((e) => e.anyServiceLastUsed)])
  if (otherUse !== undefined) return { state: 'used-other-services', bedrock: 'unused', source, lastUsed: otherUse, ...win }
  // Access Advisor lists every service the principal may use: no date anywhere means no use at all.
  if (advisor) return { state: 'never-used', bedrock: 'unused', source: 'access-advisor', ...win }
  // CUR alone shows no Bedrock spend but cannot tell whether anything else was used.
  return { state: 'unknown', bedrock: 'unused', source, ...win }
}

/** One clause for messages: "has not used Bedrock since 2025-10-22 (IAM Access Advisor; …)". */
export function describeUnused(u: PrincipalUsage): string {
  const since = u.windowStart ? ` since ${u.windowStart.slice(0, 10)}` : ''
  const other = u.state === 'used-other-services' ? `; other services last used on ${u.lastUsed?.slice(0, 10) ?? '?'}` : ''
  switch (u.source) {
    case 'role-last-used':
      return 'has never been used at all (its RoleLastUsed is empty for the 400-day tracking period)'
    case 'access-advisor':
      return u.state === 'never-used' ? `has not used any AWS service${since} (IAM Access Advisor)` : `has not used Bedrock${since} (IAM Access Advisor${other})`
    case 'cur':
      return `has no Bedrock spend${since} in the Cost and Usage Report${other ? ` (${other.slice(2)})` : ''}`
    default:
      return 'has no recorded Bedrock use'
  }
}
