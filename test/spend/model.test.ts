/** Pure parts of the spend model: key strings and activation, thresholds, the period, group keys, amounts. */
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.js'
import { aggregateCostAndUsage, parseTagGroupKey, splitBedrockServices } from '../../src/spend/aggregate.js'
import { formatAmount, formatShare, lastDay } from '../../src/spend/model.js'
import { periodDays, periodFromSince } from '../../src/spend/period.js'
import { activationOf, iamPrincipalKeyOf, resourceKeyOf } from '../../src/spend/tag-keys.js'
import { DEFAULT_THRESHOLDS, levelFor, thresholdsFromOptions } from '../../src/spend/thresholds.js'

const tag = (tagKey: string, status = 'Active', type = 'UserDefined') => ({ tagKey, status, type })

describe('cost allocation key strings', () => {
  it('accepts iamPrincipal/<key> and user:iamPrincipal/<key>; a bare key is a resource tag', () => {
    expect(iamPrincipalKeyOf('iamPrincipal/team')).toBe('team')
    expect(iamPrincipalKeyOf('user:iamPrincipal/team')).toBe('team')
    expect(iamPrincipalKeyOf('iamPrincipal/cost/center')).toBe('cost/center')
    expect(iamPrincipalKeyOf('team')).toBeUndefined()
    expect(iamPrincipalKeyOf('iamprincipal/team')).toBeUndefined()
    expect(resourceKeyOf('team')).toBe('team')
    expect(resourceKeyOf('user:team')).toBe('team')
    expect(resourceKeyOf('iamPrincipal/team')).toBeUndefined()
    expect(resourceKeyOf('aws:createdBy')).toBeUndefined()
  })

  it('finds the active key, preferring iamPrincipal/ over user:iamPrincipal/', () => {
    const a = activationOf('team', [tag('user:iamPrincipal/team'), tag('iamPrincipal/team')])
    expect(a).toMatchObject({ state: 'active', costKey: 'iamPrincipal/team' })
    expect(activationOf('team', [tag('iamPrincipal/team', 'Inactive'), tag('user:iamPrincipal/team')])).toMatchObject({ state: 'active', costKey: 'user:iamPrincipal/team' })
  })

  it('is case-sensitive and names what is active instead', () => {
    const a = activationOf('team', [tag('iamPrincipal/Team'), tag('team'), tag('Team', 'Inactive'), tag('iamPrincipal/teams')])
    expect(a.state).toBe('not-listed')
    expect(a.costKey).toBeUndefined()
    expect(a.activeInstead).toEqual([
      { tagKey: 'iamPrincipal/Team', why: 'other-case' },
      { tagKey: 'team', why: 'resource-tag' },
    ])
    expect(a.inactiveLookAlikes.map((t) => t.tagKey)).toEqual(['Team'])
  })

  it('reports an inactive listing with the exact string AWS returned', () => {
    expect(activationOf('team', [tag('user:iamPrincipal/team', 'Inactive')])).toMatchObject({ state: 'inactive', costKey: 'user:iamPrincipal/team' })
  })
})

describe('thresholds', () => {
  const t = DEFAULT_THRESHOLDS
  it('needs both the share and the amount', () => {
    expect(levelFor(100, 1000, t)).toBe('warning') // 10 % and USD 100: both exactly at the line
    expect(levelFor(99.99, 1000, t)).toBeUndefined()
    expect(levelFor(50, 100, t)).toBeUndefined() // 50 % but only USD 50
    expect(levelFor(1000, 100_000, t)).toBeUndefined() // USD 1,000 but 1 %
    expect(levelFor(1000, 4000, t)).toBe('error')
    expect(levelFor(999, 3000, t)).toBe('warning') // 33 % but under USD 1,000
    expect(levelFor(0, 0, t)).toBeUndefined()
  })

  it('reads the options, filling missing fields from the defaults, and rejects bad ones', () => {
    expect(thresholdsFromOptions({ warning: { percent: 5 } })).toEqual({ warning: { percent: 5, usd: 100 }, error: { percent: 25, usd: 1000 } })
    expect(levelFor(1, 10, thresholdsFromOptions({ warning: { percent: 0, usd: 0 } }))).toBe('warning')
    expect(() => thresholdsFromOptions({ error: { percent: 120 } })).toThrow('option `error.percent` must be a number from 0 to 100, not 120')
    expect(() => thresholdsFromOptions({ warning: { pct: 5 } })).toThrow('unknown property `pct`')
    expect(() => thresholdsFromOptions({ warning: 5 })).toThrow('must be a mapping')
  })
})

