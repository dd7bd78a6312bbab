/**
 * `scan --usage` end to end: the live scanner asks IAM Access Advisor (the fake AWS, through the real SDK
 * client and the awsQuery wire format) about each Bedrock-capable principal, and the findings carry its
 * Bedrock use; `--usage-limit` caps who is asked, `--used-within` keeps the recent users only, and a plain
 * scan makes no Access Advisor call at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScanCommand } from '../../src/cli/scan-command.js'
import { liveOptionsFromFlags } from '../../src/cli/live-options.js'
import { UsageError } from '../../src/errors.js'
import type { ScanReport } from '../../src/model/finding.js'
import type { FindingWithUsage } from '../../src/usage/window.js'
import { runScan } from '../../src/pipeline/scan.js'
import { liveSource, type LiveScanOptions } from '../../src/sources/live.js'
import { emptyFakeAccount, emptyWorld, type Json, type World } from '../support/aws-server/index.js'
import { attachEverywhere, FULL_AWS_ACCESS } from '../support/aws-server/fixtures.js'
import { bundledConfig, liveHarness, NOW, type LiveHarness } from './helpers.js'

const MGMT = '111111111111'
const WORKLOAD = '222222222222'
const DENYING = '333333333333'
const RESEARCH = '444444444444'
const USED = `arn:aws:iam::${WORKLOAD}:role/chat-backend`
const NEVER = `arn:aws:iam::${WORKLOAD}:user/batch-bot`
const DENIED = `arn:aws:iam::${DENYING}:role/legacy-invoker`
const NOT_CAPABLE = `arn:aws:iam::${WORKLOAD}:role/etl-loader`
const OLD_USE = `arn:aws:iam::${RESEARCH}:role/rag-indexer`
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString()
const TEN_DAYS_AGO = daysAgo(10)

const AA_OPS = ['iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails']
const invoke = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: '*' }] }
const s3Read = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] }
const lambdaTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }

// Every role was used recently (RoleLastUsed has a date): only Access Advisor can tell Bedrock use apart.
function role(accountId: string, name: string, policy: unknown, tags: Record<string, string> = {}): Json {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${accountId}${name.length}X`,
    Arn: `arn:aws:iam::${accountId}:role/${name}`,
    CreateDate: '2025-01-01T00:00:00Z',
    AssumeRolePolicyDocument: lambdaTrust,
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: `${name}-inline`, PolicyDocument: policy }],
    AttachedManagedPolicies: [],
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    RoleLastUsed: { LastUsedDate: TEN_DAYS_AGO, Region: 'us-east-1' },
  }
}

/**
 * Management account: nothing Bedrock-capable. Workload: a role that used Bedrock 10 days ago, a user
 * that may but never did (nor anything else), a role without Bedrock. The third account denies Access
 * Advisor to the audit role; in the fourth, a role last used Bedrock 100 days ago.
 */
