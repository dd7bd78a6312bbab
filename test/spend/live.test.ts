/**
 * The live Cost Explorer path through the real SDK client against the local protocol server: exact
 * request counts with paging, the cache, every key-string variant, AccessDenied and DataUnavailable,
 * and the offline files giving the same findings as the live path on the same data.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { scanExitCode } from '../../src/cli/exit.js'
import { ExitCode } from '../../src/errors.js'
import { diskCache } from '../../src/scanners/cost-explorer/cache.js'
import { loadCostExplorerFiles } from '../../src/scanners/cost-explorer/files.js'
import { costExplorerLiveSource, queryCostExplorer } from '../../src/scanners/cost-explorer/live.js'
import { COST_EXPLORER_RECOGNISERS } from '../../src/scanners/cost-explorer/recognisers.js'
import { DEFAULT_RECOGNISERS, planSnapshot } from '../../src/scanners/snapshot/index.js'
import { spendCoverage } from '../../src/spend/coverage.js'
import type { SpendData } from '../../src/spend/model.js'
import type { FakeCostExplorer } from '../support/aws-server/services/cost-explorer.js'
import { ceHarness, fakeCostExplorer, findingKeys, NOW, PAYER, PERIOD, runSpendRules, settings, writeOfflineFiles, type CeHarness } from './helpers.js'

let fake: FakeCostExplorer
let h: CeHarness
let tmp: string

beforeAll(async () => {
  fake = fakeCostExplorer()
  h = await ceHarness(fake)
})
afterAll(async () => {
  await h.close()
})
beforeEach(async () => {
  for (const k of Object.keys(fake)) delete (fake as unknown as Record<string, unknown>)[k]
  Object.assign(fake, fakeCostExplorer())
  h.server.reset()
  tmp = await mkdtemp(join(tmpdir(), 'tagwarden-ce-'))
  return () => rm(tmp, { recursive: true, force: true })
})

const query = (extra: { cacheDir?: string; notice?: (l: string) => void; keys?: string[] } = {}) =>
  queryCostExplorer(h.client(), {
    tagKeys: extra.keys ?? ['team', 'cost-center'],
    period: PERIOD,
    ...(extra.cacheDir ? { cache: diskCache(extra.cacheDir, { now: NOW, scope: PAYER }) } : {}),
    ...(extra.notice ? { notice: extra.notice } : {}),
  })

describe('live Cost Explorer query', () => {
  it('makes exactly 6 billable requests for two keys of two pages each, and says so before and after', async () => {
    const lines: string[] = []
    const r = await query({ notice: (l) => lines.push(l) })
    expect(r.errors).toEqual([])
    expect(h.server.countCalls()).toEqual({ 'ce:ListCostAllocationTags': 1, 'ce:GetDimensionValues': 1, 'ce:GetCostAndUsage': 4 })
    // Each GetCostAndUsage query followed its NextPageToken once.
    const cu = h.server.calls.filter((c) => c.operation === 'GetCostAndUsage')
    expect(cu.map((c) => (c.params.NextPageToken ? 'next' : 'first'))).toEqual(['first', 'next', 'first', 'next'])
    expect(r.data?.requests).toMatchObject({ sent: 6, cached: 0, costUsd: 0.06 })
    expect(lines[0]).toMatch(/about 4 billable requests \(USD 0\.04/)
    expect(lines[1]).toBe('tagwarden: Cost Explorer: 6 billable requests made (USD 0.06), 0 answered from --cache-dir')
  })

  it('sends the documented requests: MONTHLY UnblendedCost, Bedrock services without AgentCore, no credits/refunds/tax, LINKED_ACCOUNT + one TAG', async () => {
    await query()
    const dv = h.server.calls.find((c) => c.operation === 'GetDimensionValues')!
    expect(dv.params).toEqual({ TimePeriod: { Start: '2026-07-22', End: '2026-08-21' }, Dimension: 'SERVICE', SearchString: 'Bedrock', Context: 'COST_AND_USAGE' })
    const first = h.server.calls.find((c) => c.operation === 'GetCostAndUsage')!
    expect(first.params).toEqual({
      TimePeriod: { Start: '2026-07-22', End: '2026-08-21' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
      Filter: {
        And: [
          { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock', 'Claude 4.6 Sonnet (Amazon Bedrock Edition)'] } },
          { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund', 'Tax'] } } },
        ],
      },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'TAG', Key: 'iamPrincipal/team' },
      ],
    })
  })

  it('sums the pages per account and tag value, usage only, End exclusive', async () => {
    const spend = (await query()).data!
    expect(spend.period).toEqual(PERIOD)
    expect(spend.total).toBe(10214.3)
    expect(spend.accounts).toEqual({
      '111111111111': { total: 1240.18, name: 'acme-management' },
      '222222222222': { total: 5130.5, name: 'acme-ml-platform' },
      '333333333333': { total: 3843.62, name: 'acme-data-science' },
    })
    const team = spend.byTag.team!
    expect(team.costKey).toBe('iamPrincipal/team')
    expect(team.byValue).toEqual({ platform: 1240.18, search: 2411.5, ads: 1150.5, 'data-science': 3120.85, '': 1635.97, '  ': 655.3 })
    expect(team.untagged).toBe(2291.27)
    expect(team.byAccount['222222222222']).toEqual({ total: 5130.5, untagged: 1778.9, byValue: { search: 2411.5, ads: 940.1, '': 1123.6, '  ': 655.3 } })
    expect(spend.byTag['cost-center']!.untagged).toBe(3231.37)
    expect(spend.services).toEqual({
      included: ['Amazon Bedrock', 'Claude 4.6 Sonnet (Amazon Bedrock Edition)'],
      excluded: [{ service: 'Amazon Bedrock AgentCore', reason: 'AgentCore Runtime compute is not attributed to IAM principals' }],
    })
  })

  it('flags untagged spend per account and in total at the threshold reached, for both keys', async () => {
    const findings = runSpendRules((await query()).data)
    expect(findingKeys(findings)).toEqual([
      'error untagged-bedrock-spend account:222222222222 cost-center',
      'error untagged-bedrock-spend account:222222222222 team',
      'error untagged-bedrock-spend org: cost-center',
      'warning untagged-bedrock-spend account:333333333333 cost-center',
      'warning untagged-bedrock-spend account:333333333333 team',
      'warning untagged-bedrock-spend org: team',
    ])
    const a222 = findings.find((f) => f.subject.accountId === '222222222222' && f.tagKey === 'team')!
    expect(a222.message).toContain('Account 222222222222 (acme-ml-platform): 34.7% of its Bedrock spend (USD 1,778.90 of USD 5,130.50, 2026-07-22 to 2026-08-20) has no `iamPrincipal/team` value')
    expect(a222.spend).toEqual({ total: 5130.5, unattributed: 1778.9, currency: 'USD', period: PERIOD })
  })

  it('makes no request at all on a second run the same day with --cache-dir, and gets the same data', async () => {
    const dir = join(tmp, 'cache')
    const first = await query({ cacheDir: dir })
    expect(first.data?.requests?.sent).toBe(6)
    h.server.reset()
    const lines: string[] = []
    const second = await query({ cacheDir: dir, notice: (l) => lines.push(l) })
    expect(h.server.calls).toEqual([])
    expect(second.data?.requests).toMatchObject({ sent: 0, cached: 6, costUsd: 0 })
    expect(lines[1]).toBe('tagwarden: Cost Explorer: 0 billable requests made (USD 0.00), 6 answered from --cache-dir')
    const strip = (d: SpendData | undefined) => ({ ...d, requests: undefined })
    expect(strip(second.data)).toEqual(strip(first.data))
    expect(await readdir(join(dir, 'cost-explorer'))).toEqual(['2026-08-21'])
  })

  it('asks AWS again on another day', async () => {
    const dir = join(tmp, 'cache')
    await query({ cacheDir: dir })
    h.server.reset()
    const nextDay = await queryCostExplorer(h.client(), { tagKeys: ['team', 'cost-center'], period: PERIOD, cache: diskCache(dir, { now: new Date('2026-08-22T01:00:00Z'), scope: PAYER }) })
    expect(nextDay.data?.requests?.sent).toBe(6)
  })
})

describe('cost allocation key strings (facts §1.6)', () => {
  type Tag = FakeCostExplorer['costAllocationTags'][number]
  const tag = (TagKey: string, Status: 'Active' | 'Inactive'): Tag => ({ TagKey, Type: 'UserDefined', Status })
  /** Re-key the fake's `iamPrincipal/team` tags to `key` and list `tags` instead. */
  const variant = (key: string, tags: Tag[]) => {
    fake.costAllocationTags = [...tags, tag('iamPrincipal/cost-center', 'Active')]
    for (const i of fake.items) {
      if (i.tags && 'iamPrincipal/team' in i.tags) {
        const v = i.tags['iamPrincipal/team']!
        delete i.tags['iamPrincipal/team']
        i.tags[key] = v
      }
    }
  }
  const teamGroupBy = () =>
    h.server.calls
      .filter((c) => c.operation === 'GetCostAndUsage')
      .map((c) => (c.params.GroupBy as Array<{ Key: string }>)[1]?.Key)
      .filter((k) => k !== 'iamPrincipal/cost-center')

  it('`iamPrincipal/team` active: grouped by it, no activation finding', async () => {
    variant('iamPrincipal/team', [tag('iamPrincipal/team', 'Active')])
    const r = await query()
    expect(teamGroupBy()).toEqual(['iamPrincipal/team', 'iamPrincipal/team'])
    expect(r.data?.byTag.team?.untagged).toBe(2291.27)
    expect(runSpendRules(r.data).filter((f) => f.ruleId === 'cost-tag-inactive')).toEqual([])
  })

  it('`user:iamPrincipal/team` active: grouped by exactly that string, values read after the first `$`', async () => {
    variant('user:iamPrincipal/team', [tag('user:iamPrincipal/team', 'Active')])
    const r = await query()
    expect(teamGroupBy()).toEqual(['user:iamPrincipal/team', 'user:iamPrincipal/team'])
    expect(r.data?.byTag.team?.costKey).toBe('user:iamPrincipal/team')
    expect(r.data?.byTag.team?.byValue.search).toBe(2411.5)
    expect(runSpendRules(r.data).filter((f) => f.ruleId === 'cost-tag-inactive')).toEqual([])
  })

  it('`iamPrincipal/team` listed Inactive: error naming the key AWS returned, no query for it, untagged check skipped', async () => {
    variant('iamPrincipal/team', [tag('iamPrincipal/team', 'Inactive')])
    const r = await query()
    expect(teamGroupBy()).toEqual([])
    const fs = runSpendRules(r.data)
    const inactive = fs.filter((f) => f.ruleId === 'cost-tag-inactive')
    expect(inactive).toHaveLength(1)
    expect(inactive[0]!.message).toContain('AWS lists `iamPrincipal/team` as Inactive')
    expect(inactive[0]!.fix).toBe('aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=iamPrincipal/team,Status=Active')
    expect(fs.filter((f) => f.ruleId === 'untagged-bedrock-spend' && f.tagKey === 'team')).toEqual([])
    const cov = spendCoverage(r, { settings: settings(), rules: [{ id: 'untagged-bedrock-spend', base: 'untagged-bedrock-spend', enabled: true, severity: 'error', options: {}, source: '<built-in>' }] })
    expect(cov.rulesNotEvaluated).toEqual([
      { ruleId: 'untagged-bedrock-spend', reason: expect.stringContaining('skipped for `team`: `iamPrincipal/team` is not an active cost allocation tag') as string },
    ])
  })

  it('active only in another case (`iamPrincipal/Team`): says exactly what is active', async () => {
    variant('iamPrincipal/Team', [tag('iamPrincipal/Team', 'Active')])
    const fs = runSpendRules((await query()).data)
    const f = fs.find((x) => x.ruleId === 'cost-tag-inactive')!
    expect(f.message).toContain('AWS lists no `iamPrincipal/team` key; what is active instead is `iamPrincipal/Team` (an IAM principal tag in another case), which does not count')
    expect(teamGroupBy()).toEqual([])
  })

  it('active only as a resource tag (`team`): says so', async () => {
    variant('team', [tag('team', 'Active')])
    const fs = runSpendRules((await query()).data)
    expect(fs.find((x) => x.ruleId === 'cost-tag-inactive')!.message).toContain('what is active instead is `team` (a resource tag), which does not count')
  })

  it('both spellings listed, `user:` one active: that one counts', async () => {
    variant('user:iamPrincipal/team', [tag('iamPrincipal/team', 'Inactive'), tag('user:iamPrincipal/team', 'Active')])
    const r = await query()
    expect(r.data?.byTag.team?.costKey).toBe('user:iamPrincipal/team')
    expect(runSpendRules(r.data).filter((f) => f.ruleId === 'cost-tag-inactive')).toEqual([])
  })

  it('no key active at all: one query by account only, for the totals', async () => {
    fake.costAllocationTags = [tag('team', 'Active')]
    const r = await query()
    // One query (its two pages), by LINKED_ACCOUNT alone.
    const cu = h.server.calls.filter((c) => c.operation === 'GetCostAndUsage')
    expect(cu.filter((c) => !c.params.NextPageToken)).toHaveLength(1)
    expect(cu.every((c) => (c.params.GroupBy as unknown[]).length === 1)).toBe(true)
    expect(r.data?.total).toBe(10214.3)
    expect(r.data?.byTag).toEqual({})
    expect(findingKeys(runSpendRules(r.data))).toEqual(['error cost-tag-inactive tag-key: cost-center', 'error cost-tag-inactive tag-key: team'])
  })
})

