/**
 * Live scans against the fake AWS (real SDK clients, real wire protocols) give the same findings as the
 * offline scanner on the same data: for the caller's account alone, for the demo organization, and for a
 * generated organization of 50 accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { scanExitCode } from '../../src/cli/exit.js'
import { emptyWorld, type World } from '../support/aws-server/index.js'
import { demoOrg, syntheticAccountId, syntheticOrg, worldFromSnapshotDir } from '../support/aws-server/fixtures.js'
import { comparable, liveHarness, offlineScan, type LiveHarness } from './helpers.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))

describe('live scan of the demo organization', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = await worldFromSnapshotDir(DEMO, emptyWorld())
    demoOrg(world)
    h = await liveHarness(world, '111111111111')
  })
  afterAll(() => h.close())

  it('scans the caller’s account alone without --org, with the caller’s credentials', async () => {
    const { report, source } = await h.scan()
    const offline = await offlineScan(world, ['111111111111'])
    expect(report.summary.accounts.ids).toEqual(['111111111111'])
    expect(comparable(report.findings)).toEqual(comparable(offline.findings))
    expect(report.findings.length).toBeGreaterThan(0)
    expect(report.errors).toEqual([])
    const calls = source.stats().calls.calls
    expect(calls['sts:AssumeRole']).toBeUndefined()
    expect(calls['organizations:ListAccounts']).toBeUndefined()
  })

  it('scans every ACTIVE account with --org and finds exactly what the offline scan finds', async () => {
    h.server.reset()
    const { report, source } = await h.scan({ org: true })
    const offline = await offlineScan(world, ['111111111111', '222222222222', '333333333333'])
    expect(report.errors).toEqual([])
    expect(report.summary.accounts.ids).toEqual(['111111111111', '222222222222', '333333333333'])
    expect(comparable(report.findings)).toEqual(comparable(offline.findings))
    // The README's findings (at least 11 with the bundled rules), including the cross-account gateway ones
    // (gateway in 111…, targets in 222…).
    expect(report.findings.length).toBeGreaterThanOrEqual(11)
    expect(report.findings.map((f) => f.ruleId)).toContain('gateway-target-source-identity')
    const stats = source.stats()
    expect(stats.accounts.skipped).toEqual([{ id: '444444444444', reason: 'state SUSPENDED' }])
    // The caller's own (management) account is read with its own credentials; the two others through the role.
    const assumed = h.server.calls.filter((c) => c.operation === 'AssumeRole').map((c) => String(c.params.RoleArn)).sort()
    expect(assumed).toEqual([
      'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      'arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
    ])
    expect(h.server.calls.filter((c) => c.operation === 'AssumeRole').every((c) => c.params.RoleSessionName === 'tagwarden-test')).toBe(true)
    // Each account's IAM data was read with that account's credentials.
    for (const id of ['222222222222', '333333333333']) {
      expect(h.server.countCalls({ accountId: id })['iam:GetAccountAuthorizationDetails']).toBe(1)
    }
    expect(scanExitCode(report, { failOn: 'never' })).toBe(0)
  })

  it('enters a member account through --role-name with --external-id', async () => {
    world.accounts.get('222222222222')!.assumableRoles = { 'tagwarden-audit': { externalId: 'ext-123' } }
    try {
      h.server.reset()
      const { report } = await h.scan({ org: true, accounts: ['222222222222'], roleName: 'tagwarden-audit', externalId: 'ext-123' })
      expect(report.errors).toEqual([])
      expect(report.summary.accounts.ids).toEqual(['222222222222'])
      const call = h.server.calls.find((c) => c.operation === 'AssumeRole')
      expect(call?.params).toMatchObject({ RoleArn: 'arn:aws:iam::222222222222:role/tagwarden-audit', ExternalId: 'ext-123' })
    } finally {
      world.accounts.get('222222222222')!.assumableRoles = { OrganizationAccountAccessRole: {} }
    }
  })

  it('applies --accounts, --exclude-accounts and --ou (recursively)', async () => {
    const ids = async (extra: Parameters<LiveHarness['scan']>[0]) => (await h.scan({ org: true, ...extra })).report.summary.accounts.ids
    expect(await ids({ accounts: ['333333333333', '111111111111'] })).toEqual(['111111111111', '333333333333'])
    expect(await ids({ excludeAccounts: ['222222222222'] })).toEqual(['111111111111', '333333333333'])
    expect(await ids({ ous: ['ou-a1b2-workload'] })).toEqual(['222222222222', '333333333333'])
    expect(await ids({ ous: ['r-a1b2'] })).toEqual(['111111111111', '222222222222', '333333333333'])
  })

  it('works from a delegated administrator, entering the management account through the role too', async () => {
    world.org!.delegatedAdmins = ['333333333333']
    const delegated = await liveHarness(world, '333333333333')
    try {
      const { report } = await delegated.scan({ org: true })
      expect(report.errors).toEqual([])
      expect(report.summary.accounts.ids).toEqual(['111111111111', '222222222222', '333333333333'])
      const assumed = delegated.server.calls.filter((c) => c.operation === 'AssumeRole').map((c) => String(c.params.RoleArn)).sort()
      expect(assumed).toEqual([
        'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole',
        'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      ])
      const offline = await offlineScan(world, ['111111111111', '222222222222', '333333333333'])
      expect(comparable(report.findings)).toEqual(comparable(offline.findings))
    } finally {
      delete world.org!.delegatedAdmins
      await delegated.close()
    }
  })

  it('reports an --accounts ID that is not in the organization', async () => {
    const { report } = await h.scan({ org: true, accounts: ['999999999999', '222222222222'] })
    expect(report.summary.accounts.ids).toEqual(['222222222222'])
    expect(report.errors.map((e) => [e.code, e.accountId])).toEqual([['account-not-in-organization', '999999999999']])
  })
})

describe('live scan of a 50-account organization', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: 50, targetEvery: 7 })
    h = await liveHarness(world, syntheticAccountId(0))
  })
  afterAll(() => h.close())

  it('finishes with the offline scanner’s findings, reading every account concurrently', async () => {
    const { report, source } = await h.scan({ org: true, concurrency: 8 })
    const offline = await offlineScan(world)
    expect(report.errors).toEqual([])
    expect(report.summary.accounts.scanned).toBe(50)
    expect(comparable(report.findings)).toEqual(comparable(offline.findings))
    const byRule = report.summary.findings.byRule
    expect(byRule['principal-missing-tag']).toBe(50)
    expect(byRule['bedrock-api-key-long-term']).toBe(50)
    // Targets in accounts 7, 14, … 49 trust the gateway in the management account.
    expect(byRule['gateway-target-source-identity']).toBe(7)
    const calls = source.stats().calls
    expect(calls.calls['sts:AssumeRole']).toBe(49)
    expect(calls.calls['iam:GetAccountAuthorizationDetails']).toBe(50)
    expect(calls.calls['organizations:ListAccounts']).toBe(3) // 20 + 20 + 10
  })
})
