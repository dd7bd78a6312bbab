/**
 * Service control policies read from AWS Organizations take part in the Bedrock capability analysis: an
 * unconditional SCP Deny, or no SCP Allow on some level of the account's path, removes the capability;
 * the management account is never restricted; unreadable SCPs are said once and the scan goes on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { emptyWorld, type FakePolicy, type World } from '../support/aws-server/index.js'
import { FULL_AWS_ACCESS, syntheticAccountId, syntheticOrg } from '../support/aws-server/fixtures.js'
import { buildOrgModel, emptyRawOrg, ouPathOf, scpLevelsFor } from '../../src/scanners/live/org-model.js'
import { liveHarness, type LiveHarness } from './helpers.js'

const MGMT = syntheticAccountId(0)
const ACCOUNTS = [0, 1, 2, 3, 4].map(syntheticAccountId)
// bedrock-mantle:CreateInference also bills inference, so a Deny must cover both services.
const DENY_BEDROCK = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['bedrock:*', 'bedrock-mantle:*'], Resource: '*' }] }

/** Accounts with a `principal-missing-tag` finding on their untagged Bedrock role. */
function flaggedAccounts(report: { findings: Array<{ ruleId: string; subject: { accountId?: string } }> }): string[] {
  return report.findings.filter((f) => f.ruleId === 'principal-missing-tag').map((f) => f.subject.accountId ?? '')
}

describe('service control policies in live org scans', () => {
  let world: World
  let h: LiveHarness
  let basePolicies: FakePolicy[]
  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: 5 })
    basePolicies = world.org!.policies.map((p) => ({ ...p, targets: [...p.targets] }))
    h = await liveHarness(world, MGMT)
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.server.reset()
    world.org!.policies = basePolicies.map((p) => ({ ...p, targets: [...p.targets] }))
    world.org!.scpEnabled = true
    delete world.accounts.get(MGMT)!.denied
  })

  it('flags every account when SCPs allow everything', async () => {
    const { report, source } = await h.scan({ org: true })
    expect(flaggedAccounts(report)).toEqual(ACCOUNTS)
    const calls = source.stats().calls.calls
    expect(calls['organizations:ListPolicies']).toBe(1)
    expect(calls['organizations:DescribePolicy']).toBe(1)
    expect(calls['organizations:ListTargetsForPolicy']).toBe(1) // root, 2 OUs and 5 accounts: one page of ≤ 20
  })

  it('removes Bedrock access below an OU with an unconditional Deny, recursively, but never in the management account', async () => {
    // ou-s1-prod holds the odd accounts and ou-s1-team (the even members); the management account sits at the root.
    world.org!.policies.push({ id: 'p-deny', name: 'deny-bedrock', content: DENY_BEDROCK, targets: ['ou-s1-prod'] })
    let { report } = await h.scan({ org: true })
    expect(flaggedAccounts(report)).toEqual([MGMT])
    // A Deny at the root does not restrict the management account either.
    world.org!.policies.at(-1)!.targets = ['r-s1']
    ;({ report } = await h.scan({ org: true }))
    expect(flaggedAccounts(report)).toEqual([MGMT])
  })

  it('removes Bedrock access where a level of the path has no SCP that allows it', async () => {
    const full = world.org!.policies.find((p) => p.id === 'p-FullAWSAccess')!
    full.targets = full.targets.filter((t) => t !== syntheticAccountId(3))
    world.org!.policies.push({ id: 'p-s3', name: 's3-only', content: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }, targets: [syntheticAccountId(3)] })
    const { report } = await h.scan({ org: true })
    expect(flaggedAccounts(report)).toEqual(ACCOUNTS.filter((a) => a !== syntheticAccountId(3)))
  })

  it('says once that SCPs could not be read and evaluates without them', async () => {
    world.org!.policies.push({ id: 'p-deny', name: 'deny-bedrock', content: DENY_BEDROCK, targets: ['r-s1'] })
    world.accounts.get(MGMT)!.denied = ['organizations:ListPolicies']
    const notices: string[] = []
    const { report } = await h.scan({ org: true, onNotice: (m) => notices.push(m) })
    expect(notices).toEqual(['service control policies could not be read (organizations:ListPolicies answered AccessDeniedException); Bedrock access is evaluated without them'])
    expect(report.errors).toEqual([])
    expect(flaggedAccounts(report)).toEqual(ACCOUNTS)
  })

  it('does not read SCPs when they are not enabled on the root, or with scps: false', async () => {
    world.org!.policies.push({ id: 'p-deny', name: 'deny-bedrock', content: DENY_BEDROCK, targets: ['r-s1'] })
    world.org!.scpEnabled = false
    let { report, source } = await h.scan({ org: true })
    expect(flaggedAccounts(report)).toEqual(ACCOUNTS)
    expect(source.stats().calls.calls['organizations:ListPolicies']).toBeUndefined()
    world.org!.scpEnabled = true
    ;({ report, source } = await h.scan({ org: true, scps: false }))
    expect(flaggedAccounts(report)).toEqual(ACCOUNTS)
    expect(source.stats().calls.calls['organizations:ListPolicies']).toBeUndefined()
  })

  it('reports an SCP whose content cannot be read and applies none rather than a partial set', async () => {
    world.org!.policies.push({ id: 'p-bad', name: 'broken', content: '{"Version": "2012-10-17", "Statement": [', targets: ['r-s1'] })
    world.org!.policies.push({ id: 'p-deny', name: 'deny-bedrock', content: DENY_BEDROCK, targets: ['r-s1'] })
    const notices: string[] = []
    const { report } = await h.scan({ org: true, onNotice: (m) => notices.push(m) })
    expect(report.errors.map((e) => [e.code, e.subject])).toEqual([['invalid-policy-document', expect.stringContaining('p-bad')]])
    expect(notices).toEqual([expect.stringContaining('broken could not be read')])
    expect(flaggedAccounts(report)).toEqual(ACCOUNTS)
  })
})

