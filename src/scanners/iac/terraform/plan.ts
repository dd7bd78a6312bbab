/**
 * A Terraform plan (`terraform show -json`, format_version 1.x) → one `IacInventory`.
 *
 * Values come from `resource_changes[].change.after`; what is only known after apply (`after_unknown`) is
 * read from the configuration instead: `configuration.*.expressions` says whether an attribute is set at
 * all (every new `aws_iam_role` reports `inline_policy` and `managed_policy_arns` unknown even when they
 * are not configured) and which resources it references, so `role = aws_iam_role.x.id`,
 * `identifiers = [aws_iam_role.gw.arn]` and `for_each = aws_iam_role.y` still link the right instances.
 */
import { dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path'
import { decodeText, readBounded } from '../files.js'
import { MAX_TF_FILE_BYTES } from './source/config.js'
import type { ScanErrorEntry } from '../../../model/finding.js'
import type { InlinePolicy } from '../../../model/inventory.js'
import type { PolicyDocument } from '../../../model/policy.js'
import {
  IAC_HINTS,
  IacErrorCode,
  iacArn,
  iacError,
  newIacInventory,
  normalisePath,
  type TagEntry,
} from '../common.js'
import type { IacInventory, IacOrigin } from '../model.js'
import { buildPolicy, type PolicyKind } from '../policy.js'
import { IamGraph, type Dialect } from '../resources/graph.js'
import { runHandlers, tfHandler } from '../resources/registry.js'
import type { Identity, Prop, PropertyBag, ResourceHandler } from '../resources/types.js'
import { Unknown, asList, fromJson, isRecord, isUnknown, type Value } from '../values.js'
import { indexTerraformDir, type LocatedBlock, type ModuleIndex } from './locator.js'
import { dataStatement } from './policy-document.js'
import { terraformOrigin } from './origin.js'
import type { PlanMembers } from './plan-reader.js'

export interface PlanInput {
  members: PlanMembers
  /** Repo-relative path of the plan file. */
  file: string
  /** Absolute path of the plan file. */
  absFile: string
  key: string
  /** Root module folder (absolute); default: the plan's folder. */
  tfDir?: string
  /** Absolute base for repo-relative paths. */
  basePath: string
  /**
   * Keep only principals the plan changes: created or updated, or whose policies, attachments or group
   * memberships are. Unchanged resources still count for the principals that are kept.
   */
  changedOnly: boolean
  requiredTagKeys: readonly string[]
}

export interface PlanResult {
  inventory?: IacInventory
  errors: ScanErrorEntry[]
}

interface Change {
  actions?: string[]
  after?: unknown
  after_unknown?: unknown
}

interface ResourceChange {
  address: string
  module_address?: string
  mode: 'managed' | 'data'
  type: string
  name: string
  index?: string | number
  change: Change
}

interface Expression {
  constant_value?: unknown
  references?: string[]
}

interface ConfigResource {
  address: string
  mode: string
  type: string
  name: string
  provider_config_key?: string
  expressions?: Record<string, unknown>
  count_expression?: Expression
  for_each_expression?: Expression
}

interface ConfigModule {
  resources?: ConfigResource[]
  module_calls?: Record<string, { source?: string; module?: ConfigModule }>
}

interface Configuration {
  provider_config?: Record<string, { expressions?: Record<string, unknown> }>
  root_module?: ConfigModule
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `module.a["x"].module.b[0]` → `["a", "b"]`. */
function moduleCalls(moduleAddress: string | undefined): string[] {
  if (!moduleAddress) return []
  return [...moduleAddress.matchAll(/module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?/g)].map((m) => m[1] as string)
}

/** Resources that exist after apply: created, updated, replaced, unchanged, and data sources. Never deletions. */
function isEvaluated(actions: readonly string[], mode: string): boolean {
  if (mode === 'data') return actions.includes('read') || actions.includes('no-op')
  return actions.includes('create') || actions.includes('update') || actions.includes('no-op')
}

function isChanged(rc: ResourceChange): boolean {
  const a = rc.change.actions ?? []
  return a.includes('create') || a.includes('update')
}

/** Parse the `[…]` instance key of an address or reference. */
function parseIndex(raw: string): string | number {
  const inner = raw.slice(1, -1)
  if (/^\d+$/.test(inner)) return Number(inner)
  try {
    return JSON.parse(inner) as string
  } catch {
    return inner
  }
}

/** Drop references that are prefixes of a more specific one (`aws_iam_role.x` next to `aws_iam_role.x.arn`). */
function specificRefs(refs: readonly string[]): string[] {
  return refs.filter((r) => !refs.some((o) => o !== r && (o.startsWith(`${r}.`) || o.startsWith(`${r}[`))))
}

export async function planToInventory(input: PlanInput): Promise<PlanResult> {
  const { members, file } = input
  const errors: ScanErrorEntry[] = []
  const version = members.format_version
  const isState = members.keys.includes('values') && !members.keys.includes('resource_changes')
  if (typeof version !== 'string' || isState) {
    errors.push(
      iacError(
        IacErrorCode.UnsupportedPlanFormat,
        file,
        undefined,
        isState ? 'this is Terraform state (`terraform show -json` without a plan file), not a plan' : 'the plan has no format_version',
        IAC_HINTS.planFormat,
      ),
    )
    return { errors }
  }
  if (!/^1\.\d+$/.test(version)) {
    errors.push(
      iacError(
        IacErrorCode.UnsupportedPlanFormat,
        file,
        undefined,
        `plan format_version ${version} is not supported: tagwarden reads format_version 1.x (Terraform ${typeof members.terraform_version === 'string' ? members.terraform_version : 'version unknown'} wrote this plan)`,
        IAC_HINTS.planFormat,
      ),
    )
    return { errors }
  }
  // Terraform 1.5+ marks a plan that failed part-way (`errored`): the resources after the error are missing
  // and the plan cannot be applied. https://developer.hashicorp.com/terraform/internals/json-format
  if (members.errored === true) {
    errors.push(iacError(IacErrorCode.UnsupportedPlanFormat, file, undefined, 'the plan errored (`errored: true`): Terraform stopped planning, so resources are missing from it', IAC_HINTS.planErrored))
    return { errors }
  }
  const inv = newIacInventory(input.key, 'terraform', file)
  // Deferred changes (Terraform 1.8+, `complete: false`) are planned only in a later run.
  if (members.complete === false) (inv.notEvaluated ??= []).push({ file, reason: 'the plan is not complete (`complete: false`): deferred changes are planned in a later run and are not evaluated' })
  const config = (isObj(members.configuration) ? members.configuration : {}) as Configuration
  const allChanges = (Array.isArray(members.resource_changes) ? members.resource_changes : []).filter(
    (r): r is ResourceChange => isObj(r) && typeof r.address === 'string' && typeof r.type === 'string' && isObj(r.change),
  )
  const changes = allChanges.filter((r) => isEvaluated(r.change.actions ?? [], r.mode))
  const ctx = new PlanContext(changes, config, input, inv)
  await ctx.locateSources()
  ctx.build()
  errors.push(...ctx.errors)
  return { inventory: inv, errors }
}

class PlanContext {
  readonly errors: ScanErrorEntry[] = []
  private readonly identities = new Map<string, Identity>()
  private readonly blocks = new Map<string, LocatedBlock | undefined>()
  private readonly rootDir: string
  private depth = 0

  constructor(
    private readonly changes: ResourceChange[],
    private readonly config: Configuration,
    private readonly input: PlanInput,
    private readonly inv: IacInventory,
  ) {
    this.rootDir = input.tfDir ?? dirname(input.absFile)
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration and sources

  private configModule(moduleAddress: string | undefined): ConfigModule | undefined {
    let m = this.config.root_module
    for (const call of moduleCalls(moduleAddress)) m = m?.module_calls?.[call]?.module
    return m
  }

  private configOf(rc: ResourceChange): ConfigResource | undefined {
    const prefix = rc.mode === 'data' ? 'data.' : ''
    const addr = `${prefix}${rc.type}.${rc.name}`
    return this.configModule(rc.module_address)?.resources?.find((r) => r.address === addr)
  }

  expressions(rc: ResourceChange): Record<string, unknown> {
    return this.configOf(rc)?.expressions ?? {}
  }

  /** Folders of the modules the plan's resources live in, and the blocks in them. */
  async locateSources(): Promise<void> {
    let modulesJson: Array<{ Key?: string; Dir?: string }> = []
    try {
      // Bounded and regular files only (a link to /dev/zero must not hang the scan), as for Terraform sources.
      const read = await readBounded(join(this.rootDir, '.terraform', 'modules', 'modules.json'), MAX_TF_FILE_BYTES)
      const raw = (read.ok ? JSON.parse(decodeText(read.buf)) : {}) as { Modules?: unknown }
      if (Array.isArray(raw.Modules)) modulesJson = raw.Modules as typeof modulesJson
    } catch {
      // no `terraform init` output next to the sources: local module paths only
    }
    const dirCache = new Map<string, Promise<ModuleIndex>>()
    const index = (dir: string): Promise<ModuleIndex> => {
      let p = dirCache.get(dir)
      if (!p) dirCache.set(dir, (p = indexTerraformDir(dir)))
      return p
    }
    for (const rc of this.changes) {
      const calls = moduleCalls(rc.module_address)
      let dir: string | undefined = this.rootDir
      const fromInit = modulesJson.find((m) => m.Key === calls.join('.'))
      if (calls.length > 0 && fromInit?.Dir) dir = resolvePath(this.rootDir, fromInit.Dir)
      else {
        let m = this.config.root_module
        for (const call of calls) {
          const source = m?.module_calls?.[call]?.source
          m = m?.module_calls?.[call]?.module
          dir = dir && source && (source.startsWith('./') || source.startsWith('../')) ? resolvePath(dir, source) : undefined
        }
      }
      const key = `${rc.mode === 'data' ? 'data' : 'resource'}.${rc.type}.${rc.name}`
      this.blocks.set(rc.address, dir ? (await index(dir)).get(key) : undefined)
    }
  }

  private repoRelative(abs: string): string {
    const rel = relative(this.input.basePath, abs)
    return (rel === '' || isAbsolute(rel) ? abs : rel).split(sep).join('/')
  }

  origin(rc: ResourceChange, identity: Identity): IacOrigin {
    return terraformOrigin({
      block: this.blocks.get(rc.address),
      type: rc.type,
      address: rc.address,
      ...(rc.module_address ? { moduleAddress: rc.module_address } : {}),
      nameKnown: identity.nameKnown,
      fallbackFile: this.input.file,
      repoRelative: (abs) => this.repoRelative(abs),
      inv: this.inv,
    })
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  private after(rc: ResourceChange): Record<string, unknown> {
    return isObj(rc.change.after) ? rc.change.after : {}
  }

  private afterUnknown(rc: ResourceChange): Record<string, unknown> {
    return isObj(rc.change.after_unknown) ? rc.change.after_unknown : {}
  }

  /** An attribute's value; undefined when it is null (not set) and not unknown. */
  attr(rc: ResourceChange, name: string): Value | undefined {
    const after = this.after(rc)
    const unknown = this.afterUnknown(rc)[name]
    if (unknown !== true && (after[name] === null || after[name] === undefined)) return undefined
    return this.convert(after[name], unknown, this.expressions(rc)[name], rc)
  }

  private convert(v: unknown, u: unknown, expr: unknown, rc: ResourceChange, element?: { index: number; count: number }): Value {
    if (u === true) return this.unknownFrom(expr, rc, element)
    if (Array.isArray(v)) {
      const blocks = Array.isArray(expr)
      const unknownCount = Array.isArray(u) ? u.filter((x) => x === true).length : 0
      let seen = 0
      return v.map((x, i) => {
        const ui = Array.isArray(u) ? u[i] : undefined
        const el = ui === true ? { index: seen++, count: unknownCount } : undefined
        return this.convert(x, ui, blocks ? (expr as unknown[])[i] : expr, rc, el)
      })
    }
    if (isObj(v)) {
      const exprObj = isObj(expr) && !('constant_value' in expr) && !('references' in expr) ? expr : undefined
      const out: Record<string, Value> = {}
      const keys = new Set([...Object.keys(v), ...(isObj(u) ? Object.keys(u).filter((k) => u[k] === true) : [])])
      for (const k of keys) out[k] = this.convert(v[k], isObj(u) ? u[k] : undefined, exprObj?.[k], rc)
      return out
    }
    if (v === undefined) return null
    return v as Value
  }

  private unknownFrom(expr: unknown, rc: ResourceChange, element?: { index: number; count: number }): Value {
    const refs = isObj(expr) && Array.isArray(expr.references) ? specificRefs(expr.references as string[]) : []
    const meaningful = refs.filter((r) => r !== 'count.index' && r !== 'each.key')
    let ref: string | undefined
    if (element && meaningful.length === element.count) ref = meaningful[element.index]
    else if (meaningful.length === 1) ref = meaningful[0]
    if (ref !== undefined) {
      const resolved = this.resolveRef(ref, rc)
      if (resolved !== undefined) return resolved
      return new Unknown(ref)
    }
    return new Unknown(meaningful.length > 0 ? meaningful.join(', ') : 'a value known after apply')
  }

  /** The instances a `TYPE.NAME[idx]` reference from `from` can mean (same module instance). */
  private target(mode: 'managed' | 'data', type: string, name: string, index: string | number | undefined, from: ResourceChange): ResourceChange | undefined {
    const candidates = this.changes.filter((r) => r.mode === mode && r.type === type && r.name === name && (r.module_address ?? '') === (from.module_address ?? ''))
    if (index !== undefined) return candidates.find((r) => r.index === index)
    if (candidates.length === 1) return candidates[0]
    if (from.index !== undefined) return candidates.find((r) => r.index === from.index)
    return undefined
  }

  /** Resolve a configuration reference to a value, or undefined when it cannot be known before apply. */
  private resolveRef(ref: string, from: ResourceChange): Value | undefined {
    if (this.depth > 20) return undefined
    this.depth++
    try {
      if (ref === 'count.index' || ref === 'each.key') return from.index ?? undefined
      if (ref.startsWith('each.value')) {
        const forEach = this.configOf(from)?.for_each_expression?.references ?? []
        const res = specificRefs(forEach).find((r) => /^(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/.test(r))
        if (!res) return undefined
        const attrPath = ref.slice('each.value'.length).replace(/^\./, '')
        return this.resolveRef(attrPath ? `${res}.${attrPath}` : res, from)
      }
      const m = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]+\])?(?:\.([A-Za-z0-9_]+))?$/.exec(ref)
      if (!m || ref.startsWith('module.') || ref.startsWith('var.') || ref.startsWith('local.')) return undefined
      const mode = m[1] ? 'data' : 'managed'
      const t = this.target(mode, m[2] as string, m[3] as string, m[4] ? parseIndex(m[4]) : undefined, from)
      if (!t) return undefined
      // `aws_iam_role.x[count.index].id` is reported as `aws_iam_role.x` plus `count.index`: the attribute
      // is lost, so use the one such a reference means in practice (a name, a policy's ARN, a document).
      const attribute = m[5] ?? (t.type === 'aws_iam_policy' ? 'arn' : t.type === 'aws_iam_policy_document' ? 'json' : 'name')
      if (mode === 'data' && t.type === 'aws_iam_policy_document' && (attribute === 'json' || attribute === 'minified_json')) {
        return this.dataDocument(t)
      }
      const known = this.attr(t, attribute)
      if (known !== undefined && !isUnknown(known)) return known
      const id = this.identity(t)
      if (!id) {
        // An identity provider named in a trust policy: its ARN follows from its URL or name.
        const handler = attribute === 'arn' && t.mode === 'managed' ? tfHandler(t.type) : undefined
        return handler?.arn ? handler.arn(new TfBag(this, t, handler)) : undefined
      }
      if (attribute === 'arn') return id.arn
      if (attribute === 'name' || attribute === 'id') return id.kind === 'policy' && attribute === 'id' ? id.arn : id.name
      return undefined
    } finally {
      this.depth--
    }
  }

  /** The document of an `aws_iam_policy_document` data source: its JSON when known, else rebuilt from its blocks. */
  private dataDocument(rc: ResourceChange): Value {
    const json = this.attr(rc, 'json')
    if (typeof json === 'string') {
      try {
        return fromJson(JSON.parse(json))
      } catch {
        return new Unknown(`${rc.address}.json`)
      }
    }
    const after = this.after(rc)
    const statementsV = this.attr(rc, 'statement')
    const statements: Value[] = []
    const merged = (docs: Value | undefined, what: string): Value[] => {
      const out: Value[] = []
      for (const d of asList(docs)) {
        if (typeof d !== 'string') {
          out.push(new Unknown(`${rc.address}.${what}`))
          continue
        }
        try {
          const parsed = fromJson(JSON.parse(d))
          if (isRecord(parsed)) out.push(...asList(parsed.Statement))
        } catch {
          out.push(new Unknown(`${rc.address}.${what}`))
        }
      }
      return out
    }
    const bySid = (list: Value[], st: Value): void => {
      const sid = isRecord(st) ? st.Sid : undefined
      const at = typeof sid === 'string' ? list.findIndex((x) => isRecord(x) && x.Sid === sid) : -1
      if (at >= 0) list[at] = st
      else list.push(st)
    }
    for (const st of merged(this.attr(rc, 'source_policy_documents'), 'source_policy_documents')) bySid(statements, st)
    for (const st of asList(statementsV)) bySid(statements, isRecord(st) ? dataStatement(st) : st)
    for (const st of merged(this.attr(rc, 'override_policy_documents'), 'override_policy_documents')) bySid(statements, st)
    const doc: Record<string, Value> = { Version: typeof after.version === 'string' ? after.version : '2012-10-17', Statement: statements }
    return doc
  }

  // ---------------------------------------------------------------------------------------------
  // Identities

  identity(rc: ResourceChange): Identity | undefined {
    const kind = tfHandler(rc.type)?.identity
    if (!kind || rc.mode !== 'managed') return undefined
    const hit = this.identities.get(rc.address)
    if (hit) return hit
    const after = this.after(rc)
    const unknown = this.afterUnknown(rc)
    const path = normalisePath(typeof after.path === 'string' ? after.path : '/')
    let name: string
    let nameKnown = false
    if (typeof after.name === 'string' && unknown.name !== true) {
      name = after.name
      nameKnown = true
    } else if (typeof after.name_prefix === 'string' && after.name_prefix !== '') {
      name = `${after.name_prefix}*`
    } else name = rc.address
    const arn = typeof after.arn === 'string' && unknown.arn !== true ? after.arn : iacArn(kind, path, name)
    const id: Identity = { kind, name, displayName: name, nameKnown, path, arn }
    this.identities.set(rc.address, id)
    return id
  }

  // ---------------------------------------------------------------------------------------------
  // Building

  /**
   * A policy attribute's document. `computed`: the plan marks it unknown, so a string here came from
   * resolving a reference inside a larger expression (`jsonencode({… = aws_iam_role.x.arn})`): the
   * document itself is still unknown.
   */
  private policyValue(v: Value | undefined, what: string, computed: boolean): Value {
    if (v === undefined) return new Unknown(what)
    if (typeof v === 'string') {
      try {
        return fromJson(JSON.parse(v))
      } catch {
        return computed ? new Unknown(what) : v
      }
    }
    return v
  }

  policy(rc: ResourceChange, v: Value | undefined, kind: PolicyKind, label: string, attribute: string, computed?: boolean): { doc?: PolicyDocument; notes: string[] } {
    const isComputed = computed ?? this.afterUnknown(rc)[attribute] === true
    const built = buildPolicy(this.policyValue(v, `${rc.address}.${attribute}`, isComputed), kind, label)
    if (built.error) this.inputError(rc, attribute, IacErrorCode.InvalidPolicy, `${rc.address}: ${built.error}`, IAC_HINTS.invalidPolicy)
    return built.document ? { doc: built.document, notes: built.notes } : { notes: built.notes }
  }

  /** An input error at the attribute's line in the configuration when it is located, else at the block or the plan. */
  inputError(rc: ResourceChange, attribute: string | undefined, code: string, message: string, hint: string): void {
    const block = this.blocks.get(rc.address)
    const file = block ? this.repoRelative(block.file) : this.input.file
    const pos = (attribute !== undefined ? block?.members.get(attribute) : undefined) ?? block?.pos
    this.errors.push(iacError(code, file, pos, message, hint))
  }

  /** The string is one of the role's inline policies as the plan knows them (not a resolved reference). */
  knownInlinePolicy(rc: ResourceChange, policy: string): boolean {
    const list = this.after(rc).inline_policy
    return Array.isArray(list) && list.some((x) => isObj(x) && x.policy === policy)
  }

  tagEntries(rc: ResourceChange, origin: IacOrigin, notes: string[]): TagEntry[] {
    const after = this.after(rc)
    const unknown = this.afterUnknown(rc)
    if (unknown.tags_all !== true && isObj(after.tags_all)) {
      return Object.entries(after.tags_all).map(([key, value]) => ({ key, value: value as Value }))
    }
    // tags_all unknown: the resource's own tags plus the provider's default_tags from the configuration.
    const entries: TagEntry[] = []
    const providerKey = this.configOf(rc)?.provider_config_key
    const providerExpr = providerKey ? this.config.provider_config?.[providerKey]?.expressions : undefined
    const defaults = Array.isArray(providerExpr?.default_tags) ? (providerExpr.default_tags[0] as Record<string, Expression> | undefined)?.tags : undefined
    if (defaults && isObj(defaults.constant_value)) {
      for (const [key, value] of Object.entries(defaults.constant_value)) entries.push({ key, value: value as Value })
    } else if (defaults?.references) {
      origin.tagsUnknown = true
      notes.push(`the provider's default_tags (${defaults.references.join(', ')}) are known only after apply; required tags count as present`)
    }
    const tags = this.attr(rc, 'tags')
    if (isUnknown(tags)) {
      const expr = this.expressions(rc).tags as Expression | undefined
      if (expr && isObj(expr.constant_value)) {
        for (const [key, value] of Object.entries(expr.constant_value)) entries.push({ key, value: value as Value })
      } else {
        origin.tagsUnknown = true
        notes.push(`tags (${tags.what}) are known only after apply; required tags count as present`)
      }
    } else if (isRecord(tags)) {
      for (const [key, value] of Object.entries(tags)) {
        const at = entries.findIndex((e) => e.key === key)
        if (at >= 0) entries.splice(at, 1)
        entries.push({ key, value })
      }
    }
    return entries
  }

  build(): void {
    const graph = new IamGraph(this.inv, TF_DIALECT)
    const resources = this.changes.flatMap((rc) => {
      const handler = rc.mode === 'managed' ? tfHandler(rc.type) : undefined
      return handler ? [{ handler, bag: new TfBag(this, rc, handler) }] : []
    })
    runHandlers(resources, graph)
    graph.finish(this.input.requiredTagKeys, this.input.changedOnly)
  }
}

/** How a plan words and orders what the IAM graph reports (kept as the builders had it). */
const TF_DIALECT: Dialect = {
  principalSteps: ['managed', 'tags', 'boundary', 'trust', 'inline', 'groups'],
  nameText: (s) => s,
  unknownTarget: (bag, _label, type, what) => `${bag.id} applies to a ${type} (${what}) known only after apply; it grants nothing here`,
  missingTarget: (bag, _label, type, name) => `${bag.id} applies to ${type} ${name}, which this plan does not create or change; not evaluated`,
  missingGroup: (name) => `group ${name} is not in this plan; its policies grant nothing here`,
  checksUnattachedPolicies: false,
  splitNotes: true,
  dedupeTemplateNotes: true,
  listsDeployTimePolicies: false,
}

/** A planned resource as the handlers read it. */
class TfBag implements PropertyBag {
  readonly emptyIsUnset = true

  constructor(
    private readonly ctx: PlanContext,
    private readonly rc: ResourceChange,
    private readonly handler: ResourceHandler,
  ) {}

  get id(): string {
    return this.rc.address
  }

  get changed(): boolean {
    return isChanged(this.rc)
  }

  private attribute(prop: Prop): string | undefined {
    const p = this.handler.props.tf[prop]
    return typeof p === 'string' ? p : p?.name
  }

  has(prop: Prop): boolean {
    const p = this.handler.props.tf[prop]
    return p !== undefined && (typeof p === 'string' || p.name in this.ctx.expressions(this.rc))
  }

  value(prop: Prop): Value | undefined {
    const a = this.attribute(prop)
    return a === undefined ? undefined : this.ctx.attr(this.rc, a)
  }

  policy(prop: Prop, kind: PolicyKind, label: string): { doc?: PolicyDocument; notes: string[] } {
    const a = this.attribute(prop) ?? prop
    return this.ctx.policy(this.rc, this.ctx.attr(this.rc, a), kind, label, a)
  }

  inlinePolicies(notes: string[]): InlinePolicy[] {
    const a = this.attribute('inlinePolicies')
    if (a === undefined) return []
    const out: InlinePolicy[] = []
    const list = this.ctx.attr(this.rc, a)
    for (const item of isUnknown(list) ? [list] : asList(list)) {
      if (!isRecord(item)) {
        notes.push(`${a} (${isUnknown(item) ? item.what : 'not a block'}) is known only after apply; it grants nothing here`)
        continue
      }
      const name = typeof item.name === 'string' ? item.name : a
      const computed = typeof item.policy !== 'string' || !this.ctx.knownInlinePolicy(this.rc, item.policy)
      const p = this.ctx.policy(this.rc, item.policy, 'identity', `inline policy ${name}`, a, computed)
      notes.push(...p.notes)
      if (p.doc) out.push({ name, document: p.doc })
    }
    return out
  }

  tagEntries(origin: IacOrigin, notes: string[]): TagEntry[] {
    return this.ctx.tagEntries(this.rc, origin, notes)
  }

  identity(): Identity | undefined {
    return this.ctx.identity(this.rc)
  }

  origin(identity: Identity): IacOrigin {
    return this.ctx.origin(this.rc, identity)
  }

  scoped(note: string): string {
    return `${this.rc.address}: ${note}`
  }

  inputError(prop: Prop, code: string, message: string, hint: string): void {
    this.ctx.inputError(this.rc, this.attribute(prop), code, message, hint)
  }
}
