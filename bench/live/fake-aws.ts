/**
 * The test suite's fake AWS (test/support/aws-server), set up for the live benchmark: every call answers
 * after a fixed latency, a seeded fraction answers a throttling error instead (the SDK retries those with
 * back-off), and IAM also answers the per-principal listing calls a naive collector would make (which
 * tagwarden never calls). Nothing in test/support changes: the services are wrapped copies.
 */
import { iamService, encodeDocument } from '../../test/support/aws-server/services/iam.js'
import { organizationsService } from '../../test/support/aws-server/services/organizations.js'
import { stsService } from '../../test/support/aws-server/services/sts.js'
import {
  AwsFault,
  page,
  startAwsServer,
  type AwsServer,
  type FakeAccount,
  type Json,
  type OperationHandler,
  type Params,
  type ServiceDefinition,
  type World,
} from '../../test/support/aws-server/index.js'
import { rng } from '../synthetic-org.js'

export interface FakeAwsOptions {
  /** Added to every call before it is answered. */
  latencyMs: number
  /** Fraction of calls (0..1) answered with a throttling error instead. */
  throttleRate: number
  seed?: number
}

export interface BenchAws {
  server: AwsServer
  /** Calls answered with a throttling error so far. */
  throttled(): number
  close(): Promise<void>
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

// -------------------------------------------------------------------------------------------------------
// The per-principal IAM operations (naive strategy only)
// -------------------------------------------------------------------------------------------------------

function accountOf(ctx: { account: FakeAccount | undefined; caller: { accountId: string } }): FakeAccount {
  if (!ctx.account) throw new AwsFault('AccessDenied', `account ${ctx.caller.accountId} has no IAM data in this fake`, 403)
  return ctx.account
}

const roleIndex = new WeakMap<FakeAccount, Map<string, Json>>()
const policyIndex = new WeakMap<FakeAccount, Map<string, Json>>()

function roleNamed(acct: FakeAccount, name: unknown): Json {
  let idx = roleIndex.get(acct)
  if (!idx) roleIndex.set(acct, (idx = new Map(acct.iam.roles.map((r) => [String(r.RoleName), r]))))
  const role = idx.get(String(name))
  if (!role) throw new AwsFault('NoSuchEntity', `The role with name ${String(name)} cannot be found.`, 404)
  return role
}

function policyWithArn(acct: FakeAccount, arn: unknown): Json {
  let idx = policyIndex.get(acct)
  if (!idx) policyIndex.set(acct, (idx = new Map(acct.iam.policies.map((p) => [String(p.Arn), p]))))
  const p = idx.get(String(arn))
  if (!p) throw new AwsFault('NoSuchEntity', `Policy ${String(arn)} was not found.`, 404)
  return p
}

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : [])
const date = (v: unknown): Date | undefined => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : undefined)

function iamPage<T>(items: readonly T[], params: Params): { items: T[]; extra: Json } {
  const pg = page(items, { token: params.Marker, size: params.MaxItems, defaultSize: 100, maxSize: 1000, tokenError: 'InvalidInput' })
  return { items: pg.items, extra: pg.next ? { IsTruncated: true, Marker: pg.next } : { IsTruncated: false } }
}

export const naiveIamHandlers: Record<string, OperationHandler> = {
  ListRoles: (params, ctx) => {
    const pg = iamPage(accountOf(ctx).iam.roles, params)
    // ListRoles leaves out tags, boundaries and last use: a naive collector needs more calls for those.
    const Roles = pg.items.map((r) => ({
      Path: r.Path,
      RoleName: r.RoleName,
      RoleId: r.RoleId,
      Arn: r.Arn,
      CreateDate: date(r.CreateDate),
      AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
      MaxSessionDuration: 3600,
    }))
    return { Roles, ...pg.extra }
  },
  ListRoleTags: (params, ctx) => {
    const pg = iamPage(list(roleNamed(accountOf(ctx), params.RoleName).Tags), params)
    return { Tags: pg.items, ...pg.extra }
  },
  ListRolePolicies: (params, ctx) => {
    const pg = iamPage(list(roleNamed(accountOf(ctx), params.RoleName).RolePolicyList), params)
    return { PolicyNames: pg.items.map((p) => p.PolicyName), ...pg.extra }
  },
  GetRolePolicy: (params, ctx) => {
    const role = roleNamed(accountOf(ctx), params.RoleName)
    const p = list(role.RolePolicyList).find((x) => x.PolicyName === params.PolicyName)
    if (!p) throw new AwsFault('NoSuchEntity', `The role policy with name ${String(params.PolicyName)} cannot be found.`, 404)
    return { RoleName: role.RoleName, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.PolicyDocument) }
  },
  ListAttachedRolePolicies: (params, ctx) => {
    const pg = iamPage(list(roleNamed(accountOf(ctx), params.RoleName).AttachedManagedPolicies), params)
    return { AttachedPolicies: pg.items, ...pg.extra }
  },
  GetPolicy: (params, ctx) => {
    const p = policyWithArn(accountOf(ctx), params.PolicyArn)
    const { PolicyVersionList: _versions, CreateDate, UpdateDate, ...rest } = p
    return { Policy: { ...rest, CreateDate: date(CreateDate), UpdateDate: date(UpdateDate) } }
  },
  GetPolicyVersion: (params, ctx) => {
    const p = policyWithArn(accountOf(ctx), params.PolicyArn)
    const v = list(p.PolicyVersionList).find((x) => x.VersionId === params.VersionId)
    if (!v) throw new AwsFault('NoSuchEntity', `Policy ${String(params.PolicyArn)} version ${String(params.VersionId)} does not exist.`, 404)
    return { PolicyVersion: { Document: encodeDocument(v.Document), VersionId: v.VersionId, IsDefaultVersion: v.IsDefaultVersion, CreateDate: date(v.CreateDate) } }
  },
}

// -------------------------------------------------------------------------------------------------------
// Latency and throttling
// -------------------------------------------------------------------------------------------------------

const THROTTLE_CODE: Record<string, string> = { iam: 'Throttling', sts: 'Throttling', organizations: 'TooManyRequestsException' }

export async function startBenchAws(world: World, o: FakeAwsOptions): Promise<BenchAws> {
  const random = rng(o.seed ?? 7)
  let throttled = 0
  const slow = (def: ServiceDefinition, extra: Record<string, OperationHandler> = {}): ServiceDefinition => {
    const handlers: Record<string, OperationHandler> = {}
    for (const [op, h] of Object.entries({ ...def.handlers, ...extra })) {
      handlers[op] = async (params, ctx) => {
        await sleep(o.latencyMs)
        if (random() < o.throttleRate) {
          throttled++
          throw new AwsFault(THROTTLE_CODE[def.signingName] ?? 'Throttling', 'Rate exceeded', 400)
        }
        return h(params, ctx)
      }
    }
    return { ...def, handlers }
  }
  // Same signing names as the defaults: these replace them.
  const server = await startAwsServer(world, { services: [slow(iamService, naiveIamHandlers), slow(stsService), slow(organizationsService)] })
  return { server, throttled: () => throttled, close: () => server.close() }
}
