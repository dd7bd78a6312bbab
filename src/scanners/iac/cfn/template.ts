/**
 * One CloudFormation template (or CDK stack template) → one `IacInventory`. IAM resources become users,
 * roles, groups and managed policies; policies defined as separate resources (`AWS::IAM::Policy`,
 * `AWS::IAM::ManagedPolicy`, `AWS::IAM::RolePolicy`…) are attached to the principals they name, by
 * reference or by name. Origins carry the resource's position and the positions of the properties a fix
 * edits (`Tags`, `AssumeRolePolicyDocument`).
 */
import type { ScanErrorEntry } from '../../../model/finding.js'
import type { InlinePolicy } from '../../../model/inventory.js'
import { IAC_HINTS, IacErrorCode, iacArn, iacError, location, newIacInventory, normalisePath, type TagEntry } from '../common.js'
import type { IacInventory, IacOrigin, InlineSuppression, SourcePosition, SuppressionWarning } from '../model.js'
import { allowsInference, buildPolicy, type BuiltPolicy, type PolicyKind } from '../policy.js'
import { IamGraph, type Dialect } from '../resources/graph.js'
import { cfnHandler, runHandlers } from '../resources/registry.js'
import type { IamKind, Identity, Prop, PropertyBag, ResourceHandler } from '../resources/types.js'
import { unmodelledReason } from '../resources/unmodelled.js'
import { Unknown, concat, display, fromJson, isRecord, isUnknown, unknownPiece, type Value } from '../values.js'
import { child, entry, type CEntry, type CNode } from './parse.js'
import { TemplateResolver } from './resolve.js'
import { SAM_ROLE_KINDS, samRole, type SamContext } from './sam.js'
import { transformGaps } from './transforms.js'
import { conditionHolds } from '../resources/bag.js'

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
  /** A resource a transform generates (the role of a SAM function): the type written, and where a fix edits it. */
  generated?: { type: string; from: string; tagsAt?: SourcePosition; trustAt?: SourcePosition }
}

/** How a template words and orders what the IAM graph reports (kept as the builders had it). */
const CFN_DIALECT: Dialect = {
  principalSteps: ['tags', 'inline', 'managed', 'boundary', 'trust', 'groups'],
  nameText: display,
  unknownTarget: (bag, label, type, what) => `${label} (${bag.id}) is attached to ${type} \${${what}}, known only at deploy time; it grants nothing here`,
  missingTarget: (bag, label, type, name) => `${label} (${bag.id}) is attached to ${type} ${name}, which is not defined in this template`,
  missingGroup: (name) => `group ${name} is not defined in this template; its policies grant nothing here`,
  checksUnattachedPolicies: true,
  splitNotes: false,
  dedupeTemplateNotes: false,
  listsDeployTimePolicies: true,
}

export function templateToInventory(input: TemplateInput): TemplateResult {
  const t = new CfnTemplate(input)
  const graph = new IamGraph(t.inv, CFN_DIALECT)
  const resources = t.resources.flatMap((r) => {
    const handler = cfnHandler(r.type)
    if (!handler) {
      const reason = unmodelled(r, input.format)
      if (reason) t.notEvaluated(r.logicalId, `${r.type}: ${reason}`)
    }
    return handler ? [{ handler, bag: new CfnBag(t, r, handler) }] : []
  })
  runHandlers(resources, graph)
  graph.finish(input.requiredTagKeys, false)
  return { inventory: t.inv, errors: t.errors }
}

/** Why a resource without a handler is not evaluated (see resources/unmodelled.ts), or undefined. */
function unmodelled(r: Resource, format: TemplateInput['format']): string | undefined {
  if (r.type === 'AWS::CloudFormation::Stack') {
    // CDK's nested stacks are read from the cloud assembly (their template is an asset of the parent stack).
    const asset = child(child(r.node, 'Metadata'), 'aws:asset:path')
    if (format === 'cdk' && asset?.t === 'scalar') return undefined
    return 'a nested stack deploys a template tagwarden does not read here, which can define IAM principals and policies; scan that template too'
  }
  return unmodelledReason(r.type)
}

/** One template: its resources, the resolver of its intrinsic functions, and the names of its IAM resources. */
class CfnTemplate {
  readonly inv: IacInventory
  readonly errors: ScanErrorEntry[] = []
  readonly resolver: TemplateResolver
  readonly resources: Resource[] = []
  /** Every resource by logical ID: those written, and the roles SAM generates. */
  private readonly byId: Map<string, Resource>
  private readonly iam = new Map<string, IamResource>()
  private readonly naming = new Set<string>()

