/**
 * The CUR ↔ IAM join: billed callers to the scanned users and roles, on (account, user name) or
 * (account, role name) — never on the ARN string, since a session ARN has no role path and an IAM ARN
 * does. IAM names are unique regardless of case, so an exact match is tried first, then one ignoring
 * case. Billed callers no scanned principal matches are kept with the reason.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { PrincipalSpend } from './cur-model.js'
import type { UnmatchedReason } from '../model/spend.js'

export interface PrincipalJoin {
  /** Fact ARN → its billed spend (all sessions). */
  byFact: Map<string, PrincipalSpend>
  /** Fact ARN → the fact, for the matched ones. */
  facts: Map<string, PrincipalFacts>
  unmatched: Array<{ spend: PrincipalSpend; reason: UnmatchedReason }>
}

const keyOf = (accountId: string, kind: string, name: string): string => `${accountId}\u0000${kind}\u0000${name}`

export function joinPrincipalSpend(principals: readonly PrincipalSpend[], facts: readonly PrincipalFacts[], scannedAccounts: ReadonlySet<string>): PrincipalJoin {
  const exact = new Map<string, PrincipalFacts>()
  const folded = new Map<string, PrincipalFacts>()
  for (const f of facts) {
    exact.set(keyOf(f.accountId, f.kind, f.name), f)
    folded.set(keyOf(f.accountId, f.kind, f.name.toLowerCase()), f)
  }
  const join: PrincipalJoin = { byFact: new Map(), facts: new Map(), unmatched: [] }
  for (const s of principals) {
    if (s.kind === 'user' || s.kind === 'role') {
      const f = exact.get(keyOf(s.accountId, s.kind, s.name)) ?? folded.get(keyOf(s.accountId, s.kind, s.name.toLowerCase()))
      if (f) {
        join.byFact.set(f.arn, s)
        join.facts.set(f.arn, f)
        continue
      }
      join.unmatched.push({ spend: s, reason: scannedAccounts.has(s.accountId) ? 'deleted' : 'account-not-scanned' })
      continue
    }
    const reason: UnmatchedReason = s.kind === 'none' ? 'no-principal' : s.kind === 'root' ? 'root' : s.kind === 'federated-user' ? 'federated-user' : 'unknown'
    join.unmatched.push({ spend: s, reason })
  }
  return join
}
