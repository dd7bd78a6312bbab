/**
 * Evaluates a root module and the modules it calls into resource instances with their attribute values,
 * addressed like Terraform's plan (`module.team["ads"].aws_iam_role.this[0]`).
 *
 * Values are computed lazily and memoised (each local, variable, output and resource once per module
 * instance), so the order of blocks does not matter and a reference cycle is detected instead of looping.
 */
import { relative, sep } from 'node:path'
import type { Body, Expr, Pos } from './hcl.js'
import type { ModuleCallConfig, ModuleConfig, ResourceConfig } from './config.js'
import { Budget, EvalError, EvalLimitError, Evaluator, FUNCTIONS, hasUnknown, jsonEncode, markInstance, type FunctionTable, type RootResolver, type Scope, type TraversalStep } from './eval.js'
import { fileFunctions } from './file-functions.js'
import { convert, typeSpec } from './types.js'
import { iacArn, normalisePath } from '../../common.js'
import { IAC_ACCOUNT_PLACEHOLDER } from '../../model.js'
import { Unknown, isRecord, isUnknown, type Value } from '../../values.js'
import { dataStatement } from '../policy-document.js'

export interface ResourceInstance {
  /** `module.a["x"].aws_iam_role.r[0]` */
  address: string
  /** `module.a["x"]`, or '' in the root module. */
  moduleAddress: string
  mode: 'managed' | 'data'
  type: string
  name: string
  index?: string | number
  /** Attributes and nested blocks (lists of objects) as configured; `tags_all` for taggable IAM resources. */
  attrs: Record<string, Value>
  config: ResourceConfig
  /** The folder of the module that declares it. */
  moduleDir: string
}

export interface EvalNote {
  /** Absolute file, when known. */
  file?: string
  pos?: Pos
  /** The resource or value concerned (`aws_iam_role.x`, `var.team`). */
  subject?: string
  message: string
}

export interface ModuleResolver {
  /** The folder of a called module, or a reason it is not available. */
  childDir(parent: ModuleInstance, call: ModuleCallConfig): Promise<{ dir: string } | { reason: string }>
  load(dir: string): Promise<ModuleConfig>
}

type Lazy = { state: 'pending' } | { state: 'busy' } | { state: 'done'; value: Value }

const IAM_KINDS: Record<string, 'role' | 'user' | 'group' | 'policy'> = { aws_iam_role: 'role', aws_iam_user: 'user', aws_iam_group: 'group', aws_iam_policy: 'policy' }
const TAGGABLE = new Set(['aws_iam_role', 'aws_iam_user', 'aws_iam_policy', 'aws_iam_openid_connect_provider', 'aws_iam_saml_provider'])

/** The name and ARN a resource gets (docs/iac.md "Names and ARNs"), the same rule as the plan path. */
export function iamIdentity(type: string, address: string, attrs: Record<string, Value>): { name: string; nameKnown: boolean; path: string; arn: string } | undefined {
  const kind = IAM_KINDS[type]
  if (!kind) return undefined
  const path = normalisePath(typeof attrs.path === 'string' ? attrs.path : '/')
  let name = address
  let nameKnown = false
  if (typeof attrs.name === 'string' && !hasUnknown(attrs.name)) {
    name = attrs.name
    nameKnown = true
  } else if (typeof attrs.name_prefix === 'string' && attrs.name_prefix !== '' && !hasUnknown(attrs.name_prefix)) name = `${attrs.name_prefix}*`
  return { name, nameKnown, path, arn: iacArn(kind, path, name) }
}

