/** The two spend rules, called directly with a hand-built context (before they are registered). */
import { describe, expect, it } from 'vitest'
import { emptyIndex } from '../../src/analysis/org-index.js'
import { costTagInactive } from '../../src/rules/spend/cost-tag-inactive.js'
import { untaggedBedrockSpend } from '../../src/rules/spend/untagged-bedrock-spend.js'
import type { RuleReport } from '../../src/rules/types.js'
import type { SpendData, TagKeySpend } from '../../src/spend/model.js'
import { PERIOD, runSpendRules, settings } from './helpers.js'

function tagSpend(byAccount: Record<string, Record<string, number>>, costKey = 'iamPrincipal/team'): TagKeySpend {
  const t: TagKeySpend = { tagKey: costKey.split('/').pop()!, costKey, total: 0, untagged: 0, byValue: {}, byAccount: {} }
  for (const [acct, values] of Object.entries(byAccount)) {
    const a = { total: 0, untagged: 0, byValue: values }
    for (const [v, x] of Object.entries(values)) {
      a.total += x
      t.total += x
      t.byValue[v] = (t.byValue[v] ?? 0) + x
      if (v.trim() === '') {
        a.untagged += x
        t.untagged += x
      }
    }
    t.byAccount[acct] = a
  }
  return t
}

function spendWith(byTag: Record<string, TagKeySpend>, tags: SpendData['costAllocationTags'] = [{ tagKey: 'iamPrincipal/team', type: 'UserDefined', status: 'Active' }]): SpendData {
  const first = Object.values(byTag)[0]
  return {
    source: { kind: 'cost-explorer-files' },
    period: PERIOD,
    metric: 'UnblendedCost',
    currency: 'USD',
    basis: 'test',
    accounts: Object.fromEntries(Object.entries(first?.byAccount ?? {}).map(([k, v]) => [k, { total: v.total }])),
    total: first?.total ?? 0,
    byTag,
    estimated: false,
    notes: [],
    ...(tags ? { costAllocationTags: tags } : {}),
  }
}

const ctx = (spend: SpendData | undefined, options: Record<string, unknown> = {}, keys = ['team']) => ({ settings: settings(keys), options, index: emptyIndex(), ...(spend ? { spend } : {}) })
type Leveled = RuleReport & { severity?: string }

describe('untagged-bedrock-spend', () => {
  it('reports nothing without spend data', () => {
    expect(untaggedBedrockSpend.check(ctx(undefined))).toEqual([])
  })

  it('reports each account at the level it reaches, and the total, with the figures in data and evidence', () => {
    const spend = spendWith({ team: tagSpend({ '111111111111': { platform: 5000 }, '222222222222': { search: 2000, '': 1000 }, '333333333333': { ads: 850, '': 150 } }) })
    const reports = untaggedBedrockSpend.check(ctx(spend)) as Leveled[]
    expect(reports.map((r) => [r.messageId, r.subject?.accountId ?? 'org', r.severity])).toEqual([
      ['account', '222222222222', 'error'],
      ['account', '333333333333', 'warning'],
      ['total', 'org', 'warning'],
    ])
    expect(reports[0]!.data).toMatchObject({ share: '33.3%', untagged: 'USD 1,000.00', total: 'USD 3,000.00', costKey: 'iamPrincipal/team', untaggedAmount: 1000 })
    expect((reports[0] as Leveled & { spend?: unknown }).spend).toEqual({ total: 3000, unattributed: 1000, currency: 'USD', period: PERIOD })
    expect(reports[0]!.evidence).toMatchObject({ level: 'error', costKey: 'iamPrincipal/team', byValue: { search: 2000, '': 1000 } })
    expect(reports[2]!.data).toMatchObject({ accounts: 3, share: '12.8%', untagged: 'USD 1,150.00' })
  })

  it('honours the thresholds in the options', () => {
    const spend = spendWith({ team: tagSpend({ '222222222222': { search: 2000, '': 1000 }, '333333333333': { ads: 1000 } }) })
    const loose = untaggedBedrockSpend.check(ctx(spend, { warning: { percent: 50, usd: 0 }, error: { percent: 90, usd: 0 } }))
    expect(loose).toEqual([])
    const strict = untaggedBedrockSpend.check(ctx(spend, { warning: { percent: 1, usd: 1 }, error: { percent: 2, usd: 2 } })) as Leveled[]
    expect(strict.map((r) => r.severity)).toEqual(['error', 'error'])
    expect(() => untaggedBedrockSpend.check(ctx(spend, { error: { usd: -1 } }))).toThrow('`error.usd` must be a number of 0 or more')
  })

  it('gives no separate total for a single account', () => {
    const spend = spendWith({ team: tagSpend({ '222222222222': { search: 2000, '': 1000 } }) })
    expect(untaggedBedrockSpend.check(ctx(spend)).map((r) => r.messageId)).toEqual(['account'])
  })

  it('judges only the total when the output was not grouped by account', () => {
    const spend = spendWith({ team: tagSpend({ '*': { search: 2000, '': 1000 } }) })
    const r = untaggedBedrockSpend.check(ctx(spend))
    expect(r.map((x) => [x.messageId, x.subject?.kind])).toEqual([['total', 'org']])
  })

  it('skips a key that is not an active cost allocation tag (grouping by it shows everything untagged)', () => {
    const spend = spendWith({ team: tagSpend({ '222222222222': { '': 3000 } }) }, [{ tagKey: 'iamPrincipal/team', type: 'UserDefined', status: 'Inactive' }])
    expect(untaggedBedrockSpend.check(ctx(spend))).toEqual([])
  })

  it('judges the data as given when tag activation is unknown', () => {
    const spend = spendWith({ team: tagSpend({ '222222222222': { search: 2000, '': 1000 } }) }, undefined)
    expect(untaggedBedrockSpend.check(ctx(spend))).toHaveLength(1)
  })

  it('checks its own tagKeys option', () => {
    const spend = spendWith({ team: tagSpend({ '222222222222': { search: 2000, '': 1000 } }) })
    expect(untaggedBedrockSpend.check(ctx(spend, { tagKeys: ['cost-center'] }))).toEqual([])
  })
})

