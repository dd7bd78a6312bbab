/**
 * Permission sets joined to their roles. Identity Center provisions a permission set into each assigned
 * account as the role `AWSReservedSSO_<PermissionSetName>_<16 hex>` under `/aws-reserved/sso.amazonaws.com/`
 * (or `/aws-reserved/sso.amazonaws.com/<region>/`), so a role joins its permission set by name.
 *
 * Bedrock capability is what the role's IAM says in every scanned account; for accounts it is provisioned
 * to that were not scanned (and when the provisioned accounts were not captured, and in IaC), it is what the
 * permission set's own policies say: inline, AWS managed (bundled catalog) and an AWS managed boundary.
 * Customer managed policy references cannot be resolved without the account: a note says so.
 */
import type { PrincipalFacts } from './facts.js'
import { evaluateBedrockCapability, type PolicyEvalCache } from '../iam/capability.js'
import type { BedrockCapability } from '../iam/capability-types.js'
import { lookupAwsManagedPolicy } from '../iam/managed-policy-catalog.js'
import type { IcInstance, IcPermissionSet, IdentityCenterData } from '../model/identity-center.js'
import type { AttachedPolicy } from '../model/policy.js'

const PS_ROLE_RE = /^AWSReservedSSO_(.+)_([0-9a-f]{16})$/
const PS_ROLE_PATH_RE = /^\/aws-reserved\/sso\.amazonaws\.com\/([a-z0-9-]+\/)?$/

/** The permission set name of an Identity Center permission-set role, or undefined for any other role. */
export function permissionSetNameOfRole(name: string, path: string): string | undefined {
  if (!PS_ROLE_PATH_RE.test(path)) return undefined
  return PS_ROLE_RE.exec(name)?.[1]
}

export function isPermissionSetRole(p: { kind: string; name: string; path: string }): boolean {
  return p.kind === 'role' && permissionSetNameOfRole(p.name, p.path) !== undefined
}

export interface PermissionSetView {
  instance: IcInstance
  permissionSet: IcPermissionSet
  /** Its roles among the kept (Bedrock-capable) principals of the scanned accounts. */
  roles: PrincipalFacts[]
  /** Accounts it is provisioned to (or where a role of it was found), sorted. */
  accounts: string[]
  /** Provisioned accounts that were not scanned: their capability comes from the permission set's own policies. */
  unscannedAccounts: string[]
  capable: boolean
  /** How capability was decided. */
  capabilityFrom: 'roles' | 'permission-set' | 'none'
  /** The permission set's own policies' capability, when they were evaluated. */
  ownCapability?: BedrockCapability
  notes: string[]
}

/** The permission set's own policies, as a principal's: inline + AWS managed, an AWS managed boundary. */
export function permissionSetCapability(ps: IcPermissionSet, actions: readonly string[], cache?: PolicyEvalCache): { capability: BedrockCapability; notes: string[] } {
  const notes: string[] = []
  const identity: AttachedPolicy[] = []
  if (ps.inlinePolicy) identity.push({ source: { kind: 'inline', name: `${ps.name} (permission set inline policy)` }, document: ps.inlinePolicy })
  for (const arn of ps.managedPolicyArns) {
    const cat = lookupAwsManagedPolicy(arn)
    if (cat) identity.push({ source: { kind: 'managed', name: cat.name, arn }, document: cat.document })
    else notes.push(`managed policy ${arn} of permission set ${ps.name} is not in tagwarden's catalog of AWS managed policies; evaluated without it`)
  }
  for (const ref of ps.customerManagedPolicyRefs) {
    notes.push(
      `customer managed policy ${ref.path}${ref.name} of permission set ${ps.name} is resolved in each account it is provisioned to; ` +
        'where that account was not scanned it was not evaluated',
    )
  }
  let boundary: AttachedPolicy | undefined
  if (ps.boundary?.managedPolicyArn) {
    const cat = lookupAwsManagedPolicy(ps.boundary.managedPolicyArn)
    if (cat) boundary = { source: { kind: 'boundary', name: cat.name, arn: cat.arn }, document: cat.document }
    else notes.push(`permissions boundary ${ps.boundary.managedPolicyArn} of permission set ${ps.name} is unknown; evaluated without it`)
  } else if (ps.boundary?.customerManagedPolicyReference) {
    const r = ps.boundary.customerManagedPolicyReference
    notes.push(`permissions boundary ${r.path}${r.name} of permission set ${ps.name} (customer managed) was not evaluated`)
  }
  for (const part of ps.notCaptured) notes.push(`permission set ${ps.name}: ${part}`)
  const capability = evaluateBedrockCapability({ identity, ...(boundary ? { boundary } : {}) }, actions, cache)
  return { capability, notes }
}

/**
 * Every permission set of every instance with its roles and its Bedrock capability. `facts` are the kept
 * principals (only Bedrock-capable roles are kept), `scannedAccounts` the accounts whose IAM was read.
 */
export function joinPermissionSets(
  data: IdentityCenterData,
  facts: readonly PrincipalFacts[],
  scannedAccounts: ReadonlySet<string>,
  actions: readonly string[],
  cache?: PolicyEvalCache,
): PermissionSetView[] {
  const rolesByName = new Map<string, PrincipalFacts[]>()
  for (const f of facts) {
    if (f.kind !== 'role') continue
    const ps = permissionSetNameOfRole(f.name, f.path)
    if (ps === undefined) continue
    rolesByName.set(ps, [...(rolesByName.get(ps) ?? []), f])
  }
  // A name shared by permission sets of several instances: the provisioned accounts decide, else both get it.
  const instancesByName = new Map<string, number>()
  for (const i of data.instances) for (const ps of i.permissionSets) instancesByName.set(ps.name, (instancesByName.get(ps.name) ?? 0) + 1)
  const views: PermissionSetView[] = []
  for (const instance of data.instances) {
    for (const ps of instance.permissionSets) {
      let roles = rolesByName.get(ps.name) ?? []
      if ((instancesByName.get(ps.name) ?? 0) > 1 && ps.provisionedAccounts) {
        const prov = new Set(ps.provisionedAccounts)
        roles = roles.filter((r) => prov.has(r.accountId))
      }
      const accounts = [...new Set([...(ps.provisionedAccounts ?? []), ...roles.map((r) => r.accountId)])].sort()
      const unscannedAccounts = (ps.provisionedAccounts ?? []).filter((a) => !scannedAccounts.has(a)).sort()
      const notes: string[] = []
      const view: PermissionSetView = { instance, permissionSet: ps, roles, accounts, unscannedAccounts, capable: false, capabilityFrom: 'none', notes }
      if (roles.some((r) => r.capability.capable)) {
        view.capable = true
        view.capabilityFrom = 'roles'
      } else if (unscannedAccounts.length > 0 || ps.provisionedAccounts === undefined) {
        // Not provisioned anywhere scanned (or provisioning unknown): the permission set's policies decide.
        const own = permissionSetCapability(ps, actions, cache)
        view.ownCapability = own.capability
        notes.push(...own.notes)
        if (own.capability.capable) {
          view.capable = true
          view.capabilityFrom = 'permission-set'
        }
      }
      views.push(view)
    }
  }
  return views
}