function usageWorld(): World {
  const world = emptyWorld()
  const mgmt = emptyFakeAccount(MGMT, { name: 'management' })
  mgmt.iam.roles.push(role(MGMT, 'ci-deployer', s3Read, { team: 'platform' }))
  const workload = emptyFakeAccount(WORKLOAD, { name: 'workload' })
  workload.iam.roles.push(role(WORKLOAD, 'chat-backend', invoke), role(WORKLOAD, 'etl-loader', s3Read))
  workload.iam.users.push({
    Path: '/',
    UserName: 'batch-bot',
    UserId: `AIDA${WORKLOAD}BOT`,
    Arn: NEVER,
    CreateDate: '2025-01-01T00:00:00Z',
    UserPolicyList: [{ PolicyName: 'invoke', PolicyDocument: invoke }],
    GroupList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  })
  workload.lastAccessed = {
    [USED]: [
      // More services than one small page holds, and bedrock not first: the reader must follow the Marker.
      { ServiceNamespace: 'sts', ServiceName: 'AWS Security Token Service', LastAuthenticated: TEN_DAYS_AGO, LastAuthenticatedRegion: 'us-east-1' },
      { ServiceNamespace: 'bedrock', ServiceName: 'Amazon Bedrock', LastAuthenticated: TEN_DAYS_AGO, LastAuthenticatedRegion: 'us-east-1' },
      { ServiceNamespace: 'athena', ServiceName: 'Amazon Athena' },
      { ServiceNamespace: 'cloudwatch', ServiceName: 'Amazon CloudWatch' },
    ],
    [NEVER]: [{ ServiceNamespace: 'bedrock', ServiceName: 'Amazon Bedrock' }],
  }
  const denying = emptyFakeAccount(DENYING, { name: 'legacy', denied: ['iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails'] })
  denying.iam.roles.push(role(DENYING, 'legacy-invoker', invoke))
  denying.lastAccessed = { [DENIED]: [{ ServiceNamespace: 'bedrock', LastAuthenticated: TEN_DAYS_AGO }] }
  const research = emptyFakeAccount(RESEARCH, { name: 'research' })
  research.iam.roles.push(role(RESEARCH, 'rag-indexer', invoke))
  research.lastAccessed = { [OLD_USE]: [{ ServiceNamespace: 'bedrock', LastAuthenticated: daysAgo(100) }] }
  for (const a of [mgmt, workload, denying, research]) world.accounts.set(a.id, a)
  world.org = {
    id: 'o-usage0test1',
    managementAccountId: MGMT,
    rootId: 'r-us01',
    scpEnabled: true,
    ous: [],
    policies: [{ id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true, content: FULL_AWS_ACCESS, targets: [] }],
  }
  for (const a of world.accounts.values()) a.parentId = 'r-us01'
  attachEverywhere(world, 'p-FullAWSAccess')
  return world
}

const findingsOf = (report: ScanReport, arn: string): FindingWithUsage[] => (report.findings as FindingWithUsage[]).filter((f) => f.principalArn === arn)
const rulesOf = (report: ScanReport, arn: string): string[] => findingsOf(report, arn).map((f) => f.ruleId).sort()
const principalsIn = (report: ScanReport): string[] => [...new Set(report.findings.flatMap((f) => (f.principalArn ? [f.principalArn] : [])))].sort()
/** The one usage mark the findings of a principal share. */
function usageOf(report: ScanReport, arn: string): unknown {
  const marks = new Set(findingsOf(report, arn).map((f) => JSON.stringify(f.usage)))
  expect(marks.size, arn).toBe(1)
  return JSON.parse([...marks][0]!) as unknown
}

