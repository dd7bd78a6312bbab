/**
 * A Terraform root module read from its sources (`.tf`, `.tf.json`), without a plan → one `IacInventory`.
 *
 * The sources are parsed (`source/hcl.ts`) and evaluated (`source/root.ts`) into resource instances with
 * plan-like addresses; each instance becomes a property bag for the same resource handlers and the same
 * IAM graph assembly as a plan, and its origin comes from the same `.tf` locator, so a finding has the same
 * line and the same fingerprint from the sources as from a plan. What is not certain before apply is an
 * `Unknown` (the existing unknown-value semantics) and is listed in `summary.notEvaluated`.
 */
import { isAbsolute, relative, sep } from 'node:path'
import type { NotEvaluatedEntry, ScanErrorEntry } from '../../../model/finding.js'
import type { InlinePolicy } from '../../../model/inventory.js'
import type { PolicyDocument } from '../../../model/policy.js'
import { IacErrorCode, iacError, location, newIacInventory, type TagEntry } from '../common.js'
import type { IacInventory, IacOrigin, SourcePosition } from '../model.js'
import { buildPolicy, type PolicyKind } from '../policy.js'
import { IamGraph, type Dialect } from '../resources/graph.js'
import { runHandlers, tfHandler } from '../resources/registry.js'
import type { Identity, Prop, PropertyBag, ResourceHandler } from '../resources/types.js'
import { Unknown, asList, display, fromJson, hasUnknownPiece, isRecord, isUnknown, type Value } from '../values.js'
import { indexTerraformDir, type LocatedBlock, type ModuleIndex } from './locator.js'
import { terraformOrigin } from './origin.js'
import { iamIdentity, type ResourceInstance } from './source/instances.js'
import { evaluateRoot, type RootResult } from './source/root.js'
import { parseTfJson } from './source/tf-json.js'

export const TF_SOURCE_HINTS = {
  parse: 'Fix the file so that `terraform validate` accepts it; tagwarden scanned the other files.',
  limit: 'tagwarden bounds what it reads from a pull request (size, nesting, evaluation steps); split the file or simplify the expression.',
}

export interface SourcesInput {
  /** Absolute root module folder. */
  dir: string
  /** Repo-relative root module folder (the inventory's file and key). */
  file: string
  key: string
  basePath: string
  varFiles?: readonly string[]
  env?: Readonly<Record<string, string | undefined>>
  requiredTagKeys: readonly string[]
}

export interface SourcesResult {
  inventory?: IacInventory
  errors: ScanErrorEntry[]
}

const SOURCE_DIALECT: Dialect = {
  principalSteps: ['managed', 'tags', 'boundary', 'trust', 'inline', 'groups'],
  nameText: (s) => display(s),
  unknownTarget: (bag, _label, type, what) => `${bag.id} applies to a ${type} (${what}) known only after apply; it grants nothing here`,
  missingTarget: (bag, _label, type, name) => `${bag.id} applies to ${type} ${display(name)}, which this configuration does not define; not evaluated`,
  missingGroup: (name) => `group ${name} is not defined in this configuration; its policies grant nothing here`,
  checksUnattachedPolicies: false,
  splitNotes: true,
  dedupeTemplateNotes: true,
  listsDeployTimePolicies: false,
}

export async function sourcesToInventory(input: SourcesInput): Promise<SourcesResult> {
  const repoRelative = (abs: string): string => {
    const rel = relative(input.basePath, abs)
    return (rel === '' || isAbsolute(rel) ? abs : rel).split(sep).join('/')
  }
  const result = await evaluateRoot({
    dir: input.dir,
    basePath: input.basePath,
    parseJson: (text) => parseTfJson(text),
    ...(input.varFiles ? { varFiles: input.varFiles } : {}),
    ...(input.env ? { env: input.env } : {}),
  })
  const errors: ScanErrorEntry[] = result.problems.map((p) =>
    iacError(
      /too expensive|deeper than|at most|more than/.test(p.message) ? IacErrorCode.TooLarge : IacErrorCode.ParseError,
      repoRelative(p.file),
      p.pos,
      `${repoRelative(p.file)}: ${p.message}`,
      /too expensive|deeper than|at most|more than/.test(p.message) ? TF_SOURCE_HINTS.limit : TF_SOURCE_HINTS.parse,
    ),
  )
  const inv = newIacInventory(input.key, 'terraform', input.file)
  inv.sources = [input.file]
  const ctx = new SourceContext(result, input, inv, repoRelative)
  await ctx.locate()
  ctx.build()
  errors.push(...ctx.errors)
  inv.notEvaluated = [...(inv.notEvaluated ?? []), ...notEvaluatedEntries(result, repoRelative)]
  return { inventory: inv, errors }
}

