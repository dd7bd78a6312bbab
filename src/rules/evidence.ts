import type { PrincipalFacts } from '../analysis/facts.js'
import type { Evidence } from '../model/finding.js'

type Grants = NonNullable<Evidence['grants']>

/**
 * The evidence form of each capability's grant list, built once: principals with the same policies share
 * one capability object, so their findings (a million at most) share one grants array instead of each
 * holding its own copy. Nothing downstream mutates evidence.
 */
const grantsOf = new WeakMap<PrincipalFacts['capability']['grants'], Grants>()

/**
 * The statements that make a principal Bedrock-capable, for every finding's evidence, followed by the
 * rule's own fields (`extra`, in its key order).
 *
 * Give the rule's fields as `extra` rather than spreading this result into a literal (`{ ...capabilityEvidence(p), x }`):
 * in Node 20's V8 an object literal that continues after a spread gets a hidden class of its own, ~200 B more per
 * object (a heap snapshot of /tmp/org100k-fh: 20 MB of hidden classes for 118,589 findings' evidence).
 */
export function capabilityEvidence(p: PrincipalFacts, extra?: Evidence): Evidence {
  let grants = grantsOf.get(p.capability.grants)
  if (!grants) {
    grants = p.capability.grants.map((g) => {
      const e: Grants[number] = { policy: g.policy, statement: g.statement, actions: g.actions }
      if (g.conditional) e.conditional = true
      if (g.policyVariables) e.policyVariables = g.policyVariables
      return e
    })
    grantsOf.set(p.capability.grants, grants)
  }
  const ev: Evidence = { grants }
  // Shared with every principal of the same capability result: nothing downstream mutates evidence.
  const types = p.capability.resourceTypes
  if (types && Object.keys(types).length > 0) ev.resourceTypes = types
  const capabilityNotes = p.capability.notes ?? []
  if (p.notes.length > 0 || capabilityNotes.length > 0) ev.analysisNotes = capabilityNotes.length > 0 ? [...p.notes, ...capabilityNotes] : p.notes
  return extra ? Object.assign(ev, extra) : ev
}

/** Interned evidence per capability result, by the JSON of the rule's fields. */
const sharedOf = new WeakMap<PrincipalFacts['capability'], Map<string, Evidence>>()

/**
 * `capabilityEvidence(p, extra)`, one frozen object shared by every principal with the same capability
 * result and equal `extra` (compared as JSON). For the rules that report on most Bedrock-capable
 * principals with evidence that repeats (`principal-missing-tag`, `bedrock-capable-unused`): their
 * evidence was ~300 B per finding, ~1.2 million findings in the finding-heavy 1M organization.
 * Frozen because it is shared: a later step that wrote into one finding's evidence would change
 * thousands (and throws instead). Per-principal values in `extra` defeat the sharing (and cost a key).
 */
export function sharedCapabilityEvidence(p: PrincipalFacts, extra: Evidence): Evidence {
  // Notes of the principal itself (an unresolved policy) make the evidence its own.
  if (p.notes.length > 0) return capabilityEvidence(p, extra)
  let byExtra = sharedOf.get(p.capability)
  if (!byExtra) sharedOf.set(p.capability, (byExtra = new Map()))
  const key = JSON.stringify(extra)
  let ev = byExtra.get(key)
  if (!ev) {
    ev = Object.freeze(capabilityEvidence(p, extra))
    byExtra.set(key, ev)
  }
  return ev
}
