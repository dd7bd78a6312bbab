/**
 * Worlds for the fake AWS: the demo organization read from its snapshot folder, a generated organization
 * of any size, and the reverse (a world written out as AWS CLI snapshot files), which gives every live
 * test an offline oracle: the snapshot scanner's result on the same data.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { emptyFakeAccount, type FakeAccount, type FakeOrg, type Json, type World } from './world.js'

const ACCOUNT_DIR_RE = /^\d{12}$/

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : []
}

/** A world from a snapshot folder laid out like examples/demo-org (one folder per account + organization/). */
export async function worldFromSnapshotDir(dir: string, world: World): Promise<World> {
  for (const name of (await readdir(dir)).sort()) {
    if (!ACCOUNT_DIR_RE.test(name)) continue
    const acct = world.accounts.get(name) ?? emptyFakeAccount(name)
    for (const file of (await readdir(join(dir, name))).sort()) {
      if (!file.endsWith('.json')) continue
      const obj = JSON.parse(await readFile(join(dir, name, file), 'utf8')) as Json
      acct.iam.users.push(...arr(obj.UserDetailList))
      acct.iam.groups.push(...arr(obj.GroupDetailList))
      acct.iam.roles.push(...arr(obj.RoleDetailList))
      acct.iam.policies.push(...arr(obj.Policies))
      acct.serviceSpecificCredentials.push(...arr(obj.ServiceSpecificCredentials))
    }
    world.accounts.set(name, acct)
  }
  try {
    const list = JSON.parse(await readFile(join(dir, 'organization', 'list-accounts.json'), 'utf8')) as Json
    for (const a of arr(list.Accounts)) {
      const id = String(a.Id)
      const acct = world.accounts.get(id) ?? emptyFakeAccount(id)
      acct.name = String(a.Name)
      if (typeof a.Email === 'string') acct.email = a.Email
      if (typeof a.State === 'string') acct.state = a.State
      // `o-…/r-…/ou-…/<account>/`: the account's parent is the segment before it.
      const segs = String(arr(a.Paths)[0] ?? '').split('/').filter(Boolean)
      const parent = segs[segs.length - 2]
      if (parent && !parent.startsWith('o-')) acct.parentId = parent
      world.accounts.set(id, acct)
    }
  } catch {
    // no organization listing: accounts only
  }
  return world
}

/**
 * Attach a policy to the root, every OU and every account, as AWS does with FullAWSAccess: every node
 * must carry at least one SCP, and a level without an Allow denies everything below it.
 */
export function attachEverywhere(world: World, policyId: string): void {
  const org = world.org
  const p = org?.policies.find((x) => x.id === policyId)
  if (!org || !p) throw new Error(`no policy ${policyId}`)
  p.targets = [org.rootId, ...org.ous.map((o) => o.id), ...world.accounts.keys()]
}

export const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }

/** The demo organization's tree: management account 111111111111, OU ou-a1b2-workload, FullAWSAccess at the root. */
export function demoOrg(world: World): FakeOrg {
  const org: FakeOrg = {
    id: 'o-acme7demo42',
    managementAccountId: '111111111111',
    rootId: 'r-a1b2',
    scpEnabled: true,
    ous: [{ id: 'ou-a1b2-workload', name: 'workload', parentId: 'r-a1b2' }],
    policies: [{ id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true, content: FULL_AWS_ACCESS, targets: [] }],
  }
  for (const a of world.accounts.values()) a.parentId ??= org.rootId
  world.org = org
  attachEverywhere(world, 'p-FullAWSAccess')
  return org
}

const lambdaTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }
const ecsTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }
const invokeAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: '*' }] }
const s3Read = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bucket/*' }] }

function role(accountId: string, name: string, opts: { trust: unknown; inline?: unknown; attached?: string[]; tags?: Record<string, string>; path?: string }): Json {
  const path = opts.path ?? '/'
  return {
    Path: path,
    RoleName: name,
    RoleId: `AROA${accountId}${(hash(name) >>> 0).toString(36).toUpperCase()}`,
    Arn: `arn:aws:iam::${accountId}:role${path}${name}`,
    CreateDate: '2025-01-01T00:00:00Z',
    AssumeRolePolicyDocument: opts.trust,
    InstanceProfileList: [],
    RolePolicyList: opts.inline ? [{ PolicyName: `${name}-inline`, PolicyDocument: opts.inline }] : [],
    AttachedManagedPolicies: (opts.attached ?? []).map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
    Tags: Object.entries(opts.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    RoleLastUsed: {},
  }
}

function hash(s: string): number {
  let h = 0
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0
  return h
}

export interface SyntheticOrgOptions {
  accounts: number
  /** Non-Bedrock filler roles per account (to show calls do not grow with principals). */
  fillerRoles?: number
  /** Gateway targets in every k-th member account (trusting the gateway in the management account). */
  targetEvery?: number
}

