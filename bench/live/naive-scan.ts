/**
 * Child process of the live benchmark: the naive per-principal collector tagwarden is compared with. For
 * each account: AssumeRole, ListRoles, then per role ListRoleTags, ListRolePolicies, GetRolePolicy (each
 * inline policy), ListAttachedRolePolicies, and GetPolicy + GetPolicyVersion once per distinct attached
 * policy of the account. It reads roles only (no users, groups, boundaries or SCPs), so it is a lower
 * bound of what a per-principal collector costs. Same SDK, retry mode, concurrency and HTTP handler as
 * tagwarden's live scan. Implemented here only: tagwarden never makes these calls.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
} from '@aws-sdk/client-iam'
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import pLimit from 'p-limit'

export interface NaiveChildInput {
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  concurrency: number
  /** Read only the first N member accounts (the strategy is slow by design). */
  accounts: number
  managementAccountId: string
}

export interface NaiveChildReport {
  wallSeconds: number
  accounts: number
  roles: number
  calls: Record<string, number>
  retries: number
  totalCalls: number
  callsPerAccount: { min: number; max: number; mean: number }
  failures: number
}

const input = JSON.parse(process.argv[2] ?? '{}') as NaiveChildInput
const handler = new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 60_000 })
const common = { region: 'us-east-1', endpoint: input.endpoint, requestHandler: handler, maxAttempts: 5, retryMode: 'adaptive' as const }
const base = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey }

const calls: Record<string, number> = {}
let retries = 0
let failures = 0

/** One SDK call, counted like tagwarden's live counter: one call per operation, retries apart. */
async function call<T>(op: string, send: () => Promise<T>, perAccount: { n: number }): Promise<T> {
  calls[op] = (calls[op] ?? 0) + 1
  perAccount.n++
  try {
    const out = await send()
    retries += ((out as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) - 1
    return out
  } catch (e) {
    retries += ((e as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) - 1
    failures++
    throw e
  }
}

async function allPages<T extends { IsTruncated?: boolean; Marker?: string }>(fetch: (marker?: string) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  let marker: string | undefined
  do {
    const page = await fetch(marker)
    out.push(page)
    marker = page.IsTruncated ? page.Marker : undefined
  } while (marker)
  return out
}

async function readAccount(accountId: string): Promise<{ roles: number; calls: number }> {
  const counted = { n: 0 }
  const sts = new STSClient({ ...common, credentials: base })
  const assumed = await call('sts:AssumeRole', () => sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'naive-bench' })), counted)
  const c = assumed.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials')
  const iam = new IAMClient({ ...common, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } })
  const pages = await allPages((Marker) => call('iam:ListRoles', () => iam.send(new ListRolesCommand({ MaxItems: 1000, Marker })), counted))
  const roles = pages.flatMap((p) => p.Roles ?? [])
  const documents = new Map<string, string | undefined>()
  for (const role of roles) {
    const RoleName = role.RoleName
    await allPages((Marker) => call('iam:ListRoleTags', () => iam.send(new ListRoleTagsCommand({ RoleName, Marker })), counted))
    const inline = await allPages((Marker) => call('iam:ListRolePolicies', () => iam.send(new ListRolePoliciesCommand({ RoleName, Marker })), counted))
    for (const PolicyName of inline.flatMap((p) => p.PolicyNames ?? [])) {
      await call('iam:GetRolePolicy', () => iam.send(new GetRolePolicyCommand({ RoleName, PolicyName })), counted)
    }
    const attached = await allPages((Marker) => call('iam:ListAttachedRolePolicies', () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker })), counted))
    for (const a of attached.flatMap((p) => p.AttachedPolicies ?? [])) {
      const PolicyArn = a.PolicyArn
      if (!PolicyArn || documents.has(PolicyArn)) continue
      const policy = await call('iam:GetPolicy', () => iam.send(new GetPolicyCommand({ PolicyArn })), counted)
      const VersionId = policy.Policy?.DefaultVersionId
      const version = await call('iam:GetPolicyVersion', () => iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId })), counted)
      documents.set(PolicyArn, version.PolicyVersion?.Document)
    }
  }
  return { roles: roles.length, calls: counted.n }
}

const started = performance.now()
const org = new OrganizationsClient({ ...common, credentials: base })
const orgCalls = { n: 0 }
const accountIds: string[] = []
let NextToken: string | undefined
do {
  const page = await call('organizations:ListAccounts', () => org.send(new ListAccountsCommand({ NextToken })), orgCalls)
  for (const a of page.Accounts ?? []) if (a.Id && a.Id !== input.managementAccountId) accountIds.push(a.Id)
  NextToken = page.NextToken
} while (NextToken)
const sample = accountIds.sort().slice(0, input.accounts)
const limit = pLimit(input.concurrency)
// An account whose calls still fail after the retries is left out of the per-account figures (`failures` counts it).
const settled = await Promise.all(sample.map((id) => limit(() => readAccount(id).catch(() => undefined))))
const results = settled.filter((r): r is { roles: number; calls: number } => r !== undefined)
const wallSeconds = (performance.now() - started) / 1000
handler.destroy()
const per = results.map((r) => r.calls)
const out: NaiveChildReport = {
  wallSeconds,
  accounts: results.length,
  roles: results.reduce((n, r) => n + r.roles, 0),
  calls,
  retries,
  totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
  callsPerAccount: { min: Math.min(...per), max: Math.max(...per), mean: per.reduce((a, b) => a + b, 0) / Math.max(1, per.length) },
  failures,
}
process.stdout.write(`${JSON.stringify(out)}\n`)
