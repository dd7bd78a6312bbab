/**
 * Shared set-up of the spend tests: a fake Cost Explorer with two required keys, the real SDK client
 * pointed at it, the spend rules run the way the engine will run them once registered, and the same
 * data written as `aws ce` JSON files for the offline path.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer'
import { emptyIndex } from '../../src/analysis/org-index.js'
import type { Severity, Subject } from '../../src/model/finding.js'
import type { ResolvedSettings } from '../../src/config/types.js'
import { renderMessage } from '../../src/rules/engine.js'
import { costTagInactive } from '../../src/rules/spend/cost-tag-inactive.js'
import { untaggedBedrockSpend } from '../../src/rules/spend/untagged-bedrock-spend.js'
import type { OrgRule, RuleReport } from '../../src/rules/types.js'
import { bedrockServicesRequest, costAndUsageRequest, listCostAllocationTagsRequest } from '../../src/scanners/cost-explorer/requests.js'
import { splitBedrockServices } from '../../src/spend/aggregate.js'
import type { SpendData } from '../../src/spend/model.js'
import { activationOf } from '../../src/spend/tag-keys.js'
import { addUserCredentials, emptyWorld, startAwsServer, type AwsServer, type CallContext, type FakePrincipal, type World } from '../support/aws-server/index.js'
import { costExplorerHandlers, costExplorerService, type FakeCostExplorer, type FakeLineItem } from '../support/aws-server/services/cost-explorer.js'
import type { SpendPeriod } from '../../src/model/spend.js'

export const NOW = new Date('2026-08-21T10:00:00Z')
/** `--since 30d` on NOW. */
export const PERIOD: SpendPeriod = { start: '2026-07-22', end: '2026-08-21' }
export const PAYER = '111111111111'

export function settings(keys: string[] = ['team', 'cost-center']): ResolvedSettings {
  return {
    requiredTags: keys.map((key) => ({ key })),
    inferenceActions: ['bedrock:InvokeModel'],
    workloadOidcIssuers: [],
    gateways: { namePatterns: [], tags: {}, arns: [] },
  }
}

const item = (accountId: string, date: string, amount: number, tags: Record<string, string> = {}, extra: Partial<FakeLineItem> = {}): FakeLineItem => ({
  accountId,
  service: 'Amazon Bedrock',
  date,
  amount,
  tags,
  ...extra,
})

const T = 'iamPrincipal/team'
const CC = 'iamPrincipal/cost-center'

/**
 * Two required keys (team, cost-center), three accounts, spend in both months of the period, plus
 * money that must not count: AgentCore, S3, a credit and tax, and a day just outside the period.
 * Account 222 is 31 % untagged by team (error), 333 13 % (warning), 111 fully tagged.
 */
export function fakeCostExplorer(): FakeCostExplorer {
  return {
    billingAccounts: [PAYER],
    accountNames: { '111111111111': 'acme-management', '222222222222': 'acme-ml-platform', '333333333333': 'acme-data-science' },
    costAllocationTags: [
      { TagKey: T, Type: 'UserDefined', Status: 'Active', LastUpdatedDate: '2026-05-04T09:12:00Z', LastUsedDate: '2026-08-19T00:00:00Z' },
      { TagKey: CC, Type: 'UserDefined', Status: 'Active', LastUpdatedDate: '2026-05-04T09:12:00Z', LastUsedDate: '2026-08-19T00:00:00Z' },
      { TagKey: 'iamPrincipal/Team', Type: 'UserDefined', Status: 'Inactive', LastUsedDate: '2026-08-18T00:00:00Z' },
      { TagKey: 'team', Type: 'UserDefined', Status: 'Active', LastUpdatedDate: '2025-11-02T10:00:00Z' },
      { TagKey: 'aws:createdBy', Type: 'AWSGenerated', Status: 'Inactive' },
    ],
    items: [
      item('111111111111', '2026-07-25', 600.18, { [T]: 'platform', [CC]: '4000' }),
      item('111111111111', '2026-08-05', 640, { [T]: 'platform', [CC]: '4000' }),
      item('222222222222', '2026-07-30', 1200, { [T]: 'search', [CC]: '4100' }, { service: 'Claude 4.6 Sonnet (Amazon Bedrock Edition)' }),
      item('222222222222', '2026-08-10', 1211.5, { [T]: 'search', [CC]: '4100' }),
      item('222222222222', '2026-08-11', 940.1, { [T]: 'ads' }),
      item('222222222222', '2026-08-12', 1123.6, {}),
      item('222222222222', '2026-08-13', 655.3, { [T]: '  ' }),
      item('333333333333', '2026-07-28', 3120.85, { [T]: 'data-science', [CC]: '4200' }),
      item('333333333333', '2026-08-14', 210.4, { [T]: 'ads', [CC]: '4300' }),
      item('333333333333', '2026-08-15', 512.37, {}),
      // None of these may count.
      item('333333333333', '2026-08-15', 999, {}, { service: 'Amazon Bedrock AgentCore' }),
      item('222222222222', '2026-08-15', 77, {}, { service: 'Amazon Simple Storage Service' }),
      item('222222222222', '2026-08-01', -300, {}, { recordType: 'Credit' }),
      item('222222222222', '2026-08-01', 120, {}, { recordType: 'Tax' }),
      item('222222222222', '2026-07-21', 5000, {}),
      item('222222222222', '2026-08-21', 5000, {}),
    ],
    // 10 (team) and 8 (cost-center) (month, account, value) rows: two pages each.
    pageSize: { costAndUsage: 5 },
  }
}