  constructor(readonly input: TemplateInput) {
    this.inv = newIacInventory(input.key, input.format, input.file)
    this.resolver = new TemplateResolver(input.root)
    const resourcesNode = child(input.root, 'Resources')
    const written: Resource[] = []
    if (resourcesNode?.t === 'map') {
      for (const e of resourcesNode.entries) {
        const r = this.resource(e)
        if (r) written.push(r)
      }
    }
    this.byId = new Map(written.map((r) => [r.logicalId, r]))
    for (const g of transformGaps(input.root)) this.notEvaluated(g.resource, g.reason)
    this.resolver.hooks = {
      ref: (id) => {
        const r = this.iamResource(id)
        if (!r) return this.providerArn(id)
        // `Ref` of a managed policy is its ARN; of a role, user or group its name.
        return r.kind === 'policy' ? r.arnValue : r.refName
      },
      getAtt: (id, attribute) => this.getAtt(id, attribute),
    }
    // A SAM resource is evaluated through the role it generates (cfn/sam.ts); the resource itself defines no principal.
    for (const r of written) {
      if (!SAM_ROLE_KINDS[r.type]) this.resources.push(r)
      else {
        const g = this.samRole(r)
        if (g) this.resources.push(g)
      }
    }
  }

  /** A `Resources` entry; undefined when its `Condition` is known to be false. */
  private resource(e: CEntry): Resource | undefined {
    const typeNode = child(e.value, 'Type')
    const type = typeNode?.t === 'scalar' ? String(typeNode.v) : ''
    const r: Resource = { logicalId: e.key, keyPos: e.keyPos, node: e.value, type, props: child(e.value, 'Properties') }
    const cond = child(e.value, 'Condition')
    if (cond?.t === 'scalar' && typeof cond.v === 'string') {
      const c = this.resolver.condition(cond.v)
      // False for the parameter defaults only: deployed with other values, the resource is created.
      if (c === false && this.resolver.conditionWhateverParameters(cond.v) === false) return undefined
      if (c !== true) r.conditional = cond.v
    }
    return r
  }

  /** What something of the template was not evaluated for (`summary.notEvaluated`). */
  notEvaluated(resource: string | undefined, reason: string, statement?: string): void {
    ;(this.inv.notEvaluated ??= []).push({ file: this.input.file, ...(resource !== undefined ? { resource } : {}), ...(statement !== undefined ? { statement } : {}), reason })
  }

  /** The role SAM generates for a function or state machine, as an `AWS::IAM::Role` resource of its own. */
  private samRole(r: Resource): Resource | undefined {
    const ctx: SamContext = {
      root: this.input.root,
      roleGiven: (node) => {
        const v = this.resolver.value(node)
        if (v === undefined) return 'none'
        const ifArgs = node.t === 'map' && node.entries.length === 1 && node.entries[0]!.key === 'Fn::If' ? node.entries[0]!.value : undefined
        const cond = ifArgs?.t === 'seq' ? ifArgs.items[0] : undefined
        if (isUnknown(v) && cond?.t === 'scalar' && typeof cond.v === 'string') return { condition: cond.v }
        return 'given'
      },
      notEvaluated: (resource, reason, statement) => this.notEvaluated(resource, reason, statement),
      note: (text) => this.inv.iac.notEvaluated.push(text),
    }
    const g = samRole(r, ctx)
    if (!g) return undefined
    if (this.byId.has(g.logicalId)) {
      this.notEvaluated(r.logicalId, `SAM would generate the role ${g.logicalId}, but the template already defines a resource with that logical ID; the generated role is not evaluated`)
      return undefined
    }
    const generated: NonNullable<Resource['generated']> = { type: r.type, from: r.logicalId }
    if (g.tagsAt) generated.tagsAt = g.tagsAt
    if (g.trustAt) generated.trustAt = g.trustAt
    const role: Resource = { logicalId: g.logicalId, keyPos: r.keyPos, node: r.node, type: 'AWS::IAM::Role', props: g.props, generated }
    // Both when both are deploy-time: the function's own Condition and the one deciding its Role.
    const conditional = r.conditional !== undefined && g.condition !== undefined && r.conditional !== g.condition ? `${r.conditional} and ${g.condition}` : (r.conditional ?? g.condition)
    if (conditional !== undefined) role.conditional = conditional
    this.byId.set(role.logicalId, role)
    this.resolver.addResource(role.logicalId)
    return role
  }

