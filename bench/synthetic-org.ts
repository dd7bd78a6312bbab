/**
 * A seeded synthetic AWS Organization for the benchmarks: N accounts × M principals with the mix a real
 * organization has — most roles on a handful of shared customer and AWS managed policies, some inline
 * policies (a few unique per role), groups, permission boundaries, SCPs, SAML/OIDC federated roles, LLM
 * gateways and their per-user targets, service-linked roles, and `team` tags present, missing, miscased
 * or mistyped.
 *
 * About one principal in five can run Bedrock inference (Bedrock is one service among many: most workload
 * roles never touch it), and about one in six has a finding. Memory grows with those two numbers, so
 * they are printed with every benchmark result.
 *
 * Each account is generated on its own from (seed, account index), so 1,000 accounts stream to disk one at
 * a time and the live benchmark builds a fake-AWS `World` from exactly the same data. The output is raw
 * `get-account-authorization-details` JSON (AWS CLI form with documents as objects by default, or the
 * API/SDK form with URL-encoded documents) plus the Organizations outputs in `tagwarden collect` layout,
 * so offline scans apply the same OU paths and SCPs as live ones.
 */
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { emptyFakeAccount, type FakeOrg, type Json, type World } from '../test/support/aws-server/world.js'

export interface SyntheticOptions {
  accounts: number
  /** Users + roles per account (service-linked roles included). */
  principals: number
  seed?: number
  /** Policy documents URL-encoded, as the IAM API and SDKs return them (default: objects, as the AWS CLI prints them). */
  encodeDocuments?: boolean
  /**
   * `default`: the mix described above. `finding-heavy`: most roles Bedrock-capable and never used (empty
   * `RoleLastUsed`), most principals untagged — about one finding per principal, two thirds of them
   * `bedrock-capable-unused` notes, like an organization that granted Bedrock widely and tags nothing.
   */
  profile?: SyntheticProfile
}

export const SYNTHETIC_PROFILES = ['default', 'finding-heavy'] as const
export type SyntheticProfile = (typeof SYNTHETIC_PROFILES)[number]

export const SYNTHETIC_BASE_ACCOUNT = 300_000_000_000
export const SYNTHETIC_ORG_ID = 'o-bench0synth1'
export const SYNTHETIC_ROOT_ID = 'r-bn01'

export function syntheticAccountId(i: number): string {
  return String(SYNTHETIC_BASE_ACCOUNT + i)
}

// -------------------------------------------------------------------------------------------------------
// Deterministic randomness
// -------------------------------------------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough to shuffle a benchmark's mix; the same seed gives the same org. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number

const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T

function weighted<K extends string>(r: Rand, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>
  const total = entries.reduce((n, [, w]) => n + w, 0)
  let x = r() * total
  for (const [k, w] of entries) {
    x -= w
    if (x < 0) return k
  }
  return entries[entries.length - 1]![0]
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const uniqueId = (r: Rand, prefix: string): string => prefix + Array.from({ length: 17 }, () => pick(r, [...ID_CHARS])).join('')

function isoDate(r: Rand, fromYear: number, toYear: number): string {
  const from = Date.UTC(fromYear, 0, 1)
  const to = Date.UTC(toYear, 10, 1)
  // Whole seconds, printed the way the AWS CLI v2 prints timestamps.
  const t = Math.floor((from + r() * (to - from)) / 1000) * 1000
  return new Date(t).toISOString().replace('.000Z', '+00:00')
}

// -------------------------------------------------------------------------------------------------------
// Organization
// -------------------------------------------------------------------------------------------------------

export interface SyntheticOu {
  id: string
  name: string
  parentId: string
}

export interface SyntheticScp {
  id: string
  name: string
  awsManaged: boolean
  content: Json
  targets: string[]
}

export interface SyntheticOrgSpec {
  id: string
  managementAccountId: string
  rootId: string
  ous: SyntheticOu[]
  /** Account ID → parent (root or OU), in account order. */
  parents: Map<string, string>
  scps: SyntheticScp[]
}

const OUS: SyntheticOu[] = [
  { id: 'ou-bn01-prod0001', name: 'prod', parentId: SYNTHETIC_ROOT_ID },
  { id: 'ou-bn01-prodeu01', name: 'prod-eu', parentId: 'ou-bn01-prod0001' },
  { id: 'ou-bn01-dev00001', name: 'dev', parentId: SYNTHETIC_ROOT_ID },
  { id: 'ou-bn01-sandbox1', name: 'sandbox', parentId: SYNTHETIC_ROOT_ID },
]
const LEAF_OUS = ['ou-bn01-prod0001', 'ou-bn01-prodeu01', 'ou-bn01-prod0001', 'ou-bn01-dev00001', 'ou-bn01-dev00001', 'ou-bn01-sandbox1']

const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }

