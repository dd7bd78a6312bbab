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
import type { NotEvaluatedEntry } from '../model/finding.js'
import type { IcInstance, IcPermissionSet, IdentityCenterData } from '../model/identity-center.js'
import type { AttachedPolicy } from '../model/policy.js'
import type { CurSpendData, PrincipalSpend } from '../spend/cur-model.js'

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
  /** CUR 2.0 spend of its roles' sessions (with --cur): one record per role that was billed. */
  spend?: { roles: PrincipalSpend[]; currency: string; period: CurSpendData['period'] }
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
  // IaC: the policies the same template or plan defines are known; any other reference is not.
  const defined = ps.customerManagedPolicyDocuments
  for (const ref of ps.customerManagedPolicyRefs) {
    const doc = defined?.find((d) => d.name === ref.name && d.path === ref.path)?.document
    if (doc) identity.push({ source: { kind: 'managed', name: `${ref.path}${ref.name} (customer managed)` }, document: doc })
    else if (defined) notes.push(`customer managed policy ${ref.path}${ref.name} of permission set ${ps.name} is not defined in this template or plan, so its document is unknown; it grants nothing here`)
    else {
      notes.push(
        `customer managed policy ${ref.path}${ref.name} of permission set ${ps.name} is resolved in each account it is provisioned to; ` +
          'where that account was not scanned it was not evaluated',
      )
    }
  }
  let boundary: AttachedPolicy | undefined
  if (ps.boundary?.document && ps.boundary.customerManagedPolicyReference) {
    const r = ps.boundary.customerManagedPolicyReference
    boundary = { source: { kind: 'boundary', name: `${r.path}${r.name} (customer managed)` }, document: ps.boundary.document }
  } else if (ps.boundary?.managedPolicyArn) {
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
      // A template's or plan's permission set is judged by its own policies: no role of it is deployed yet.
      let roles = instance.iac ? [] : (rolesByName.get(ps.name) ?? [])
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

/** A permission set in `summary.notEvaluated`: its ARN, or its resource in the template or plan that defines it. */
function where(v: PermissionSetView): Pick<NotEvaluatedEntry, 'file' | 'resource'> {
  const o = v.permissionSet.origin
  if (!v.instance.iac) return { resource: v.permissionSet.arn }
  return { file: o?.file ?? v.instance.iac.file, resource: o?.logicalId ?? o?.address ?? v.permissionSet.arn }
}

export interface IdentityCenterAnalysis {
  views: PermissionSetView[]
  /** Permission-set roles that could not be checked, and why (summary.notEvaluated). */
  notEvaluated: NotEvaluatedEntry[]
}

/**
 * Phase two for Identity Center: join the permission sets (when read) to the kept roles, attach their CUR
 * spend, and say what could not be checked: Bedrock-capable permission-set roles when Identity Center was not
 * captured, roles of no known permission set, instances whose ABAC configuration was not read.
 */
export function analyseIdentityCenter(i: {
  data: IdentityCenterData | undefined
  facts: readonly PrincipalFacts[]
  scannedAccounts: ReadonlySet<string>
  actions: readonly string[]
  cur?: CurSpendData
  cache?: PolicyEvalCache
}): IdentityCenterAnalysis {
  const notEvaluated: NotEvaluatedEntry[] = []
  const capableRoles = i.facts.filter((f) => f.capability.capable && isPermissionSetRole(f))
  if (!i.data || i.data.instances.length === 0) {
    if (capableRoles.length > 0) {
      const reason = i.data?.notCaptured?.reason ?? 'IAM Identity Center was not captured: no `aws sso-admin` outputs among the inputs (README: Identity Center)'
      for (const r of capableRoles) {
        notEvaluated.push({
          file: i.data?.notCaptured?.source ?? 'identity-center',
          resource: r.arn,
          reason: `Bedrock-capable permission-set role: whether its sessions carry the required session tags depends on Identity Center's attributes for access control, which were not read. ${reason}`,
        })
      }
    }
    return { views: [], notEvaluated }
  }
  const views = joinPermissionSets(i.data, i.facts, i.scannedAccounts, i.actions, i.cache)
  if (i.cur) {
    const byRole = new Map(i.cur.principals.filter((p) => p.kind === 'role').map((p) => [`${p.accountId}\u0000${p.name}`, p]))
    for (const v of views) {
      const roles = v.roles.flatMap((r) => byRole.get(`${r.accountId}\u0000${r.name}`) ?? [])
      if (roles.length > 0) v.spend = { roles, currency: i.cur.currency, period: i.cur.period }
    }
  }
  const joined = new Set(views.flatMap((v) => v.roles.map((r) => r.arn)))
  for (const r of capableRoles) {
    if (joined.has(r.arn)) continue
    notEvaluated.push({
      resource: r.arn,
      reason: `Bedrock-capable permission-set role of permission set ${permissionSetNameOfRole(r.name, r.path) ?? '?'}, which none of the Identity Center instances read has (another instance or Region: --sso-region)`,
    })
  }
  for (const v of views) {
    const abac = v.instance.abac
    if (v.capable && abac.state === 'not-captured') {
      notEvaluated.push({ ...where(v), reason: `Bedrock-capable permission set ${v.permissionSet.name}: the attributes for access control of ${v.instance.arn} were not read (${abac.reason})` })
    }
    // What could make a permission set Bedrock-capable but was not evaluated: said only when it is not already flagged.
    if (!v.capable) for (const n of v.notes) notEvaluated.push({ ...where(v), reason: n })
  }
  return { views, notEvaluated }
}