  /** The ARN of a resource that a handler can name before deployment (identity providers); undefined otherwise. */
  private providerArn(id: string): Value | undefined {
    const r = this.byId.get(id)
    const handler = r ? cfnHandler(r.type) : undefined
    return r && handler?.arn ? handler.arn(new CfnBag(this, r, handler)) : undefined
  }

  private getAtt(id: string, attribute: string): Value | undefined {
    const r = this.iamResource(id)
    if (r) return attribute === 'Arn' || attribute === 'PolicyArn' ? r.arnValue : undefined
    if (attribute === 'Arn') {
      const provider = this.providerArn(id)
      if (provider !== undefined) return provider
    }
    const other = this.byId.get(id)
    if (other && /Arn$/.test(attribute)) {
      // Another resource's ARN: its service is known from its type, the rest only at deploy time.
      const service = /^AWS::([A-Za-z0-9]+)::/.exec(other.type)?.[1]?.toLowerCase()
      if (service) {
        return concat(['arn:', unknownPiece('AWS::Partition'), `:${service}:`, unknownPiece('AWS::Region'), ':', unknownPiece('AWS::AccountId'), ':', unknownPiece(`${id}.${attribute}`)])
      }
    }
    return undefined
  }

  /** The name, path and ARN of an IAM resource; names first, as references between resources resolve to them. */
  iamResource(id: string): IamResource | undefined {
    const cached = this.iam.get(id)
    if (cached) return cached
    const r = this.byId.get(id)
    const handler = r ? cfnHandler(r.type) : undefined
    const kind = handler?.identity
    const nameProp = handler?.props.cfn.name
    if (!r || !kind || typeof nameProp !== 'string' || this.naming.has(id)) return undefined
    this.naming.add(id)
    const nameValue = this.resolver.value(child(r.props, nameProp))
    const pathValue = this.resolver.value(child(r.props, 'Path'))
    this.naming.delete(id)
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
    this.iam.set(id, res)
    return res
  }

  /**
   * A policy document (object or JSON string) of `resource`; an invalid one is an error at `where`. A statement
   * whose action cannot be resolved (a parameter without a default) is a `summary.notEvaluated` entry.
   */
  policyOf(node: CNode | undefined, kind: PolicyKind, label: string, where: SourcePosition, resource: string): { doc?: BuiltPolicy['document']; notes: string[] } {
    if (!node) return { notes: [] }
    const built = buildPolicy(policyValue(this.resolver.value(node)), kind, label)
    for (const u of built.unresolved) this.notEvaluated(resource, u.reason, u.statement)
    // The document is judged on the parameter defaults; a deploy can give other values (`--parameter-overrides`).
    // When the defaults grant no inference action but other values could (`Action: !Ref P` with
    // `Default: s3:GetObject`), that is said: never judged clean silently.
    if (!allowsInference(built.document) && this.resolver.hasOverridableDefaults()) {
      const said = new Set(built.unresolved.map((u) => u.statement))
      for (const u of buildPolicy(policyValue(this.resolver.valueWhateverParameters(node)), kind, label).unresolved) {
        if (!said.has(u.statement)) this.notEvaluated(resource, `judged on the parameter defaults, which a deploy can override: with other values, ${u.reason}`, u.statement)
      }
    }
    if (built.error) {
      this.errors.push(iacError(IacErrorCode.InvalidPolicy, this.input.file, where, built.error, IAC_HINTS.invalidPolicy))
    }
    return built.document ? { doc: built.document, notes: built.notes } : { notes: built.notes }
  }
}

interface PolicyItem {
  item: CNode
  /** A deploy-time condition the item is chosen under (evaluated as present, with a note). */
  condition?: string
  /** Chosen only when this condition holds, which is false for the parameter defaults but can be true with others. */
  onlyWhenOverridden?: string
}

/**
 * The items of a `Policies` list as CloudFormation would see them, with `Fn::If` — around the list or an item —
 * decided like the resolver does: by the condition for the parameter defaults, both branches when it is
 * unknown, and `AWS::NoValue` dropped. An item read as a map without choosing its branch would name no policy.
 */