export function syntheticOrgSpec(o: Pick<SyntheticOptions, 'accounts'>): SyntheticOrgSpec {
  const parents = new Map<string, string>()
  for (let i = 0; i < o.accounts; i++) parents.set(syntheticAccountId(i), i === 0 ? SYNTHETIC_ROOT_ID : (LEAF_OUS[i % LEAF_OUS.length] as string))
  const everyNode = [SYNTHETIC_ROOT_ID, ...OUS.map((ou) => ou.id), ...parents.keys()]
  return {
    id: SYNTHETIC_ORG_ID,
    managementAccountId: syntheticAccountId(0),
    rootId: SYNTHETIC_ROOT_ID,
    ous: OUS,
    parents,
    scps: [
      { id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true, content: FULL_AWS_ACCESS, targets: everyNode },
      {
        id: 'p-bn01regions',
        name: 'DenyBedrockOutsideApprovedRegions',
        awsManaged: false,
        content: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'DenyApRegions', Effect: 'Deny', Action: 'bedrock:*', Resource: ['arn:aws:bedrock:ap-*:*:*', 'arn:aws:bedrock:sa-*:*:*'] },
            {
              Sid: 'DenyOtherRegions',
              Effect: 'Deny',
              NotAction: ['iam:*', 'organizations:*', 'sts:*', 'support:*'],
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } },
            },
          ],
        },
        targets: ['ou-bn01-prod0001'],
      },
      {
        id: 'p-bn01sandbox',
        name: 'DenyBedrockInSandbox',
        awsManaged: false,
        content: { Version: '2012-10-17', Statement: [{ Sid: 'NoBedrock', Effect: 'Deny', Action: ['bedrock:*', 'bedrock-mantle:*'], Resource: '*' }] },
        targets: ['ou-bn01-sandbox1'],
      },
    ],
  }
}

// -------------------------------------------------------------------------------------------------------
// Policies
// -------------------------------------------------------------------------------------------------------

interface ManagedSpec {
  name: string
  path: string
  document: Json
  /** Older, non-default versions kept in PolicyVersionList (as IAM keeps up to five). */
  oldVersions?: Json[]
}

const doc = (...Statement: Json[]): Json => ({ Version: '2012-10-17', Statement })

