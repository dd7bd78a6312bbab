/**
 * Reading IAM Identity Center: live through the real SDK client against the fake sso-admin (paging,
 * AccessDenied, ResourceNotFound, the Region), `collect` writing it, and the offline reader placing saved
 * AWS CLI outputs by their folder. Live, collected and saved outputs give the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { emptyIndex, type OrgIndex } from '../../src/analysis/org-index.js'
import { runCollect } from '../../src/collect/run.js'
import type { IdentityCenterData } from '../../src/model/identity-center.js'
import { liveSource } from '../../src/sources/live.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { emptyFakeAccount, emptyWorld, type World } from '../support/aws-server/index.js'
import { liveHarness, withTempDir, type LiveHarness } from '../live/helpers.js'
import { ASSIGNMENTS, identityCenter, INSTANCE_ARN, INSTANCE_ID, MEMBER, MGMT, psArn, TEAM_MAPPED, TEAM_NEAR_MISS, UNSCANNED } from './fixtures.js'
import { loadRulesConfig } from '../../src/config/load.js'
import { runScan } from '../../src/pipeline/scan.js'
import { RULE_META } from '../../src/rules/index.js'

function world(): World {
  const w = emptyWorld()
  w.accounts.set(MGMT, emptyFakeAccount(MGMT))
  w.accounts.set(MEMBER, emptyFakeAccount(MEMBER))
  w.identityCenter = { ...identityCenter(TEAM_MAPPED), pageSize: 1 }
  return w
}

/** The data without where it was read from (file origins, the Region of a live read). */
function portable(d: IdentityCenterData | undefined): unknown {
  return JSON.parse(JSON.stringify(d ?? null, (k, v: unknown) => (k === 'origin' || k === 'region' ? undefined : v)))
}

async function prepared(h: LiveHarness, extra: Parameters<LiveHarness['options']>[0] = {}): Promise<{ index: OrgIndex; errors: unknown[] }> {
  const index = emptyIndex()
  const { errors } = await liveSource(h.options({ ssoRegion: 'eu-west-1', ...extra })).prepare(index)
  return { index, errors }
}