function policyItems(resolver: CfnTemplate['resolver'], node: CNode, condition?: string, onlyWhenOverridden?: string, depth = 0): PolicyItem[] {
  // Deeper than any real template: the node itself, which names no policy document and is said so.
  if (depth > 20) return [{ item: node, ...(condition ? { condition } : {}) }]
  if (node.t === 'seq') return node.items.flatMap((i) => policyItems(resolver, i, condition, onlyWhenOverridden, depth + 1))
  const only = node.t === 'map' && node.entries.length === 1 ? node.entries[0]! : undefined
  if (only?.key === 'Ref' && only.value.t === 'scalar' && only.value.v === 'AWS::NoValue') return []
  if (only?.key === 'Fn::If' && only.value.t === 'seq' && only.value.items.length === 3) {
    const [condNode, a, b] = only.value.items as [CNode, CNode, CNode]
    const name = condNode.t === 'scalar' ? String(condNode.v) : undefined
    if (name === undefined) return [{ item: node, ...(condition ? { condition } : {}) }]
    const c = resolver.condition(name)
    const branch = (n: CNode, cond?: string, overridden?: string): PolicyItem[] => policyItems(resolver, n, cond, overridden, depth + 1)
    if (c === true || c === false) {
      const chosen = branch(c ? a : b, condition, onlyWhenOverridden)
      // The other branch, when a deploy's parameter values can choose it.
      const other = resolver.conditionWhateverParameters(name) === c ? [] : branch(c ? b : a, condition, onlyWhenOverridden ?? name)
      return [...chosen, ...other]
    }
    return [...branch(a, condition ?? name, onlyWhenOverridden), ...branch(b, condition ?? name, onlyWhenOverridden)]
  }
  return [{ item: node, ...(condition ? { condition } : {}), ...(onlyWhenOverridden ? { onlyWhenOverridden } : {}) }]
}

/** A policy given as a JSON string (CloudFormation accepts both) parsed; anything else as it is (buildPolicy reports it). */
function policyValue(value: Value | undefined): Value {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value)
      if (typeof parsed === 'object' && parsed !== null) return fromJson(parsed)
    } catch {
      // not JSON: buildPolicy reports it
    }
  }
  return value ?? null
}

function constructPath(r: Resource): string | undefined {
  const p = child(child(r.node, 'Metadata'), 'aws:cdk:path')
  return p?.t === 'scalar' && typeof p.v === 'string' ? p.v : undefined
}

/** A template resource as the handlers read it. */
class CfnBag implements PropertyBag {
  readonly changed = false
  readonly emptyIsUnset = false
  readonly conditional?: string

  constructor(
    private readonly t: CfnTemplate,
    private readonly r: Resource,
    private readonly handler: ResourceHandler,
  ) {
    if (r.conditional) this.conditional = r.conditional
  }

  get id(): string {
    return this.r.logicalId
  }

  /** The resource as the author wrote it: the SAM function for the role SAM generates. */
  private get source(): string {
    return this.r.generated?.from ?? this.r.logicalId
  }

  private node(prop: Prop): CNode | undefined {
    const name = this.handler.props.cfn[prop]
    return typeof name === 'string' ? child(this.r.props, name) : undefined
  }

  has(prop: Prop): boolean {
    return this.handler.props.cfn[prop] !== undefined
  }

  value(prop: Prop): Value | undefined {
    return this.t.resolver.value(this.node(prop))
  }

  valuesOnlyWhenOverridden(prop: Prop): Array<{ value: Value | undefined; condition: string }> {
    const node = this.node(prop)
    if (!node || !this.t.resolver.hasOverridableDefaults()) return []
    return policyItems(this.t.resolver, node).flatMap((i) => (i.onlyWhenOverridden !== undefined ? [{ value: this.t.resolver.value(i.item), condition: i.onlyWhenOverridden }] : []))
  }

  policy(prop: Prop, kind: PolicyKind, label: string): { doc?: BuiltPolicy['document']; notes: string[] } {
    const name = this.handler.props.cfn[prop]
    const docEntry = typeof name === 'string' ? entry(this.r.props, name) : undefined
    return this.t.policyOf(docEntry?.value, kind, label, docEntry?.keyPos ?? this.r.keyPos, this.source)
  }

