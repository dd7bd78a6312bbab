/**
 * The tag-hygiene rules called directly: the near-duplicate heuristics, and the details of each check
 * that the case files (test/rules/cases/<rule>/) do not reach.
 */
import { describe, expect, it } from 'vitest'
import type { PrincipalFacts } from '../../src/analysis/facts.js'
import { countTagKeys, emptyIndex } from '../../src/analysis/org-index.js'
import type { ResolvedSettings } from '../../src/config/types.js'
import { tagKeyCaseDrift } from '../../src/rules/tags/tag-key-case-drift.js'
import { tagProhibited } from '../../src/rules/tags/tag-prohibited.js'
import { findNearDuplicates, nearDuplicateReason, normaliseValue, tagValueNearDuplicate, typoDistance } from '../../src/rules/tags/tag-value-near-duplicate.js'
import { tagValueWhitespace } from '../../src/rules/tags/tag-value-whitespace.js'
import type { RuleContext } from '../../src/rules/types.js'

const SETTINGS: ResolvedSettings = { requiredTags: [{ key: 'team' }], inferenceActions: [], workloadOidcIssuers: [], gateways: { namePatterns: [], tags: {}, arns: [] } } as unknown as ResolvedSettings

let n = 0
function principal(tags: Record<string, string>, over: Partial<PrincipalFacts> = {}): PrincipalFacts {
  const name = `r${n++}`
  return {
    kind: 'role',
    arn: `arn:aws:iam::${over.accountId ?? '111111111111'}:role/${name}`,
    accountId: '111111111111',
    partition: 'aws',
    name,
    path: '/',
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    capability: { capable: true, actions: ['bedrock:InvokeModel'], grants: [], removed: [] },
    paths: ['workload'],
    apiKeys: [],
    apiKeysCollected: false,
    notes: [],
    ...over,
  }
}

function ctx(principals: PrincipalFacts[], options: Record<string, unknown> = {}, settings: Partial<ResolvedSettings> & { prohibitedTags?: unknown } = {}): RuleContext {
  return { settings: { ...SETTINGS, ...settings }, options, index: emptyIndex(), principals } as RuleContext
}

const many = (count: number, tags: Record<string, string>, over: Partial<PrincipalFacts> = {}): PrincipalFacts[] => Array.from({ length: count }, () => principal(tags, over))

describe('near-duplicate heuristics', () => {
  it('normalises case and runs of -, _ and spaces', () => {
    expect(normaliseValue('Data_Science')).toBe('data-science')
    expect(normaliseValue('data  science')).toBe('data-science')
    expect(normaliseValue('data-_science')).toBe('data-science')
  })

  it('counts a swap of neighbours as one edit', () => {
    expect(typoDistance('serach', 'search')).toBe(1)
    expect(typoDistance('search', 'searchh')).toBe(1)
    expect(typoDistance('kitten', 'sitting')).toBe(3)
    expect(typoDistance('', 'abc')).toBe(3)
  })

  it('pairs normalised-equal values of any length, and one-edit values of four characters or more', () => {
    expect(nearDuplicateReason('Ads', 'ads')).toBe('normalised-equal')
    expect(nearDuplicateReason('adz', 'ads')).toBeUndefined()
    expect(nearDuplicateReason('serach', 'search')).toBe('edit-distance')
    expect(nearDuplicateReason('Serach', 'search')).toBe('edit-distance')
    expect(nearDuplicateReason('squad-2', 'squad-1')).toBeUndefined()
    expect(nearDuplicateReason('squad-x', 'squad-1')).toBe('edit-distance')
    expect(nearDuplicateReason('payments', 'search')).toBeUndefined()
  })

  it('calls a value rare at two principals or under 5 % of the common one, and only against a more used value', () => {
    const pairs = (counts: Array<[string, number]>) => findNearDuplicates(new Map(counts)).map((d) => `${d.value}->${d.common}`)
    expect(pairs([['search', 100], ['serach', 4]])).toEqual(['serach->search'])
    expect(pairs([['search', 100], ['serach', 5]])).toEqual([])
    expect(pairs([['search', 3], ['serach', 2]])).toEqual(['serach->search'])
    expect(pairs([['search', 3], ['serach', 3]])).toEqual([])
    expect(pairs([['search', 1], ['Search', 1]])).toEqual([])
    expect(findNearDuplicates(new Map([['search', 10], ['serach', 3]]), { maxRarePrincipals: 3 })).toHaveLength(1)
    // The most used near-duplicate wins.
    expect(pairs([['search', 2], ['Search', 9], ['SEARCH', 1]])).toEqual(['search->Search', 'SEARCH->Search'])
  })
})