describe('cost-tag-inactive', () => {
  const withTags = (...tags: Array<[string, string]>) => spendWith({}, tags.map(([tagKey, status]) => ({ tagKey, status, type: 'UserDefined' })))

  it('is silent when the key is active in either accepted form, and without a tag list', () => {
    expect(costTagInactive.check(ctx(withTags(['iamPrincipal/team', 'Active'])))).toEqual([])
    expect(costTagInactive.check(ctx(withTags(['user:iamPrincipal/team', 'Active'])))).toEqual([])
    expect(costTagInactive.check(ctx(spendWith({}, undefined)))).toEqual([])
    expect(costTagInactive.check(ctx(undefined))).toEqual([])
  })

  it('reports every required key that is not active, as a tag-key subject with the activation command', () => {
    const r = costTagInactive.check(ctx(withTags(['iamPrincipal/team', 'Active'], ['iamPrincipal/cost-center', 'Inactive']), {}, ['team', 'cost-center', 'project']))
    expect(r.map((x) => [x.messageId, x.tagKey, x.subject])).toEqual([
      ['inactive', 'cost-center', { kind: 'tag-key', tagKey: 'cost-center' }],
      ['notListed', 'project', { kind: 'tag-key', tagKey: 'project' }],
    ])
    expect(r[0]!.fix).toBe('aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=iamPrincipal/cost-center,Status=Active')
    expect(r[1]!.data.instead).toBe('')
  })

  it('renders what is active instead', () => {
    const [f] = runSpendRules(withTags(['iamPrincipal/Team', 'Active'], ['team', 'Active']), settings(['team']))
    expect(f!.message).toBe(
      'Required tag key `team` is not an active IAM-principal cost allocation tag: AWS lists no `iamPrincipal/team` key; what is active instead is `iamPrincipal/Team` (an IAM principal tag in another case) and `team` (a resource tag), which does not count. Bedrock spend cannot be grouped by `team` until it is activated. The key appears after the first Bedrock request made by a principal (or session) tagged `team` (allow up to 24 hours); then activate it: `aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=iamPrincipal/team,Status=Active`.',
    )
  })
})

describe('rule metadata', () => {
  it('matches the registry conventions', () => {
    for (const r of [costTagInactive, untaggedBedrockSpend]) {
      expect(r.scope).toBe('org')
      expect(r.meta.defaultSeverity).toBe('error')
      expect(r.meta.summary.endsWith('.')).toBe(true)
      for (const m of Object.values(r.meta.messages)) expect(m).toMatch(/\{tagKey\}/)
    }
    expect(costTagInactive.meta.id).toBe('cost-tag-inactive')
    expect(untaggedBedrockSpend.meta.id).toBe('untagged-bedrock-spend')
  })
})