  inlinePolicies(notes: string[]): InlinePolicy[] {
    const out: InlinePolicy[] = []
    const list = this.node('inlinePolicies')
    if (!list) return out
    policyItems(this.t.resolver, list).forEach(({ item, condition, onlyWhenOverridden }, i) => {
      const nameV = this.t.resolver.value(child(item, 'PolicyName'))
      const name = typeof nameV === 'string' ? display(nameV) : `Policies[${i}]`
      const docEntry = entry(item, 'PolicyDocument')
      if (onlyWhenOverridden !== undefined) {
        // Not part of the role for the defaults; said when it would grant inference with other values.
        if (allowsInference(buildPolicy(policyValue(this.t.resolver.valueWhateverParameters(docEntry?.value)), 'identity', name).document)) {
          this.t.notEvaluated(
            this.source,
            `judged on the parameter defaults, which a deploy can override: policy ${name} is in Policies only when condition ${onlyWhenOverridden} holds, false for the defaults, and it allows Bedrock inference actions`,
            `inline policy ${name}`,
          )
        }
        return
      }
      if (!docEntry) {
        // CloudFormation rejects it; never a policy that silently grants nothing.
        this.t.notEvaluated(this.source, `Policies[${i}] has no PolicyDocument tagwarden can read; it is not evaluated`, `inline policy ${name}`)
        return
      }
      const p = this.t.policyOf(docEntry.value, 'identity', `inline policy ${name}`, docEntry.keyPos, this.source)
      notes.push(...p.notes)
      if (condition !== undefined) notes.push(`inline policy ${name} applies only when condition ${condition} holds, which is known only at deploy time; it is evaluated as applying`)
      if (p.doc) out.push({ name, document: p.doc })
    })
    return out
  }

  tagEntries(origin: IacOrigin, notes: string[]): TagEntry[] | undefined {
    const v = this.value('tags')
    if (v === undefined) return undefined
    if (!Array.isArray(v)) {
      origin.tagsUnknown = true
      notes.push(`Tags (${isUnknown(v) ? '${' + v.what + '}' : 'not a list'}) are known only at deploy time; required tags count as present`)
      return []
    }
    const entries: TagEntry[] = []
    for (const tag of v) {
      if (!isRecord(tag)) {
        origin.tagsUnknown = true
        notes.push(`a tag (${isUnknown(tag) ? '${' + tag.what + '}' : JSON.stringify(tag)}) is known only at deploy time; required tags count as present`)
        continue
      }
      entries.push({ key: tag.Key ?? new Unknown('tag key'), value: tag.Value ?? '' })
    }
    return entries
  }

  identity(): Identity | undefined {
    const n = this.t.iamResource(this.r.logicalId)
    if (!n) return undefined
    // The principal's display name: its IAM name, else its construct path (CDK) or logical ID.
    const cp = constructPath(this.r)
    const displayName = n.nameKnown ? n.refName : cp ? cp.replace(/\/Resource$/, '') : this.r.logicalId
    return { kind: n.kind, name: n.refName, displayName, nameKnown: n.nameKnown, path: n.path, arn: n.arn }
  }

  origin(identity: Identity): IacOrigin {
    const { r, t } = this
    const { file, format, stack } = t.input
    const g = r.generated
    const o: IacOrigin = { format, resourceType: g?.type ?? r.type, file, line: r.keyPos.line, column: r.keyPos.column, logicalId: r.logicalId, nameKnown: identity.nameKnown }
    const cp = constructPath(r)
    if (cp) o.constructPath = cp
    if (stack) o.stack = stack
    const tagsAt = g ? g.tagsAt : entry(r.props, 'Tags')?.keyPos
    if (tagsAt) o.tagsAt = tagsAt
    const trustAt = g ? g.trustAt : entry(r.props, 'AssumeRolePolicyDocument')?.keyPos
    if (trustAt) o.trustAt = trustAt
    const sup = suppressionsOf(r, file, t.inv.iac.suppressionWarnings)
    if (sup.length > 0) o.suppressions = sup
    if (r.conditional) (o.notEvaluated ??= []).push(`created only when ${conditionHolds(r.conditional)}, which is known only at deploy time`)
    return o
  }

  scoped(note: string): string {
    return note
  }

  inputError(prop: Prop, code: string, message: string, hint: string): void {
    const name = this.handler.props.cfn[prop]
    const at = (typeof name === 'string' ? entry(this.r.props, name)?.keyPos : undefined) ?? this.r.keyPos
    this.t.errors.push(iacError(code, this.t.input.file, at, message, hint))
  }
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