function instanceKey(k: string | number): string {
  return typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`
}

export class SourceRun {
  readonly budget = new Budget()
  readonly notes: EvalNote[] = []
  readonly instances: ResourceInstance[] = []
  readonly modules: ModuleInstance[] = []
  readonly fileFunctions: FunctionTable
  constructor(
    readonly resolver: ModuleResolver,
    readonly basePath: string,
    readonly rootDir: string,
  ) {
    this.fileFunctions = fileFunctions(rootDir, basePath, this.budget)
  }

  private readonly unsupportedSeen = new Set<string>()

  /** One note per function tagwarden does not evaluate. */
  unsupported(name: string, dir: string, pos: Pos): void {
    if (this.unsupportedSeen.has(name)) return
    this.unsupportedSeen.add(name)
    this.note({ file: dir, pos, subject: `${name}()`, message: `function ${name}() is not evaluated by tagwarden; values built with it are unknown` })
  }

  noteOnce(key: string, n: EvalNote): void {
    if (this.unsupportedSeen.has(key)) return
    this.unsupportedSeen.add(key)
    this.note(n)
  }

  note(n: EvalNote): void {
    this.notes.push(n)
  }
}

export class ModuleInstance {
  private readonly locals = new Map<string, Lazy>()
  private readonly vars = new Map<string, Lazy>()
  private readonly outputs = new Map<string, Lazy>()
  private readonly resources = new Map<string, Lazy>()
  private readonly defaultTags = new Map<string, Lazy>()
  private readonly children = new Map<string, Lazy>()
  private readonly childInstances = new Map<string, ModuleInstance>()
  readonly ev: Evaluator

  constructor(
    readonly run: SourceRun,
    readonly config: ModuleConfig,
    /** '' for the root module. */
    readonly address: string,
    /** Input values: the module call's arguments (evaluated in the parent), or the root's variable values. */
    private readonly input: (name: string) => Value | undefined,
    /** Provider key in this module → the module instance and key where the provider block lives. */
    private readonly providerOf: (key: string) => { owner: ModuleInstance; key: string } | undefined,
    readonly depth: number,
  ) {
    const resolver: RootResolver = { resolve: (steps, e) => this.resolveRoot(steps, e) }
    this.ev = new Evaluator(resolver, run.budget, { ...FUNCTIONS, ...run.fileFunctions })
    this.ev.onUnsupported = (name, pos) => run.unsupported(name, this.config.dir, pos)
    run.modules.push(this)
  }

  private memo(map: Map<string, Lazy>, key: string, what: string, pos: Pos | undefined, compute: () => Value): Value {
    const hit = map.get(key)
    if (hit?.state === 'done') return hit.value
    if (hit?.state === 'busy') {
      this.run.note({ ...(pos ? { pos } : {}), subject: what, message: `${what} refers to itself (a cycle); it is not evaluated` })
      return new Unknown(what)
    }
    map.set(key, { state: 'busy' })
    let value: Value
    try {
      value = compute()
    } catch (e) {
      map.delete(key)
      throw e
    }
    map.set(key, { state: 'done', value })
    return value
  }

  /** Evaluate an expression; an invalid one is unknown, with a note naming where. */
  evalSafe(e: Expr, scope: Scope | undefined, file: string, subject: string): Value {
    try {
      return this.ev.eval(e, scope)
    } catch (err) {
      if (err instanceof EvalLimitError) err.file ??= file
      if (err instanceof EvalLimitError || !(err instanceof EvalError)) throw err
      this.run.note({ file, pos: err.pos, subject, message: `${subject} cannot be evaluated (${err.message}); it is treated as unknown` })
      return new Unknown(subject)
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Named values

  local(name: string, pos?: Pos): Value {
    const l = this.config.locals.get(name)
    if (!l) throw new EvalError(`local.${name} is not declared`, pos ?? { line: 1, column: 1 })
    return this.memo(this.locals, name, `local.${name}`, l.pos, () => this.evalSafe(l.expr, undefined, l.file, `local.${name}`))
  }

  variable(name: string, pos?: Pos): Value {
    const v = this.config.variables.get(name)
    if (!v) throw new EvalError(`var.${name} is not declared`, pos ?? { line: 1, column: 1 })
    return this.memo(this.vars, name, `var.${name}`, v.pos, () => {
      const type = typeSpec(v.type)
      const conv = (x: Value): Value => convert(x, type, (d) => this.evalSafe(d, undefined, v.file, `var.${name}`))
      const given = this.input(name)
      if (given !== undefined && given !== null) return conv(given)
      if (v.default) return conv(this.evalSafe(v.default, undefined, v.file, `var.${name}`))
      if (given === null) return null
      this.run.note({ file: v.file, pos: v.pos, subject: `${this.address ? `${this.address}.` : ''}var.${name}`, message: `variable ${name} has no value (no default${this.address ? ' and no module argument' : ', terraform.tfvars, *.auto.tfvars, --var-file or TF_VAR_' + name}); what uses it is unknown` })
      return new Unknown(`var.${name}`)
    })
  }

  output(name: string): Value {
    const o = this.config.outputs.get(name)
    if (!o) return new Unknown(`${this.address}.${name}`)
    return this.memo(this.outputs, name, `${this.address}.${name}`, o.pos, () => this.evalSafe(o.expr, undefined, o.file, `output ${name} of ${this.address}`))
  }

  /** `path.module` / `path.root` relative to the root module folder, as Terraform gives them. */
  private pathValue(name: string): Value {
    if (name === 'module') return relative(this.run.rootDir, this.config.dir).split(sep).join('/') || '.'
    if (name === 'root') return '.'
    return new Unknown(`path.${name}`)
  }

  // ---------------------------------------------------------------------------------------------
  // References

  private resolveRoot(steps: TraversalStep[], e: Expr): { value: Value; used: number } | undefined {
    const name = (i: number): string | undefined => {
      const s = steps[i]
      return s && 'name' in s ? s.name : undefined
    }
    const root = name(0)
    const second = name(1)
    if (root === 'var' && second) return { value: this.variable(second, e.pos), used: 2 }
    if (root === 'local' && second) return { value: this.local(second, e.pos), used: 2 }
    if (root === 'path' && second) return { value: this.pathValue(second), used: 2 }
    if (root === 'terraform' && second) return { value: new Unknown(`terraform.${second}`), used: 2 }
    if (root === 'self') return { value: new Unknown('self'), used: 1 }
    if (root === 'count' || root === 'each') throw new EvalError(`${root} is only available in a resource or module with ${root === 'count' ? 'count' : 'for_each'}`, e.pos)
    if (root === 'module' && second) {
      if (!this.config.moduleCalls.has(second)) throw new EvalError(`module.${second} is not declared`, e.pos)
      return { value: this.moduleValue(second), used: 2 }
    }
    if (root === 'data') {
      const type = second
      const rname = name(2)
      if (!type || !rname) return undefined
      const key = `data.${type}.${rname}`
      if (!this.config.resources.has(key)) throw new EvalError(`${key} is not declared`, e.pos)
      return { value: this.resourceValue(key), used: 3 }
    }
    if (root && second && this.config.resources.has(`${root}.${second}`)) return { value: this.resourceValue(`${root}.${second}`), used: 2 }
    if (root && second && /^[a-z0-9]+_/.test(root)) throw new EvalError(`${root}.${second} is not declared in this module`, e.pos)
    return undefined
  }

  // ---------------------------------------------------------------------------------------------
  // Resources

  /** `count` / `for_each` → instance keys; undefined = a single instance; Unknown = not known before apply. */
  expansion(count: Expr | undefined, forEach: Expr | undefined, file: string, subject: string): Array<{ key: string | number; each?: Value }> | undefined | Unknown {
    if (count) {
      const n = this.evalSafe(count, undefined, file, `${subject} count`)
      if (isUnknown(n) || hasUnknown(n)) return isUnknown(n) ? n : new Unknown(`${subject} count`)
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        this.run.note({ file, pos: count.pos, subject, message: `${subject}: count is ${JSON.stringify(n)}, not a whole number; not evaluated` })
        return new Unknown(`${subject} count`)
      }
      if (n > this.run.budget.limits.maxCollection) throw new EvalLimitError(`${subject}: count ${n} is too large`, count.pos)
      return Array.from({ length: n }, (_, i) => ({ key: i }))
    }
    if (forEach) {
      const v = this.evalSafe(forEach, undefined, file, `${subject} for_each`)
      if (isUnknown(v)) return v
      if (Array.isArray(v)) {
        // A set of strings (toset([...])): each.key = each.value = the element.
        if (v.some((x) => typeof x !== 'string' || hasUnknown(x))) return new Unknown(`${subject} for_each`)
        return [...new Set(v as string[])].sort().map((s) => ({ key: s, each: s }))
      }
      if (isRecord(v)) {
        if (Object.keys(v).some((k) => hasUnknown(k))) return new Unknown(`${subject} for_each`)
        return Object.keys(v)
          .sort()
          .map((k) => ({ key: k, each: v[k] as Value }))
      }
      this.run.note({ file, pos: forEach.pos, subject, message: `${subject}: for_each is ${v === null ? 'null' : typeof v}, not a map or set; not evaluated` })
      return new Unknown(`${subject} for_each`)
    }
    return undefined
  }

  /** The value a reference to a resource sees: one instance object, a list (count) or a map (for_each). */
  resourceValue(key: string): Value {
    const cfg = this.config.resources.get(key) as ResourceConfig
    return this.memo(this.resources, key, this.prefixed(key), cfg.pos, () => {
      const exp = this.expansion(cfg.count, cfg.forEach, cfg.file, this.prefixed(key))
      if (isUnknown(exp)) {
        this.run.note({ file: cfg.file, pos: cfg.pos, subject: this.prefixed(key), message: `${this.prefixed(key)}: ${cfg.count ? 'count' : 'for_each'} (${exp.what}) is known only after apply; its instances are not evaluated` })
        return new Unknown(this.prefixed(key))
      }
      if (exp === undefined) return this.instance(cfg, key, undefined, undefined)
      if (cfg.count) return exp.map((x) => this.instance(cfg, key, x.key, x.each))
      return Object.fromEntries(exp.map((x) => [String(x.key), this.instance(cfg, key, x.key, x.each)]))
    })
  }

  private prefixed(key: string): string {
    return this.address ? `${this.address}.${key}` : key
  }

  private instance(cfg: ResourceConfig, key: string, index: string | number | undefined, each: Value | undefined): Value {
    const address = `${this.prefixed(key)}${index === undefined ? '' : instanceKey(index)}`
    const vars = new Map<string, Value>()
    if (cfg.count && typeof index === 'number') vars.set('count', { index })
    if (cfg.forEach && index !== undefined) vars.set('each', { key: index, value: each ?? null })
    const scope: Scope = { vars }
    const attrs = this.body(cfg.body, scope, cfg.file, address, true)
    if (TAGGABLE.has(cfg.type) && cfg.mode === 'managed') attrs.tags_all = this.tagsAll(cfg, attrs.tags)
    const inst: ResourceInstance = { address, moduleAddress: this.address, mode: cfg.mode, type: cfg.type, name: cfg.name, attrs, config: cfg, moduleDir: this.config.dir }
    if (index !== undefined) inst.index = index
    this.run.instances.push(inst)
    return markInstance(this.referenceObject(inst), address)
  }

  /** What other resources see of an instance: its attributes plus the ones the provider computes. */
  private referenceObject(inst: ResourceInstance): Record<string, Value> {
    const obj: Record<string, Value> = { ...inst.attrs }
    const id = iamIdentity(inst.type, inst.address, inst.attrs)
    if (id && inst.mode === 'managed') {
      obj.name = id.name
      obj.arn = id.arn
      obj.id = inst.type === 'aws_iam_policy' ? id.arn : id.name
      obj.unique_id = new Unknown(`${inst.address}.unique_id`)
    } else if (inst.mode === 'data') {
      if (inst.type === 'aws_iam_policy_document') {
        const doc = policyDocumentValue(inst)
        const json = hasUnknown(doc) ? doc : jsonEncode(doc)
        obj.json = json
        obj.minified_json = json
      } else if (inst.type === 'aws_caller_identity') {
        // The deploy account, like CloudFormation's ${AWS::AccountId}: the IaC placeholder account.
        obj.account_id = IAC_ACCOUNT_PLACEHOLDER
      } else if (inst.type === 'aws_partition') {
        obj.partition = 'aws'
        obj.dns_suffix = 'amazonaws.com'
      }
    } else if (inst.type === 'aws_iam_openid_connect_provider' && typeof inst.attrs.url === 'string' && !hasUnknown(inst.attrs.url)) {
      obj.arn = `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:oidc-provider/${inst.attrs.url.replace(/^https:\/\//, '')}`
    } else if (inst.type === 'aws_iam_saml_provider' && typeof inst.attrs.name === 'string' && !hasUnknown(inst.attrs.name)) {
      obj.arn = `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:saml-provider/${inst.attrs.name}`
    }
    return obj
  }

  /** A block body → attribute values and nested blocks (lists of objects, `dynamic` blocks expanded). */
  body(body: Body, scope: Scope, file: string, subject: string, top: boolean): Record<string, Value> {
    const out: Record<string, Value> = {}
    for (const a of body.attrs.values()) {
      if (top && (a.name === 'count' || a.name === 'for_each' || a.name === 'provider' || a.name === 'depends_on')) continue
      out[a.name] = this.evalIn(a.expr, scope, file, `${subject}.${a.name}`)
    }
    for (const b of body.blocks) {
      if (top && (b.type === 'lifecycle' || b.type === 'provisioner' || b.type === 'connection')) continue
      if (b.type === 'dynamic') {
        const name = b.labels[0]
        if (name === undefined) continue
        const prev = out[name]
        if (isUnknown(prev)) continue
        const list = Array.isArray(prev) ? prev : []
        const fe = b.body.attrs.get('for_each')
        const content = b.body.blocks.find((x) => x.type === 'content')
        if (!fe || !content) continue
        const coll = this.evalIn(fe.expr, scope, file, `${subject} dynamic "${name}" for_each`)
        if (isUnknown(coll)) {
          out[name] = new Unknown(`${subject} dynamic "${name}" (${coll.what})`)
          continue
        }
        const itExpr = b.body.attrs.get('iterator')?.expr
        const it = itExpr?.k === 'var' ? itExpr.name : name
        let entries: Array<[Value, Value]>
        try {
          entries = Array.isArray(coll) && coll.every((x) => typeof x === 'string') ? (coll as string[]).map((s) => [s, s]) : this.ev.entries(coll, fe.expr.pos)
        } catch (err) {
          if (!(err instanceof EvalError) || err instanceof EvalLimitError) throw err
          this.run.note({ file, pos: fe.pos, subject, message: `${subject}: dynamic "${name}" cannot be evaluated (${err.message}); it is treated as unknown` })
          out[name] = new Unknown(`${subject} dynamic "${name}"`)
          continue
        }
        for (const [k, v] of entries) list.push(this.body(content.body, { vars: new Map([[it, { key: k, value: v }]]), parent: scope }, file, subject, false))
        out[name] = list
        continue
      }
      const prev = out[b.type]
      if (isUnknown(prev)) continue
      const list = Array.isArray(prev) ? prev : []
      list.push(this.body(b.body, scope, file, subject, false))
      out[b.type] = list
    }
    return out
  }

  private evalIn(e: Expr, scope: Scope, file: string, subject: string): Value {
    return this.evalSafe(e, scope, file, subject)
  }

  // ---------------------------------------------------------------------------------------------
  // Providers

  /** `tags_all`: the provider's `default_tags` merged under the resource's `tags`. */
  private tagsAll(cfg: ResourceConfig, tags: Value | undefined): Value {
    const defaults = this.providerDefaultTags(cfg.provider ?? cfg.type.split('_')[0] ?? 'aws')
    if (isUnknown(defaults)) return defaults
    if (tags !== undefined && tags !== null && !isRecord(tags)) return tags
    return { ...(defaults ?? {}), ...(tags ?? {}) }
  }

  private providerDefaultTags(key: string): Record<string, Value> | Unknown | null {
    const where = this.providerOf(key)
    if (!where) {
      // A root module that configures no provider at all is most likely a reusable module scanned on its
      // own: the provider (and its default_tags) comes from a caller tagwarden does not see.
      const root = this.run.modules[0]
      if (root && root.config.providers.size === 0) {
        this.run.noteOnce(`no-provider:${key}`, {
          file: root.config.dir,
          subject: `provider ${key}`,
          message: `this root module configures no provider "${key}": it is probably called from elsewhere, so the default_tags of its caller's provider are unknown and required tags count as present`,
        })
        return new Unknown(`the default_tags of the caller's provider ${key}`)
      }
      return null
    }
    return where.owner.ownDefaultTags(where.key)
  }

  ownDefaultTags(key: string): Record<string, Value> | Unknown | null {
    const p = this.config.providers.get(key)
    if (!p) return null
    const v = this.memo(this.defaultTags, key, `provider ${key} default_tags`, undefined, () => {
      const blocks = p.body.blocks.filter((b) => b.type === 'default_tags')
      const out: Record<string, Value> = {}
      for (const b of blocks) {
        const t = b.body.attrs.get('tags')
        if (!t) continue
        const v = this.evalSafe(t.expr, undefined, p.file, `provider ${key} default_tags`)
        if (isUnknown(v)) return v
        if (isRecord(v)) Object.assign(out, v)
      }
      return out
    })
    return isUnknown(v) ? v : isRecord(v) ? v : null
  }

  // ---------------------------------------------------------------------------------------------
  // Module calls

  private moduleValue(name: string): Value {
    const hit = this.children.get(name)
    if (hit?.state === 'done') return hit.value
    return new Unknown(`module.${name}`)
  }

  /** Expand and evaluate every module call (after this module's own values are reachable). */
  async expandChildren(): Promise<void> {
    if (this.depth > 16) {
      this.run.note({ file: this.config.dir, subject: this.address, message: `${this.address}: modules nested deeper than 16 levels are not evaluated` })
      return
    }
    for (const call of this.config.moduleCalls.values()) {
      const subject = this.prefixed(`module.${call.name}`)
      const where = await this.run.resolver.childDir(this, call)
      if ('reason' in where) {
        this.run.note({ file: call.file, pos: call.pos, subject, message: `${subject}: ${where.reason}; its resources are not evaluated and its outputs are unknown` })
        this.children.set(call.name, { state: 'done', value: new Unknown(subject) })
        continue
      }
      const childConfig = await this.run.resolver.load(where.dir)
      const exp = this.expansion(call.count, call.forEach, call.file, subject)
      if (isUnknown(exp)) {
        this.run.note({ file: call.file, pos: call.pos, subject, message: `${subject}: ${call.count ? 'count' : 'for_each'} (${exp.what}) is known only after apply; its resources are not evaluated` })
        this.children.set(call.name, { state: 'done', value: new Unknown(subject) })
        continue
      }
      const make = (index: string | number | undefined, each: Value | undefined): ModuleInstance => {
        const addr = `${subject}${index === undefined ? '' : instanceKey(index)}`
        const vars = new Map<string, Value>()
        if (call.count && typeof index === 'number') vars.set('count', { index })
        if (call.forEach && index !== undefined) vars.set('each', { key: index, value: each ?? null })
        const scope: Scope = { vars }
        const child: ModuleInstance = new ModuleInstance(
          this.run,
          childConfig,
          addr,
          (input) => {
            const a = call.body.attrs.get(input)
            if (!a || ['source', 'version', 'count', 'for_each', 'providers', 'depends_on'].includes(input)) return undefined
            return this.evalSafe(a.expr, scope, call.file, `${addr} argument ${input}`)
          },
          (key) => {
            if (childConfig.providers.has(key)) return { owner: child, key }
            const mapped = call.providers.get(key)
            if (mapped) return this.providerOf(mapped) ?? (this.config.providers.has(mapped) ? { owner: this, key: mapped } : undefined)
            // Default (unaliased) providers are inherited.
            return key.includes('.') ? undefined : this.providerOf(key)
          },
          this.depth + 1,
        )
        this.childInstances.set(addr, child)
        return child
      }
      let kids: ModuleInstance[]
      let value: Value
      if (exp === undefined) {
        const c = make(undefined, undefined)
        kids = [c]
        value = outputsObject(c)
      } else if (call.count) {
        kids = exp.map((x) => make(x.key, x.each))
        value = kids.map(outputsObject)
      } else {
        kids = exp.map((x) => make(x.key, x.each))
        value = Object.fromEntries(kids.map((k, i) => [String(exp[i]?.key), outputsObject(k)]))
      }
      this.children.set(call.name, { state: 'done', value })
      for (const k of kids) await k.expandChildren()
    }
  }

  /** Evaluate every resource of this module (instances are recorded in the run). */
  evaluateAll(): void {
    for (const key of this.config.resources.keys()) this.resourceValue(key)
  }
}