describe('Cost Explorer failures', () => {
  it('AccessDenied (not a billing account): one clear error, no data, exit 2 unless --allow-partial', async () => {
    const lines: string[] = []
    const r = await queryCostExplorer(h.client(h.member), { tagKeys: ['team'], period: PERIOD, notice: (l) => lines.push(l) })
    expect(r.data).toBeUndefined()
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ code: 'cost-explorer-access-denied', source: 'aws ce:ListCostAllocationTags' })
    expect(r.errors[0]!.message).toMatch(/^Cost Explorer refused ce:ListCostAllocationTags \(AccessDeniedException\): the caller is not the management \(payer\) account/)
    expect(r.errors[0]!.hint).toContain('ce:GetCostAndUsage')
    expect(lines[1]).toContain('1 billable request made')
    const cov = spendCoverage(r, { settings: settings(['team']), rules: [] })
    expect(cov.summary).toMatchObject({ checked: false, reason: expect.stringContaining('cost-explorer-access-denied') as string })
    // The IAM findings still stand; the error alone decides the exit code.
    const report = { findings: [], errors: r.errors }
    expect(scanExitCode(report, { failOn: 'error' })).toBe(ExitCode.Incomplete)
    expect(scanExitCode(report, { failOn: 'error', allowPartial: true })).toBe(ExitCode.Clean)
  })

  it('DataUnavailableException: one clear error naming the cause', async () => {
    fake.dataUnavailable = true
    const r = await query()
    expect(r.errors.map((e) => e.code)).toEqual(['cost-explorer-data-unavailable'])
    expect(r.errors[0]!.message).toContain('Cost Explorer has no data for ce:GetDimensionValues')
  })

  it('the spend source names the caller and makes no Cost Explorer call when credentials are rejected', async () => {
    const src = costExplorerLiveSource({ endpoint: h.server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) }, env: {}, maxAttempts: 1 })
    const r = await src.load({ tagKeys: ['team'], now: NOW, otherFiles: [] })
    expect(r.data).toBeUndefined()
    expect(r.errors[0]?.source).toBe('aws sts:GetCallerIdentity')
    expect(h.server.calls.filter((c) => c.service === 'ce')).toEqual([])
  })
})