describe('org model', () => {
  const raw = emptyRawOrg()
  raw.listRoots = [{ Roots: [{ Id: 'r-1', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }] }]
  raw.listAccounts = [{ Accounts: [{ Id: '111111111111', Arn: 'arn:aws:organizations::111111111111:account/o-1/111111111111', State: 'ACTIVE' }, { Id: '222222222222', State: 'ACTIVE' }] }]
  raw.listParents = [
    { childId: '222222222222', output: { Parents: [{ Id: 'ou-1-b', Type: 'ORGANIZATIONAL_UNIT' }] } },
    { childId: 'ou-1-b', output: { Parents: [{ Id: 'ou-1-a', Type: 'ORGANIZATIONAL_UNIT' }] } },
    { childId: 'ou-1-a', output: { Parents: [{ Id: 'r-1', Type: 'ROOT' }] } },
    { childId: '111111111111', output: { Parents: [{ Id: 'r-1', Type: 'ROOT' }] } },
  ]
  raw.listPolicies = [{ Policies: [{ Id: 'p-full', Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY' }, { Id: 'p-deny', Name: 'deny', Arn: 'arn:aws:organizations::111111111111:policy/o-1/service_control_policy/p-deny' }] }]
  raw.describePolicy = [
    { Policy: { PolicySummary: { Id: 'p-full' }, Content: JSON.stringify(FULL_AWS_ACCESS) } },
    { Policy: { PolicySummary: { Id: 'p-deny' }, Content: JSON.stringify(DENY_BEDROCK) } },
  ]
  raw.listTargetsForPolicy = [
    { policyId: 'p-full', output: { Targets: ['r-1', 'ou-1-a', 'ou-1-b', '111111111111', '222222222222'].map((TargetId) => ({ TargetId })) } },
    { policyId: 'p-deny', output: { Targets: [{ TargetId: 'ou-1-b' }] } },
  ]

  it('derives the management account, OU paths and SCP levels (root, OUs…, account)', () => {
    const { model, errors } = buildOrgModel(raw, 'test')
    expect(errors).toEqual([])
    expect(model.managementAccountId).toBe('111111111111')
    expect(ouPathOf(model, '222222222222')).toEqual(['r-1', 'ou-1-a', 'ou-1-b'])
    const levels = scpLevelsFor(model, '222222222222')!
    expect(levels.map((l) => l.map((p) => p.source.name))).toEqual([['FullAWSAccess'], ['FullAWSAccess'], ['deny', 'FullAWSAccess'], ['FullAWSAccess']])
    expect(levels[2]![0]!.source).toEqual({ kind: 'scp', name: 'deny', arn: 'arn:aws:organizations::111111111111:policy/o-1/service_control_policy/p-deny' })
    expect(scpLevelsFor(model, '111111111111')).toBeUndefined()
  })

  it('gives no levels for an account whose path is unknown', () => {
    const { model } = buildOrgModel({ ...raw, listParents: raw.listParents.filter((p) => p.childId !== 'ou-1-a') }, 'test')
    expect(ouPathOf(model, '222222222222')).toBeUndefined()
    expect(scpLevelsFor(model, '222222222222')).toBeUndefined()
  })
})
