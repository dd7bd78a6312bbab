/**
 * The demo organization's CUR 2.0 export (examples/demo-org/cur/): daily Bedrock line items of the demo
 * principals from 2026-07-14 to 2026-08-19, consistent with the demo's Cost Explorer outputs
 * (examples/demo-org/billing/): over 2026-07-21..2026-08-19 every (account, team value) sums to the
 * cent to what `get-cost-and-usage` grouped by `iamPrincipal/team` says, in both months. Around it:
 * days before the period, other services, credits and taxes, AgentCore, a Marketplace model.
 *
 *   npx tsx test/cur/demo-export.ts examples/demo-org/cur     # (re)writes parquet/ and csv/
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { manifestJson, writeCurCsv, writeCurParquet, writeText, type CurFixtureRow } from './fixtures.js'

const A1 = '111111111111'
const A2 = '222222222222'
const A3 = '333333333333'
const EXPORT = 'acme-bedrock'
const BUCKET = 'acme-billing-exports'
const PREFIX = 'cur2'

type Stream = {
  account: string
  /** Session ARNs (or one user ARN); the amount is shared between them by weight. */
  principals: string[]
  tags: Record<string, string> | null
  /** USD over 2026-07-21..31 and over 2026-08-01..19. */
  jul: number
  aug: number
  /** USD per day over 2026-07-14..20, outside the period (0 for none). */
  before?: number
  productCode?: string
  productName?: string
  usageType?: string
}

const role = (a: string, name: string, ...sessions: string[]) => sessions.map((s) => `arn:aws:sts::${a}:assumed-role/${name}/${s}`)
const user = (a: string, name: string) => [`arn:aws:iam::${a}:user/${name}`]
const team = (v: string): Record<string, string> => ({ 'iamPrincipal/team': v })

