/**
 * The per-account policy-document memo of the snapshot scanner: identical documents (as objects or as the
 * same text) are parsed once and shared; documents that differ in any value, in key order only, or in
 * type are never confused, and a broken document stays an error for every principal that uses it.
 */
import { describe, expect, it } from 'vitest'
import { loadAccount } from '../../../src/scanners/snapshot/index.js'
import { makeTree } from './helpers.js'

const ACCT = '111111111111'

function role(name: string, trust: unknown): Record<string, unknown> {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase()}`,
    Arn: `arn:aws:iam::${ACCT}:role/${name}`,
    AssumeRolePolicyDocument: trust,
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  }
}

const lambda = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }
const ecs = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }
/** The same document with its keys in another order. */
const lambdaReordered = { Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' }, Effect: 'Allow' }], Version: '2012-10-17' }
/** Same shape, a number where the other has a string. */
const versionNumber = { Version: 2012, Statement: lambda.Statement }

async function load(roles: Array<Record<string, unknown>>) {
  const tree = await makeTree({ [`${ACCT}/auth.json`]: { UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: [] } })
  try {
    return await loadAccount({ accountId: ACCT, files: [tree.path(`${ACCT}/auth.json`)] })
  } finally {
    await tree.cleanup()
  }
}

describe('the policy-document memo of loadAccount', () => {
  it('shares one parsed document between principals with equal documents, and keeps different ones apart', async () => {
    const { inventory, errors } = await load([
      role('a', lambda),
      role('b', structuredClone(lambda)),
      role('c', ecs),
      role('d', lambdaReordered),
      role('e', versionNumber),
      role('f', JSON.stringify(lambda)),
      role('g', JSON.stringify(lambda)),
    ])
    expect(errors).toEqual([])
    const trust = Object.fromEntries(inventory.roles.map((r) => [r.name, r.trustPolicy]))
    expect(trust.b).toBe(trust.a)
    expect(trust.g).toBe(trust.f)
    expect(trust.c).not.toEqual(trust.a)
    expect(trust.c?.statements[0]?.principal).toEqual({ Service: ['ecs-tasks.amazonaws.com'] })
    // Key order and value types make other raw documents: parsed on their own, to what they say.
    expect(trust.d).not.toBe(trust.a)
    expect(trust.d?.hash).toBe(trust.a?.hash)
    expect(trust.e?.version).toBeUndefined()
    expect(trust.a?.version).toBe('2012-10-17')
  })

  it('reports a broken document for every principal that uses it', async () => {
    const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'sts:AssumeRole' }] }
    const { inventory, errors } = await load([role('x', broken), role('y', structuredClone(broken)), role('z', lambda)])
    expect(inventory.roles.map((r) => r.name)).toEqual(['z'])
    expect(errors.map((e) => e.subject)).toEqual([`arn:aws:iam::${ACCT}:role/x`, `arn:aws:iam::${ACCT}:role/y`])
  })
})
