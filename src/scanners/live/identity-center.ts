/**
 * IAM Identity Center, read live (sso-admin, read-only): the instances visible in one Region, each
 * instance's attributes for access control, and its permission sets with their policies, the accounts
 * they are provisioned to and the users and groups assigned there. Run from the management account or Identity Center's delegated administrator,
 * in the instance's Region (`--sso-region`).
 *
 * An audit role without the sso: actions must keep working: AccessDenied is recorded (the scan says
 * "Identity Center not captured"), never an error that fails the run.
 */
import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import { awsErrorCode, awsErrorMessage } from './errors.js'
import { allPages, jsonShape } from './pages.js'
import type { Redactor } from './redact.js'
import { emptyRawIdentityCenter, type RawError, type RawIdentityCenter, type RawInstance, type RawPermissionSet } from '../identity-center/raw.js'

/** sso-admin list operations accept up to 100 items a page. */
const PAGE_SIZE = 100
/** Per-permission-set reads in flight; sso-admin's rate limits are low. */
const CONCURRENCY = 4

export interface IdentityCenterReadContext {
  region: string
  redactor: Redactor
}

function rawError(e: unknown, redactor: Redactor): RawError {
  return { code: awsErrorCode(e), message: awsErrorMessage(e, redactor) }
}

async function attempt<T>(fn: () => Promise<T>, redactor: Redactor): Promise<{ ok: true; value: T } | { ok: false; error: RawError }> {
  try {
    return { ok: true, value: await fn() }
  } catch (e) {
    return { ok: false, error: rawError(e, redactor) }
  }
}

export async function readIdentityCenter(sso: SSOAdminClient, ctx: IdentityCenterReadContext): Promise<RawIdentityCenter> {
  const raw = emptyRawIdentityCenter(`aws sso-admin (${ctx.region})`, ctx.region)
  const listed = await attempt(
    () => allPages((NextToken) => sso.send(new ListInstancesCommand({ MaxResults: PAGE_SIZE, ...(NextToken ? { NextToken } : {}) })), (p) => p.NextToken),
    ctx.redactor,
  )
  if (!listed.ok) {
    raw.listInstancesError = listed.error
    return raw
  }
  raw.listInstances = listed.value.map(jsonShape)
  const arns = listed.value.flatMap((p) => p.Instances ?? []).flatMap((i) => (i.InstanceArn ? [i.InstanceArn] : []))
  const limit = pLimit(CONCURRENCY)
  for (const instanceArn of arns) raw.instances.push(await readInstance(sso, instanceArn, limit, ctx))
  return raw
}

async function readInstance(sso: SSOAdminClient, InstanceArn: string, limit: ReturnType<typeof pLimit>, ctx: IdentityCenterReadContext): Promise<RawInstance> {
  const inst: RawInstance = { instanceArn: InstanceArn, permissionSets: [] }
  const abac = await attempt(() => sso.send(new DescribeInstanceAccessControlAttributeConfigurationCommand({ InstanceArn })), ctx.redactor)
  if (abac.ok) inst.abac = jsonShape(abac.value)
  else inst.abacError = abac.error
  const sets = await attempt(
    () =>
      allPages(
        (NextToken) => sso.send(new ListPermissionSetsCommand({ InstanceArn, MaxResults: PAGE_SIZE, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.NextToken,
      ),
    ctx.redactor,
  )
  if (!sets.ok) {
    inst.listPermissionSetsError = sets.error
    return inst
  }
  inst.listPermissionSets = sets.value.map(jsonShape)
  const psArns = sets.value.flatMap((p) => p.PermissionSets ?? [])
  inst.permissionSets = await Promise.all(psArns.map((arn) => limit(() => readPermissionSet(sso, InstanceArn, arn, ctx))))
  return inst
}

async function readPermissionSet(sso: SSOAdminClient, InstanceArn: string, PermissionSetArn: string, ctx: IdentityCenterReadContext): Promise<RawPermissionSet> {
  const ps: RawPermissionSet = { permissionSetArn: PermissionSetArn }
  const errors: Record<string, RawError> = {}
  const req = { InstanceArn, PermissionSetArn }
  const one = async <T>(op: string, fn: () => Promise<T>, set: (v: T) => void, notFound?: () => void): Promise<void> => {
    const r = await attempt(fn, ctx.redactor)
    if (r.ok) set(r.value)
    else if (notFound && r.error.code === 'ResourceNotFoundException') notFound()
    else errors[op] = r.error
  }
  const pages = <O extends { NextToken?: string | undefined }>(send: (token: string | undefined) => Promise<O>): Promise<Record<string, unknown>[]> =>
    allPages(send, (p) => p.NextToken).then((ps) => ps.map(jsonShape))
  const token = (NextToken: string | undefined) => (NextToken ? { NextToken } : {})
  await one('DescribePermissionSet', () => sso.send(new DescribePermissionSetCommand(req)), (v) => (ps.describe = jsonShape(v)))
  await one(
    'ListManagedPoliciesInPermissionSet',
    () => pages((t) => sso.send(new ListManagedPoliciesInPermissionSetCommand({ ...req, MaxResults: PAGE_SIZE, ...token(t) }))),
    (v) => (ps.managedPolicies = v),
  )
  await one('GetInlinePolicyForPermissionSet', () => sso.send(new GetInlinePolicyForPermissionSetCommand(req)), (v) => (ps.inlinePolicy = jsonShape(v)))
  await one(
    'ListCustomerManagedPolicyReferencesInPermissionSet',
    () => pages((t) => sso.send(new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ ...req, MaxResults: PAGE_SIZE, ...token(t) }))),
    (v) => (ps.customerManagedPolicyReferences = v),
  )
  await one(
    'GetPermissionsBoundaryForPermissionSet',
    () => sso.send(new GetPermissionsBoundaryForPermissionSetCommand(req)),
    (v) => (ps.permissionsBoundary = jsonShape(v)),
    () => (ps.permissionsBoundary = null),
  )
  let accounts: string[] | undefined
  await one(
    'ListAccountsForProvisionedPermissionSet',
    () => pages((t) => sso.send(new ListAccountsForProvisionedPermissionSetCommand({ ...req, MaxResults: PAGE_SIZE, ...token(t) }))),
    (v) => {
      ps.provisionedAccounts = v
      accounts = v.flatMap((pg) => (Array.isArray(pg.AccountIds) ? pg.AccountIds : [])).filter((a): a is string => typeof a === 'string')
    },
  )
  // Who can reach it: the users and groups assigned in each account it is provisioned to (one call per account).
  const provisioned = accounts
  if (provisioned !== undefined) {
    await one(
      'ListAccountAssignments',
      async () => {
        const all: Record<string, unknown>[] = []
        for (const AccountId of provisioned) all.push(...(await pages((t) => sso.send(new ListAccountAssignmentsCommand({ ...req, AccountId, MaxResults: PAGE_SIZE, ...token(t) })))))
        return all
      },
      (v) => (ps.accountAssignments = v),
    )
  }
  if (Object.keys(errors).length > 0) ps.errors = errors
  return ps
}
