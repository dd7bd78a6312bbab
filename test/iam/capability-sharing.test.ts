/**
 * With a cache, principals whose policies and policy names are the same get one shared capability result
 * (a million facts stay small); anything the result mentions that differs gives a result of its own.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_INFERENCE_ACTIONS, PolicyEvalCache, evaluateBedrockCapability } from '../../src/iam/capability.js'
import { parsePolicyDocument } from '../../src/iam/policy-document.js'
import type { AttachedPolicy } from '../../src/model/policy.js'

const invoke = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] }
const s3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }
const denyInvoke = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'bedrock:*', Resource: '*' }] }

/** A fresh document object each time, as each account's snapshot parses its own copy. */
const managed = (name: string, raw: unknown): AttachedPolicy => ({
  source: { kind: 'managed', name, arn: `arn:aws:iam::111111111111:policy/${name}` },
  document: parsePolicyDocument(structuredClone(raw)),
})
const inline = (name: string, raw: unknown): AttachedPolicy => ({ source: { kind: 'inline', name }, document: parsePolicyDocument(structuredClone(raw)) })

describe('shared capability results', () => {
  it('gives principals with the same policies one result, and principals whose policy names differ their own', () => {
    const cache = new PolicyEvalCache()
    const run = (identity: AttachedPolicy[]) => evaluateBedrockCapability({ identity }, DEFAULT_INFERENCE_ACTIONS, cache)
    const a = run([managed('Invoke', invoke)])
    const b = run([managed('Invoke', invoke)])
    const c = run([managed('InvokeToo', invoke)])
    expect(b).toBe(a)
    expect(c).not.toBe(a)
    expect(c.grants[0]?.policy).toBe('arn:aws:iam::111111111111:policy/InvokeToo')
    expect(a.grants[0]?.policy).toBe('arn:aws:iam::111111111111:policy/Invoke')
  })

  it('shares results that name no policy, whatever the names, and keeps the names of removals', () => {
    const cache = new PolicyEvalCache()
    const run = (identity: AttachedPolicy[]) => evaluateBedrockCapability({ identity }, DEFAULT_INFERENCE_ACTIONS, cache)
    const x = run([inline('x', s3)])
    const y = run([inline('y', s3)])
    expect(y).toBe(x)
    expect(x).toEqual({ capable: false, actions: [], resourceTypes: {}, grants: [], removed: [] })
    const d1 = run([inline('grant', invoke), inline('deny-1', denyInvoke)])
    const d2 = run([inline('grant', invoke), inline('deny-2', denyInvoke)])
    expect(d1.capable).toBe(false)
    expect(d1.removed.map((r) => r.policy)).toEqual(['inline:deny-1'])
    expect(d2.removed.map((r) => r.policy)).toEqual(['inline:deny-2'])
  })
})
