/**
 * AWS Organizations (awsJson1_1, `X-Amz-Target: AWSOrganizationsV20161128.<Op>`): the account list,
 * the OU tree and service control policies, with real NextToken/MaxResults (≤ 20) paging.
 */
import type { CallContext, OperationHandler, ServiceDefinition } from '../index.js'
import { AwsFault, json11Protocol, type Params } from '../protocols.js'
import { page } from '../paginate.js'
import type { FakeAccount, FakeOrg, FakePolicy, World } from '../world.js'

const TARGET_PREFIX = 'AWSOrganizationsV20161128'
const SCP = 'SERVICE_CONTROL_POLICY'

/** The organization, when the caller may read it (management account or a delegated administrator). */
function orgFor(ctx: CallContext): FakeOrg {
  const org = ctx.world.org
  if (!org) throw new AwsFault('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.')
  const allowed = ctx.caller.accountId === org.managementAccountId || (org.delegatedAdmins ?? []).includes(ctx.caller.accountId)
  if (!allowed) {
    throw new AwsFault('AccessDeniedException', 'You don’t have permissions to access this resource.', 400)
  }
  return org
}

function paged<T>(items: readonly T[], params: Params): { items: T[]; next?: string } {
  return page(items, { token: params.NextToken, size: params.MaxResults, defaultSize: 20, maxSize: 20, tokenError: 'InvalidInputException' })
}

function withToken(out: Record<string, unknown>, next: string | undefined): Record<string, unknown> {
  if (next) out.NextToken = next
  return out
}

