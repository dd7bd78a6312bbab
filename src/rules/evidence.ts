import type { PrincipalFacts } from '../analysis/facts.js'
import type { Evidence } from '../model/finding.js'

/** The statements that make a principal Bedrock-capable, for every finding's evidence. */
export function capabilityEvidence(p: PrincipalFacts): Evidence {
  const ev: Evidence = {
    grants: p.capability.grants.map((g) => ({ policy: g.policy, statement: g.statement, actions: g.actions, ...(g.conditional ? { conditional: true } : {}) })),
  }
  if (p.notes.length > 0) ev.analysisNotes = p.notes
  return ev
}