/** Evaluation notes → `summary.notEvaluated` entries (deduplicated, in order). */
function notEvaluatedEntries(result: RootResult, repoRelative: (abs: string) => string): NotEvaluatedEntry[] {
  const seen = new Set<string>()
  const out: NotEvaluatedEntry[] = []
  for (const n of result.notes) {
    const e: NotEvaluatedEntry = { reason: n.message }
    if (n.file) e.file = location(repoRelative(n.file), n.pos)
    if (n.subject) e.resource = n.subject
    const k = `${e.file}\u0000${e.resource}\u0000${e.reason}`
    if (seen.has(k)) continue
    seen.add(k)
    out.push(e)
  }
  return out
}

class SourceContext {
  readonly errors: ScanErrorEntry[] = []
  private readonly indexes = new Map<string, ModuleIndex>()

  constructor(
    private readonly result: RootResult,
    readonly input: SourcesInput,
    readonly inv: IacInventory,
    readonly repoRelative: (abs: string) => string,
  ) {}

  /** Index the `.tf` blocks of every module folder an instance comes from (positions, suppressions). */
  async locate(): Promise<void> {
    for (const dir of new Set(this.result.instances.map((i) => i.moduleDir))) this.indexes.set(dir, await indexTerraformDir(dir))
  }

  /** The located `.tf` block; for `.tf.json` (which the locator does not read), the parsed block's positions. */
  block(inst: ResourceInstance): LocatedBlock {
    const located = this.indexes.get(inst.moduleDir)?.get(`${inst.mode === 'data' ? 'data' : 'resource'}.${inst.type}.${inst.name}`)
    if (located) return located
    const members = new Map<string, SourcePosition>()
    for (const a of inst.config.body.attrs.values()) members.set(a.name, a.pos)
    for (const b of inst.config.body.blocks) if (!members.has(b.type)) members.set(b.type, b.pos)
    return { file: inst.config.file, pos: inst.config.pos, members, suppressions: [] }
  }

  /** An input error at the attribute's line in the configuration, else at the block. */
  inputError(inst: ResourceInstance, attribute: string | undefined, code: string, message: string, hint: string): void {
    const block = this.block(inst)
    const pos = (attribute !== undefined ? block.members.get(attribute) : undefined) ?? block.pos
    this.errors.push(iacError(code, this.repoRelative(block.file), pos, message, hint))
  }

  /** A policy attribute (JSON string, or the structure a `jsonencode()` with unknown parts kept) → a document. */
  policy(inst: ResourceInstance, v: Value | undefined, kind: PolicyKind, label: string, attribute: string): { doc?: PolicyDocument; notes: string[] } {
    let value: Value
    if (v === undefined || v === null) value = new Unknown(`${inst.address}.${attribute}`)
    else if (typeof v === 'string') {
      try {
        value = fromJson(JSON.parse(v))
      } catch {
        // A heredoc with an unknown piece outside a JSON string cannot be read; one without is invalid JSON.
        value = hasUnknownPiece(v) ? new Unknown(`${inst.address}.${attribute}`) : v
      }
    } else value = v
    const built = buildPolicy(value, kind, label)
    if (built.error) {
      const hint = 'IAM would reject this policy document at deploy time; fix it in the configuration. The principal was analysed without it.'
      this.inputError(inst, attribute, IacErrorCode.InvalidPolicy, `${inst.address}: ${built.error}`, hint)
    }
    return built.document ? { doc: built.document, notes: built.notes } : { notes: built.notes }
  }