export const SYNTHETIC_MANAGEMENT = '100000000000'
export const SYNTHETIC_GATEWAY = `arn:aws:iam::${SYNTHETIC_MANAGEMENT}:role/genai-proxy-exec`

export function syntheticAccountId(i: number): string {
  return String(100000000000 + i)
}

/**
 * An organization of N accounts: in each, one compliant role, one untagged Bedrock role, one user with a
 * long-term API key; a tag-declared gateway in the management account and untagged target roles that
 * trust it without conditions in every k-th account (cross-account gateway findings).
 */
export function syntheticOrg(world: World, o: SyntheticOrgOptions): FakeOrg {
  const org: FakeOrg = {
    id: 'o-synthetic01',
    managementAccountId: SYNTHETIC_MANAGEMENT,
    rootId: 'r-s1',
    scpEnabled: true,
    ous: [
      { id: 'ou-s1-prod', name: 'prod', parentId: 'r-s1' },
      { id: 'ou-s1-team', name: 'team', parentId: 'ou-s1-prod' },
    ],
    policies: [{ id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true, content: FULL_AWS_ACCESS, targets: [] }],
  }
  for (let i = 0; i < o.accounts; i++) {
    const id = syntheticAccountId(i)
    const a: FakeAccount = emptyFakeAccount(id, { name: `acct-${i}`, parentId: i === 0 ? 'r-s1' : i % 2 === 0 ? 'ou-s1-team' : 'ou-s1-prod' })
    a.iam.roles.push(
      role(id, 'chat-backend', { trust: lambdaTrust, inline: invokeAll, tags: { team: 'search' } }),
      role(id, 'summarizer-task', { trust: ecsTrust, attached: ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess'], tags: { app: 'sum' } }),
    )
    for (let f = 0; f < (o.fillerRoles ?? 0); f++) a.iam.roles.push(role(id, `filler-${f}`, { trust: lambdaTrust, inline: s3Read, tags: { team: 'data' } }))
    a.iam.users.push({
      Path: '/',
      UserName: `dev-${i}`,
      UserId: `AIDA${id}DEV`,
      Arn: `arn:aws:iam::${id}:user/dev-${i}`,
      CreateDate: '2025-01-01T00:00:00Z',
      UserPolicyList: [],
      GroupList: [],
      AttachedManagedPolicies: [{ PolicyName: 'AmazonBedrockLimitedAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess' }],
      Tags: [{ Key: 'team', Value: 'ads' }],
    })
    a.serviceSpecificCredentials.push({
      UserName: `dev-${i}`,
      Status: 'Active',
      ServiceUserName: `dev-${i}-at-${id}`,
      ServiceCredentialAlias: `dev-${i}-at-${id}`,
      CreateDate: '2025-02-01T00:00:00Z',
      ServiceSpecificCredentialId: `ACCA${id}KEY0`,
      ServiceName: 'bedrock.amazonaws.com',
    })
    if (i === 0) {
      a.iam.roles.push(
        role(id, 'genai-proxy-exec', {
          trust: ecsTrust,
          inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], Resource: '*' }] },
          tags: { team: 'platform', 'llm-gateway': 'true' },
        }),
      )
    } else if (o.targetEvery && i % o.targetEvery === 0) {
      a.iam.roles.push(
        role(id, 'bedrock-invoke-per-user', {
          trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: SYNTHETIC_GATEWAY }, Action: 'sts:AssumeRole' }] },
          inline: invokeAll,
        }),
      )
    }
    world.accounts.set(id, a)
  }
  world.org = org
  attachEverywhere(world, 'p-FullAWSAccess')
  return org
}

/**
 * The world as AWS CLI snapshot files (`<account>/get-account-authorization-details.json`,
 * `list-service-specific-credentials.json`, `organization/list-accounts.json`): documents as JSON
 * objects, as the CLI prints them.
 */
export async function writeWorldSnapshot(world: World, dir: string, accountIds?: string[]): Promise<void> {
  const ids = accountIds ?? [...world.accounts.keys()]
  for (const id of ids) {
    const a = world.accounts.get(id)
    if (!a) continue
    await mkdir(join(dir, id), { recursive: true })
    const details = { UserDetailList: a.iam.users, GroupDetailList: a.iam.groups, RoleDetailList: a.iam.roles, Policies: a.iam.policies, IsTruncated: false }
    await writeFile(join(dir, id, 'get-account-authorization-details.json'), JSON.stringify(details, null, 2))
    const creds = a.serviceSpecificCredentials.filter((c) => c.ServiceName === 'bedrock.amazonaws.com')
    await writeFile(join(dir, id, 'list-service-specific-credentials.json'), JSON.stringify({ ServiceSpecificCredentials: creds, IsTruncated: false }, null, 2))
  }
}
