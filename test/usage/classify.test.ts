/** Usage states from RoleLastUsed, IAM Access Advisor and CUR evidence, and the `--used-within` window. */
import { describe, expect, it } from 'vitest'
import { classifyUsage, describeUnused, type BedrockUsageEvidence } from '../../src/usage/classify.js'
import { annotateUsage, filterUsedWithin, parseUsedWithin, usageByPrincipal, usedBedrockWithin } from '../../src/usage/window.js'
import type { Finding } from '../../src/model/finding.js'

const advisor = (e: Partial<BedrockUsageEvidence> = {}): BedrockUsageEvidence => ({ source: 'access-advisor', windowStart: '2025-10-22T00:00:00.000Z', ...e })

describe('classifyUsage', () => {
  it('knows nothing about a user or an unused-field role without Bedrock evidence', () => {
    expect(classifyUsage({ kind: 'user' })).toEqual({ state: 'unknown', bedrock: 'unknown' })
    expect(classifyUsage({ kind: 'role' })).toEqual({ state: 'unknown', bedrock: 'unknown' })
  })

  it('never claims Bedrock use from RoleLastUsed: a used role stays unknown', () => {
    expect(classifyUsage({ kind: 'role', lastUsed: { date: '2026-11-20T07:01:44Z', region: 'us-east-1' } })).toEqual({ state: 'unknown', bedrock: 'unknown' })
  })

  it('reads an empty RoleLastUsed as never used at all, Bedrock included', () => {
    expect(classifyUsage({ kind: 'role', lastUsed: {} })).toEqual({ state: 'never-used', bedrock: 'unused', source: 'role-last-used' })
  })

  it('takes Bedrock use from Access Advisor over an empty RoleLastUsed, and the latest of several sources', () => {
    const u = classifyUsage({
      kind: 'role',
      lastUsed: {},
      bedrockUsage: [advisor({ lastUsed: '2026-09-01T00:00:00Z' }), { source: 'cur', lastUsed: '2026-10-31T00:00:00Z' }],
    })
    expect(u).toMatchObject({ state: 'bedrock-used', bedrock: 'used', source: 'cur', lastUsed: '2026-10-31T00:00:00Z' })
  })

  it('tells used-other-services from never-used when the Bedrock evidence shows no use', () => {
    // The state rests on Access Advisor; the date is the later of RoleLastUsed and Access Advisor's.
    expect(classifyUsage({ kind: 'role', lastUsed: { date: '2026-11-20T07:01:44Z' }, bedrockUsage: [advisor({ anyServiceLastUsed: '2026-11-01T00:00:00.000Z' })] })).toMatchObject({
      state: 'used-other-services',
      bedrock: 'unused',
      source: 'access-advisor',
      lastUsed: '2026-11-20T07:01:44Z',
    })
    expect(classifyUsage({ kind: 'user', bedrockUsage: [advisor({ anyServiceLastUsed: '2026-11-01T00:00:00.000Z' })] })).toMatchObject({
      state: 'used-other-services',
      source: 'access-advisor',
      lastUsed: '2026-11-01T00:00:00.000Z',
    })
    expect(classifyUsage({ kind: 'user', bedrockUsage: [advisor()] })).toMatchObject({ state: 'never-used', bedrock: 'unused', source: 'access-advisor', windowStart: '2025-10-22T00:00:00.000Z' })
  })

  it('keeps a user with CUR showing no Bedrock spend as unknown overall, but Bedrock unused', () => {
    expect(classifyUsage({ kind: 'user', bedrockUsage: [{ source: 'cur', windowStart: '2026-09-01' }] })).toEqual({ state: 'unknown', bedrock: 'unused', source: 'cur', windowStart: '2026-09-01' })
  })

  it('says what the evidence is in one clause', () => {
    expect(describeUnused(classifyUsage({ kind: 'role', lastUsed: {} }))).toMatch(/never been used at all \(its RoleLastUsed is empty/)
    expect(describeUnused(classifyUsage({ kind: 'user', bedrockUsage: [advisor({ anyServiceLastUsed: '2026-11-01T00:00:00Z' })] }))).toBe(
      'has not used Bedrock since 2025-10-22 (IAM Access Advisor; other services last used on 2026-11-01)',
    )
    expect(describeUnused(classifyUsage({ kind: 'user', bedrockUsage: [{ source: 'cur', windowStart: '2026-09-01' }] }))).toBe('has no Bedrock spend since 2026-09-01 in the Cost and Usage Report')
    expect(describeUnused(classifyUsage({ kind: 'role', lastUsed: { date: '2026-11-20T07:01:44Z' }, bedrockUsage: [{ source: 'cur', windowStart: '2026-09-01' }] }))).toBe(
      'has no Bedrock spend since 2026-09-01 in the Cost and Usage Report (other services last used on 2026-11-20)',
    )
  })
})

describe('--used-within', () => {
  const now = new Date('2026-11-26T00:00:00Z')

  it('parses days and weeks and rejects anything else as a usage error', () => {
    expect(parseUsedWithin('90d')).toBe(90)
    expect(parseUsedWithin('12w')).toBe(84)
    for (const bad of ['90', '0d', '3m', 'd', '-5d', '1.5d']) expect(() => parseUsedWithin(bad), bad).toThrow(/--used-within .*expected a number of days or weeks/)
  })

  it('counts Bedrock use at the edge of the window and nothing older, nor unknown use', () => {
    expect(usedBedrockWithin({ state: 'bedrock-used', bedrock: 'used', lastUsed: '2026-08-28T00:00:00Z' }, 90, now)).toBe(true)
    expect(usedBedrockWithin({ state: 'bedrock-used', bedrock: 'used', lastUsed: '2026-08-27T23:59:59Z' }, 90, now)).toBe(false)
    expect(usedBedrockWithin({ state: 'unknown', bedrock: 'unknown' }, 90, now)).toBe(false)
    expect(usedBedrockWithin(undefined, 90, now)).toBe(false)
  })

  const finding = (ruleId: string, principalArn?: string): Finding => ({
    ruleId,
    severity: 'error',
    message: 'm',
    messageId: 'x',
    data: {},
    subject: principalArn ? { kind: 'role', arn: principalArn } : { kind: 'tag-key', tagKey: 'team' },
    evidence: {},
    fingerprint: `${ruleId}${principalArn ?? ''}`,
    ...(principalArn ? { principalArn } : {}),
  })
  const usage = usageByPrincipal([
    { arn: 'arn:aws:iam::111111111111:role/recent', kind: 'role', bedrockUsage: [advisor({ lastUsed: '2026-11-20T00:00:00Z' })] },
    { arn: 'arn:aws:iam::111111111111:role/old', kind: 'role', bedrockUsage: [advisor({ lastUsed: '2026-01-20T00:00:00Z' })] },
    { arn: 'arn:aws:iam::111111111111:role/idle', kind: 'role', lastUsed: {} },
  ])
  const findings = [
    finding('principal-missing-tag', 'arn:aws:iam::111111111111:role/recent'),
    finding('principal-missing-tag', 'arn:aws:iam::111111111111:role/old'),
    finding('bedrock-capable-unused', 'arn:aws:iam::111111111111:role/idle'),
    finding('principal-missing-tag', 'arn:aws:iam::111111111111:role/not-in-facts'),
    finding('tag-key-case-drift'),
  ]

  it('marks each principal finding with its usage (in place) and leaves org-level findings unmarked', () => {
    const marked = annotateUsage(findings, usage)
    expect(marked.map((f) => f.usage)).toEqual([
      { state: 'bedrock-used', source: 'access-advisor', lastUsed: '2026-11-20T00:00:00Z' },
      { state: 'bedrock-used', source: 'access-advisor', lastUsed: '2026-01-20T00:00:00Z' },
      { state: 'never-used', source: 'role-last-used' },
      { state: 'unknown' },
      undefined,
    ])
    // In place: copying every finding would turn every lazily rendered message into a stored string.
    expect(marked[0]).toBe(findings[0])
  })

  it('shares one frozen mark among the findings of principals with the same usage', () => {
    const same = [
      finding('principal-missing-tag', 'arn:aws:iam::111111111111:role/idle'),
      finding('bedrock-capable-unused', 'arn:aws:iam::111111111111:role/idle'),
      finding('principal-missing-tag', 'arn:aws:iam::111111111111:role/not-in-facts'),
      finding('principal-missing-tag', 'arn:aws:iam::111111111111:role/not-in-facts-either'),
    ]
    const marked = annotateUsage(same, usage)
    expect(marked[1]!.usage).toBe(marked[0]!.usage)
    expect(marked[3]!.usage).toBe(marked[2]!.usage)
    expect(marked[2]!.usage).toEqual({ state: 'unknown' })
    // Shared: writing into one finding's mark would change the others, so it throws (ESM is strict).
    expect(Object.isFrozen(marked[0]!.usage)).toBe(true)
    expect(() => {
      marked[0]!.usage!.state = 'bedrock-used'
    }).toThrow(TypeError)
  })

  it('keeps only principals with Bedrock use in the window, and org-level findings', () => {
    expect(filterUsedWithin(findings, usage, 90, now).map((f) => f.principalArn ?? f.ruleId)).toEqual(['arn:aws:iam::111111111111:role/recent', 'tag-key-case-drift'])
  })
})
