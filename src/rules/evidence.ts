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
    grants = p.capability.grants.map((g) => ({
      policy: g.policy,
      statement: g.statement,
      actions: g.actions,
      ...(g.conditional ? { conditional: true } : {}),
      ...(g.policyVariables ? { policyVariables: g.policyVariables } : {}),
    }))
    grantsOf.set(p.capability.grants, grants)
  }
  const ev: Evidence = { grants }
  // Shared with every principal of the same capability result: nothing downstream mutates evidence.
  const types = p.capability.resourceTypes
  if (types && Object.keys(types).length > 0) ev.resourceTypes = types
  const capabilityNotes = p.capability.notes ?? []
  if (p.notes.length > 0 || capabilityNotes.length > 0) ev.analysisNotes = capabilityNotes.length > 0 ? [...p.notes, ...capabilityNotes] : p.notes
  return ev
}
