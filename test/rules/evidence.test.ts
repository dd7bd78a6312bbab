/**
 * Evidence that many findings share: one frozen object per capability result and rule fields, the same
 * JSON (keys in the same order) as the object literal it replaces.
 */
import { describe, expect, it } from 'vitest'
import type { PrincipalFacts } from '../../src/analysis/facts.js'
import { capabilityEvidence, sharedCapabilityEvidence } from '../../src/rules/evidence.js'

const capability: PrincipalFacts['capability'] = {
  capable: true,
  actions: ['bedrock:InvokeModel'],
  grants: [{ policy: 'arn:aws:iam::111111111111:policy/Invoke', statement: 'Statement[0]', actions: ['bedrock:InvokeModel'], conditional: true }],
  removed: [],
  resourceTypes: { 'bedrock:InvokeModel': ['foundation-model'] },
}

function principal(name: string, extra: Partial<PrincipalFacts> = {}): PrincipalFacts {
  return {
    kind: 'role',
    arn: `arn:aws:iam::111111111111:role/${name}`,
    accountId: '111111111111',
    partition: 'aws',
    name,
    path: '/',
    tags: [],
    capability,
    paths: ['workload'],
    apiKeys: [],
    apiKeysCollected: false,
    notes: [],
    ...extra,
  }
}

describe('capabilityEvidence', () => {
  it('puts the rule fields after the grants, as a spread into a literal did', () => {
    const p = principal('a')
    const ev = capabilityEvidence(p, { tagState: 'missing', paths: p.paths })
    expect(JSON.stringify(ev)).toBe(JSON.stringify({ ...capabilityEvidence(p), tagState: 'missing', paths: p.paths }))
    expect(Object.keys(ev)).toEqual(['grants', 'resourceTypes', 'tagState', 'paths'])
  })
})

describe('sharedCapabilityEvidence', () => {
  it('gives principals with the same capability and equal fields one frozen object', () => {
    const a = sharedCapabilityEvidence(principal('a'), { tagState: 'missing', paths: ['workload'] })
    const b = sharedCapabilityEvidence(principal('b'), { tagState: 'missing', paths: ['workload'] })
    expect(b).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
    // ESM is strict: a step that wrote into one finding's shared evidence would throw, not change thousands.
    expect(() => {
      ;(a as Record<string, unknown>).tagState = 'empty'
    }).toThrow(TypeError)
    expect(JSON.stringify(a)).toBe(JSON.stringify(capabilityEvidence(principal('a'), { tagState: 'missing', paths: ['workload'] })))
  })

  it('keeps different fields, capabilities and principal notes apart', () => {
    const base = sharedCapabilityEvidence(principal('a'), { tagState: 'missing' })
    expect(sharedCapabilityEvidence(principal('a'), { tagState: 'empty' })).not.toBe(base)
    expect(sharedCapabilityEvidence(principal('a', { capability: { ...capability } }), { tagState: 'missing' })).not.toBe(base)
    const noted = sharedCapabilityEvidence(principal('c', { notes: ['policy X not resolved'] }), { tagState: 'missing' })
    expect(noted).not.toBe(base)
    expect(noted.analysisNotes).toEqual(['policy X not resolved'])
  })
})