/** A module instance's outputs as an object whose values are computed on access. */
function outputsObject(m: ModuleInstance): Value {
  const obj: Record<string, Value> = {}
  for (const name of m.config.outputs.keys()) {
    Object.defineProperty(obj, name, { enumerable: true, configurable: true, get: () => m.output(name) })
  }
  return markInstance(obj, m.address)
}

/** `data "aws_iam_policy_document"` → an IAM policy document (statements, source and override documents). */
export function policyDocumentValue(inst: ResourceInstance): Value {
  const a = inst.attrs
  const docStatements = (docs: Value | undefined, what: string): Value[] | Unknown => {
    if (docs === undefined || docs === null) return []
    if (isUnknown(docs)) return new Unknown(`${inst.address}.${what}`)
    const out: Value[] = []
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      let doc: Value = d
      if (typeof d === 'string') {
        try {
          doc = JSON.parse(d) as Value
        } catch {
          return new Unknown(`${inst.address}.${what}`)
        }
      }
      if (!isRecord(doc)) return new Unknown(`${inst.address}.${what}`)
      const st = doc.Statement
      if (isUnknown(st)) return st
      out.push(...(Array.isArray(st) ? st : st === undefined ? [] : [st]))
    }
    return out
  }
  const statements: Value[] = []
  const bySid = (st: Value): void => {
    const sid = isRecord(st) ? st.Sid : undefined
    const at = typeof sid === 'string' && sid !== '' ? statements.findIndex((x) => isRecord(x) && x.Sid === sid) : -1
    if (at >= 0) statements[at] = st
    else statements.push(st)
  }
  const src = docStatements(a.source_policy_documents ?? a.source_json, 'source_policy_documents')
  if (isUnknown(src)) statements.push(src)
  else src.forEach(bySid)
  const own = a.statement
  if (isUnknown(own)) statements.push(own)
  else for (const st of Array.isArray(own) ? own : []) bySid(isRecord(st) ? dataStatement(st) : st)
  const ovr = docStatements(a.override_policy_documents ?? a.override_json, 'override_policy_documents')
  if (isUnknown(ovr)) statements.push(ovr)
  else ovr.forEach(bySid)
  return { Version: typeof a.version === 'string' ? a.version : '2012-10-17', Statement: statements }
}

