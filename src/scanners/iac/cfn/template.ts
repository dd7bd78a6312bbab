/**
 * One CloudFormation template (or CDK stack template) → one `IacInventory`. IAM resources become users,
 * roles, groups and managed policies; policies defined as separate resources (`AWS::IAM::Policy`,
 * `AWS::IAM::ManagedPolicy`, `AWS::IAM::RolePolicy`…) are attached to the principals they name, by
 * reference or by name. Origins carry the resource's position and the positions of the properties a fix
 * edits (`Tags`, `AssumeRolePolicyDocument`).
 */
import type { ScanErrorEntry } from '../../../model/finding.js'
import type { IamGroup, IamRole, IamUser, InlinePolicy, ManagedPolicy } from '../../../model/inventory.js'
import {
  IAC_HINTS,
  IacErrorCode,
  UNKNOWN_BOUNDARY_ARN,
  ensureUnknownBoundary,
  buildTags,
  fillUnknownTags,
  iacArn,
  iacError,
  location,
  newIacInventory,
  normalisePath,
  resolveManagedArn,
  type TagEntry,
} from '../common.js'
import type { IacInventory, IacOrigin, InlineSuppression, SourcePosition, SuppressionWarning } from '../model.js'
import { buildPolicy, type PolicyKind } from '../policy.js'
import { Unknown, asList, concat, display, fromJson, isRecord, isUnknown, unknownPiece, type Value } from '../values.js'
import { child, entry, type CEntry, type CNode } from './parse.js'
import { TemplateResolver } from './resolve.js'

export interface TemplateInput {
  root: CNode
  /** Repo-relative path used in origins and errors. */
  file: string
  /** Pseudo account key of the inventory. */
  key: string
  format: 'cloudformation' | 'cdk'
  /** CDK stack (artifact) name. */
  stack?: string
  /** Keys counted as present on principals whose tag set is only known at deploy time. */
  requiredTagKeys: readonly string[]
}

export interface TemplateResult {
  inventory: IacInventory
  errors: ScanErrorEntry[]
}

type IamKind = 'role' | 'user' | 'group' | 'policy'

interface IamResource {
  logicalId: string
  kind: IamKind
  /** Name with deploy-time pieces, as `Ref` returns it. */
  refName: string
  /** false when CloudFormation generates the name. */
  nameKnown: boolean
  path: string
  /** `GetAtt .Arn` as the template sees it (partition/account are deploy-time pieces). */
  arnValue: string
  /** The ARN in the inventory. */
  arn: string
}

interface Resource {
  logicalId: string
  keyPos: SourcePosition
  node: CNode
  type: string
  props: CNode | undefined
  /** Unknown when the resource's `Condition` depends on deploy-time values. */
  conditional?: string
}

const IAM_KIND: Record<string, IamKind> = {
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
  'AWS::IAM::Group': 'group',
  'AWS::IAM::ManagedPolicy': 'policy',
}
const NAME_PROPERTY: Record<IamKind, string> = { role: 'RoleName', user: 'UserName', group: 'GroupName', policy: 'ManagedPolicyName' }

