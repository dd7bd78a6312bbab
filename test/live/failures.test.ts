/**
 * Failure modes of a live scan: one failing account never stops the scan (it becomes an `errors[]` entry
 * with account, operation, AWS error code and hint, and exit code 2 unless --allow-partial); failures
 * that make the whole scan meaningless stop it at once with one clear message and exit 2.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { scanExitCode } from '../../src/cli/exit.js'
import { ExitCode, isTagwardenError, type TagwardenError } from '../../src/errors.js'
import { runScan } from '../../src/pipeline/scan.js'
import { liveSource } from '../../src/sources/live.js'
import { AwsFault, addUserCredentials, emptyWorld, issueSessionCredentials, type World } from '../support/aws-server/index.js'
import { syntheticAccountId, syntheticOrg } from '../support/aws-server/fixtures.js'
import { bundledConfig, comparable, liveHarness, NOW, offlineScan, type LiveHarness } from './helpers.js'

const MGMT = syntheticAccountId(0)
const A1 = syntheticAccountId(1)
const A2 = syntheticAccountId(2)
const A3 = syntheticAccountId(3)

async function scanError(p: Promise<unknown>): Promise<TagwardenError> {
  try {
    await p
  } catch (e) {
    if (isTagwardenError(e)) return e
    throw e
  }
  throw new Error('expected the scan to fail')
}

describe('live scan failures', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: 4 })
    h = await liveHarness(world, MGMT)
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.server.reset()
    for (const a of world.accounts.values()) {
      a.assumableRoles = { OrganizationAccountAccessRole: {} }
      delete a.denied
    }
  })

  it('turns a denied AssumeRole into an errors[] entry with a hint, scans the others, and exits 2 unless --allow-partial', async () => {
    world.accounts.get(A2)!.assumableRoles = {}
    const { report } = await h.scan({ org: true })
    expect(report.summary.accounts.ids).toEqual([MGMT, A1, A3])
    expect(report.summary.accounts.failed).toBe(1)
    expect(report.errors).toHaveLength(1)
    const e = report.errors[0]!
    expect(e).toMatchObject({
      accountId: A2,
      source: 'aws sts:AssumeRole',
      code: 'AccessDenied',
      subject: `arn:aws:iam::${A2}:role/OrganizationAccountAccessRole`,
    })
    expect(e.message).toContain(`sts:AssumeRole in account ${A2} failed with AccessDenied`)
    expect(e.hint).toContain('docs/iam/audit-role-stackset.yaml')
    expect(scanExitCode(report, { failOn: 'never' })).toBe(ExitCode.Incomplete)
    expect(scanExitCode(report, { failOn: 'never', allowPartial: true })).toBe(ExitCode.Clean)
    // The account is reported as not covered, the others' findings are all there.
    const offline = await offlineScan(world, [MGMT, A1, A3])
    expect(comparable(report.findings)).toEqual(comparable(offline.findings))
  })

  it('names the missing permission when an IAM call is denied in one account', async () => {
    world.accounts.get(A1)!.denied = ['iam:GetAccountAuthorizationDetails']
    const { report } = await h.scan({ org: true })
    expect(report.summary.accounts.ids).toEqual([MGMT, A2, A3])
    expect(report.errors.map((e) => [e.accountId, e.source, e.code])).toEqual([[A1, 'aws iam:GetAccountAuthorizationDetails', 'AccessDenied']])
    expect(report.errors[0]!.hint).toContain('docs/iam/tagwarden-audit-policy.json')
  })

  it('keeps an account whose API keys cannot be listed, and reports that they were not listed', async () => {
    world.accounts.get(A3)!.denied = ['iam:ListServiceSpecificCredentials']
    const { report } = await h.scan({ org: true })
    expect(report.summary.accounts.ids).toEqual([MGMT, A1, A2, A3])
    expect(report.errors.map((e) => [e.accountId, e.code])).toEqual([[A3, 'AccessDenied']])
    const keyFindings = report.findings.filter((f) => f.ruleId === 'bedrock-api-key-long-term').map((f) => f.subject.accountId)
    expect(keyFindings).toEqual([MGMT, A1, A2])
  })

  it('retries throttling, then reports it with a hint when attempts run out', async () => {
    h.server.inject({ service: 'iam', operation: 'GetAccountAuthorizationDetails', accountId: A1, times: 2, fault: new AwsFault('Throttling', 'Rate exceeded') })
    h.server.inject({ service: 'iam', operation: 'GetAccountAuthorizationDetails', accountId: A2, times: 99, fault: new AwsFault('Throttling', 'Rate exceeded') })
    const { report, source } = await h.scan({ org: true, maxAttempts: 3 })
    expect(report.summary.accounts.ids).toEqual([MGMT, A1, A3])
    expect(report.errors.map((e) => [e.accountId, e.code])).toEqual([[A2, 'Throttling']])
    expect(report.errors[0]!.hint).toMatch(/--concurrency|--max-attempts/)
    // A1: 2 retries; A2: 2 retries before giving up (3 attempts).
    expect(source.stats().calls.retries['iam:GetAccountAuthorizationDetails']).toBe(4)
  })

  it('retries Organizations throttling (TooManyRequestsException)', async () => {
    h.server.inject({ service: 'organizations', operation: 'ListAccounts', times: 2, fault: new AwsFault('TooManyRequestsException', 'AWS Organizations can’t complete your request because another request is already in progress.') })
    const { report } = await h.scan({ org: true })
    expect(report.errors).toEqual([])
    expect(report.summary.accounts.scanned).toBe(4)
  })

  it('reports a timeout as a network error for that account only', async () => {
    h.server.inject({ service: 'iam', operation: 'GetAccountAuthorizationDetails', accountId: A3, times: 2, delayMs: 400, fault: { status: 500 } })
    const { report } = await h.scan({ org: true, maxAttempts: 2, requestTimeoutMs: 100 })
    expect(report.summary.accounts.ids).toEqual([MGMT, A1, A2])
    // The SDK surfaces a request timeout as ETIMEDOUT (TimeoutError on some paths); both are network errors.
    expect(report.errors.map((e) => [e.accountId, e.code])).toEqual([[A3, expect.stringMatching(/^(ETIMEDOUT|TimeoutError)$/)]])
    expect(report.errors[0]!.hint).toContain('HTTPS_PROXY')
  })

  it('reports malformed policy documents like the offline scanner and keeps the rest of the account', async () => {
    const roles = world.accounts.get(A1)!.iam.roles
    const broken = { ...roles[0]!, RoleName: 'broken-trust', Arn: `arn:aws:iam::${A1}:role/broken-trust`, RoleId: 'AROABROKEN000000001', AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [' }
    roles.push(broken)
    try {
      const { report } = await h.scan({ org: true })
      const offline = await offlineScan(world)
      expect(report.errors.map((e) => [e.accountId, e.code, e.subject])).toEqual([[A1, 'invalid-policy-document', broken.Arn]])
      expect(offline.errors.map((e) => [e.accountId, e.code, e.subject])).toEqual([[A1, 'invalid-policy-document', broken.Arn]])
      expect(comparable(report.findings)).toEqual(comparable(offline.findings))
    } finally {
      roles.pop()
    }
  })
})

describe('live scan failures that stop the scan (exit 2, one message)', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: 3 })
    h = await liveHarness(world, MGMT)
  })
  afterAll(() => h.close())

  it('stops with a hint when ListAccounts is denied under --org, never falling back to one account', async () => {
    const member = addUserCredentials(world, A1)
    const e = await scanError(
      runScan({ config: bundledConfig(), now: NOW, sources: [liveSource(h.options({ org: true, credentials: { accessKeyId: member.accessKeyId, secretAccessKey: member.secretAccessKey } }))] }),
    )
    expect(e.code).toBe('org-access-denied')
    expect(e.exitCode).toBe(ExitCode.Incomplete)
    expect(e.message).toContain('organizations:ListAccounts was denied')
    expect(e.hint).toContain('delegated administrator')
    expect(h.server.calls.some((c) => c.operation === 'GetAccountAuthorizationDetails')).toBe(false)
  })

  it('stops when the caller is not in an organization', async () => {
    const org = world.org
    delete world.org
    try {
      const e = await scanError(h.scan({ org: true }))
      expect(e.code).toBe('not-in-organization')
    } finally {
      world.org = org
    }
  })

  it('stops with one clear message when there are no credentials', async () => {
    const missing = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })
    }
    const e = await scanError(h.scan({ credentials: missing }))
    expect(e.code).toBe('aws-credentials-missing')
    expect(e.message).toBe('no AWS credentials found: Could not load credentials from any providers')
    expect(e.hint).toContain('aws sso login')
  })

  it('stops when the credentials are unknown or expired', async () => {
    const unknown = await scanError(h.scan({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(40) } }))
    expect(unknown.code).toBe('aws-credentials-invalid')
    expect(unknown.message).not.toContain('AKIAUNKNOWN000000000')
    const stale = issueSessionCredentials(world, MGMT, 'ci', 'old', -1000)
    const expired = await scanError(
      h.scan({ credentials: { accessKeyId: stale.accessKeyId, secretAccessKey: stale.secretAccessKey, sessionToken: stale.sessionToken! } }),
    )
    expect(expired.code).toBe('aws-credentials-expired')
    expect(expired.message).toContain('ExpiredToken')
    expect(expired.message).not.toContain(stale.sessionToken!)
  })
})