describe('Identity Center, live', () => {
  let h: LiveHarness
  let w: World
  beforeAll(async () => {
    w = world()
    h = await liveHarness(w, MGMT)
  })
  afterAll(() => h.close())

  it('reads the instance, its ABAC mapping and every permission set, following every page', async () => {
    h.server.reset()
    const { index, errors } = await prepared(h)
    expect(errors).toEqual([])
    const ic = index.identityCenter!
    expect(ic.notCaptured).toBeUndefined()
    expect(ic.instances).toHaveLength(1)
    const inst = ic.instances[0]!
    expect(inst).toMatchObject({ arn: INSTANCE_ARN, id: INSTANCE_ID, ownerAccountId: MGMT, region: 'eu-west-1', permissionSetsCaptured: true })
    expect(inst.abac).toEqual({ state: 'enabled', attributes: TEAM_MAPPED.attributes })
    expect(inst.permissionSets.map((p) => p.name)).toEqual(['BedrockUsers', 'Data_Scientists', 'ReadOnly'])
    const ds = inst.permissionSets.find((p) => p.name === 'Data_Scientists')!
    expect(ds).toMatchObject({
      arn: psArn('ps-1b2c3d4e5f6a7b8c'),
      managedPolicyArns: [],
      customerManagedPolicyRefs: [{ name: 'ds-extra', path: '/ml/' }],
      boundary: { managedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      provisionedAccounts: [UNSCANNED],
      notCaptured: [],
    })
    expect(ds.inlinePolicy?.statements[0]?.action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'])
    expect(inst.permissionSets.find((p) => p.name === 'BedrockUsers')?.boundary).toBeUndefined()
    // Who can reach each permission set: its assignments in every account it is provisioned to.
    expect(inst.permissionSets.map((p) => p.assignments)).toEqual([ASSIGNMENTS, [], []])
    // Page size 1: three pages of permission sets, two of the ReadOnly set's accounts.
    expect(h.server.countCalls({ operation: 'ListPermissionSets' })['sso:ListPermissionSets']).toBe(3)
    expect(h.server.countCalls({ operation: 'ListAccountsForProvisionedPermissionSet' })['sso:ListAccountsForProvisionedPermissionSet']).toBe(4)
    // One call per provisioned account (four), two pages for BedrockUsers' two assignments.
    expect(h.server.countCalls({ operation: 'ListAccountAssignments' })['sso:ListAccountAssignments']).toBe(5)
    // Signed for the instance's Region.
    expect(h.server.calls.filter((c) => c.service === 'sso').every((c) => c.accountId === MGMT)).toBe(true)
  })

  it('records a never-enabled ABAC configuration (ResourceNotFoundException) as no usable mapping', async () => {
    w.identityCenter = identityCenter(undefined)
    const { index, errors } = await prepared(h)
    expect(errors).toEqual([])
    expect(index.identityCenter?.instances[0]?.abac).toEqual({ state: 'unusable', why: 'not-found', attributes: [] })
  })

  it('says "not captured" when the caller may not read Identity Center, without an error', async () => {
    w.identityCenter = identityCenter(TEAM_MAPPED)
    w.accounts.get(MGMT)!.denied = ['sso:ListInstances']
    try {
      const { index, errors } = await prepared(h)
      expect(errors).toEqual([])
      expect(index.identityCenter?.instances).toEqual([])
      expect(index.identityCenter?.notCaptured?.reason).toMatch(/not captured: sso:ListInstances answered AccessDeniedException in eu-west-1.*tagwarden-audit-policy/)
    } finally {
      delete w.accounts.get(MGMT)!.denied
    }
  })

  it('records a denied part of a permission set as not captured, keeping the rest', async () => {
    w.accounts.get(MGMT)!.denied = ['sso:GetInlinePolicyForPermissionSet']
    try {
      const { index } = await prepared(h)
      const ds = index.identityCenter!.instances[0]!.permissionSets.find((p) => p.name === 'Data_Scientists')!
      expect(ds.inlinePolicy).toBeUndefined()
      expect(ds.notCaptured).toEqual(['GetInlinePolicyForPermissionSet: AccessDeniedException'])
      expect(ds.customerManagedPolicyRefs).toHaveLength(1)
    } finally {
      delete w.accounts.get(MGMT)!.denied
    }
  })

  it('leaves who is assigned unknown when ListAccountAssignments is denied, and nothing else (an older audit role)', async () => {
    w.accounts.get(MGMT)!.denied = ['sso:ListAccountAssignments']
    try {
      const { index, errors } = await prepared(h)
      expect(errors).toEqual([])
      const sets = index.identityCenter!.instances[0]!.permissionSets
      expect(sets.map((p) => p.assignments)).toEqual([undefined, undefined, undefined])
      expect(sets.map((p) => p.notCaptured)).toEqual([[], [], []])
      expect(sets.find((p) => p.name === 'BedrockUsers')?.provisionedAccounts).toEqual([MEMBER])
    } finally {
      delete w.accounts.get(MGMT)!.denied
    }
  })

  it('puts who can reach a flagged permission set in the finding\'s evidence', async () => {
    w.identityCenter = identityCenter(TEAM_NEAR_MISS)
    try {
      const report = await runScan({ config: loadRulesConfig({ builtins: RULE_META }), sources: [liveSource(h.options({ ssoRegion: 'eu-west-1' }))], now: new Date('2026-09-01T00:00:00Z') })
      const f = report.findings.find((x) => x.ruleId === 'identity-center-session-tags' && x.subject.name === 'BedrockUsers')!
      expect(f.messageId).toBe('nearMiss')
      expect(f.evidence.assignments).toEqual({ users: 1, groups: 1, listed: ASSIGNMENTS })
    } finally {
      w.identityCenter = identityCenter(TEAM_MAPPED)
    }
  })

  it('hints at --sso-region when no instance is visible in the Region read', async () => {
    const { index, errors } = await prepared(h, { ssoRegion: 'us-east-1' })
    expect(errors).toEqual([])
    expect(index.identityCenter?.instances).toEqual([])
    expect(index.identityCenter?.notCaptured?.reason).toMatch(/no IAM Identity Center instance is visible to .* in us-east-1: .*--sso-region/)
  })

  it('reads Identity Center in its delegated administrator through the audit role (--sso-account)', async () => {
    w.identityCenter = { ...identityCenter(TEAM_MAPPED), adminAccounts: [MEMBER] }
    try {
      h.server.reset()
      const { index, errors } = await prepared(h, { ssoAccount: MEMBER })
      expect(errors).toEqual([])
      expect(index.identityCenter?.instances.map((i) => i.permissionSets.length)).toEqual([3])
      expect(h.server.calls.filter((c) => c.service === 'sso').every((c) => c.accountId === MEMBER)).toBe(true)
      // A named account that cannot be entered is an error (the user asked for it), not a quiet "not captured".
      const denied = await prepared(h, { ssoAccount: '444444444444' })
      expect(denied.errors).toEqual([expect.objectContaining({ code: expect.any(String), accountId: '444444444444', hint: expect.stringMatching(/^--sso-account 444444444444: /) })])
    } finally {
      w.identityCenter = identityCenter(TEAM_MAPPED)
    }
  })

  it('collect writes what it read, ABAC disabled included, and a scan of the folder reads the same data', async () => {
    for (const abac of [TEAM_MAPPED, undefined]) {
      w.identityCenter = identityCenter(abac)
      const live = (await prepared(h)).index.identityCenter
      await withTempDir(async (out) => {
        const dir = join(out, 'snap')
        await runCollect({ ...h.options({ ssoRegion: 'eu-west-1' }), out: dir })
        const index = emptyIndex()
        const { errors } = await snapshotSource([dir]).prepare(index)
        expect(errors).toEqual([])
        expect(portable(index.identityCenter)).toEqual(portable(live))
      })
    }
  })

  it('collect records a denied Identity Center, and the scan of the folder says "not captured"', async () => {
    w.accounts.get(MGMT)!.denied = ['sso:ListInstances']
    try {
      await withTempDir(async (out) => {
        const dir = join(out, 'snap')
        await runCollect({ ...h.options({ ssoRegion: 'eu-west-1' }), out: dir })
        const index = emptyIndex()
        await snapshotSource([dir]).prepare(index)
        expect(index.identityCenter?.notCaptured?.reason).toMatch(/AccessDeniedException in eu-west-1/)
      })
    } finally {
      delete w.accounts.get(MGMT)!.denied
    }
  })
})

describe('Identity Center, saved AWS CLI outputs', () => {
  const put = async (dir: string, rel: string, value: unknown): Promise<void> => {
    await mkdir(join(dir, rel, '..'), { recursive: true })
    await writeFile(join(dir, rel), JSON.stringify(value, null, 2))
  }
  const describePs = (id: string, name: string) => ({ PermissionSet: { Name: name, PermissionSetArn: psArn(id), CreatedDate: '2024-02-01T09:00:00+00:00' } })

  it('places per-permission-set outputs by the describe-permission-set output in their folder, whatever the names', async () => {
    await withTempDir(async (dir) => {
      await put(dir, 'sso/instances.json', { Instances: [{ InstanceArn: INSTANCE_ARN, IdentityStoreId: 'd-9067a1b2c3', OwnerAccountId: MGMT, Status: 'ACTIVE' }] })
      // One instance: the ABAC output needs no instance folder.
      await put(dir, 'sso/abac.json', { Status: 'ENABLED', InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: [{ Key: 'Team', Value: { Source: ['${path:enterprise.department}'] } }] } })
      await put(dir, 'sso/sets.json', { PermissionSets: [psArn('ps-0a1b2c3d4e5f6a7b'), psArn('ps-1b2c3d4e5f6a7b8c')] })
      await put(dir, 'sso/users/a.json', describePs('ps-0a1b2c3d4e5f6a7b', 'BedrockUsers'))
      await put(dir, 'sso/users/b.json', { AttachedManagedPolicies: [{ Name: 'AmazonBedrockLimitedAccess', Arn: 'arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess' }] })
      await put(dir, 'sso/users/c.json', { AccountIds: [MEMBER] })
      await put(dir, 'sso/users/d.json', { InlinePolicy: '' })
      await put(dir, 'sso/ds/x.json', describePs('ps-1b2c3d4e5f6a7b8c', 'Data_Scientists'))
      await put(dir, 'sso/ds/y.json', { InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] }) })
      const index = emptyIndex()
      const { errors } = await snapshotSource([dir]).prepare(index)
      expect(errors).toEqual([])
      const inst = index.identityCenter!.instances[0]!
      expect(inst.abac).toEqual({ state: 'enabled', attributes: [{ key: 'Team', sources: ['${path:enterprise.department}'] }] })
      const users = inst.permissionSets.find((p) => p.name === 'BedrockUsers')!
      expect(users.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess'])
      expect(users.provisionedAccounts).toEqual([MEMBER])
      expect(users.inlinePolicy).toBeUndefined()
      const ds = inst.permissionSets.find((p) => p.name === 'Data_Scientists')!
      expect(ds.inlinePolicy?.statements[0]?.action).toEqual(['bedrock:InvokeModel'])
      // Not exported for it: said, not assumed empty.
      expect(ds.provisionedAccounts).toBeUndefined()
      expect(ds.notCaptured).toContain('ListManagedPoliciesInPermissionSet: no output')
    })
  })

  it('reports an output it cannot place instead of guessing', async () => {
    await withTempDir(async (dir) => {
      await put(dir, 'a/instances.json', {
        Instances: [
          { InstanceArn: INSTANCE_ARN, OwnerAccountId: MGMT },
          { InstanceArn: 'arn:aws:sso:::instance/ssoins-00000000000000aa', OwnerAccountId: MEMBER },
        ],
      })
      await put(dir, 'a/abac.json', { Status: 'ENABLED', InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: [] } })
      await put(dir, 'a/managed.json', { AttachedManagedPolicies: [] })
      const index = emptyIndex()
      const { errors } = await snapshotSource([dir]).prepare(index)
      expect(errors.map((e) => [e.code, e.source])).toEqual([
        ['identity-center-output-unplaced', join(dir, 'a/abac.json')],
        ['identity-center-output-unplaced', join(dir, 'a/managed.json')],
      ])
      expect(errors[0]!.message).toMatch(/the snapshot has 2 instances/)
      expect(errors[0]!.hint).toMatch(/ssoins-/)
      // The instances themselves are known; their ABAC is not captured.
      expect(index.identityCenter!.instances.map((i) => i.abac.state)).toEqual(['not-captured', 'not-captured'])
    })
  })

  it('reports a collect envelope that names no instance or permission set instead of dropping it', async () => {
    await withTempDir(async (dir) => {
      await put(dir, 'sso/instances.json', { Instances: [{ InstanceArn: INSTANCE_ARN, OwnerAccountId: MGMT }] })
      const env = (operation: string, request: Record<string, string>) => ({ TagwardenEnvelope: { formatVersion: 1, operation, request }, Error: { Code: 'AccessDeniedException', Message: 'denied' } })
      await put(dir, 'sso/abac.json', env('sso:DescribeInstanceAccessControlAttributeConfiguration', {}))
      await put(dir, 'sso/ps.json', env('sso:DescribePermissionSet', { InstanceArn: INSTANCE_ARN }))
      const index = emptyIndex()
      const { errors } = await snapshotSource([dir]).prepare(index)
      expect(errors.map((e) => [e.code, e.source])).toEqual([
        ['identity-center-output-unplaced', join(dir, 'sso/abac.json')],
        ['identity-center-output-unplaced', join(dir, 'sso/ps.json')],
      ])
      expect(errors[0]!.message).toMatch(/names no InstanceArn/)
      expect(errors[1]!.message).toMatch(/names no PermissionSetArn/)
    })
  })

  it('leaves Identity Center unknown when no sso-admin output is among the inputs', async () => {
    await withTempDir(async (dir) => {
      await put(dir, `${MGMT}/auth.json`, { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] })
      const index = emptyIndex()
      await snapshotSource([dir]).prepare(index)
      expect(index.identityCenter).toBeUndefined()
    })
  })
})