export function templateToInventory(input: TemplateInput): TemplateResult {
  const { root, file, key, format } = input
  const inv = newIacInventory(key, format, file)
  const errors: ScanErrorEntry[] = []
  const resolver = new TemplateResolver(root)
  const resourcesNode = child(root, 'Resources')
  const resources: Resource[] = []
  if (resourcesNode?.t === 'map') {
    for (const e of resourcesNode.entries) {
      const typeNode = child(e.value, 'Type')
      const type = typeNode?.t === 'scalar' ? String(typeNode.v) : ''
      const r: Resource = { logicalId: e.key, keyPos: e.keyPos, node: e.value, type, props: child(e.value, 'Properties') }
      const cond = child(e.value, 'Condition')
      if (cond?.t === 'scalar' && typeof cond.v === 'string') {
        const c = resolver.condition(cond.v)
        if (c === false) continue
        if (c !== true) r.conditional = cond.v
      }
      resources.push(r)
    }
  }
  const byId = new Map(resources.map((r) => [r.logicalId, r]))
  const constructPath = (r: Resource): string | undefined => {
    const p = child(child(r.node, 'Metadata'), 'aws:cdk:path')
    return p?.t === 'scalar' && typeof p.v === 'string' ? p.v : undefined
  }

  // Names first: references between resources resolve to them.
  const iam = new Map<string, IamResource>()
  const naming = new Set<string>()
  const iamResource = (id: string): IamResource | undefined => {
    const cached = iam.get(id)
    if (cached) return cached
    const r = byId.get(id)
    const kind = r ? IAM_KIND[r.type] : undefined
    if (!r || !kind || naming.has(id)) return undefined
    naming.add(id)
    const nameValue = resolver.value(child(r.props, NAME_PROPERTY[kind]))
    const pathValue = resolver.value(child(r.props, 'Path'))
    naming.delete(id)
    const nameKnown = typeof nameValue === 'string' && nameValue !== ''
    const refName = nameKnown ? display(nameValue) : id
    const path = normalisePath(typeof pathValue === 'string' ? display(pathValue) : '/')
    const res: IamResource = {
      logicalId: id,
      kind,
      refName,
      nameKnown,
      path,
      arnValue: concat(['arn:', unknownPiece('AWS::Partition'), ':iam::', unknownPiece('AWS::AccountId'), `:${kind}${path}${refName}`]),
      arn: iacArn(kind, path, refName),
    }
    iam.set(id, res)
    return res
  }
  resolver.hooks = {
    ref(id) {
      const r = iamResource(id)
      if (!r) return undefined
      // `Ref` of a managed policy is its ARN; of a role, user or group its name.
      return r.kind === 'policy' ? r.arnValue : r.refName
    },
    getAtt(id, attribute) {
      const r = iamResource(id)
      if (r) return attribute === 'Arn' || attribute === 'PolicyArn' ? r.arnValue : undefined
      const other = byId.get(id)
      if (other && /Arn$/.test(attribute)) {
        // Another resource's ARN: its service is known from its type, the rest only at deploy time.
        const service = /^AWS::([A-Za-z0-9]+)::/.exec(other.type)?.[1]?.toLowerCase()
        if (service) {
          return concat(['arn:', unknownPiece('AWS::Partition'), `:${service}:`, unknownPiece('AWS::Region'), ':', unknownPiece('AWS::AccountId'), ':', unknownPiece(`${id}.${attribute}`)])
        }
      }
      return undefined
    },
  }

  const roles = new Map<string, IamRole>()
  const users = new Map<string, IamUser>()
  const groups = new Map<string, IamGroup>()
  const origins = new Map<string, IacOrigin>()
  const notesFor = (o: IacOrigin): string[] => (o.notEvaluated ??= [])

  const policyOf = (node: CNode | undefined, kind: PolicyKind, label: string, where: SourcePosition): { doc?: ReturnType<typeof buildPolicy>['document']; notes: string[] } => {
    if (!node) return { notes: [] }
    let value = resolver.value(node)
    if (typeof value === 'string') {
      // A policy given as a JSON string (CloudFormation accepts both).
      try {
        const parsed: unknown = JSON.parse(value)
        if (typeof parsed === 'object' && parsed !== null) value = fromJson(parsed)
      } catch {
        // not JSON: buildPolicy reports it
      }
    }
    const built = buildPolicy(value ?? null, kind, label)
    if (built.error) {
      errors.push(iacError(IacErrorCode.InvalidPolicy, file, where, built.error, IAC_HINTS.invalidPolicy))
    }
    return built.document ? { doc: built.document, notes: built.notes } : { notes: built.notes }
  }

  const originFor = (r: Resource, name: IamResource): IacOrigin => {
    const o: IacOrigin = {
      format,
      resourceType: r.type,
      file,
      line: r.keyPos.line,
      column: r.keyPos.column,
      logicalId: r.logicalId,
      nameKnown: name.nameKnown,
    }
    const cp = constructPath(r)
    if (cp) o.constructPath = cp
    if (input.stack) o.stack = input.stack
    const tagsEntry = entry(r.props, 'Tags')
    if (tagsEntry) o.tagsAt = tagsEntry.keyPos
    const trustEntry = entry(r.props, 'AssumeRolePolicyDocument')
    if (trustEntry) o.trustAt = trustEntry.keyPos
    const sup = suppressionsOf(r, file, inv.iac.suppressionWarnings)
    if (sup.length > 0) o.suppressions = sup
    if (r.conditional) notesFor(o).push(`created only when condition ${r.conditional} holds, which is known only at deploy time`)
    return o
  }

  /** The principal's display name: its IAM name, else its construct path (CDK) or logical ID. */
  const displayName = (r: Resource, name: IamResource): string => {
    if (name.nameKnown) return name.refName
    const cp = constructPath(r)
    return cp ? cp.replace(/\/Resource$/, '') : r.logicalId
  }

  const inlinePolicies = (r: Resource, origin: IacOrigin): InlinePolicy[] => {
    const out: InlinePolicy[] = []
    const list = child(r.props, 'Policies')
    if (!list) return out
    const items = list.t === 'seq' ? list.items : [list]
    items.forEach((item, i) => {
      const nameV = resolver.value(child(item, 'PolicyName'))
      const name = typeof nameV === 'string' ? display(nameV) : `Policies[${i}]`
      const docEntry = entry(item, 'PolicyDocument')
      const p = policyOf(docEntry?.value, 'identity', `inline policy ${name}`, docEntry?.keyPos ?? item.pos)
      notesFor(origin).push(...p.notes)
      if (p.doc) out.push({ name, document: p.doc })
    })
    return out
  }

  const attachedArns = (r: Resource, origin: IacOrigin): string[] => {
    const out: string[] = []
    for (const v of asList(resolver.value(child(r.props, 'ManagedPolicyArns')))) {
      const res = resolveManagedArn(v, inv.managedPolicies, 'attached policy')
      if ('arn' in res) out.push(res.arn)
      else notesFor(origin).push(res.note)
    }
    return out
  }

  const boundary = (r: Resource, origin: IacOrigin): string | undefined => {
    const v = resolver.value(child(r.props, 'PermissionsBoundary'))
    if (v === undefined) return undefined
    const res = resolveManagedArn(v, inv.managedPolicies, 'permissions boundary')
    if ('arn' in res) return res.arn
    notesFor(origin).push(res.note.replace(/it grants nothing here$/, 'the boundary counts as allowing nothing'))
    ensureUnknownBoundary(inv)
    return UNKNOWN_BOUNDARY_ARN
  }

  const tagsOf = (r: Resource, origin: IacOrigin): TagEntry[] | undefined => {
    const v = resolver.value(child(r.props, 'Tags'))
    if (v === undefined) return undefined
    if (!Array.isArray(v)) {
      origin.tagsUnknown = true
      notesFor(origin).push(`Tags (${isUnknown(v) ? '${' + v.what + '}' : 'not a list'}) are known only at deploy time; required tags count as present`)
      return []
    }
    const entries: TagEntry[] = []
    for (const t of v) {
      if (!isRecord(t)) {
        origin.tagsUnknown = true
        notesFor(origin).push(`a tag (${isUnknown(t) ? '${' + t.what + '}' : JSON.stringify(t)}) is known only at deploy time; required tags count as present`)
        continue
      }
      entries.push({ key: t.Key ?? new Unknown('tag key'), value: t.Value ?? '' })
    }
    return entries
  }

  // Managed policies first: principals attach them by ARN.
  const managedTargets: Array<{ r: Resource; arn: string }> = []
  for (const r of resources) {
    if (r.type !== 'AWS::IAM::ManagedPolicy') continue
    const name = iamResource(r.logicalId)
    if (!name) continue
    const docEntry = entry(r.props, 'PolicyDocument')
    const p = policyOf(docEntry?.value, 'identity', `managed policy ${name.refName}`, docEntry?.keyPos ?? r.keyPos)
    inv.iac.notEvaluated.push(...p.notes)
    if (r.conditional) inv.iac.notEvaluated.push(`managed policy ${name.refName} exists only when condition ${r.conditional} holds; it grants nothing here`)
    if (p.doc && !r.conditional) {
      const mp: ManagedPolicy = { arn: name.arn, name: name.refName, document: p.doc }
      inv.managedPolicies.set(name.arn, mp)
      managedTargets.push({ r, arn: name.arn })
    }
  }

  for (const r of resources) {
    if (r.type !== 'AWS::IAM::Role' && r.type !== 'AWS::IAM::User' && r.type !== 'AWS::IAM::Group') continue
    const name = iamResource(r.logicalId)
    if (!name) continue
    if (r.type === 'AWS::IAM::Group') {
      const o = originFor(r, name)
      const g: IamGroup = {
        accountId: key,
        arn: name.arn,
        name: name.refName,
        path: name.path,
        inlinePolicies: inlinePolicies(r, o),
        attachedPolicyArns: attachedArns(r, o),
      }
      groups.set(name.refName, g)
      origins.set(`group:${name.refName}`, o)
      continue
    }
    const o = originFor(r, name)
    const common = {
      accountId: key,
      partition: 'aws',
      arn: name.arn,
      name: displayName(r, name),
      path: name.path,
      tags: buildTags(tagsOf(r, o), o, notesFor(o)),
      inlinePolicies: inlinePolicies(r, o),
      attachedPolicyArns: attachedArns(r, o),
      origin: o,
    }
    const b = boundary(r, o)
    if (r.type === 'AWS::IAM::Role') {
      const role: IamRole = { ...common, kind: 'role' }
      if (b) role.permissionsBoundaryArn = b
      const trustEntry = entry(r.props, 'AssumeRolePolicyDocument')
      const t = policyOf(trustEntry?.value, 'trust', 'trust policy', trustEntry?.keyPos ?? r.keyPos)
      notesFor(o).push(...t.notes)
      if (t.doc) role.trustPolicy = t.doc
      fillUnknownTags(role, o, input.requiredTagKeys)
      roles.set(name.refName, role)
    } else {
      const user: IamUser = { ...common, kind: 'user', groups: [] }
      if (b) user.permissionsBoundaryArn = b
      for (const gv of asList(resolver.value(child(r.props, 'Groups')))) {
        if (typeof gv === 'string' && !isUnknown(gv)) user.groups.push(display(gv))
        else notesFor(o).push(`group ${isUnknown(gv) ? '${' + gv.what + '}' : JSON.stringify(gv)} is known only at deploy time; its policies grant nothing here`)
      }
      fillUnknownTags(user, o, input.requiredTagKeys)
      users.set(name.refName, user)
    }
  }

  const targetName = (v: Value): string | Unknown => (typeof v === 'string' ? display(v) : isUnknown(v) ? v : new Unknown(JSON.stringify(v)))

  /** Attach something to the principals/groups a policy resource names (`Roles`, `Users`, `Groups`). */
  const attach = (
    r: Resource,
    label: string,
    apply: (target: { role?: IamRole; user?: IamUser; group?: IamGroup }) => void,
    lists: Array<['Roles' | 'Users' | 'Groups', Value | undefined]>,
  ): void => {
    for (const [prop, value] of lists) {
      for (const v of asList(value)) {
        const n = targetName(v)
        if (n instanceof Unknown) {
          inv.iac.notEvaluated.push(`${label} (${r.logicalId}) is attached to ${prop.slice(0, -1).toLowerCase()} \${${n.what}}, known only at deploy time; it grants nothing here`)
          continue
        }
        const target = prop === 'Roles' ? { role: roles.get(n) } : prop === 'Users' ? { user: users.get(n) } : { group: groups.get(n) }
        if (!target.role && !target.user && !target.group) {
          inv.iac.notEvaluated.push(`${label} (${r.logicalId}) is attached to ${prop.slice(0, -1).toLowerCase()} ${n}, which is not defined in this template`)
          continue
        }
        apply(target)
      }
    }
  }

  const addNotes = (t: { role?: IamRole; user?: IamUser; group?: IamGroup }, notes: string[]): void => {
    if (notes.length === 0) return
    const principal = t.role ?? t.user
    if (principal?.origin) notesFor(principal.origin as IacOrigin).push(...notes)
    if (t.group) {
      for (const u of users.values()) if (u.groups.includes(t.group.name) && u.origin) notesFor(u.origin as IacOrigin).push(...notes)
    }
  }

  for (const { r, arn } of managedTargets) {
    attach(
      r,
      `managed policy ${inv.managedPolicies.get(arn)?.name ?? r.logicalId}`,
      (t) => {
        const holder = t.role ?? t.user ?? t.group
        if (holder && !holder.attachedPolicyArns.includes(arn)) holder.attachedPolicyArns.push(arn)
      },
      [
        ['Roles', resolver.value(child(r.props, 'Roles'))],
        ['Users', resolver.value(child(r.props, 'Users'))],
        ['Groups', resolver.value(child(r.props, 'Groups'))],
      ],
    )
  }

  for (const r of resources) {
    const single: Record<string, ['Roles' | 'Users' | 'Groups', string]> = {
      'AWS::IAM::RolePolicy': ['Roles', 'RoleName'],
      'AWS::IAM::UserPolicy': ['Users', 'UserName'],
      'AWS::IAM::GroupPolicy': ['Groups', 'GroupName'],
    }
    if (r.type !== 'AWS::IAM::Policy' && !(r.type in single)) continue
    const nameV = resolver.value(child(r.props, 'PolicyName'))
    const name = typeof nameV === 'string' ? display(nameV) : r.logicalId
    const docEntry = entry(r.props, 'PolicyDocument')
    const p = policyOf(docEntry?.value, 'identity', `inline policy ${name}`, docEntry?.keyPos ?? r.keyPos)
    if (r.conditional) {
      inv.iac.notEvaluated.push(`policy ${name} (${r.logicalId}) exists only when condition ${r.conditional} holds; it grants nothing here`)
      continue
    }
    const lists: Array<['Roles' | 'Users' | 'Groups', Value | undefined]> =
      r.type === 'AWS::IAM::Policy'
        ? [
            ['Roles', resolver.value(child(r.props, 'Roles'))],
            ['Users', resolver.value(child(r.props, 'Users'))],
            ['Groups', resolver.value(child(r.props, 'Groups'))],
          ]
        : [[single[r.type]![0], resolver.value(child(r.props, single[r.type]![1]))]]
    attach(
      r,
      `policy ${name}`,
      (t) => {
        addNotes(t, p.notes)
        const holder = t.role ?? t.user ?? t.group
        if (holder && p.doc) holder.inlinePolicies.push({ name, document: p.doc })
      },
      lists,
    )
  }

  for (const r of resources) {
    if (r.type !== 'AWS::IAM::UserToGroupAddition') continue
    const g = resolver.value(child(r.props, 'GroupName'))
    const gName = targetName(g ?? null)
    for (const u of asList(resolver.value(child(r.props, 'Users')))) {
      const uName = targetName(u)
      const user = uName instanceof Unknown ? undefined : users.get(uName)
      if (!user) {
        inv.iac.notEvaluated.push(`${r.logicalId} adds ${uName instanceof Unknown ? '${' + uName.what + '}' : uName}, a user not defined in this template, to a group`)
        continue
      }
      if (gName instanceof Unknown) {
        notesFor(user.origin as IacOrigin).push(`${r.logicalId} adds this user to group \${${gName.what}}, known only at deploy time; its policies grant nothing here`)
        continue
      }
      if (!user.groups.includes(gName)) user.groups.push(gName)
    }
  }

  // Groups outside the template: their policies are unknown.
  for (const u of users.values()) {
    for (const g of u.groups) {
      if (!groups.has(g)) notesFor(u.origin as IacOrigin).push(`group ${g} is not defined in this template; its policies grant nothing here`)
    }
    u.groups = u.groups.filter((g) => groups.has(g))
  }

  inv.roles = [...roles.values()]
  inv.users = [...users.values()]
  inv.groups = [...groups.values()]
  for (const p of [...inv.roles, ...inv.users]) {
    const o = p.origin as IacOrigin
    if (o.notEvaluated) o.notEvaluated = [...new Set(o.notEvaluated)]
    if (o.notEvaluated?.length === 0) delete o.notEvaluated
  }
  return { inventory: inv, errors }
}


