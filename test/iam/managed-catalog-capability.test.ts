/**
 * Regression test over the whole bundled AWS managed-policy catalog: which policies, attached alone, make a
 * principal Bedrock-capable, and through which inference actions. The expected set is committed
 * (test/fixtures/iam/managed-capable.json); a change to the analysis or to the catalog that moves a policy in or
 * out shows up here and must be explained in its commit.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_INFERENCE_ACTIONS, PolicyEvalCache, evaluateBedrockCapability } from '../../src/iam/capability.js'
import { parsePolicyDocument } from '../../src/iam/policy-document.js'

interface RawCatalog {
  policies: Record<string, { arn: string; document: unknown }>
}

const catalog = JSON.parse(readFileSync(new URL('../../data/aws-managed-policies.json', import.meta.url), 'utf8')) as RawCatalog
const expected = JSON.parse(readFileSync(new URL('../fixtures/iam/managed-capable.json', import.meta.url), 'utf8')) as Record<string, string[]>

describe('AWS managed policies', () => {
  it('are Bedrock-capable exactly as recorded', () => {
    const cache = new PolicyEvalCache()
    const capable: Record<string, string[]> = {}
    for (const [name, p] of Object.entries(catalog.policies)) {
      const source = { kind: 'managed' as const, name: p.arn, arn: p.arn }
      const r = evaluateBedrockCapability({ identity: [{ source, document: parsePolicyDocument(p.document) }] }, DEFAULT_INFERENCE_ACTIONS, cache)
      if (r.capable) capable[name] = r.actions
    }
    expect(Object.keys(catalog.policies).length).toBeGreaterThan(1500)
    expect(capable).toEqual(expected)
  })
})
