/**
 * IAM Identity Center in a template or plan: permission sets, with the policies the permission set resource
 * carries itself (CloudFormation) or that attachment resources add (Terraform), and the instance's attributes
 * for access control (ABAC). The handlers (`permission-set.ts`, `permission-set-attachment.ts`,
 * `access-control-attributes.ts`) collect them here; `build` assembles them into the source-neutral
 * `IdentityCenterData` when the graph finishes.
 *
 * A permission set is judged by its own policies (customer managed policies resolved when the same template
 * or plan defines them), against the ABAC configuration of the same template or plan. ABAC defined anywhere
 * else is "not captured" — said in `summary.notEvaluated` by the analysis, never a pass.
 */
import { instanceIdOf, type AbacAttribute, type AbacState, type CustomerManagedPolicyRef, type IcIacSource, type IcInstance, type IcPermissionSet, type IdentityCenterData } from '../../../model/identity-center.js'
import type { ManagedPolicy } from '../../../model/inventory.js'
import { normalisePath, resolveManagedArn } from '../common.js'
import type { IacInventory } from '../model.js'
import { asList, display, hasUnknownPiece, isRecord, isUnknown, type Value } from '../values.js'
import { conditionHolds, type PropertyBag } from './bag.js'

interface PermissionSetNode {
  /** Logical ID or address of the permission set resource. */
  id: string
  instance: string
  ps: IcPermissionSet
  /** The change creates or updates the permission set or something attached to it (Terraform plans). */
  changed: boolean
}

interface AbacNode {
  instance: string
  state: AbacState
  changed: boolean
  resource: NonNullable<IcIacSource['abacResource']>
}

/** An instance ARN as written: the ARN, or `${…}` for what is known only at deploy time. */
function instanceText(v: Value | undefined): string {
  if (v === undefined) return '${InstanceArn}'
  if (isUnknown(v)) return '${' + v.what + '}'
  return typeof v === 'string' ? display(v) : JSON.stringify(v)
}

const isKnownArn = (s: string): boolean => instanceIdOf(s) !== undefined

/** A field of a CloudFormation property (`Name`) or a Terraform block (`name`, a one-element list). */
function field(v: Value | undefined, cfn: string, tf: string): Value | undefined {
  const o = Array.isArray(v) ? v[0] : v
  if (!isRecord(o)) return undefined
  const x = o[cfn] ?? o[tf]
  return x === null ? undefined : x
}

const shown = (v: Value | undefined): string => (isUnknown(v) ? '${' + v.what + '}' : typeof v === 'string' ? display(v) : JSON.stringify(v ?? null))

/** A customer managed policy reference (`{Name, Path}` / `customer_managed_policy_reference {name, path}`), or a note. */
export function policyRef(v: Value, what: string): CustomerManagedPolicyRef | string {
  const name = field(v, 'Name', 'name')
  const path = field(v, 'Path', 'path')
  if (typeof name !== 'string' || hasUnknownPiece(name) || (path !== undefined && path !== '' && (typeof path !== 'string' || hasUnknownPiece(path)))) {
    return `${what} ${isRecord(v) || Array.isArray(v) ? `${shown(path ?? '/')}${shown(name)}` : shown(v)} is known only at deploy time; it grants nothing here`
  }
  return { name, path: normalisePath(typeof path === 'string' && path !== '' ? path : '/') }
}

/** The managed policy a reference names, when the template or plan defines it. */
function definedPolicy(policies: ReadonlyMap<string, ManagedPolicy>, ref: CustomerManagedPolicyRef): ManagedPolicy | undefined {
  const suffix = `:policy${ref.path}${ref.name}`
  for (const p of policies.values()) if (p.arn.endsWith(suffix)) return p
  return undefined
}

/** The attributes of an ABAC configuration (`[{Key, Value: {Source}}]` / `attribute {key, value {source}}`). */
export function abacState(list: Value | undefined, what: string): AbacState {
  if (list === undefined) return { state: 'unusable', why: 'empty', attributes: [] }
  if (isUnknown(list)) return { state: 'not-captured', reason: `${what} (\${${list.what}}) is known only at deploy time` }
  const attributes: AbacAttribute[] = []
  for (const a of asList(list)) {
    const key = field(a, 'Key', 'key')
    if (typeof key !== 'string' || hasUnknownPiece(key)) return { state: 'not-captured', reason: `an attribute key of ${what} (${shown(key)}) is known only at deploy time` }
    const sources = asList(field(field(a, 'Value', 'value'), 'Source', 'source')).map((s) => shown(s))
    attributes.push({ key, sources })
  }
  return attributes.length === 0 ? { state: 'unusable', why: 'empty', attributes } : { state: 'enabled', attributes }
}

export class IacIdentityCenter {
  private readonly sets = new Map<string, PermissionSetNode>()
  private readonly abac: AbacNode[] = []

  /** A permission set resource; its ARN is the real one when known (an existing resource), else one naming the resource. */
  addPermissionSet(bag: PropertyBag, ps: Omit<IcPermissionSet, 'arn' | 'instanceArn'>, instance: Value | undefined, arn: Value | undefined): IcPermissionSet {
    const inst = instanceText(instance)
    const known = typeof arn === 'string' && arn !== '' && !hasUnknownPiece(arn) ? arn : undefined
    const full: IcPermissionSet = { ...ps, arn: known ?? `arn:aws:sso:::permissionSet/${instanceIdOf(inst) ?? 'ssoins-unknown'}/${bag.id}`, instanceArn: inst }
    this.sets.set(bag.id, { id: bag.id, instance: inst, ps: full, changed: bag.changed })
    return full
  }