/** `Metadata: { tagwarden: { ignore: [ { rule, reason } ] } }` on a resource. */
function suppressionsOf(r: Resource, file: string, warnings: SuppressionWarning[]): InlineSuppression[] {
  const tw = entry(child(r.node, 'Metadata'), 'tagwarden')
  const ignore = child(tw?.value, 'ignore')
  if (!ignore) return []
  const items = ignore.t === 'seq' ? ignore.items : [ignore]
  const out: InlineSuppression[] = []
  for (const item of items) {
    const ruleEntry: CEntry | undefined = entry(item, 'rule')
    const rule = ruleEntry?.value.t === 'scalar' ? String(ruleEntry.value.v ?? '') : item.t === 'scalar' ? String(item.v ?? '') : ''
    const reasonNode = child(item, 'reason')
    const reason = reasonNode?.t === 'scalar' && reasonNode.v !== null ? String(reasonNode.v).trim() : ''
    const loc = location(file, item.pos)
    if (rule === '') {
      warnings.push({ rule: '', location: loc, message: `tagwarden ignore entry on ${r.logicalId} names no rule; write { rule: RULE-ID, reason: "…" } (${loc})` })
      continue
    }
    const s: InlineSuppression = { rule, location: loc }
    if (reason !== '') s.reason = reason
    else warnings.push({ rule, location: loc, message: `suppression of ${rule} on ${r.logicalId} gives no reason; add reason: "…" (${loc})` })
    out.push(s)
  }
  return out
}