/** Customer managed policies every account has (some name the account, so their documents differ per account). */
function customerPolicies(acct: string): ManagedSpec[] {
  const invoke = doc(
    {
      Sid: 'InvokeFoundationModels',
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: ['arn:aws:bedrock:*::foundation-model/*', `arn:aws:bedrock:*:${acct}:inference-profile/*`],
    },
    { Sid: 'ListModels', Effect: 'Allow', Action: ['bedrock:ListFoundationModels', 'bedrock:GetFoundationModel'], Resource: '*' },
  )
  return [
    {
      name: 'BedrockInvokeModels',
      path: '/',
      document: invoke,
      oldVersions: [doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.*' })],
    },
    {
      name: 'BedrockAgentsInvoke',
      path: '/',
      document: doc({ Effect: 'Allow', Action: ['bedrock:InvokeAgent', 'bedrock:RetrieveAndGenerate', 'bedrock:Retrieve'], Resource: `arn:aws:bedrock:*:${acct}:*` }),
    },
    {
      name: 'AppDataAccess',
      path: '/app/',
      document: doc(
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::app-data-${acct}`, `arn:aws:s3:::app-data-${acct}/*`] },
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: `arn:aws:dynamodb:*:${acct}:table/app-*` },
        { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: `arn:aws:sqs:*:${acct}:app-*` },
      ),
    },
    {
      name: 'ReadLogsAndMetrics',
      path: '/',
      document: doc({ Effect: 'Allow', Action: ['logs:Describe*', 'logs:Get*', 'logs:FilterLogEvents', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'], Resource: '*' }),
    },
    {
      name: 'DenyBedrockModelManagement',
      path: '/guardrails/',
      document: doc(
        { Sid: 'NoCustomModels', Effect: 'Deny', Action: ['bedrock:CreateModelCustomizationJob', 'bedrock:CreateProvisionedModelThroughput'], Resource: '*' },
        { Sid: 'NoAnthropicOpus', Effect: 'Deny', Action: 'bedrock:InvokeModel*', Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-opus*' },
      ),
    },
    {
      name: 'DeveloperBoundary',
      path: '/boundaries/',
      document: doc(
        { Effect: 'Allow', Action: ['s3:*', 'dynamodb:*', 'logs:*', 'cloudwatch:*', 'sqs:*', 'sns:*', 'lambda:*'], Resource: '*' },
        { Effect: 'Allow', Action: ['bedrock:Invoke*', 'bedrock:Converse*', 'bedrock:Get*', 'bedrock:List*'], Resource: '*' },
        { Effect: 'Deny', Action: ['iam:CreateUser', 'iam:CreateAccessKey'], Resource: '*' },
      ),
    },
    {
      name: 'WorkloadBoundary',
      path: '/boundaries/',
      document: doc({ Effect: 'Allow', Action: ['s3:*', 'dynamodb:*', 'logs:*', 'sqs:*', 'kms:Decrypt'], Resource: '*' }),
    },
    {
      name: 'GatewayAssumeTargets',
      path: '/',
      document: doc({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], Resource: 'arn:aws:iam::*:role/bedrock-invoke-*' }),
    },
  ]
}

interface CatalogEntry {
  arn: string
  versionId: string
  document: Json
}

/** AWS managed policies the synthetic principals attach, with their real documents from the bundled catalog. */
export const AWS_MANAGED = [
  'AmazonBedrockFullAccess',
  'AmazonBedrockReadOnly',
  'AmazonBedrockLimitedAccess',
  'AmazonS3ReadOnlyAccess',
  'AWSLambdaBasicExecutionRole',
  'AmazonSSMManagedInstanceCore',
  'PowerUserAccess',
  'AmazonECSTaskExecutionRolePolicy',
] as const
type AwsManagedName = (typeof AWS_MANAGED)[number]

let catalog: Map<string, CatalogEntry> | undefined
function awsManaged(name: AwsManagedName): CatalogEntry {
  if (!catalog) {
    const raw = JSON.parse(readFileSync(new URL('../data/aws-managed-policies.json', import.meta.url), 'utf8')) as { policies: Record<string, CatalogEntry> }
    catalog = new Map(AWS_MANAGED.map((n) => [n, raw.policies[n] as CatalogEntry]))
  }
  const e = catalog.get(name)
  if (!e) throw new Error(`AWS managed policy ${name} is not in data/aws-managed-policies.json`)
  return e
}

// -------------------------------------------------------------------------------------------------------
// Trust policies
// -------------------------------------------------------------------------------------------------------

const serviceTrust = (service: string): Json =>
  doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' })

function samlTrust(acct: string, tagSession: boolean): Json {
  return doc({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${acct}:saml-provider/CorpIdP` },
    Action: tagSession ? ['sts:AssumeRoleWithSAML', 'sts:TagSession'] : 'sts:AssumeRoleWithSAML',
    Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
  })
}

function githubTrust(acct: string, repo: string): Json {
  return doc({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': `repo:acme/${repo}:*` },
    },
  })
}

function gatewayTargetTrust(gatewayArn: string, variant: number): Json {
  const actions = variant === 0 ? 'sts:AssumeRole' : variant === 1 ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']
  const st: Json = { Effect: 'Allow', Principal: { AWS: gatewayArn }, Action: actions }
  if (variant === 2) st.Condition = { StringLike: { 'sts:SourceIdentity': '*@acme.example' } }
  return doc(st)
}

// -------------------------------------------------------------------------------------------------------
// Accounts
// -------------------------------------------------------------------------------------------------------

const TEAMS = ['search', 'ads', 'platform', 'data', 'ml', 'payments', 'identity', 'growth', 'support', 'risk']
const ENVS = ['prod', 'staging', 'dev']
const SERVICE_LINKED = ['elasticloadbalancing', 'rds', 'ecs', 'autoscaling', 'organizations', 'sso', 'support', 'trustedadvisor', 'guardduty', 'config']

type RoleKind = 'lambda' | 'ecs' | 'ec2' | 'saml' | 'oidc' | 'crossAccount' | 'gatewayTarget' | 'serviceLinked' | 'misc'
const ROLE_WEIGHTS: Record<RoleKind, number> = { lambda: 30, ecs: 16, ec2: 10, saml: 6, oidc: 4, crossAccount: 8, gatewayTarget: 2, serviceLinked: 8, misc: 16 }

const GROUPS: Array<{ name: string; attached: string[]; inline?: Json }> = [
  { name: 'developers', attached: ['BedrockInvokeModels', 'AmazonS3ReadOnlyAccess'] },
  { name: 'data-science', attached: ['AmazonBedrockFullAccess'] },
  { name: 'readonly', attached: ['AmazonBedrockReadOnly', 'ReadLogsAndMetrics'] },
  { name: 'power-users', attached: ['PowerUserAccess', 'DenyBedrockModelManagement'] },
  {
    name: 'analysts',
    attached: ['ReadLogsAndMetrics'],
    inline: doc({ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:Converse'], Resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.*' }),
  },
]

export interface SyntheticAccount {
  id: string
  name: string
  /** One `get-account-authorization-details` output (every page merged, as the AWS CLI prints it). */
  details: { UserDetailList: Json[]; GroupDetailList: Json[]; RoleDetailList: Json[]; Policies: Json[]; IsTruncated: false }
  /** `list-service-specific-credentials --service-name bedrock.amazonaws.com --all-users` output. */
  credentials: { ServiceSpecificCredentials: Json[]; IsTruncated: false }
  samlProviders: Json[]
  oidcProviders: Json[]
  counts: { users: number; roles: number; groups: number; policies: number }
}

interface Ctx {
  r: Rand
  acct: string
  encode: boolean
  /** The finding-heavy profile (the default profile never draws the extra random numbers it needs). */
  heavy: boolean
  attachedCounts: Map<string, number>
  boundaryCounts: Map<string, number>
  customer: Map<string, ManagedSpec>
}

function encoded(ctx: Ctx, d: Json): Json | string {
  return ctx.encode ? encodeURIComponent(JSON.stringify(d)) : d
}

function policyArn(ctx: Ctx, name: string): string {
  const c = ctx.customer.get(name)
  if (c) return `arn:aws:iam::${ctx.acct}:policy${c.path}${name}`
  return awsManaged(name as AwsManagedName).arn
}

function attach(ctx: Ctx, names: readonly string[]): Json[] {
  return names.map((name) => {
    ctx.attachedCounts.set(name, (ctx.attachedCounts.get(name) ?? 0) + 1)
    return { PolicyName: name, PolicyArn: policyArn(ctx, name) }
  })
}

function boundary(ctx: Ctx, name: string): Json {
  ctx.boundaryCounts.set(name, (ctx.boundaryCounts.get(name) ?? 0) + 1)
  return { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policyArn(ctx, name) }
}

/** `team` present (most), missing, miscased (`Team`), with a typo or stray whitespace in the value. */
function teamTags(r: Rand, heavy = false): Json[] {
  const team = pick(r, TEAMS)
  const tags: Json[] = []
  // Finding-heavy: most principals have no `team` tag at all.
  const x = heavy ? (r() < 0.15 ? r() * 0.73 : 0.9) : r()
  if (x < 0.6) tags.push({ Key: 'team', Value: team })
  else if (x < 0.7) tags.push({ Key: pick(r, ['Team', 'TEAM']), Value: team })
  else if (x < 0.73) tags.push({ Key: 'team', Value: team === 'search' ? 'serach' : `${team} ` })
  // else: missing
  if (r() < 0.5) tags.push({ Key: 'env', Value: pick(r, ENVS) })
  if (r() < 0.3) tags.push({ Key: 'cost-center', Value: `cc-${100 + Math.floor(r() * 40)}` })
  return tags
}

function lastUsed(r: Rand, heavy = false): Json {
  // Finding-heavy: nine roles in ten were never used (RoleLastUsed empty).
  return r() < (heavy ? 0.1 : 0.7) ? { LastUsedDate: isoDate(r, 2026, 2026), Region: pick(r, ['us-east-1', 'us-west-2', 'eu-west-1']) } : {}
}

function inlinePolicy(ctx: Ctx, name: string, d: Json): Json {
  return { PolicyName: name, PolicyDocument: encoded(ctx, d) }
}

/** A unique inline document per principal (its own bucket and table): the memo cannot share these. */
function uniqueInline(ctx: Ctx, owner: string, bedrock: boolean): Json {
  const st: Json[] = [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${owner}-${ctx.acct}/*` },
    { Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:us-east-1:${ctx.acct}:table/${owner}` },
  ]
  if (bedrock) st.push({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: `arn:aws:bedrock:us-east-1:${ctx.acct}:application-inference-profile/${owner}` })
  return inlinePolicy(ctx, `${owner}-access`, doc(...st))
}

const SHARED_INLINE = [
  doc({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' }),
  doc({ Effect: 'Allow', Action: ['sqs:SendMessage', 'sns:Publish'], Resource: '*' }),
  doc({ Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParametersByPath'], Resource: 'arn:aws:ssm:*:*:parameter/app/*' }),
  doc({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: 'arn:aws:secretsmanager:*:*:secret:app/*' }),
  doc({ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: '*' }),
]

function role(ctx: Ctx, n: number, kind: RoleKind, gatewayArn: string | undefined): Json {
  const { r, acct } = ctx
  const team = pick(r, TEAMS)
  let name = `${team}-${kind.toLowerCase()}-${n}`
  let path = '/'
  let trust: Json
  let attached: string[] = []
  const inline: Json[] = []
  let permBoundary: Json | undefined
  let tags = teamTags(r, ctx.heavy)
  switch (kind) {
    case 'lambda':
      trust = serviceTrust('lambda.amazonaws.com')
      attached = ['AWSLambdaBasicExecutionRole', r() < 0.2 ? 'BedrockInvokeModels' : 'AppDataAccess']
      if (r() < 0.1) inline.push(uniqueInline(ctx, name, r() < 0.5))
      if (r() < 0.25) permBoundary = boundary(ctx, r() < 0.7 ? 'DeveloperBoundary' : 'WorkloadBoundary')
      break
    case 'ecs':
      trust = serviceTrust('ecs-tasks.amazonaws.com')
      attached = [pick(r, ['AppDataAccess', 'AppDataAccess', 'AppDataAccess', 'ReadLogsAndMetrics', 'BedrockInvokeModels', 'AmazonBedrockFullAccess', 'BedrockAgentsInvoke']), 'AmazonECSTaskExecutionRolePolicy']
      if (r() < 0.15) inline.push(inlinePolicy(ctx, 'shared', pick(r, SHARED_INLINE)))
      if (r() < 0.2) permBoundary = boundary(ctx, 'DeveloperBoundary')
      break
    case 'ec2':
      trust = serviceTrust('ec2.amazonaws.com')
      attached = ['AmazonSSMManagedInstanceCore', 'AmazonS3ReadOnlyAccess']
      break
    case 'saml':
      name = `AWSReserved-${pick(r, ['Developer', 'DataScientist', 'ReadOnly', 'PowerUser'])}-${n}`
      trust = samlTrust(acct, r() < 0.5)
      attached = [pick(r, ['PowerUserAccess', 'AmazonBedrockFullAccess', 'AmazonBedrockReadOnly', 'BedrockInvokeModels'])]
      if (attached[0] === 'PowerUserAccess') attached.push('DenyBedrockModelManagement')
      break
    case 'oidc':
      name = `github-deploy-${team}-${n}`
      trust = githubTrust(acct, `${team}-service`)
      attached = ['AppDataAccess']
      if (r() < 0.3) attached.push('AmazonBedrockLimitedAccess')
      break
    case 'crossAccount': {
      const from = syntheticAccountId(Math.floor(r() * 50))
      trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${from}:role/${pick(r, TEAMS)}-ci` }, Action: 'sts:AssumeRole' })
      attached = [pick(r, ['ReadLogsAndMetrics', 'BedrockInvokeModels', 'AppDataAccess'])]
      break
    }
    case 'gatewayTarget':
      name = `bedrock-invoke-${team}-${n}`
      trust = gatewayArn ? gatewayTargetTrust(gatewayArn, Math.floor(r() * 3)) : serviceTrust('lambda.amazonaws.com')
      attached = ['BedrockInvokeModels']
      if (r() < 0.5) tags = [] // targets are often left untagged: the session carries the tags
      break
    case 'serviceLinked': {
      const svc = pick(r, SERVICE_LINKED)
      path = `/aws-service-role/${svc}.amazonaws.com/`
      name = `AWSServiceRoleFor${svc[0]!.toUpperCase()}${svc.slice(1)}_${n}`
      trust = serviceTrust(`${svc}.amazonaws.com`)
      tags = []
      break
    }
    case 'misc':
      trust = serviceTrust(pick(r, ['states.amazonaws.com', 'events.amazonaws.com', 'codebuild.amazonaws.com', 'glue.amazonaws.com']))
      attached = r() < 0.5 ? ['ReadLogsAndMetrics'] : []
      inline.push(r() < 0.3 ? uniqueInline(ctx, name, false) : inlinePolicy(ctx, 'shared', pick(r, SHARED_INLINE)))
      break
  }
  // Finding-heavy: Bedrock granted widely (an AWS managed policy, so the capability memo can share it).
  if (ctx.heavy && kind !== 'serviceLinked' && r() < 0.9 && !attached.includes('AmazonBedrockLimitedAccess')) attached.push('AmazonBedrockLimitedAccess')
  const arn = `arn:aws:iam::${acct}:role${path}${name}`
  const out: Json = {
    Path: path,
    RoleName: name,
    RoleId: uniqueId(r, 'AROA'),
    Arn: arn,
    CreateDate: isoDate(r, 2019, 2026),
    AssumeRolePolicyDocument: encoded(ctx, trust),
    InstanceProfileList: [],
    RolePolicyList: inline,
    AttachedManagedPolicies: attach(ctx, attached),
    Tags: tags,
    RoleLastUsed: lastUsed(r, ctx.heavy),
  }
  if (permBoundary) out.PermissionsBoundary = permBoundary
  return out
}

function gatewayRole(ctx: Ctx, direct: boolean): Json {
  const { r, acct } = ctx
  const name = 'genai-llm-gateway'
  const attached = ['GatewayAssumeTargets', ...(direct ? ['BedrockInvokeModels'] : [])]
  return {
    Path: '/',
    RoleName: name,
    RoleId: uniqueId(r, 'AROA'),
    Arn: `arn:aws:iam::${acct}:role/${name}`,
    CreateDate: isoDate(r, 2024, 2026),
    AssumeRolePolicyDocument: encoded(ctx, serviceTrust('ecs-tasks.amazonaws.com')),
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: attach(ctx, attached),
    Tags: [{ Key: 'team', Value: 'platform' }, { Key: 'llm-gateway', Value: 'true' }],
    RoleLastUsed: lastUsed(r),
  }
}

function user(ctx: Ctx, n: number, groupNames: readonly string[]): Json {
  const { r, acct } = ctx
  const name = `${pick(r, ['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'])}.${n}`
  const groups = r() < 0.8 ? [pick(r, groupNames), ...(r() < 0.2 ? [pick(r, groupNames)] : [])] : []
  const out: Json = {
    Path: '/',
    UserName: name,
    UserId: uniqueId(r, 'AIDA'),
    Arn: `arn:aws:iam::${acct}:user/${name}`,
    CreateDate: isoDate(r, 2017, 2026),
    UserPolicyList: r() < 0.2 ? [r() < 0.5 ? uniqueInline(ctx, name.replace('.', '-'), true) : inlinePolicy(ctx, 'shared', pick(r, SHARED_INLINE))] : [],
    GroupList: [...new Set(groups)],
    AttachedManagedPolicies: attach(ctx, r() < 0.1 ? ['BedrockInvokeModels'] : []),
    Tags: teamTags(r, ctx.heavy),
  }
  if (r() < 0.1) out.PermissionsBoundary = boundary(ctx, 'DeveloperBoundary')
  return out
}

function managedPolicyEntry(ctx: Ctx, name: string): Json {
  const { r } = ctx
  const c = ctx.customer.get(name)
  const aws = c ? undefined : awsManaged(name as AwsManagedName)
  const arn = policyArn(ctx, name)
  const path = c ? c.path : arn.slice(arn.indexOf(':policy') + 7, arn.lastIndexOf('/') + 1)
  const versions: Json[] = []
  const old = c?.oldVersions ?? []
  const defaultVersion = aws ? aws.versionId : `v${old.length + 1}`
  old.forEach((d, i) => versions.push({ Document: encoded(ctx, d), VersionId: `v${i + 1}`, IsDefaultVersion: false, CreateDate: isoDate(r, 2020, 2023) }))
  versions.push({ Document: encoded(ctx, c ? c.document : (aws as CatalogEntry).document), VersionId: defaultVersion, IsDefaultVersion: true, CreateDate: isoDate(r, 2023, 2026) })
  return {
    PolicyName: name,
    PolicyId: uniqueId(r, 'ANPA'),
    Arn: arn,
    Path: path,
    DefaultVersionId: defaultVersion,
    AttachmentCount: ctx.attachedCounts.get(name) ?? 0,
    PermissionsBoundaryUsageCount: ctx.boundaryCounts.get(name) ?? 0,
    IsAttachable: true,
    CreateDate: isoDate(r, 2018, 2020),
    UpdateDate: isoDate(r, 2023, 2026),
    PolicyVersionList: versions,
  }
}

/** One account of the organization, the same for the same (seed, index, principals). */
export function generateAccount(o: SyntheticOptions, index: number): SyntheticAccount {
  const acct = syntheticAccountId(index)
  const r = rng(((o.seed ?? 42) * 1_000_003 + index * 7919) >>> 0)
  const customer = new Map(customerPolicies(acct).map((p) => [p.name, p]))
  const ctx: Ctx = { r, acct, encode: o.encodeDocuments ?? false, heavy: o.profile === 'finding-heavy', attachedCounts: new Map(), boundaryCounts: new Map(), customer }

  const nUsers = Math.round(o.principals * 0.1)
  const hasGateway = o.principals >= 20
  const nRoles = o.principals - nUsers - (hasGateway ? 1 : 0)
  const gatewayArn = hasGateway ? `arn:aws:iam::${acct}:role/genai-llm-gateway` : undefined

  const groups: Json[] = GROUPS.map((g) => ({
    Path: '/',
    GroupName: g.name,
    GroupId: uniqueId(r, 'AGPA'),
    Arn: `arn:aws:iam::${acct}:group/${g.name}`,
    CreateDate: isoDate(r, 2017, 2020),
    GroupPolicyList: g.inline ? [inlinePolicy(ctx, `${g.name}-inline`, g.inline)] : [],
    AttachedManagedPolicies: attach(ctx, g.attached),
  }))
  const users: Json[] = []
  // Most people are in read-only groups; fewer have Bedrock through developers, data-science and the like.
  const groupChoices = ['readonly', 'readonly', 'readonly', 'readonly', 'readonly', 'developers', 'developers', 'data-science', 'power-users', 'analysts']
  for (let u = 0; u < nUsers; u++) users.push(user(ctx, u, groupChoices))
  const roles: Json[] = []
  if (hasGateway) roles.push(gatewayRole(ctx, index % 3 === 0))
  for (let n = 0; n < nRoles; n++) roles.push(role(ctx, n, weighted(r, ROLE_WEIGHTS), gatewayArn))

  // GetAccountAuthorizationDetails lists every customer managed policy and the AWS managed ones in use.
  const policyNames = [...customer.keys(), ...AWS_MANAGED.filter((n) => (ctx.attachedCounts.get(n) ?? 0) + (ctx.boundaryCounts.get(n) ?? 0) > 0)]
  const policies = policyNames.map((n) => managedPolicyEntry(ctx, n))

  const credentials: Json[] = []
  for (const u of users) {
    if (r() < 0.02) {
      const userName = String(u.UserName)
      credentials.push({
        UserName: userName,
        Status: r() < 0.8 ? 'Active' : 'Inactive',
        ServiceUserName: `${userName}-at-${acct}`,
        ServiceCredentialAlias: `${userName}-at-${acct}`,
        CreateDate: isoDate(r, 2025, 2026),
        ServiceSpecificCredentialId: uniqueId(r, 'ACCA'),
        ServiceName: 'bedrock.amazonaws.com',
      })
    }
  }
  return {
    id: acct,
    name: `synthetic-${index}`,
    details: { UserDetailList: users, GroupDetailList: groups, RoleDetailList: roles, Policies: policies, IsTruncated: false },
    credentials: { ServiceSpecificCredentials: credentials, IsTruncated: false },
    samlProviders: [{ Arn: `arn:aws:iam::${acct}:saml-provider/CorpIdP`, ValidUntil: '2030-01-01T00:00:00+00:00', CreateDate: '2020-01-01T00:00:00+00:00' }],
    oidcProviders: [{ Arn: `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com` }],
    counts: { users: users.length, roles: roles.length, groups: groups.length, policies: policies.length },
  }
}

// -------------------------------------------------------------------------------------------------------
// Output: snapshot folder and fake-AWS world
// -------------------------------------------------------------------------------------------------------

const orgArn = (spec: SyntheticOrgSpec, kind: string, id: string): string => `arn:aws:organizations::${spec.managementAccountId}:${kind}/${spec.id}/${id}`

function envelope(operation: string, request: Record<string, string>, response: unknown): Json {
  return { TagwardenEnvelope: { formatVersion: 1, operation, request }, Response: response }
}

/** The Organizations outputs `tagwarden collect` would have written for this org (relative path → JSON). */
export function organizationFiles(o: Pick<SyntheticOptions, 'accounts'>): Map<string, Json> {
  const spec = syntheticOrgSpec(o)
  const files = new Map<string, Json>()
  files.set('organization/describe-organization.json', {
    Organization: {
      Id: spec.id,
      Arn: `arn:aws:organizations::${spec.managementAccountId}:organization/${spec.id}`,
      FeatureSet: 'ALL',
      MasterAccountArn: orgArn(spec, 'account', spec.managementAccountId),
      MasterAccountId: spec.managementAccountId,
      MasterAccountEmail: `aws+${spec.managementAccountId}@acme.example`,
    },
  })
  files.set('organization/list-accounts.json', {
    Accounts: [...spec.parents.keys()].map((id, i) => ({
      Id: id,
      Arn: orgArn(spec, 'account', id),
      Email: `aws+${id}@acme.example`,
      Name: `synthetic-${i}`,
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: i === 0 ? 'INVITED' : 'CREATED',
      JoinedTimestamp: '2022-01-01T00:00:00+00:00',
    })),
  })
  files.set('organization/list-roots.json', {
    Roots: [{ Id: spec.rootId, Arn: `arn:aws:organizations::${spec.managementAccountId}:root/${spec.id}/${spec.rootId}`, Name: 'Root', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }],
  })
  const summary = (p: SyntheticScp): Json => ({
    Id: p.id,
    Arn: orgArn(spec, 'policy', `service_control_policy/${p.id}`),
    Name: p.name,
    Description: '',
    Type: 'SERVICE_CONTROL_POLICY',
    AwsManaged: p.awsManaged,
  })
  files.set('organization/list-policies-scp.json', { Policies: spec.scps.map(summary) })
  for (const p of spec.scps) {
    files.set(`organization/describe-policy/${p.id}.json`, { Policy: { PolicySummary: summary(p), Content: JSON.stringify(p.content) } })
    const targets = p.targets.map((t) => ({ TargetId: t, Arn: '', Name: t, Type: t.startsWith('r-') ? 'ROOT' : t.startsWith('ou-') ? 'ORGANIZATIONAL_UNIT' : 'ACCOUNT' }))
    files.set(`organization/list-targets-for-policy/${p.id}.json`, envelope('organizations:ListTargetsForPolicy', { PolicyId: p.id }, { Targets: targets }))
  }
  const parentOf = (child: string, parent: string) =>
    files.set(`organization/list-parents/${child}.json`, envelope('organizations:ListParents', { ChildId: child }, { Parents: [{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] }))
  for (const ou of spec.ous) parentOf(ou.id, ou.parentId)
  for (const [id, parent] of spec.parents) parentOf(id, parent)
  return files
}

export interface WrittenSnapshot {
  dir: string
  accounts: number
  principals: number
  users: number
  roles: number
  files: number
  bytes: number
}

/** AWS CLI prints JSON with four-space indentation; so do real snapshots. */
const cliJson = (v: unknown): string => `${JSON.stringify(v, null, 4)}\n`

/**
 * Write the organization as a snapshot folder, one account at a time (memory stays at one account):
 * `<account>/get-account-authorization-details.json`, `<account>/list-service-specific-credentials.json`
 * and `organization/…` in `collect` layout.
 */
export async function writeSyntheticSnapshot(dir: string, o: SyntheticOptions, onAccount?: (i: number) => void): Promise<WrittenSnapshot> {
  const out: WrittenSnapshot = { dir, accounts: o.accounts, principals: 0, users: 0, roles: 0, files: 0, bytes: 0 }
  const put = async (rel: string, value: unknown): Promise<void> => {
    const text = cliJson(value)
    const path = join(dir, rel)
    await mkdir(join(path, '..'), { recursive: true })
    await writeFile(path, text)
    out.files++
    out.bytes += Buffer.byteLength(text)
  }
  for (const [rel, value] of organizationFiles(o)) await put(rel, value)
  for (let i = 0; i < o.accounts; i++) {
    const a = generateAccount(o, i)
    await put(`${a.id}/get-account-authorization-details.json`, a.details)
    await put(`${a.id}/list-service-specific-credentials.json`, a.credentials)
    out.users += a.counts.users
    out.roles += a.counts.roles
    onAccount?.(i)
  }
  out.principals = out.users + out.roles
  return out
}

/** The same organization as a fake-AWS world (documents as the server will URL-encode them). */
export function syntheticWorld(world: World, o: SyntheticOptions): FakeOrg {
  const spec = syntheticOrgSpec(o)
  for (let i = 0; i < o.accounts; i++) {
    const a = generateAccount(o, i)
    const acct = emptyFakeAccount(a.id, { name: a.name, email: `aws+${a.id}@acme.example`, parentId: spec.parents.get(a.id) ?? spec.rootId })
    acct.iam = { users: a.details.UserDetailList, groups: a.details.GroupDetailList, roles: a.details.RoleDetailList, policies: a.details.Policies }
    acct.serviceSpecificCredentials = a.credentials.ServiceSpecificCredentials
    acct.samlProviders = a.samlProviders
    acct.oidcProviders = a.oidcProviders
    world.accounts.set(a.id, acct)
  }
  const org: FakeOrg = {
    id: spec.id,
    managementAccountId: spec.managementAccountId,
    rootId: spec.rootId,
    scpEnabled: true,
    ous: spec.ous.map((ou) => ({ ...ou })),
    policies: spec.scps.map((p) => ({ id: p.id, name: p.name, awsManaged: p.awsManaged, content: p.content, targets: [...p.targets] })),
  }
  world.org = org
  return org
}
