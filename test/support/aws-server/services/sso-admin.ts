/**
 * IAM Identity Center admin API (awsJson1_1, `X-Amz-Target: SWBExternalService.<Op>`, signing name `sso`):
 * instances per Region, attributes for access control, permission sets with their policies and the accounts
 * they are provisioned to. Real paging (small page sizes on request), AccessDeniedException for accounts
 * not allowed to read Identity Center, ResourceNotFoundException where AWS answers it (ABAC never enabled,
 * no permissions boundary, unknown instance or permission set).
 *
 * Part of the default service set; the data is `world.identityCenter` (absent: no instance anywhere, as for
 * an account that never enabled Identity Center).
 */
import type { CallContext, OperationHandler, ServiceDefinition } from '../index.js'
import { page } from '../paginate.js'
import { AwsFault, json11Protocol, type Params } from '../protocols.js'
import type { FakeIdentityCenter, FakeIdentityCenterInstance, FakePermissionSet } from '../world.js'

const TARGET_PREFIX = 'SWBExternalService'

function partitionOf(ctx: CallContext): string {
  return ctx.world.partition
}

const instanceArn = (ctx: CallContext, i: FakeIdentityCenterInstance): string => `arn:${partitionOf(ctx)}:sso:::instance/${i.id}`
const psArn = (ctx: CallContext, i: FakeIdentityCenterInstance, p: FakePermissionSet): string => `arn:${partitionOf(ctx)}:sso:::permissionSet/${i.id}/${p.id}`

const NONE: FakeIdentityCenter = { instances: [], adminAccounts: [] }

