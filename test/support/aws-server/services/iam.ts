/** IAM (awsQuery, version 2010-05-08): the read operations tagwarden uses, with real Marker/MaxItems paging. */
import { randomUUID } from 'node:crypto'
import type { AwsServer, OperationHandler, ServiceDefinition } from '../index.js'
import { AwsFault, queryList, queryProtocol, type Params } from '../protocols.js'
import { page } from '../paginate.js'
import type { FakeAccount, FakeServiceLastAccessed, Json } from '../world.js'

/** The IAM API returns every policy document URL-encoded (RFC 3986). */
export function encodeDocument(doc: unknown): unknown {
  if (doc === undefined || doc === null) return doc
  if (typeof doc === 'string') return /^\s*[{[]/.test(doc) ? encodeURIComponent(doc) : doc
  return encodeURIComponent(JSON.stringify(doc))
}

const DATE_KEYS = new Set(['CreateDate', 'UpdateDate', 'LastUsedDate', 'ExpirationDate', 'ValidUntil'])

/** Deep copy with documents encoded and timestamps as Dates (printed the way AWS prints them). */
function wireForm(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => wireForm(v))
  if (value && typeof value === 'object') {
    const out: Json = {}
    for (const [k, v] of Object.entries(value as Json)) {
      if (k === 'AssumeRolePolicyDocument' || k === 'PolicyDocument' || k === 'Document') out[k] = encodeDocument(v)
      else out[k] = wireForm(v, k)
    }
    return out
  }
  if (DATE_KEYS.has(key) && typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value)
  return value
}

/** MaxItems as IAM applies it: the request's value, possibly lowered by the world's cap. */
function pageSize(params: Params, ctx: { world: { iamMaxPageSize?: number } }): unknown {
  const asked = params.MaxItems === undefined ? 100 : Number(params.MaxItems)
  const cap = ctx.world.iamMaxPageSize
  return cap !== undefined && asked > cap ? cap : params.MaxItems
}

function accountOf(ctx: { account: FakeAccount | undefined; caller: { accountId: string } }): FakeAccount {
  if (!ctx.account) throw new AwsFault('AccessDenied', `account ${ctx.caller.accountId} has no IAM data in this fake`, 403)
  return ctx.account
}

const LISTS = [
  ['UserDetailList', 'User', 'users'],
  ['GroupDetailList', 'Group', 'groups'],
  ['RoleDetailList', 'Role', 'roles'],
] as const

const getAccountAuthorizationDetails: OperationHandler = (params: Params, ctx) => {
  const acct = accountOf(ctx)
  const filter = new Set(queryList(params, 'Filter'))
  const want = (f: string): boolean => filter.size === 0 || filter.has(f)
  const entries: Array<{ list: string; item: Json }> = []
  for (const [list, f, key] of LISTS) if (want(f)) for (const item of acct.iam[key]) entries.push({ list, item })
  for (const p of acct.iam.policies) {
    const aws = String(p.Arn ?? '').includes(':iam::aws:policy/')
    if (want(aws ? 'AWSManagedPolicy' : 'LocalManagedPolicy')) entries.push({ list: 'Policies', item: p })
  }
  const pg = page(entries, { token: params.Marker, size: pageSize(params, ctx), defaultSize: 100, maxSize: 1000, tokenError: 'InvalidInput' })
  const out: Json = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }
  for (const e of pg.items) (out[e.list] as unknown[]).push(wireForm(e.item))
  out.IsTruncated = pg.next !== undefined
  if (pg.next) out.Marker = pg.next
  return out
}

const listServiceSpecificCredentials: OperationHandler = (params, ctx) => {
  const acct = accountOf(ctx)
  const all = params.AllUsers === 'true'
  if (all && params.UserName !== undefined) throw new AwsFault('InvalidInput', 'AllUsers cannot be specified together with UserName')
  let creds = acct.serviceSpecificCredentials
  if (params.ServiceName !== undefined) creds = creds.filter((c) => c.ServiceName === params.ServiceName)
  if (!all) {
    const user = params.UserName ?? ctx.caller.arn.split('/').pop()
    creds = creds.filter((c) => c.UserName === user)
  }
  const pg = page(creds, { token: params.Marker, size: pageSize(params, ctx), defaultSize: 100, maxSize: 1000, tokenError: 'InvalidInput' })
  const out: Json = { ServiceSpecificCredentials: pg.items.map((c) => wireForm(c)), IsTruncated: pg.next !== undefined }
  if (pg.next) out.Marker = pg.next
  return out
}

// ---------------------------------------------------------------------------------------------
// IAM Access Advisor: a report job per request, polled until it completes.

interface AccessAdvisorJob {
  accountId: string
  jobType: string
  created: Date
  completed?: Date
  polls: number
  /** What the report will list, read when the job was generated (sorted by namespace, as IAM sorts it). */
  services: Json[]
}