describe('scan --usage against the fake AWS', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = usageWorld()
    h = await liveHarness(world, MGMT)
  })
  afterAll(() => h.close())

  const scan = async (extra: Partial<LiveScanOptions>, usedWithinDays?: number) => {
    h.server.reset()
    const notices: string[] = []
    const source = liveSource(h.options({ org: true, usagePollIntervalMs: 1, onNotice: (m) => notices.push(m), ...extra }))
    const report = await runScan({ config: bundledConfig(), sources: [source], now: NOW, ...(usedWithinDays !== undefined ? { usedWithinDays } : {}) })
    return { report, calls: source.stats().calls, notices }
  }
  const generated = (): string[] => h.server.calls.filter((c) => c.operation === 'GenerateServiceLastAccessedDetails').map((c) => String(c.params.Arn)).sort()

  it('marks each finding with its principal’s Bedrock use and flags the never-used one only', async () => {
    world.iamMaxPageSize = 2
    const { report, calls } = await scan({ usage: true }).finally(() => delete world.iamMaxPageSize)
    expect(report.summary.accounts.ids).toEqual([MGMT, WORKLOAD, DENYING, RESEARCH])

    expect(usageOf(report, USED)).toEqual({ state: 'bedrock-used', source: 'access-advisor', lastUsed: TEN_DAYS_AGO })
    expect(usageOf(report, NEVER)).toEqual({ state: 'never-used', source: 'access-advisor' })
    expect(usageOf(report, DENIED)).toEqual({ state: 'unknown' })
    expect(usageOf(report, OLD_USE)).toEqual({ state: 'bedrock-used', source: 'access-advisor', lastUsed: daysAgo(100) })

    expect(rulesOf(report, NEVER)).toEqual(['bedrock-capable-unused', 'principal-missing-tag'])
    expect(report.findings.filter((f) => f.ruleId === 'bedrock-capable-unused').map((f) => f.principalArn)).toEqual([NEVER])
    const unused = findingsOf(report, NEVER).find((f) => f.ruleId === 'bedrock-capable-unused')!
    expect(unused.message).toContain('IAM Access Advisor')
    // The denied account is still scanned: its findings are there, only their usage is unknown.
    expect(rulesOf(report, DENIED)).toEqual(['principal-missing-tag'])

    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'access-advisor-denied', accountId: DENYING, subject: DENIED, message: expect.stringContaining('iam:GenerateServiceLastAccessedDetails') }),
    ])

    // Only the Bedrock-capable principals are asked about (not etl-loader), each with exactly one report job.
    expect(generated()).toEqual([DENIED, NEVER, OLD_USE, USED].sort())
    expect(generated()).not.toContain(NOT_CAPABLE)
    expect(calls.calls['iam:GenerateServiceLastAccessedDetails']).toBe(4)
    expect(calls.byAccount[WORKLOAD]?.['iam:GenerateServiceLastAccessedDetails']).toBe(2)
    expect(calls.byAccount[DENYING]?.['iam:GenerateServiceLastAccessedDetails']).toBe(1)
    expect(calls.byAccount[MGMT]?.['iam:GenerateServiceLastAccessedDetails']).toBeUndefined()
    // A denied Generate stops the account: nothing is polled there.
    expect(calls.byAccount[DENYING]?.['iam:GetServiceLastAccessedDetails']).toBeUndefined()
    // Each job: one IN_PROGRESS poll, then COMPLETED pages of at most 2 services (USED lists 4: two pages).
    expect(calls.byAccount[WORKLOAD]?.['iam:GetServiceLastAccessedDetails']).toBe((1 + 2) + (1 + 1))
    const polls = h.server.calls.filter((c) => c.operation === 'GetServiceLastAccessedDetails')
    expect(polls.filter((c) => c.params.Marker !== undefined)).toHaveLength(1)
    expect(h.server.countCalls()).toEqual(calls.calls)
  })

  it('--usage-limit 1 asks about one principal only; the others stay unknown', async () => {
    const { report, calls, notices } = await scan({ usage: true, usageLimit: 1 })
    expect(calls.calls['iam:GenerateServiceLastAccessedDetails']).toBe(1)
    const [asked] = generated()
    expect([USED, NEVER]).toContain(asked)
    const states = Object.fromEntries([USED, NEVER, DENIED, OLD_USE].map((arn) => [arn, (usageOf(report, arn) as { state: string }).state]))
    expect(states).toEqual({
      [USED]: asked === USED ? 'bedrock-used' : 'unknown',
      [NEVER]: asked === NEVER ? 'never-used' : 'unknown',
      // Never asked, so never denied either.
      [DENIED]: 'unknown',
      [OLD_USE]: 'unknown',
    })
    expect(report.errors).toEqual([])
    expect(notices).toEqual([expect.stringContaining('--usage-limit 1 reached')])
  })

  it('usedWithinDays keeps only the findings of the principal that used Bedrock in the window', async () => {
    const within30 = (await scan({ usage: true }, 30)).report
    // rag-indexer used Bedrock too, but 100 days ago.
    expect(principalsIn(within30)).toEqual([USED])
    expect(principalsIn((await scan({ usage: true }, 120)).report)).toEqual([USED, OLD_USE].sort())
    expect(rulesOf(within30, USED)).toEqual(['principal-missing-tag'])
    // Ten days ago is outside a 5-day window: nothing about any principal is left.
    const within5 = (await scan({ usage: true }, 5)).report
    expect(within5.findings.filter((f) => f.principalArn !== undefined)).toEqual([])
  })

  it('a denying account uses up the --usage-limit budget only for the principals really asked about', async () => {
    // Six Bedrock-capable roles in the denying account: at most 4 are asked at once, all denied, and the
    // other two are never asked, so the budget still has room for the next account.
    const denying = world.accounts.get(DENYING)!
    const before = denying.iam.roles.length
    for (let i = 0; i < 5; i++) denying.iam.roles.push(role(DENYING, `legacy-${i}`, invoke))
    try {
      const { report, calls, notices } = await scan({ usage: true, usageLimit: 2 + 4 + 1 })
      expect(calls.byAccount[DENYING]?.['iam:GenerateServiceLastAccessedDetails']).toBe(4)
      expect(report.errors.map((e) => [e.code, e.accountId])).toEqual([['access-advisor-denied', DENYING]])
      expect((usageOf(report, OLD_USE) as { state: string }).state).toBe('bedrock-used')
      expect(notices).toEqual([])
    } finally {
      denying.iam.roles.length = before
    }
  })

  it('without usage makes no Access Advisor call and marks no Bedrock use', async () => {
    const { report, calls } = await scan({})
    for (const op of AA_OPS) expect(calls.calls[op], op).toBeUndefined()
    expect(h.server.calls.filter((c) => AA_OPS.includes(`iam:${c.operation}`))).toEqual([])
    // The plain per-account call bound: one of each read per account (one page each here).
    for (const id of [WORKLOAD, DENYING, RESEARCH]) {
      expect(calls.byAccount[id]).toEqual({
        'iam:GetAccountAuthorizationDetails': 1,
        'iam:ListOpenIDConnectProviders': 1,
        'iam:ListSAMLProviders': 1,
        'iam:ListServiceSpecificCredentials': 1,
        'sts:AssumeRole': 1,
      })
    }
    for (const arn of [USED, NEVER, DENIED, OLD_USE]) expect(usageOf(report, arn)).toEqual({ state: 'unknown' })
    expect(report.findings.filter((f) => f.ruleId === 'bedrock-capable-unused')).toEqual([])
    expect(report.errors).toEqual([])
  })
})

