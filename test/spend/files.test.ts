/** The offline path: saved `aws ce` JSON recognised by content, pages merged, bad input reported. */
import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadCostExplorerFiles } from '../../src/scanners/cost-explorer/files.js'
import { COST_EXPLORER_RECOGNISERS, costAllocationTagsRecogniser, costAndUsageRecogniser, dimensionValuesRecogniser } from '../../src/scanners/cost-explorer/recognisers.js'
import { DEFAULT_RECOGNISERS, planSnapshot } from '../../src/scanners/snapshot/index.js'
import { recognise } from '../../src/scanners/snapshot/recogniser.js'
import { spendCoverage, spendCoverageLine } from '../../src/spend/coverage.js'
import { findingKeys, runSpendRules, settings } from './helpers.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const RECOGNISERS = [...DEFAULT_RECOGNISERS, ...COST_EXPLORER_RECOGNISERS]

async function load(inputs: string[], tagKeys = ['team']) {
  const plan = await planSnapshot(inputs, { recognisers: RECOGNISERS })
  return { plan, result: await loadCostExplorerFiles(plan.otherFiles, { tagKeys }) }
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagwarden-ce-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const write = (name: string, obj: unknown) => writeFile(join(dir, name), typeof obj === 'string' ? obj : JSON.stringify(obj))
const page = (groups: Array<[string, string, number]>, extra: Record<string, unknown> = {}, key = 'iamPrincipal/team') => ({
  GroupDefinitions: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }, { Type: 'TAG', Key: key }],
  ResultsByTime: [{ TimePeriod: { Start: '2026-08-01', End: '2026-08-21' }, Total: {}, Groups: groups.map(([a, v, x]) => ({ Keys: [a, `${key}$${v}`], Metrics: { UnblendedCost: { Amount: String(x), Unit: 'USD' } } })), Estimated: false }],
  ...extra,
})
const tags = (...t: Array<[string, string]>) => ({ CostAllocationTags: t.map(([TagKey, Status]) => ({ TagKey, Type: 'UserDefined', Status })) })

describe('recognisers', () => {
  it('tell the three outputs apart by content and leave IAM exports alone', () => {
    expect(recognise(tags(['iamPrincipal/team', 'Active']), COST_EXPLORER_RECOGNISERS)).toBe(costAllocationTagsRecogniser)
    expect(recognise(page([]), COST_EXPLORER_RECOGNISERS)).toBe(costAndUsageRecogniser)
    expect(recognise({ DimensionValues: [{ Value: 'Amazon Bedrock', Attributes: {} }], ReturnSize: 1, TotalSize: 1 }, COST_EXPLORER_RECOGNISERS)).toBe(dimensionValuesRecogniser)
    expect(recognise({ UserDetailList: [], RoleDetailList: [], GroupDetailList: [], Policies: [] }, COST_EXPLORER_RECOGNISERS)).toBeUndefined()
    expect(recognise({ CostAllocationTags: [{ Key: 'x' }] }, COST_EXPLORER_RECOGNISERS)).toBeUndefined()
  })
})

describe('the demo organization’s billing folder', () => {
  it('plans next to the IAM files without errors and tells the demo’s story', async () => {
    const { plan, result } = await load([DEMO])
    expect(plan.errors).toEqual([])
    expect(plan.accounts.map((a) => a.accountId)).toEqual(['111111111111', '222222222222', '333333333333'])
    // The demo's CUR export (examples/demo-org/cur) sits in the same tree: its manifests are known, non-IAM files too.
    expect(plan.otherFiles.map((f) => f.kind).filter((k) => k.startsWith('ce-')).sort()).toEqual(['ce-get-cost-and-usage', 'ce-get-cost-and-usage', 'ce-get-dimension-values', 'ce-list-cost-allocation-tags'])
    expect(result.errors).toEqual([])
    const spend = result.data!
    expect(spend.period).toEqual({ start: '2026-07-21', end: '2026-08-20' })
    expect(spend.total).toBe(10807.3)
    expect(spend.estimated).toBe(true)
    expect(spend.byTag.team).toMatchObject({ costKey: 'iamPrincipal/team', untagged: 2291.27 })
    expect(spend.byTag.team!.byValue.serach).toBe(182.75)
    expect(spend.services?.excluded.map((x) => x.service)).toEqual(['Amazon Bedrock AgentCore'])
    expect(findingKeys(runSpendRules(spend, settings(['team'])))).toEqual([
      'error untagged-bedrock-spend account:222222222222 team',
      'warning untagged-bedrock-spend account:333333333333 team',
      'warning untagged-bedrock-spend org: team',
    ])
    const rules = ['cost-tag-inactive', 'untagged-bedrock-spend'].map((id) => ({ id, base: id, enabled: true, severity: 'error' as const, options: {}, source: '<bundled>' }))
    const cov = spendCoverage(result, { settings: settings(['team']), rules })
    expect(cov.rulesNotEvaluated).toEqual([])
    expect(spendCoverageLine(cov.summary)).toBe('checked (Cost Explorer files): USD 10,807.30 Bedrock 2026-07-21 to 2026-08-19; team: `iamPrincipal/team` active, 21.2% untagged')
  })
})