  build(): void {
    const graph = new IamGraph(this.inv, SOURCE_DIALECT)
    const resources = this.result.instances.flatMap((inst) => {
      const handler = inst.mode === 'managed' ? tfHandler(inst.type) : undefined
      return handler ? [{ handler, bag: new SourceBag(this, inst, handler) }] : []
    })
    runHandlers(resources, graph)
    graph.finish(this.input.requiredTagKeys, false)
  }
}

/** An evaluated resource instance as the handlers read it. */
class SourceBag implements PropertyBag {
  readonly emptyIsUnset = true
  readonly changed = true
  private id_: Identity | undefined | null = null

  constructor(
    private readonly ctx: SourceContext,
    private readonly inst: ResourceInstance,
    private readonly handler: ResourceHandler,
  ) {}

  get id(): string {
    return this.inst.address
  }

  private attribute(prop: Prop): string | undefined {
    const p = this.handler.props.tf[prop]
    return typeof p === 'string' ? p : p?.name
  }

  has(prop: Prop): boolean {
    const a = this.attribute(prop)
    return a !== undefined && (typeof this.handler.props.tf[prop] === 'string' || a in this.inst.attrs)
  }

  value(prop: Prop): Value | undefined {
    const a = this.attribute(prop)
    const v = a === undefined ? undefined : this.inst.attrs[a]
    return v === null ? undefined : v
  }

  policy(prop: Prop, kind: PolicyKind, label: string): { doc?: PolicyDocument; notes: string[] } {
    const a = this.attribute(prop) ?? prop
    return this.ctx.policy(this.inst, this.inst.attrs[a], kind, label, a)
  }

  inlinePolicies(notes: string[]): InlinePolicy[] {
    const a = this.attribute('inlinePolicies')
    if (a === undefined) return []
    const out: InlinePolicy[] = []
    const list = this.inst.attrs[a]
    for (const item of isUnknown(list) ? [list] : asList(list ?? undefined)) {
      if (!isRecord(item)) {
        notes.push(`${a} (${isUnknown(item) ? item.what : 'not a block'}) is known only after apply; it grants nothing here`)
        continue
      }
      // An empty `inline_policy {}` block removes the role's inline policies: nothing to read.
      if (item.policy === undefined || item.policy === null) continue
      const name = typeof item.name === 'string' ? item.name : a
      const p = this.ctx.policy(this.inst, item.policy, 'identity', `inline policy ${name}`, a)
      notes.push(...p.notes)
      if (p.doc) out.push({ name, document: p.doc })
    }
    return out
  }

  tagEntries(origin: IacOrigin, notes: string[]): TagEntry[] {
    const all = this.inst.attrs.tags_all ?? this.inst.attrs.tags
    if (all === undefined || all === null) return []
    if (isUnknown(all)) {
      origin.tagsUnknown = true
      notes.push(`tags (${all.what}) are known only after apply; required tags count as present`)
      return []
    }
    if (!isRecord(all)) return []
    return Object.entries(all).map(([key, value]) => ({ key, value }))
  }

  identity(): Identity | undefined {
    if (this.id_ !== null) return this.id_
    const kind = this.handler.identity
    const id = kind ? iamIdentity(this.inst.type, this.inst.address, this.inst.attrs) : undefined
    this.id_ = kind && id ? { kind, name: id.name, displayName: id.name, nameKnown: id.nameKnown, path: id.path, arn: id.arn } : undefined
    return this.id_
  }

  origin(identity: Identity): IacOrigin {
    return terraformOrigin({
      block: this.ctx.block(this.inst),
      type: this.inst.type,
      address: this.inst.address,
      ...(this.inst.moduleAddress ? { moduleAddress: this.inst.moduleAddress } : {}),
      nameKnown: identity.nameKnown,
      fallbackFile: this.ctx.repoRelative(this.inst.config.file),
      repoRelative: this.ctx.repoRelative,
      inv: this.ctx.inv,
    })
  }

  scoped(note: string): string {
    return `${this.inst.address}: ${note}`
  }

  inputError(prop: Prop, code: string, message: string, hint: string): void {
    this.ctx.inputError(this.inst, this.attribute(prop), code, message, hint)
  }
}