  /**
   * The permission set an attachment names by `permission_set_arn`: its known ARN, or the reference to a
   * permission set of the same module (`aws_ssoadmin_permission_set.x.arn`); a note says why when neither.
   */
  attachedTo(bag: PropertyBag, v: Value | undefined, type: string): IcPermissionSet | string {
    let node: PermissionSetNode | undefined
    if (typeof v === 'string' && !hasUnknownPiece(v)) node = [...this.sets.values()].find((n) => n.ps.arn === v)
    else if (isUnknown(v)) {
      const ref = v.what.replace(/\.(arn|id)$/, '')
      const at = bag.id.lastIndexOf(`${type}.`)
      node = this.sets.get(ref) ?? (at > 0 ? this.sets.get(`${bag.id.slice(0, at)}${ref}`) : undefined)
    }
    if (!node) {
      const what = shown(v)
      return isUnknown(v) || (typeof v === 'string' && hasUnknownPiece(v))
        ? `${bag.id} applies to a permission set (${what}) known only after apply; it grants nothing here`
        : `${bag.id} applies to permission set ${what}, which this plan does not create or change; not evaluated`
    }
    if (bag.changed) node.changed = true
    return node.ps
  }

  addAbac(bag: PropertyBag, instance: Value | undefined, state: AbacState, resource: AbacNode['resource']): void {
    this.abac.push({ instance: instanceText(instance), state: bag.conditional ? { state: 'not-captured', reason: `${bag.id} exists only when ${conditionHolds(bag.conditional)}` } : state, changed: bag.changed, resource })
  }

  /** The instances of the template or plan with their permission sets; undefined when it defines none. */
  build(inv: IacInventory, changedOnly: boolean, note: (text: string) => void): IdentityCenterData | undefined {
    if (this.sets.size === 0) return undefined
    const byInstance = new Map<string, PermissionSetNode[]>()
    for (const n of this.sets.values()) byInstance.set(n.instance, [...(byInstance.get(n.instance) ?? []), n])
    const source: Omit<IcIacSource, 'abacResource'> = { format: inv.iac.format, file: inv.iac.file }
    const instances: IcInstance[] = []
    for (const [arn, nodes] of byInstance) {
      let abac = this.abac.find((a) => a.instance === arn)
      // One ABAC configuration whose instance, or the permission sets', is known only at deploy time: the same instance.
      if (!abac && this.abac.length === 1 && (!isKnownArn(arn) || !isKnownArn(this.abac[0]!.instance))) {
        abac = this.abac[0]!
        note(`${abac.resource.id} (instance ${abac.instance}) is taken to configure the instance of the permission sets ${nodes.map((n) => n.id).join(', ')} (${arn})`)
      }
      const others = this.abac.filter((a) => a !== abac).map((a) => a.instance)
      const state: AbacState = abac?.state ?? {
        state: 'not-captured',
        reason:
          `they are not defined in ${inv.iac.file}` +
          (others.length > 0 ? `, which defines them for ${[...new Set(others)].join(', ')} only` : '') +
          '; check them with a live scan or the sso-admin outputs (README: Identity Center)',
      }
      const kept = nodes.filter((n) => !changedOnly || n.changed || abac?.changed === true)
      for (const n of kept) resolveCustomerManaged(n.ps, inv.managedPolicies)
      if (kept.length === 0) continue
      instances.push({
        arn,
        id: instanceIdOf(arn) ?? arn,
        abac: state,
        permissionSets: kept.map((n) => n.ps),
        permissionSetsCaptured: true,
        iac: abac ? { ...source, abacResource: abac.resource } : source,
      })
    }
    return instances.length > 0 ? { instances } : undefined
  }
}

/** Customer managed policies (and a customer managed boundary) that the template or plan defines. */
function resolveCustomerManaged(ps: IcPermissionSet, policies: ReadonlyMap<string, ManagedPolicy>): void {
  ps.customerManagedPolicyDocuments = []
  for (const ref of ps.customerManagedPolicyRefs) {
    const p = definedPolicy(policies, ref)
    if (p) ps.customerManagedPolicyDocuments.push({ ...ref, document: p.document })
  }
  const b = ps.boundary?.customerManagedPolicyReference
  const doc = b ? definedPolicy(policies, b)?.document : undefined
  if (doc && ps.boundary) ps.boundary.document = doc
}

/** AWS managed policy ARNs of a permission set (`ManagedPolicies`, `managed_policy_arn`); the rest are notes. */
export function awsManagedArns(v: Value | undefined, policies: ReadonlyMap<string, ManagedPolicy>, notes: string[]): string[] {
  const out: string[] = []
  for (const x of asList(v)) {
    const res = resolveManagedArn(x, policies, 'managed policy')
    if ('arn' in res) out.push(res.arn)
    else notes.push(res.note)
  }
  return out
}

/** A permissions boundary (`PermissionsBoundary` / `permissions_boundary`), or a note. */
export function boundaryOf(v: Value | undefined, policies: ReadonlyMap<string, ManagedPolicy>, notes: string[]): IcPermissionSet['boundary'] {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return undefined
  const arn = field(v, 'ManagedPolicyArn', 'managed_policy_arn')
  if (arn !== undefined && arn !== '') {
    const res = resolveManagedArn(arn, policies, 'permissions boundary')
    if ('arn' in res) return { managedPolicyArn: res.arn }
    notes.push(res.note.replace(/it grants nothing here$/, 'evaluated without it'))
    return undefined
  }
  const refV = field(v, 'CustomerManagedPolicyReference', 'customer_managed_policy_reference')
  const ref = refV === undefined ? `permissions boundary ${shown(v)} is known only at deploy time; evaluated without it` : policyRef(refV, 'permissions boundary')
  if (typeof ref === 'string') {
    notes.push(ref.replace(/it grants nothing here$/, 'evaluated without it'))
    return undefined
  }
  return { customerManagedPolicyReference: ref }
}
