/**
 * The one assembly step for the IAM graph of a template or plan: handlers add managed policies,
 * principals, group memberships and attachments here; `finish` resolves memberships of groups that are
 * not in the input, applies `--changed-only`, fills tags whose set is unknown and settles the notes.
 */
import type { IamGroup, IamRole, IamUser } from '../../../model/inventory.js'
import { fillUnknownTags } from '../common.js'
import type { IacInventory, IacOrigin } from '../model.js'
import { Unknown, isUnknown, type Value } from '../values.js'
import type { PropertyBag } from './bag.js'
import { IacIdentityCenter } from './identity-center.js'

export type HolderType = 'role' | 'user' | 'group'
export type Holder = IamRole | IamUser | IamGroup

/** The order in which a principal's own properties are read (their notes and errors appear in it). */
export type PrincipalStep = 'tags' | 'inline' | 'managed' | 'boundary' | 'trust' | 'groups'

/** How a source format words and orders what the graph reports. */
export interface Dialect {
  principalSteps: readonly PrincipalStep[]
  /** A principal name as written in the source, for lookups and messages. */
  nameText(s: string): string
  unknownTarget(bag: PropertyBag, label: string, type: HolderType, what: string): string
  missingTarget(bag: PropertyBag, label: string, type: HolderType, name: string): string
  missingGroup(name: string): string
  /** Check a policy resource's document even when it applies to no principal of the input. */
  checksUnattachedPolicies: boolean
  /** Notes may carry several lines (one note each). */
  splitNotes: boolean
  dedupeTemplateNotes: boolean
  /**
   * A managed policy or boundary ARN known only at deploy time is a `summary.notEvaluated` entry: in a template it
   * is a parameter without a default or an import, which nothing before deployment decides (Terraform's unknowns
   * are values known after apply, covered by the unknown-value notes, or variables its sources list themselves).
   */
  listsDeployTimePolicies: boolean
}

export class IamGraph {
  readonly roles = new Map<string, IamRole>()
  readonly users = new Map<string, IamUser>()
  readonly groups = new Map<string, IamGroup>()
  /** Managed policies defined in the input, by the resource (logical ID or address) that defines them. */
  readonly definedPolicies = new Map<string, string>()
  /** ARNs of managed policies the change creates or updates. */
  readonly changedPolicyArns = new Set<string>()
  /** IAM Identity Center permission sets and attributes for access control (`identity-center.ts`). */
  readonly identityCenter = new IacIdentityCenter()
  /** Principals and groups whose own resource, or something attached to them, the change creates or updates. */
  private readonly touched = new Set<object>()

  constructor(
    readonly inv: IacInventory,
    readonly dialect: Dialect,
  ) {}

  templateNote(text: string): void {
    this.inv.iac.notEvaluated.push(text)
  }

  /**
   * Something of the input that was not evaluated (a `summary.notEvaluated` entry, which `--strict` fails on):
   * unlike a note on a deploy-time value, nothing before deployment decides it.
   */
  notEvaluated(resource: string | undefined, reason: string, statement?: string): void {
    ;(this.inv.notEvaluated ??= []).push({ file: this.inv.iac.file, ...(resource !== undefined ? { resource } : {}), ...(statement !== undefined ? { statement } : {}), reason })
  }

  /** A note on a principal's origin, or on the template when there is none (a group). */
  note(origin: IacOrigin | undefined, text: string): void {
    if (origin) (origin.notEvaluated ??= []).push(text)
    else this.templateNote(text)
  }

  touch(bag: PropertyBag, node: object): void {
    if (bag.changed) this.touched.add(node)
  }

  /** A principal or group name as a lookup key, or the unknown it stands for. */
  targetName(v: Value | undefined): string | Unknown {
    if (typeof v === 'string') return this.dialect.nameText(v)
    if (isUnknown(v)) return v
    return new Unknown(JSON.stringify(v ?? null))
  }

  /** The role, user or group a resource names; a note says why when it is unknown or not in the input. */
  holder(bag: PropertyBag, label: string, type: HolderType, v: Value | undefined): Holder | undefined {
    const name = this.targetName(v)
    if (name instanceof Unknown) {
      this.templateNote(this.dialect.unknownTarget(bag, label, type, name.what))
      return undefined
    }
    const h = type === 'role' ? this.roles.get(name) : type === 'user' ? this.users.get(name) : this.groups.get(name)
    if (!h) this.notEvaluated(bag.id, this.dialect.missingTarget(bag, label, type, name))
    return h
  }

  /** Notes of something attached to a principal, or to every current member of a group. */
  addNotes(h: Holder, notes: readonly string[]): void {
    if (notes.length === 0) return
    if ('kind' in h) {
      for (const n of notes) this.note(h.origin as IacOrigin, n)
      return
    }
    for (const u of this.users.values()) {
      if (u.groups.includes(h.name)) for (const n of notes) this.note(u.origin as IacOrigin, n)
    }
  }

  private isTouched(p: IamRole | IamUser): boolean {
    const changedPolicy = (arns: readonly string[]): boolean => arns.some((a) => this.changedPolicyArns.has(a))
    if (this.touched.has(p) || changedPolicy(p.attachedPolicyArns)) return true
    if (p.kind !== 'user') return false
    return p.groups.some((gn) => {
      const g = this.groups.get(gn)
      return g !== undefined && (this.touched.has(g) || changedPolicy(g.attachedPolicyArns))
    })
  }

  /** The inventory: principals kept (all, or only the changed ones), tags filled, notes settled. */
  finish(requiredTagKeys: readonly string[], changedOnly: boolean): void {
    const inv = this.inv
    const ic = this.identityCenter.build(inv, changedOnly, (text) => this.templateNote(text))
    if (ic) inv.iac.identityCenter = ic
    // Groups outside the input: their policies are unknown.
    for (const u of this.users.values()) {
      for (const g of u.groups) {
        if (this.groups.has(g)) continue
        const o = u.origin as IacOrigin
        this.note(o, this.dialect.missingGroup(g))
        this.notEvaluated(o.logicalId ?? o.address, this.dialect.missingGroup(g))
      }
      u.groups = u.groups.filter((g) => this.groups.has(g))
    }
    inv.roles = [...this.roles.values()].filter((p) => !changedOnly || this.isTouched(p))
    inv.users = [...this.users.values()].filter((p) => !changedOnly || this.isTouched(p))
    inv.groups = [...this.groups.values()]
    for (const p of [...inv.roles, ...inv.users]) {
      const o = p.origin as IacOrigin
      fillUnknownTags(p, o, requiredTagKeys)
      if (o.notEvaluated) o.notEvaluated = [...new Set(this.dialect.splitNotes ? o.notEvaluated.flatMap((n) => n.split('\n')) : o.notEvaluated)]
      if (o.notEvaluated?.length === 0) delete o.notEvaluated
    }
    if (this.dialect.dedupeTemplateNotes) inv.iac.notEvaluated = [...new Set(inv.iac.notEvaluated)]
    if (inv.notEvaluated) {
      const seen = new Set<string>()
      inv.notEvaluated = inv.notEvaluated.filter((e) => {
        const k = JSON.stringify([e.resource, e.statement, e.reason])
        return !seen.has(k) && seen.add(k) !== undefined
      })
    }
  }
}