describe('--since', () => {
  const now = new Date('2026-08-21T10:00:00Z')
  it('takes days or a start date and ends yesterday (End exclusive)', () => {
    expect(periodFromSince(undefined, now)).toEqual({ start: '2026-07-22', end: '2026-08-21' })
    expect(periodFromSince('7d', now)).toEqual({ start: '2026-08-14', end: '2026-08-21' })
    expect(periodFromSince('2026-07-01', now)).toEqual({ start: '2026-07-01', end: '2026-08-21' })
    expect(periodDays({ start: '2026-07-22', end: '2026-08-21' })).toBe(30)
    expect(lastDay({ start: '2026-07-22', end: '2026-08-01' })).toBe('2026-07-31')
  })
  it('rejects anything else with a usage error', () => {
    for (const bad of ['0d', '2026-02-30', '2026-08-21', 'last month', '401d']) expect(() => periodFromSince(bad, now)).toThrow(UsageError)
  })
})

describe('GetCostAndUsage parsing', () => {
  it('splits group keys on the first $ and keeps the untagged bucket', () => {
    expect(parseTagGroupKey('iamPrincipal/team$search')).toEqual({ key: 'iamPrincipal/team', value: 'search' })
    expect(parseTagGroupKey('iamPrincipal/team$')).toEqual({ key: 'iamPrincipal/team', value: '' })
    expect(parseTagGroupKey('iamPrincipal/team$a$b')).toEqual({ key: 'iamPrincipal/team', value: 'a$b' })
  })

  it('follows GroupDefinitions order, sums months and counts blank values as untagged', () => {
    const agg = aggregateCostAndUsage([
      {
        GroupDefinitions: [{ Type: 'TAG', Key: 'iamPrincipal/team' }, { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
        ResultsByTime: [
          { TimePeriod: { Start: '2026-07-22', End: '2026-08-01' }, Groups: [{ Keys: ['iamPrincipal/team$ads', '222222222222'], Metrics: { UnblendedCost: { Amount: '0.1', Unit: 'USD' } } }] },
          {
            TimePeriod: { Start: '2026-08-01', End: '2026-08-21' },
            Estimated: true,
            Groups: [
              { Keys: ['iamPrincipal/team$ads', '222222222222'], Metrics: { UnblendedCost: { Amount: '0.2', Unit: 'USD' } } },
              { Keys: ['iamPrincipal/team$ ', '222222222222'], Metrics: { UnblendedCost: { Amount: '1.5', Unit: 'USD' } } },
              { Keys: ['iamPrincipal/team$', '333333333333'], Metrics: { UnblendedCost: { Amount: '2', Unit: 'USD' }, BlendedCost: { Amount: '99', Unit: 'USD' } } },
            ],
          },
        ],
      },
    ])
    expect(agg.byAccount).toEqual({
      '222222222222': { total: 1.8, untagged: 1.5, byValue: { ads: 0.3, ' ': 1.5 } },
      '333333333333': { total: 2, untagged: 2, byValue: { '': 2 } },
    })
    expect(agg).toMatchObject({ total: 3.8, untagged: 3.5, estimated: true, currency: 'USD', period: { start: '2026-07-22', end: '2026-08-21' } })
  })

  it('leaves AgentCore out of the Bedrock services', () => {
    expect(splitBedrockServices(['Amazon Bedrock AgentCore', 'Amazon Bedrock', 'Amazon S3', 'Claude 3 Haiku (Amazon Bedrock Edition)'])).toEqual({
      included: ['Amazon Bedrock', 'Claude 3 Haiku (Amazon Bedrock Edition)'],
      excluded: [{ service: 'Amazon Bedrock AgentCore', reason: 'AgentCore Runtime compute is not attributed to IAM principals' }],
    })
  })

  it('formats money and shares without the machine locale', () => {
    expect(formatAmount(10807.3)).toBe('10,807.30')
    expect(formatAmount(-1234567.891)).toBe('-1,234,567.89')
    expect(formatShare(1, 3)).toBe('33.3%')
    expect(formatShare(1, 0)).toBe('n/a')
  })
})