describe('loading saved outputs', () => {
  it('sums the pages of one query and counts a copy of a page once', async () => {
    await write('p1.json', page([['222222222222', 'search', 10]], { NextPageToken: 'abc' }))
    await write('p2.json', page([['222222222222', '', 5]]))
    await write('p2-copy.json', JSON.stringify(page([['222222222222', '', 5]]), null, 2))
    await write('tags.json', tags(['iamPrincipal/team', 'Active']))
    const { result } = await load([dir])
    expect(result.errors).toEqual([])
    expect(result.data!.byTag.team).toMatchObject({ total: 15, untagged: 5 })
    expect(result.data!.notes).toEqual([expect.stringMatching(/p2(-copy)?\.json holds the same Cost Explorer output as .*p2(-copy)?\.json; it was counted once/)])
  })

  it('reports a query whose every page says more follows', async () => {
    await write('p1.json', page([['222222222222', 'search', 10]], { NextPageToken: 'abc' }))
    const { result } = await load([dir])
    expect(result.errors.map((e) => e.code)).toEqual(['incomplete-export'])
    expect(result.errors[0]!.message).toContain('has a NextPageToken, so the last page is missing')
  })

  it('ignores a grouping by a resource tag or by a key that is not required, and says so', async () => {
    await write('resource.json', page([['222222222222', 'search', 10]], {}, 'team'))
    await write('other-case.json', page([['222222222222', 'search', 10]], {}, 'iamPrincipal/Team'))
    const { result } = await load([dir])
    expect(result.data!.byTag).toEqual({})
    expect(result.data!.notes.join('\n')).toContain('grouped by `team`, a resource tag; principal and session tags never feed it, so it was ignored')
    expect(result.data!.notes.join('\n')).toContain('grouped by `iamPrincipal/Team`, which is not a required key (`team`); ignored')
  })

  it('keeps the spelling AWS lists as active when both were saved', async () => {
    await write('a.json', page([['222222222222', '', 10]], {}, 'iamPrincipal/team'))
    await write('b.json', page([['222222222222', 'search', 10]], {}, 'user:iamPrincipal/team'))
    await write('tags.json', tags(['iamPrincipal/team', 'Inactive'], ['user:iamPrincipal/team', 'Active']))
    const { result } = await load([dir])
    expect(result.data!.byTag.team).toMatchObject({ costKey: 'user:iamPrincipal/team', untagged: 0 })
  })

  it('takes a grouping by the tag alone as all accounts together', async () => {
    await write('t.json', {
      GroupDefinitions: [{ Type: 'TAG', Key: 'iamPrincipal/team' }],
      ResultsByTime: [{ TimePeriod: { Start: '2026-08-01', End: '2026-08-21' }, Total: {}, Groups: [{ Keys: ['iamPrincipal/team$'], Metrics: { UnblendedCost: { Amount: '3000', Unit: 'USD' } } }, { Keys: ['iamPrincipal/team$ads'], Metrics: { UnblendedCost: { Amount: '1000', Unit: 'USD' } } }] }],
    })
    const { result } = await load([dir])
    expect(Object.keys(result.data!.byTag.team!.byAccount)).toEqual(['*'])
    expect(findingKeys(runSpendRules(result.data, settings(['team'])))).toEqual(['error untagged-bedrock-spend org: team'])
  })

  it('checks activation from a tag list alone and says why spend was not checked', async () => {
    await write('tags.json', tags(['team', 'Active']))
    const { result } = await load([dir])
    expect(result.data!.period).toBeUndefined()
    expect(findingKeys(runSpendRules(result.data, settings(['team'])))).toEqual(['error cost-tag-inactive tag-key: team'])
    const cov = spendCoverage(result, { settings: settings(['team']), rules: [{ id: 'untagged-bedrock-spend', base: 'untagged-bedrock-spend', enabled: true, severity: 'error', options: {}, source: '<built-in>' }] })
    expect(cov.rulesNotEvaluated.map((r) => r.reason)).toEqual([expect.stringContaining('skipped for `team`: `iamPrincipal/team` is not an active cost allocation tag') as string])
  })

  it('without a tag list: activation unknown, cost-tag-inactive not evaluated', async () => {
    await write('p.json', page([['222222222222', 'search', 10]]))
    const { result } = await load([dir])
    const cov = spendCoverage(result, { settings: settings(['team']), rules: [{ id: 'cost-tag-inactive', base: 'cost-tag-inactive', enabled: true, severity: 'error', options: {}, source: '<built-in>' }] })
    expect(cov.summary.keys).toEqual([{ tagKey: 'team', activation: 'unknown', costKey: 'iamPrincipal/team', untaggedChecked: true, untagged: 0, untaggedShare: 0 }])
    expect(cov.rulesNotEvaluated).toEqual([{ ruleId: 'cost-tag-inactive', reason: 'no `aws ce list-cost-allocation-tags` output was given, so tag activation was not checked' }])
  })

  it('has no data and a reason when only dimension values were given', async () => {
    await write('dv.json', { DimensionValues: [{ Value: 'Amazon Bedrock', Attributes: {} }], ReturnSize: 1, TotalSize: 1 })
    const { result } = await load([dir])
    expect(result.data).toBeUndefined()
    expect(result.reason).toContain('get-dimension-values` output only')
  })

  it('ignores tagwarden’s own cache files in an --input folder', async () => {
    await mkdir(join(dir, 'cache'))
    await write('cache/x.json', { tagwardenCostExplorerCache: 1, operation: 'GetCostAndUsage', scope: '', request: {}, fetchedAt: '', response: page([]) })
    await copyFile(join(DEMO, 'billing', 'list-cost-allocation-tags.json'), join(dir, 'tags.json'))
    const { plan, result } = await load([dir])
    expect(plan.errors).toEqual([])
    expect(result.data!.source.files).toEqual([join(dir, 'tags.json')])
  })
})