function accountShape(world: World, org: FakeOrg, a: FakeAccount): Record<string, unknown> {
  const state = a.state ?? 'ACTIVE'
  const out: Record<string, unknown> = {
    Id: a.id,
    Arn: `arn:${world.partition}:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email ?? `aws+${a.id}@example.com`,
    Name: a.name ?? `account-${a.id}`,
    State: state,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: new Date('2022-01-01T00:00:00Z'),
  }
  const status = a.status ?? (['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'].includes(state) ? state : undefined)
  if (status) out.Status = status
  return out
}

function policySummary(world: World, org: FakeOrg, p: FakePolicy): Record<string, unknown> {
  return {
    Id: p.id,
    Arn: `arn:${world.partition}:organizations::${org.managementAccountId}:policy/${org.id}/service_control_policy/${p.id}`,
    Name: p.name,
    Description: p.description ?? '',
    Type: SCP,
    AwsManaged: p.awsManaged ?? false,
  }
}

function targetShape(world: World, org: FakeOrg, id: string): Record<string, unknown> {
  if (id.startsWith('r-')) return { TargetId: id, Arn: `arn:${world.partition}:organizations::${org.managementAccountId}:root/${org.id}/${id}`, Name: 'Root', Type: 'ROOT' }
  const ou = org.ous.find((o) => o.id === id)
  if (ou) return { TargetId: id, Arn: `arn:${world.partition}:organizations::${org.managementAccountId}:ou/${org.id}/${id}`, Name: ou.name, Type: 'ORGANIZATIONAL_UNIT' }
  return { TargetId: id, Arn: `arn:${world.partition}:organizations::${org.managementAccountId}:account/${org.id}/${id}`, Name: `account-${id}`, Type: 'ACCOUNT' }
}

function parentOf(world: World, org: FakeOrg, childId: string): string {
  const ou = org.ous.find((o) => o.id === childId)
  if (ou) return ou.parentId
  const acct = world.accounts.get(childId)
  if (acct) return acct.parentId ?? org.rootId
  throw new AwsFault('ChildNotFoundException', `We can't find an organizational unit (OU) or AWS account with the ChildId that you specified: ${childId}`)
}

function requireScpFilter(params: Params): void {
  if (params.Filter !== SCP) throw new AwsFault('InvalidInputException', `this fake only knows ${SCP} policies, not ${String(params.Filter)}`)
}

export const organizationsHandlers: Record<string, OperationHandler> = {
  DescribeOrganization: (_p, ctx) => {
    const org = ctx.world.org
    if (!org) throw new AwsFault('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.')
    return {
      Organization: {
        Id: org.id,
        Arn: `arn:${ctx.world.partition}:organizations::${org.managementAccountId}:organization/${org.id}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:${ctx.world.partition}:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
        MasterAccountId: org.managementAccountId,
        MasterAccountEmail: `aws+${org.managementAccountId}@example.com`,
      },
    }
  },
  ListAccounts: (params, ctx) => {
    const org = orgFor(ctx)
    const pg = paged([...ctx.world.accounts.values()], params)
    return withToken({ Accounts: pg.items.map((a) => accountShape(ctx.world, org, a)) }, pg.next)
  },
  ListAccountsForParent: (params, ctx) => {
    const org = orgFor(ctx)
    const parent = String(params.ParentId)
    const accounts = [...ctx.world.accounts.values()].filter((a) => (a.parentId ?? org.rootId) === parent)
    const pg = paged(accounts, params)
    return withToken({ Accounts: pg.items.map((a) => accountShape(ctx.world, org, a)) }, pg.next)
  },
  ListRoots: (params, ctx) => {
    const org = orgFor(ctx)
    const root = {
      Id: org.rootId,
      Arn: `arn:${ctx.world.partition}:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`,
      Name: 'Root',
      PolicyTypes: org.scpEnabled ? [{ Type: SCP, Status: 'ENABLED' }] : [],
    }
    const pg = paged([root], params)
    return withToken({ Roots: pg.items }, pg.next)
  },
  ListParents: (params, ctx) => {
    const org = orgFor(ctx)
    const parent = parentOf(ctx.world, org, String(params.ChildId))
    const pg = paged([{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }], params)
    return withToken({ Parents: pg.items }, pg.next)
  },
  ListOrganizationalUnitsForParent: (params, ctx) => {
    const org = orgFor(ctx)
    const ous = org.ous.filter((o) => o.parentId === params.ParentId)
    const pg = paged(ous, params)
    return withToken(
      {
        OrganizationalUnits: pg.items.map((o) => ({
          Id: o.id,
          Arn: `arn:${ctx.world.partition}:organizations::${org.managementAccountId}:ou/${org.id}/${o.id}`,
          Name: o.name,
        })),
      },
      pg.next,
    )
  },
  ListPolicies: (params, ctx) => {
    const org = orgFor(ctx)
    requireScpFilter(params)
    const pg = paged(org.policies, params)
    return withToken({ Policies: pg.items.map((p) => policySummary(ctx.world, org, p)) }, pg.next)
  },
  DescribePolicy: (params, ctx) => {
    const org = orgFor(ctx)
    const p = org.policies.find((x) => x.id === params.PolicyId)
    if (!p) throw new AwsFault('PolicyNotFoundException', `We can't find a policy with the PolicyId that you specified: ${String(params.PolicyId)}`)
    const content = typeof p.content === 'string' ? p.content : JSON.stringify(p.content)
    return { Policy: { PolicySummary: policySummary(ctx.world, org, p), Content: content } }
  },
  ListTargetsForPolicy: (params, ctx) => {
    const org = orgFor(ctx)
    const p = org.policies.find((x) => x.id === params.PolicyId)
    if (!p) throw new AwsFault('PolicyNotFoundException', `We can't find a policy with the PolicyId that you specified: ${String(params.PolicyId)}`)
    const pg = paged(p.targets, params)
    return withToken({ Targets: pg.items.map((t) => targetShape(ctx.world, org, t)) }, pg.next)
  },
}

export const organizationsService: ServiceDefinition = {
  signingName: 'organizations',
  protocol: json11Protocol({ targetPrefix: TARGET_PREFIX }),
  accessDeniedCode: 'AccessDeniedException',
  invalidTokenCode: 'UnrecognizedClientException',
  expiredTokenCode: 'ExpiredTokenException',
  handlers: organizationsHandlers,
}