/** Who spent what: the figures per (account, team value) add up to examples/demo-org/billing. */
const STREAMS: Stream[] = [
  // 111111111111 platform: 402.06 / 838.12
  { account: A1, principals: role(A1, 'legacy-llm-gateway', 'ecs-task-3f9a1c', 'ecs-task-8b2d7e'), tags: { ...team('platform'), 'iamPrincipal/app': 'llm-gateway-v1' }, jul: 300, aug: 600, before: 30 },
  { account: A1, principals: role(A1, 'llm-gateway-exec', 'ecs-task-51c0aa'), tags: { ...team('platform'), 'iamPrincipal/llm-gateway': 'true' }, jul: 60, aug: 118.2, before: 6 },
  { account: A1, principals: user(A1, 'ops-admin'), tags: { ...team('platform'), 'iamPrincipal/owner': 'ops@acme.example' }, jul: 42.06, aug: 119.92 },
  // 222222222222 untagged (`team$`): 370.8 / 752.8
  { account: A2, principals: role(A2, 'summarizer-ecs-task', 'a1b2c3d4e5', 'f6a7b8c9d0'), tags: { 'iamPrincipal/app': 'summarizer', 'iamPrincipal/env': 'prod' }, jul: 200, aug: 420, before: 18 },
  { account: A2, principals: role(A2, 'bedrock-shared-invoke', 'legacy-gw'), tags: null, jul: 109, aug: 252.8 },
  { account: A2, principals: role(A2, 'notebook-experiments', 'jdoe', 'asmith'), tags: {}, jul: 61.8, aug: 80 },
  // 222222222222 blank (`team$  `): 215.4 / 439.9
  { account: A2, principals: role(A2, 'ads-ranker-irsa', 'botocore-session-1723456789'), tags: { ...team('  '), 'iamPrincipal/app': 'ads-ranker' }, jul: 215.4, aug: 439.9 },
  // 222222222222 ads 310 / 630.1, data-science 135.05 / 275.2, search 790.2 / 1621.3 (gateway users with session tags)
  { account: A2, principals: role(A2, 'bedrock-invoke-per-user', 'gw-mtanaka', 'gw-rlopez'), tags: team('ads'), jul: 310, aug: 630.1 },
  { account: A2, principals: role(A2, 'bedrock-invoke-per-user', 'gw-kchen'), tags: team('data-science'), jul: 135.05, aug: 275.2 },
  { account: A2, principals: role(A2, 'bedrock-invoke-per-user', 'gw-jdoe'), tags: team('search'), jul: 90.2, aug: 221.3 },
  { account: A2, principals: role(A2, 'chat-backend-lambda', 'chat-backend-fn'), tags: { ...team('search'), 'iamPrincipal/cost-center': '4100' }, jul: 500, aug: 1000, before: 40 },
  { account: A2, principals: role(A2, 'chat-backend-lambda', 'chat-backend-fn'), tags: { ...team('search'), 'iamPrincipal/cost-center': '4100' }, jul: 200, aug: 400, productCode: 'c7x2k9m4q1w8e5r3t6y0u2i4o', productName: 'Claude Opus 5.5 (Amazon Bedrock Edition)', usageType: 'USE1-MP:USE1_output_tokens_standard-Units' },
  // 222222222222 serach: 60.15 / 122.6
  { account: A2, principals: role(A2, 'search-reranker-lambda', 'search-reranker-fn'), tags: { ...team('serach'), 'iamPrincipal/app': 'search-reranker' }, jul: 60.15, aug: 122.6 },
  // 333333333333 untagged: 168.97 / 343.4
  { account: A3, principals: user(A3, 'alice'), tags: { 'iamPrincipal/email': 'alice@acme.example' }, jul: 100, aug: 0, before: 10 },
  { account: A3, principals: user(A3, 'bob'), tags: { 'iamPrincipal/Team': 'data-science', 'iamPrincipal/email': 'bob@acme.example' }, jul: 30, aug: 90 },
  { account: A3, principals: user(A3, 'BedrockAPIKey-7f3k'), tags: {}, jul: 20, aug: 80 },
  { account: A3, principals: role(A3, 'okta-analysts', 'pat@acme.example', 'sam@acme.example'), tags: {}, jul: 18.97, aug: 173.4 },
  // 333333333333 ads 70.1 / 140.3, data-science 1030.25 / 2090.6
  { account: A3, principals: role(A3, 'okta-data-scientists', 'lee@acme.example'), tags: { ...team('ads'), 'iamPrincipal/cost-center': '4300' }, jul: 70.1, aug: 140.3 },
  { account: A3, principals: user(A3, 'alice'), tags: { ...team('data-science'), 'iamPrincipal/cost-center': '4200', 'iamPrincipal/email': 'alice@acme.example' }, jul: 0, aug: 400 },
  { account: A3, principals: role(A3, 'okta-data-scientists', 'kim@acme.example', 'ana@acme.example'), tags: { ...team('data-science'), 'iamPrincipal/cost-center': '4200' }, jul: 630.25, aug: 1090.6, before: 25 },
  { account: A3, principals: role(A3, 'AWSReservedSSO_BedrockUsers_0123456789abcdef', 'jwu@acme.example'), tags: { ...team('data-science'), 'userAttribute/email': 'jwu@acme.example' }, jul: 400, aug: 600 },
]

const JUL_DAYS = Array.from({ length: 11 }, (_, i) => `2026-07-${String(21 + i).padStart(2, '0')}`)
const AUG_DAYS = Array.from({ length: 19 }, (_, i) => `2026-08-${String(1 + i).padStart(2, '0')}`)
const BEFORE_DAYS = Array.from({ length: 7 }, (_, i) => `2026-07-${String(14 + i).padStart(2, '0')}`)

/** `amount` in whole cents over `n` slots, the remainder on the first ones: sums back exactly. */
function spread(amount: number, n: number): number[] {
  const cents = Math.round(amount * 100)
  const base = Math.floor(cents / n)
  return Array.from({ length: n }, (_, i) => (base + (i < cents - base * n ? 1 : 0)) / 100)
}