describe('tag-value-near-duplicate', () => {
  it('leaves values outside the pattern and values with whitespace to the rules that own them', () => {
    const ps = [...many(5, { team: 'search' }), principal({ team: 'Search' }), principal({ team: 'serach ' }), principal({ team: 'searc' })]
    const out = tagValueNearDuplicate.check(ctx(ps, {}, { requiredTags: [{ key: 'team', pattern: '^[a-z]+$' }] }))
    expect(out.map((r) => r.data.value)).toEqual(['searc'])
    expect(out[0]!.subject).toMatchObject({ kind: 'role', arn: ps[7]!.arn })
  })

  it('ignores principals that cannot run Bedrock and compares the keys of the keys option', () => {
    const ps = [...many(3, { env: 'prod', team: 'a' }), principal({ env: 'prdo' }), principal({ env: 'prod0' }, { capability: { capable: false, actions: [], grants: [], removed: [] } })]
    expect(tagValueNearDuplicate.check(ctx(ps))).toEqual([])
    expect(tagValueNearDuplicate.check(ctx(ps, { keys: ['env'] })).map((r) => [r.tagKey, r.data.value, r.data.common])).toEqual([['env', 'prdo', 'prod']])
  })

  it('fails loudly when the engine gives it no principals', () => {
    expect(() => tagValueNearDuplicate.check({ settings: SETTINGS, options: {}, index: emptyIndex() } as unknown as RuleContext)).toThrow(/RuleContext\.principals/)
  })
})

describe('tag-key-case-drift', () => {
  it('reports each key family once, most used spelling first, with example ARNs and accounts', () => {
    const ps = [...many(3, { Team: 'a' }), principal({ team: 'b' }, { accountId: '222222222222' }), ...many(2, { env: 'prod' }), principal({ ENV: 'dev' })]
    const out = tagKeyCaseDrift.check(ctx(ps))
    expect(out.map((r) => r.tagKey)).toEqual(['env', 'team'])
    const team = out[1]!
    expect(team.subject).toEqual({ kind: 'tag-key', tagKey: 'team' })
    expect(team.data).toMatchObject({ standard: 'team', count: 2, others: '`Team`' })
    expect(team.evidence).toEqual({
      standard: 'team',
      variants: [
        { key: 'Team', principals: 3, accounts: ['111111111111'], examples: ps.slice(0, 3).map((p) => p.arn) },
        { key: 'team', principals: 1, accounts: ['222222222222'], examples: [ps[3]!.arn] },
      ],
    })
    expect(out[0]!.data).toMatchObject({ standard: 'env', others: '`ENV`' })
    expect(team.fix).toContain(`aws iam untag-role --role-name ${ps[0]!.name} --tag-keys Team`)
  })

  it('limits itself to the keys option, case-insensitively', () => {
    const ps = [principal({ Team: 'a', ENV: 'x' }), principal({ team: 'b', env: 'y' })]
    expect(tagKeyCaseDrift.check(ctx(ps, { keys: ['TEAM'] })).map((r) => r.tagKey)).toEqual(['team'])
  })

  it('counts every scanned principal from the org index with principals: all, without examples', () => {
    const c = ctx([])
    countTagKeys(c.index, '111111111111', [{ key: 'CostCenter', value: '1' }])
    countTagKeys(c.index, '222222222222', [{ key: 'costcenter', value: '2' }])
    countTagKeys(c.index, '333333333333', [{ key: 'costcenter', value: '3' }])
    const out = tagKeyCaseDrift.check({ ...c, options: { principals: 'all' } })
    expect(out).toHaveLength(1)
    expect(out[0]!.data).toMatchObject({ standard: 'costcenter', population: 'IAM users and roles', variants: '`costcenter` (2 principals in 222222222222, 333333333333), `CostCenter` (1 principal in 111111111111)' })
    expect(out[0]!.fix).toMatch(/^retag every principal tagged `CostCenter` with `costcenter`/)
  })
})

describe('tag-value-whitespace', () => {
  it('checks only the keys of the keys option', () => {
    const p = principal({ team: 'search ', owner: ' priya' })
    expect(tagValueWhitespace.check(p, ctx([])).map((r) => r.tagKey)).toEqual(['team', 'owner'])
    expect(tagValueWhitespace.check(p, ctx([], { keys: ['owner'] })).map((r) => [r.tagKey, r.data.where])).toEqual([['owner', 'leading']])
  })
})

describe('tag-prohibited', () => {
  it('reads tags.prohibited from the settings, and nothing when none are prohibited', () => {
    const p = principal({ team: 'a', cost_center: '7100' })
    expect(tagProhibited.check(p, ctx([]))).toEqual([])
    const [r] = tagProhibited.check(p, ctx([], {}, { prohibitedTags: [{ key: 'COST_CENTER' }] }))
    expect(r).toMatchObject({ tagKey: 'cost_center', fix: `aws iam untag-role --role-name ${p.name} --tag-keys cost_center`, data: { instead: '', reason: '' } })
  })
})