describe('usage flags', () => {
  const input = (extra: Partial<Parameters<typeof runScanCommand>[0]>): Parameters<typeof runScanCommand>[0] => ({
    inputs: [],
    format: 'json',
    failOn: 'never',
    stdout: () => undefined,
    stderr: () => undefined,
    env: { AWS_EC2_METADATA_DISABLED: 'true' },
    ...extra,
  })
  const rejection = async (p: Promise<unknown>): Promise<unknown> => p.then(() => 'resolved', (e: unknown) => e)

  it('--used-within without --usage is a usage error (exit 2) before anything is read', async () => {
    const e = await rejection(runScanCommand(input({ live: { live: true }, usedWithin: '30d' })))
    expect(e).toBeInstanceOf(UsageError)
    expect(e).toMatchObject({ code: 'used-within-needs-evidence', exitCode: 2 })
  })

  it('--usage-limit without --usage is a usage error (exit 2)', async () => {
    const e = await rejection(runScanCommand(input({ live: { live: true, 'usage-limit': 5 } })))
    expect(e).toBeInstanceOf(UsageError)
    expect(e).toMatchObject({ code: 'flag-needs-usage', exitCode: 2 })
    expect(() => liveOptionsFromFlags({ live: true, 'usage-limit': 5 })).toThrow(UsageError)
    expect(liveOptionsFromFlags({ live: true, usage: true, 'usage-limit': 5 })).toMatchObject({ usage: true, usageLimit: 5 })
  })
})
