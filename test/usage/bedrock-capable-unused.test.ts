/**
 * bedrock-capable-unused with the evidence a snapshot cannot carry (Access Advisor, CUR), by calling the
 * rule directly; the snapshot side (RoleLastUsed) is in test/rules/cases/bedrock-capable-unused/.
 */
import { describe, expect, it } from 'vitest'
import type { PrincipalFacts } from '../../src/analysis/facts.js'
import { emptyIndex } from '../../src/analysis/org-index.js'
import { bedrockCapableUnused } from '../../src/rules/usage/bedrock-capable-unused.js'
import type { BedrockUsageEvidence } from '../../src/usage/classify.js'
import type { RuleContext } from '../../src/rules/types.js'

function facts(over: Partial<PrincipalFacts> & { bedrockUsage?: BedrockUsageEvidence[] } = {}): PrincipalFacts {
  return {
    kind: 'user',
    arn: 'arn:aws:iam::111111111111:user/priya',
    accountId: '111111111111',
    partition: 'aws',
    name: 'priya',
    path: '/',
    tags: [{ key: 'team', value: 'ads' }],
    capability: { capable: true, actions: ['bedrock:InvokeModel'], grants: [{ policy: 'inline:invoke', statement: 'Statement[0]', actions: ['bedrock:InvokeModel'], conditional: false }], removed: [] },
    paths: ['iam-user'],
    apiKeys: [],
    apiKeysCollected: false,
    notes: [],
    ...over,
  } as PrincipalFacts
}

const ctx = { settings: { requiredTags: [{ key: 'team' }], inferenceActions: [], workloadOidcIssuers: [], gateways: { namePatterns: [], tags: {}, arns: [] } }, options: {}, index: emptyIndex(), principals: [] } as unknown as RuleContext
const advisor: BedrockUsageEvidence = { source: 'access-advisor', windowStart: '2025-10-22T00:00:00.000Z' }

describe('bedrock-capable-unused', () => {
  it('flags a user Access Advisor saw using other services but never Bedrock', () => {
    const [r, ...rest] = bedrockCapableUnused.check(facts({ bedrockUsage: [{ ...advisor, anyServiceLastUsed: '2026-11-01T00:00:00.000Z' }] }), ctx)
    expect(rest).toEqual([])
    expect(r?.data.evidence).toBe('has not used Bedrock since 2025-10-22 (IAM Access Advisor; other services last used on 2026-11-01)')
    expect(r?.evidence).toMatchObject({ usage: { state: 'used-other-services', source: 'access-advisor' }, grants: [{ policy: 'inline:invoke' }] })
  })

  it('flags a user with no Bedrock spend in CUR', () => {
    const [r] = bedrockCapableUnused.check(facts({ bedrockUsage: [{ source: 'cur', windowStart: '2026-09-01' }] }), ctx)
    expect(r?.data.evidence).toBe('has no Bedrock spend since 2026-09-01 in the Cost and Usage Report')
  })

  it('passes a principal with Bedrock use, one without evidence, a gateway and a principal that cannot invoke Bedrock', () => {
    expect(bedrockCapableUnused.check(facts({ bedrockUsage: [{ ...advisor, lastUsed: '2026-11-20T00:00:00.000Z' }] }), ctx)).toEqual([])
    expect(bedrockCapableUnused.check(facts(), ctx)).toEqual([])
    expect(bedrockCapableUnused.check(facts({ kind: 'role', lastUsed: {}, gateway: { reason: 'role name matches *llm-gateway*' } }), ctx)).toEqual([])
    expect(bedrockCapableUnused.check(facts({ kind: 'role', lastUsed: {}, capability: { capable: false, actions: [], grants: [], removed: [] } }), ctx)).toEqual([])
  })

  it('renders the message template with every placeholder filled', () => {
    const [r] = bedrockCapableUnused.check(facts({ kind: 'role', name: 'idle', lastUsed: {} }), ctx)
    const message = bedrockCapableUnused.meta.messages[r!.messageId]!.replace(/\{(\w+)\}/g, (_, k: string) => String(r!.data[k]))
    expect(message).toBe('Role idle can run Bedrock inference (bedrock:InvokeModel) but has never been used at all (its RoleLastUsed is empty for the 400-day tracking period). Remove its Bedrock permissions (least privilege): an unused permission has no spend to attribute, only risk.')
  })
})