function rowsOf(s: Stream, days: readonly string[], amount: number): CurFixtureRow[] {
  if (amount === 0) return []
  const slots = days.flatMap((d) => s.principals.map((p) => ({ d, p })))
  const amounts = spread(amount, slots.length)
  return slots.map(({ d, p }, i) => ({
    account: s.account,
    principal: p,
    cost: amounts[i]!,
    start: `${d}T00:00:00Z`,
    tags: s.tags,
    ...(s.productCode ? { productCode: s.productCode } : {}),
    ...(s.productName ? { productName: s.productName } : {}),
    ...(s.usageType ? { usageType: s.usageType } : {}),
  }))
}

/** Every line item of the demo export, July and August. */
export function demoCurRows(): CurFixtureRow[] {
  const rows: CurFixtureRow[] = []
  for (const s of STREAMS) {
    rows.push(...rowsOf(s, JUL_DAYS, s.jul), ...rowsOf(s, AUG_DAYS, s.aug))
    if (s.before) rows.push(...rowsOf(s, BEFORE_DAYS, s.before * BEFORE_DAYS.length))
  }
  // Money that is not Bedrock usage, or not Bedrock: none of it may count.
  for (const d of [...BEFORE_DAYS, ...JUL_DAYS, ...AUG_DAYS]) {
    rows.push({ account: A2, principal: null, cost: 14.4, start: `${d}T00:00:00Z`, productCode: 'AmazonEC2', productName: 'Amazon Elastic Compute Cloud', usageType: 'USE1-BoxUsage:m5.xlarge', tags: { 'accountTag/env': 'prod' } })
    rows.push({ account: A1, principal: `arn:aws:sts::${A1}:assumed-role/llm-gateway-exec/ecs-task-51c0aa`, cost: 3.2, start: `${d}T00:00:00Z`, productCode: 'AmazonBedrockAgentCore', productName: 'Amazon Bedrock AgentCore', usageType: 'USE1-AgentCore-Runtime-vCPU-Hours', tags: team('platform') })
  }
  rows.push({ account: A3, principal: null, cost: -25, start: '2026-07-31T00:00:00Z', lineItemType: 'Credit', tags: {} })
  rows.push({ account: A2, principal: null, cost: 61.02, start: '2026-07-31T00:00:00Z', lineItemType: 'Tax', tags: {} })
  return rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
}

/** Writes the export twice, as Data Exports delivers it: Parquet and CSV.gz, each with its manifests. */
export function writeDemoExport(root: string): void {
  rmSync(join(root, 'parquet'), { recursive: true, force: true })
  rmSync(join(root, 'csv'), { recursive: true, force: true })
  const rows = demoCurRows()
  for (const period of ['2026-07', '2026-08']) {
    const part = rows.filter((r) => r.start.startsWith(period))
    const half = Math.ceil(part.length / 2)
    for (const [format, ext] of [['parquet', 'snappy.parquet'], ['csv', 'csv.gz']] as const) {
      const keys = [1, 2].map((n) => `${PREFIX}/${EXPORT}/data/BILLING_PERIOD=${period}/${EXPORT}-${String(n).padStart(5, '0')}.${ext}`)
      const chunks = [part.slice(0, half), part.slice(half)]
      for (const [i, key] of keys.entries()) {
        const path = join(root, format, ...key.split('/').slice(1))
        if (format === 'parquet') writeCurParquet(path, chunks[i]!, { rowGroupSize: 200 })
        else writeCurCsv(path, chunks[i]!, { gzip: true })
      }
      writeText(join(root, format, EXPORT, 'metadata', `BILLING_PERIOD=${period}`, `${EXPORT}-Manifest.json`), manifestJson({ bucket: BUCKET, keys, billingPeriod: period, executionId: `${format}-${period}-0f3a` }))
    }
  }
}

if (process.argv[1]?.endsWith('demo-export.ts') && process.argv[2]) writeDemoExport(process.argv[2])