describe('offline files = live', () => {
  it('the saved `aws ce` outputs of the same data give the same findings and figures', async () => {
    const live = await query()
    h.server.reset()
    await writeOfflineFiles(fake, tmp, ['team', 'cost-center'], h.payer)
    const plan = await planSnapshot([tmp], { recognisers: [...DEFAULT_RECOGNISERS, ...COST_EXPLORER_RECOGNISERS] })
    expect(plan.errors).toEqual([])
    expect(plan.otherFiles.map((f) => f.kind).sort()).toEqual([
      'ce-get-cost-and-usage',
      'ce-get-cost-and-usage',
      'ce-get-cost-and-usage',
      'ce-get-cost-and-usage',
      'ce-get-dimension-values',
      'ce-list-cost-allocation-tags',
    ])
    const offline = await loadCostExplorerFiles(plan.otherFiles, { tagKeys: ['team', 'cost-center'] })
    expect(offline.errors).toEqual([])
    expect(runSpendRules(offline.data)).toEqual(runSpendRules(live.data))
    const figures = (d: SpendData | undefined) => ({ period: d?.period, total: d?.total, accounts: d?.accounts, byTag: d?.byTag, tags: d?.costAllocationTags })
    expect(figures(offline.data)).toEqual(figures(live.data))
    expect(offline.data?.source.kind).toBe('cost-explorer-files')
  })
})
