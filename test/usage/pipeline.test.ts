/**
 * Usage through the scan pipeline: every principal finding is marked, `--used-within` keeps only
 * principals with Bedrock use in the window, and a source's `collectUsage` hook (live `--usage`) feeds
 * the evidence in while each account is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { PrincipalFacts } from '../../src/analysis/facts.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { runScan } from '../../src/pipeline/scan.js'
import type { AccountSource } from '../../src/sources/account-source.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import type { BedrockUsageEvidence } from '../../src/usage/classify.js'
import type { FindingWithUsage } from '../../src/usage/window.js'

const SCHEMA = fileURLToPath(new URL('../../schemas/report.schema.json', import.meta.url))
const NOW = new Date('2026-11-26T00:00:00Z')
const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
const arn = (name: string): string => `arn:aws:iam::111111111111:role/${name}`

function role(name: string, lastUsed: unknown, capable = true): Record<string, unknown> {
  return {
    Path: '/',
    RoleName: name,
    Arn: arn(name),
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    RolePolicyList: [],
    AttachedManagedPolicies: capable ? [{ PolicyName: 'AmazonBedrockFullAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess' }] : [],
    Tags: [],
    ...(lastUsed === undefined ? {} : { RoleLastUsed: lastUsed }),
  }
}

let snap: string
beforeAll(() => {
  snap = mkdtempSync(join(tmpdir(), 'tw-usage-'))
  mkdirSync(join(snap, '111111111111'))
  const used = { LastUsedDate: '2026-11-20T07:01:44+00:00', Region: 'us-east-1' }
  writeFileSync(
    join(snap, '111111111111', 'get-account-authorization-details.json'),
    JSON.stringify({
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
      RoleDetailList: [role('idle-lambda', {}), role('recent-lambda', used), role('old-lambda', used), role('chat-lambda', used), role('reports-reader', {}, false)],
    }),
  )
})
afterAll(() => rmSync(snap, { recursive: true, force: true }))

/** The snapshot source plus a fake Access Advisor answering from a table, per role name. */
function withAdvisor(table: Record<string, BedrockUsageEvidence>, asked: string[]): AccountSource {
  const inner = snapshotSource([snap])
  return {
    prepare: (index) => inner.prepare(index),
    accounts: () => inner.accounts(),
    fileCount: () => inner.fileCount(),
    async collectUsage(accountId: string, principals: PrincipalFacts[]) {
      for (const p of principals) {
        asked.push(p.name)
        const ev = table[p.name]
        if (ev) (p as PrincipalFacts & { bedrockUsage?: BedrockUsageEvidence[] }).bedrockUsage = [ev]
      }
      return [{ source: `live ${accountId} IAM Access Advisor`, accountId, code: 'access-advisor-timeout', message: 'one job did not finish' }]
    },
  } as AccountSource
}

const TABLE: Record<string, BedrockUsageEvidence> = {
  'recent-lambda': { source: 'access-advisor', lastUsed: '2026-11-20T00:00:00.000Z' },
  'old-lambda': { source: 'access-advisor', lastUsed: '2026-03-01T00:00:00.000Z' },
  'chat-lambda': { source: 'access-advisor', anyServiceLastUsed: '2026-11-01T00:00:00.000Z' },
}

const marks = (findings: readonly unknown[]): string[] =>
  (findings as FindingWithUsage[]).map((f) => `${f.ruleId} ${f.principalArn?.split('/').at(-1) ?? '-'} ${f.usage ? `${f.usage.state}/${f.usage.source ?? ''}` : 'unmarked'}`).sort()

describe('usage in the scan', () => {
  it('marks every principal finding from RoleLastUsed alone, and the report still validates against its schema', async () => {
    const report = await runScan({ config, sources: [snapshotSource([snap])], now: NOW })
    expect(marks(report.findings)).toEqual([
      'bedrock-capable-unused idle-lambda never-used/role-last-used',
      'principal-missing-tag chat-lambda unknown/',
      'principal-missing-tag idle-lambda never-used/role-last-used',
      'principal-missing-tag old-lambda unknown/',
      'principal-missing-tag recent-lambda unknown/',
    ])
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')))
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true)
  })

  it('asks the source about the Bedrock-capable principals of each account and uses its evidence', async () => {
    const asked: string[] = []
    const report = await runScan({ config, sources: [withAdvisor(TABLE, asked)], now: NOW })
    expect(asked.sort()).toEqual(['chat-lambda', 'idle-lambda', 'old-lambda', 'recent-lambda'])
    expect(report.errors.map((e) => e.code)).toEqual(['access-advisor-timeout'])
    expect(marks(report.findings)).toEqual([
      'bedrock-capable-unused chat-lambda used-other-services/access-advisor',
      'bedrock-capable-unused idle-lambda never-used/role-last-used',
      'principal-missing-tag chat-lambda used-other-services/access-advisor',
      'principal-missing-tag idle-lambda never-used/role-last-used',
      'principal-missing-tag old-lambda bedrock-used/access-advisor',
      'principal-missing-tag recent-lambda bedrock-used/access-advisor',
    ])
  })

  it('keeps only principals with Bedrock use in the --used-within window, and counts only those', async () => {
    const report = await runScan({ config, sources: [withAdvisor(TABLE, [])], now: NOW, usedWithinDays: 90 } as Parameters<typeof runScan>[0])
    expect(marks(report.findings)).toEqual(['principal-missing-tag recent-lambda bedrock-used/access-advisor'])
    expect(report.summary.findings.total).toBe(1)
  })
})