export interface CeHarness {
  server: AwsServer
  world: World
  payer: FakePrincipal
  member: FakePrincipal
  client(who?: FakePrincipal): CostExplorerClient
  close(): Promise<void>
}

export async function ceHarness(fake: FakeCostExplorer): Promise<CeHarness> {
  const world = emptyWorld()
  const server = await startAwsServer(world, { services: [costExplorerService(fake)] })
  const payer = addUserCredentials(world, PAYER, 'billing-auditor')
  const member = addUserCredentials(world, '222222222222', 'auditor')
  const clients: CostExplorerClient[] = []
  return {
    server,
    world,
    payer,
    member,
    client(who = payer) {
      const c = new CostExplorerClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
        maxAttempts: 1,
      })
      clients.push(c)
      return c
    },
    async close() {
      for (const c of clients) c.destroy()
      await server.close()
      const rejected = server.rejected.filter((r) => r.reason !== 'unknown access key')
      if (rejected.length > 0) throw new Error(`the fake AWS rejected requests: ${JSON.stringify(rejected)}`)
    },
  }
}

/** A finding as the engine will make it: severity from the report (capped by the instance severity), message rendered. */
export interface SpendFinding {
  ruleId: string
  severity: Severity
  subject: Subject
  tagKey?: string
  message: string
  fix?: string
  evidence: Record<string, unknown>
  spend?: unknown
}

const RULES: Array<{ rule: OrgRule; severity: Severity }> = [
  { rule: costTagInactive, severity: 'error' },
  { rule: untaggedBedrockSpend, severity: 'error' },
]

/** Runs both spend rules with a hand-built context (the registry does not list them yet). */
export function runSpendRules(spend: SpendData | undefined, s: ResolvedSettings = settings(), options: Record<string, Record<string, unknown>> = {}): SpendFinding[] {
  const rank: Record<Severity, number> = { error: 3, warning: 2, note: 1 }
  const out: SpendFinding[] = []
  for (const { rule, severity } of RULES) {
    const ctx = { settings: s, options: options[rule.meta.id] ?? {}, index: emptyIndex(), ...(spend ? { spend } : {}) }
    for (const r of rule.check(ctx) as Array<RuleReport & { severity?: Severity; spend?: unknown }>) {
      const own = r.severity ?? severity
      const f: SpendFinding = {
        ruleId: rule.meta.id,
        severity: rank[own] <= rank[severity] ? own : severity,
        subject: { ...(r.subject ?? { kind: 'org' }), ...(r.tagKey !== undefined ? { tagKey: r.tagKey } : {}) },
        message: renderMessage(rule.meta.messages[r.messageId]!, r.data),
        evidence: r.evidence ?? {},
      }
      if (r.tagKey !== undefined) f.tagKey = r.tagKey
      if (r.fix) f.fix = r.fix
      if (r.spend) f.spend = r.spend
      out.push(f)
    }
  }
  return out.sort((a, b) => JSON.stringify([a.ruleId, a.subject]).localeCompare(JSON.stringify([b.ruleId, b.subject])))
}

export function findingKeys(fs: readonly SpendFinding[]): string[] {
  return fs.map((f) => `${f.severity} ${f.ruleId} ${f.subject.kind}:${f.subject.accountId ?? ''} ${f.tagKey ?? ''}`).sort()
}

/**
 * The same data as saved `aws ce` JSON, page by page, by calling the fake's handlers with the requests
 * the live path sends: what a user gets from the commands in docs/cost-explorer.md.
 */
export async function writeOfflineFiles(fake: FakeCostExplorer, dir: string, tagKeys: string[], caller: FakePrincipal): Promise<string[]> {
  const h = costExplorerHandlers(fake)
  const ctx = { caller } as unknown as CallContext
  const files: string[] = []
  await mkdir(join(dir, 'billing'), { recursive: true })
  const save = async (name: string, obj: unknown) => {
    const file = join(dir, 'billing', name)
    await writeFile(file, `${JSON.stringify(obj, null, 4)}\n`)
    files.push(file)
  }
  const tags = (await h.ListCostAllocationTags!(listCostAllocationTagsRequest() as Record<string, unknown>, ctx)) as { CostAllocationTags: unknown[] }
  await save('list-cost-allocation-tags.json', tags)
  const dv = (await h.GetDimensionValues!(bedrockServicesRequest(PERIOD) as unknown as Record<string, unknown>, ctx)) as { DimensionValues: Array<{ Value: string }> }
  await save('get-dimension-values.json', dv)
  const services = splitBedrockServices(dv.DimensionValues.map((d) => d.Value)).included
  const listed = fake.costAllocationTags.map((t) => ({ tagKey: t.TagKey, type: t.Type, status: t.Status }))
  for (const key of tagKeys) {
    const a = activationOf(key, listed)
    if (a.state !== 'active') continue
    let token: string | undefined
    let n = 1
    do {
      const pageOut = (await h.GetCostAndUsage!(costAndUsageRequest(PERIOD, services, a.costKey, token) as unknown as Record<string, unknown>, ctx)) as { NextPageToken?: string }
      await save(`get-cost-and-usage-${key}-page${n++}.json`, pageOut)
      token = pageOut.NextPageToken
    } while (token)
  }
  return files
}
