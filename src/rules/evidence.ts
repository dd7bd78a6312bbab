import type { PrincipalFacts } from '../analysis/facts.js'
import type { Evidence } from '../model/finding.js'

type Grants = NonNullable<Evidence['grants']>

/**
 * The evidence form of each capability's grant list, built once: principals with the same policies share
 * one capability object, so their findings (a million at most) share one grants array instead of each
 * holding its own copy. Nothing downstream mutates evidence.
 */
const grantsOf = new WeakMap<PrincipalFacts['capability']['grants'], Grants>()

/** The statements that make a principal Bedrock-capable, for every finding's evidence. */
export function capabilityEvidence(p: PrincipalFacts): Evidence {
  let grants = grantsOf.get(p.capability.grants)
  if (!grants) {
    grants = p.capability.grants.map((g) => ({ policy: g.policy, statement: g.statement, actions: g.actions, ...(g.conditional ? { conditional: true } : {}) }))
    grantsOf.set(p.capability.grants, grants)
  }
  const ev: Evidence = { grants }
  if (p.notes.length > 0) ev.analysisNotes = p.notes
  return ev
}