/** Jobs live as long as their server; each server (test) has its own. */
const accessAdvisorJobs = new WeakMap<AwsServer, Map<string, AccessAdvisorJob>>()

function jobsOf(server: AwsServer): Map<string, AccessAdvisorJob> {
  let jobs = accessAdvisorJobs.get(server)
  if (!jobs) accessAdvisorJobs.set(server, (jobs = new Map()))
  return jobs
}

const ENTITY_ARN_RE = /^arn:[\w-]+:iam::(\d{12}|aws):(user|role|group|policy)\/.+$/

function serviceLastAccessed(s: FakeServiceLastAccessed, entityArn: string): Json {
  const used = s.LastAuthenticated !== undefined
  const out: Json = { ServiceName: s.ServiceName ?? s.ServiceNamespace, ServiceNamespace: s.ServiceNamespace }
  if (used) {
    out.LastAuthenticated = new Date(s.LastAuthenticated!)
    out.LastAuthenticatedEntity = s.LastAuthenticatedEntity ?? entityArn
    if (s.LastAuthenticatedRegion !== undefined) out.LastAuthenticatedRegion = s.LastAuthenticatedRegion
  }
  out.TotalAuthenticatedEntities = s.TotalAuthenticatedEntities ?? (used ? 1 : 0)
  return out
}

const generateServiceLastAccessedDetails: OperationHandler = (params, ctx) => {
  const acct = accountOf(ctx)
  const arn = typeof params.Arn === 'string' ? params.Arn : ''
  const m = ENTITY_ARN_RE.exec(arn)
  if (!m) throw new AwsFault('InvalidInput', `ARN ${arn} is not valid.`)
  const granularity = params.Granularity === undefined ? 'SERVICE_LEVEL' : String(params.Granularity)
  if (granularity !== 'SERVICE_LEVEL' && granularity !== 'ACTION_LEVEL') throw new AwsFault('InvalidInput', `Granularity ${granularity} is not valid.`)
  const entities = [...acct.iam.users, ...acct.iam.roles, ...acct.iam.groups, ...acct.iam.policies]
  if ((m[1] !== 'aws' && m[1] !== acct.id) || !entities.some((e) => e.Arn === arn)) throw new AwsFault('NoSuchEntity', `The entity ${arn} cannot be found.`, 404)
  const services = [...(acct.lastAccessed?.[arn] ?? [])]
    .sort((a, b) => a.ServiceNamespace.localeCompare(b.ServiceNamespace))
    .map((s) => serviceLastAccessed(s, arn))
  const jobId = randomUUID()
  jobsOf(ctx.server).set(jobId, { accountId: acct.id, jobType: granularity, created: new Date(), polls: 0, services })
  return { JobId: jobId }
}

const getServiceLastAccessedDetails: OperationHandler = (params, ctx) => {
  const acct = accountOf(ctx)
  const job = jobsOf(ctx.server).get(String(params.JobId ?? ''))
  // A job is visible only to the account that generated it.
  if (!job || job.accountId !== acct.id) throw new AwsFault('NoSuchEntity', `No report job with ID ${String(params.JobId)} exists.`, 404)
  job.polls++
  if (job.polls <= (ctx.world.accessAdvisorPendingPolls ?? 1)) {
    // Still running: no completion date and no services yet.
    return { JobStatus: 'IN_PROGRESS', JobType: job.jobType, JobCreationDate: job.created, ServicesLastAccessed: [], IsTruncated: false }
  }
  job.completed ??= new Date(Math.max(Date.now(), job.created.getTime() + 1))
  const pg = page(job.services, { token: params.Marker, size: pageSize(params, ctx), defaultSize: 100, maxSize: 1000, tokenError: 'InvalidInput' })
  const out: Json = {
    JobStatus: 'COMPLETED',
    JobType: job.jobType,
    JobCreationDate: job.created,
    ServicesLastAccessed: pg.items,
    JobCompletionDate: job.completed,
    IsTruncated: pg.next !== undefined,
  }
  if (pg.next) out.Marker = pg.next
  return out
}

export const iamHandlers: Record<string, OperationHandler> = {
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
  ListServiceSpecificCredentials: listServiceSpecificCredentials,
  GenerateServiceLastAccessedDetails: generateServiceLastAccessedDetails,
  GetServiceLastAccessedDetails: getServiceLastAccessedDetails,
  ListSAMLProviders: (_p, ctx) => ({ SAMLProviderList: accountOf(ctx).samlProviders.map((p) => wireForm(p)) }),
  ListOpenIDConnectProviders: (_p, ctx) => ({ OpenIDConnectProviderList: accountOf(ctx).oidcProviders.map((p) => wireForm(p)) }),
}

export const iamService: ServiceDefinition = {
  signingName: 'iam',
  protocol: queryProtocol({ xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/' }),
  accessDeniedCode: 'AccessDenied',
  invalidTokenCode: 'InvalidClientTokenId',
  expiredTokenCode: 'ExpiredToken',
  handlers: iamHandlers,
}