function build(): ServiceDefinition {
  const fakeOf = (ctx: CallContext): FakeIdentityCenter => ctx.world.identityCenter ?? NONE
  const allow = (ctx: CallContext): void => {
    const id = ctx.account?.id
    // Without Identity Center anywhere, ListInstances simply lists nothing (an account that never enabled it).
    if (!ctx.world.identityCenter && ctx.operation === 'ListInstances') return
    if (!id || !fakeOf(ctx).adminAccounts.includes(id)) {
      throw new AwsFault('AccessDeniedException', `User: ${ctx.caller.arn} is not authorized to perform: sso:${ctx.operation}`)
    }
  }
  const visible = (ctx: CallContext): FakeIdentityCenterInstance[] =>
    fakeOf(ctx).instances.filter((i) => i.region === ctx.region && (i.ownerAccountId === ctx.account?.id || fakeOf(ctx).adminAccounts.includes(ctx.account?.id ?? '')))
  const instanceOf = (params: Params, ctx: CallContext): FakeIdentityCenterInstance => {
    const arn = params.InstanceArn
    if (typeof arn !== 'string' || arn === '') throw new AwsFault('ValidationException', 'InstanceArn is required')
    const i = visible(ctx).find((x) => instanceArn(ctx, x) === arn)
    if (!i) throw new AwsFault('ResourceNotFoundException', `Instance ${arn} not found`)
    return i
  }
  const psOf = (params: Params, ctx: CallContext): { i: FakeIdentityCenterInstance; p: FakePermissionSet } => {
    const i = instanceOf(params, ctx)
    const p = i.permissionSets.find((x) => psArn(ctx, i, x) === params.PermissionSetArn)
    if (!p) throw new AwsFault('ResourceNotFoundException', `PermissionSet ${String(params.PermissionSetArn)} not found`)
    return { i, p }
  }
  const paged = <T>(items: readonly T[], params: Params, ctx: CallContext): { items: T[]; next?: string } =>
    page(items, { token: params.NextToken, size: fakeOf(ctx).pageSize ?? params.MaxResults, defaultSize: 100, maxSize: 100, tokenError: 'ValidationException' })
  const withToken = (next: string | undefined): { NextToken?: string } => (next ? { NextToken: next } : {})

  const handlers: Record<string, OperationHandler> = {
    ListInstances: (params, ctx) => {
      allow(ctx)
      const r = paged(visible(ctx), params, ctx)
      return {
        Instances: r.items.map((i) => ({
          InstanceArn: instanceArn(ctx, i),
          IdentityStoreId: i.identityStoreId ?? `d-${i.id.slice(7, 17)}`,
          OwnerAccountId: i.ownerAccountId,
          ...(i.name ? { Name: i.name } : {}),
          CreatedDate: new Date('2024-01-15T10:00:00Z'),
          Status: 'ACTIVE',
        })),
        ...withToken(r.next),
      }
    },
    DescribeInstanceAccessControlAttributeConfiguration: (params, ctx) => {
      allow(ctx)
      const i = instanceOf(params, ctx)
      if (!i.abac) throw new AwsFault('ResourceNotFoundException', 'The instance has no attribute-based access control configuration')
      return {
        Status: i.abac.status ?? 'ENABLED',
        InstanceAccessControlAttributeConfiguration: {
          AccessControlAttributes: i.abac.attributes.map((a) => ({ Key: a.key, Value: { Source: a.sources } })),
        },
      }
    },
    ListPermissionSets: (params, ctx) => {
      allow(ctx)
      const i = instanceOf(params, ctx)
      const r = paged(i.permissionSets, params, ctx)
      return { PermissionSets: r.items.map((p) => psArn(ctx, i, p)), ...withToken(r.next) }
    },
    DescribePermissionSet: (params, ctx) => {
      allow(ctx)
      const { i, p } = psOf(params, ctx)
      return {
        PermissionSet: {
          Name: p.name,
          PermissionSetArn: psArn(ctx, i, p),
          ...(p.description ? { Description: p.description } : {}),
          CreatedDate: new Date('2024-02-01T09:00:00Z'),
          SessionDuration: 'PT8H',
        },
      }
    },
    ListManagedPoliciesInPermissionSet: (params, ctx) => {
      allow(ctx)
      const { p } = psOf(params, ctx)
      const r = paged(p.managedPolicyArns ?? [], params, ctx)
      return { AttachedManagedPolicies: r.items.map((arn) => ({ Name: arn.split('/').pop(), Arn: arn })), ...withToken(r.next) }
    },
    GetInlinePolicyForPermissionSet: (params, ctx) => {
      allow(ctx)
      const { p } = psOf(params, ctx)
      const doc = p.inlinePolicy
      return { InlinePolicy: doc === undefined ? '' : typeof doc === 'string' ? doc : JSON.stringify(doc) }
    },
    ListCustomerManagedPolicyReferencesInPermissionSet: (params, ctx) => {
      allow(ctx)
      const { p } = psOf(params, ctx)
      const r = paged(p.customerManagedPolicyRefs ?? [], params, ctx)
      return { CustomerManagedPolicyReferences: r.items, ...withToken(r.next) }
    },
    GetPermissionsBoundaryForPermissionSet: (params, ctx) => {
      allow(ctx)
      const { p } = psOf(params, ctx)
      if (!p.boundary) throw new AwsFault('ResourceNotFoundException', 'The permission set has no permissions boundary')
      return { PermissionsBoundary: p.boundary }
    },
    ListAccountsForProvisionedPermissionSet: (params, ctx) => {
      allow(ctx)
      const { p } = psOf(params, ctx)
      const r = paged(p.provisionedAccounts ?? [], params, ctx)
      return { AccountIds: r.items, ...withToken(r.next) }
    },
    ListAccountAssignments: (params, ctx) => {
      allow(ctx)
      const { i, p } = psOf(params, ctx)
      const r = paged((p.assignments ?? []).filter((a) => a.accountId === params.AccountId), params, ctx)
      return {
        AccountAssignments: r.items.map((a) => ({ AccountId: a.accountId, PermissionSetArn: psArn(ctx, i, p), PrincipalType: a.principalType, PrincipalId: a.principalId })),
        ...withToken(r.next),
      }
    },
  }
  return {
    signingName: 'sso',
    protocol: json11Protocol({ targetPrefix: TARGET_PREFIX }),
    accessDeniedCode: 'AccessDeniedException',
    invalidTokenCode: 'UnrecognizedClientException',
    expiredTokenCode: 'ExpiredTokenException',
    handlers,
  }
}

export const ssoAdminService: ServiceDefinition = build()
