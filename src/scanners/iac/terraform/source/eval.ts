/**
 * Evaluates HCL expressions of Terraform sources to tagwarden's `Value`s, as far as the value is certain
 * before `terraform plan`. Whatever is not certain — a variable without a value, an attribute computed at
 * apply time, a data source that reads the cloud, a function tagwarden does not implement — is an
 * `Unknown` (or an unknown piece inside a string), exactly like the plan path's `after_unknown` values, so
 * the same rules decide it (an unknown Allow grants nothing, an unknown tag counts as present…).
 *
 * Invalid expressions (an attribute of null, a missing map key, a type mismatch) raise `EvalError`, which
 * `try()` / `can()` catch like Terraform does; outside them the caller records the attribute as unknown
 * with the message. Work is bounded: a step budget per evaluation and a maximum string length keep a
 * hostile configuration (`local.a = "${local.b}${local.b}"` chains) from exhausting the machine.
 */
import type { Expr, Pos, TemplatePart } from './hcl.js'
import { Unknown, concat, hasUnknownPiece, isRecord, isUnknown, unknownsIn, type Value } from '../../values.js'

export class EvalError extends Error {
  /** The file of the expression, once a caller that knows it has seen the error. */
  file?: string
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(message)
  }
}

/** The configuration is too expensive to evaluate (hostile input): the whole module is not evaluated. */
export class EvalLimitError extends EvalError {}

export interface EvalLimits {
  maxSteps: number
  maxStringLength: number
  maxCollection: number
}

export const EVAL_LIMITS: EvalLimits = { maxSteps: 5_000_000, maxStringLength: 1_000_000, maxCollection: 100_000 }

/** Resolves the root of a traversal (`var.x`, `aws_iam_role.r.arn`…): returns the value and the steps it consumed. */
export interface RootResolver {
  resolve(path: TraversalStep[], expr: Expr): { value: Value; used: number } | undefined
}

export type TraversalStep = { name: string } | { key: Value }

/** Resource instance objects: a missing attribute is computed by the provider (unknown), not an error. */
const instanceObjects = new WeakMap<object, string>()

export function markInstance<T extends Record<string, Value>>(obj: T, address: string): T {
  instanceObjects.set(obj, address)
  return obj
}

export class Budget {
  steps = 0
  constructor(readonly limits: EvalLimits = EVAL_LIMITS) {}
}

export function exprText(e: Expr): string {
  switch (e.k) {
    case 'var':
      return e.name
    case 'attr':
      return `${exprText(e.obj)}.${e.name}`
    case 'index':
      return `${exprText(e.obj)}[${e.key.k === 'lit' ? JSON.stringify(e.key.v) : exprText(e.key)}]`
    case 'splat':
      return `${exprText(e.obj)}[*]${exprText(e.each).replace(/^\*/, '')}`
    case 'anon':
      return '*'
    case 'call':
      return `${e.name}(…)`
    case 'lit':
      return JSON.stringify(e.v)
    case 'paren':
      return `(${exprText(e.e)})`
    case 'tmpl':
      return e.parts.every((p) => typeof p === 'string') ? JSON.stringify(e.parts.join('')) : '"…"'
    default:
      return 'an expression'
  }
}

const isList = Array.isArray

/** Terraform iterates maps and objects in lexical key order. */
function sortedKeys(o: Record<string, Value>): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true
  if (isList(a) && isList(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i] as Value))
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k] as Value, b[k] as Value))
  }
  return false
}

/** A value with an unknown anywhere inside (whole values or string pieces). */
export function hasUnknown(v: Value): boolean {
  if (isUnknown(v)) return true
  if (typeof v === 'string') return hasUnknownPiece(v)
  if (isList(v)) return v.some(hasUnknown)
  if (isRecord(v)) return Object.values(v).some(hasUnknown)
  return false
}

function firstUnknown(vs: readonly Value[]): Unknown | undefined {
  for (const v of vs) if (isUnknown(v)) return v
  return undefined
}

function typeName(v: Value): string {
  if (v === null) return 'null'
  if (isList(v)) return 'list'
  if (isRecord(v)) return 'object'
  if (isUnknown(v)) return 'unknown'
  return typeof v
}

/** Terraform's JSON encoding: object keys sorted, no spaces. Unknown parts cannot be encoded. */
export function jsonEncode(v: Value): string {
  if (isList(v)) return `[${v.map(jsonEncode).join(',')}]`
  if (isRecord(v)) return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}:${jsonEncode(v[k] as Value)}`).join(',')}}`
  if (isUnknown(v)) throw new Error('unknown')
  return JSON.stringify(v)
}

export interface Scope {
  vars: Map<string, Value>
  parent?: Scope
}

export class Evaluator {
  /** Called for a function tagwarden does not evaluate (its result is unknown). */
  onUnsupported?: (name: string, pos: Pos) => void

  constructor(
    private readonly root: RootResolver,
    readonly budget: Budget,
    private readonly functions: FunctionTable = FUNCTIONS,
  ) {}

  private step(pos: Pos): void {
    if (++this.budget.steps > this.budget.limits.maxSteps) throw new EvalLimitError(`evaluation needs more than ${this.budget.limits.maxSteps} steps`, pos)
  }

  private str(s: string, pos: Pos): string {
    if (s.length > this.budget.limits.maxStringLength) throw new EvalLimitError(`a string grows beyond ${this.budget.limits.maxStringLength} characters`, pos)
    return s
  }

  eval(e: Expr, scope?: Scope): Value {
    this.step(e.pos)
    switch (e.k) {
      case 'lit':
        return e.v
      case 'paren':
        return this.eval(e.e, scope)
      case 'tmpl':
        return this.template(e.parts, scope, e.pos, true)
      case 'tuple':
        return e.items.map((x) => this.eval(x, scope))
      case 'object':
        return this.object(e, scope)
      case 'var':
      case 'attr':
      case 'index':
        return this.traversal(e, scope)
      case 'anon':
        return this.lookupLocal('*', scope) ?? null
      case 'splat':
        return this.splat(e, scope)
      case 'call':
        return this.call(e, scope)
      case 'for':
        return this.forExpr(e, scope)
      case 'cond': {
        const c = this.eval(e.c, scope)
        if (isUnknown(c)) {
          const t = this.eval(e.t, scope)
          const f = this.eval(e.f, scope)
          return !hasUnknown(t) && deepEqual(t, f) ? t : new Unknown(`${c.what} ? … : …`)
        }
        if (typeof c !== 'boolean') throw new EvalError(`the condition is ${typeName(c)}, not a bool`, e.c.pos)
        return this.eval(c ? e.t : e.f, scope)
      }
      case 'un': {
        const v = this.eval(e.e, scope)
        if (isUnknown(v)) return v
        if (e.op === '!') {
          if (typeof v !== 'boolean') throw new EvalError(`\`!\` needs a bool, not ${typeName(v)}`, e.pos)
          return !v
        }
        return -this.num(v, e.pos)
      }
      case 'bin':
        return this.binary(e.op, e.l, e.r, scope, e.pos)
    }
  }

  private lookupLocal(name: string, scope: Scope | undefined): Value | undefined {
    for (let s = scope; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name)
    return undefined
  }

  private num(v: Value, pos: Pos): number {
    if (typeof v === 'number') return v
    if (typeof v === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Number(v)
    throw new EvalError(`a number is required, not ${typeName(v)}`, pos)
  }

  private binary(op: string, le: Expr, re: Expr, scope: Scope | undefined, pos: Pos): Value {
    const l = this.eval(le, scope)
    if (op === '&&' && l === false) return false
    if (op === '||' && l === true) return true
    const r = this.eval(re, scope)
    if (op === '&&' || op === '||') {
      if (op === '&&' && r === false) return false
      if (op === '||' && r === true) return true
      const u = firstUnknown([l, r])
      if (u) return u
      if (typeof l !== 'boolean' || typeof r !== 'boolean') throw new EvalError(`\`${op}\` needs bools`, pos)
      return op === '&&' ? l && r : l || r
    }
    if (op === '==' || op === '!=') {
      // Against null the answer is certain unless the whole value is unknown.
      const nullCheck = (l === null && !isUnknown(r)) || (r === null && !isUnknown(l))
      if (!nullCheck && (hasUnknown(l) || hasUnknown(r))) return new Unknown(`${exprText(le)} ${op} ${exprText(re)}`)
      const eq = deepEqual(l, r)
      return op === '==' ? eq : !eq
    }
    const u = firstUnknown([l, r])
    if (u) return u
    const a = this.num(l, le.pos)
    const b = this.num(r, re.pos)
    switch (op) {
      case '+':
        return a + b
      case '-':
        return a - b
      case '*':
        return a * b
      case '/':
        if (b === 0) throw new EvalError('division by zero', pos)
        return a / b
      case '%':
        if (b === 0) throw new EvalError('division by zero', pos)
        return a % b
      case '<':
        return a < b
      case '<=':
        return a <= b
      case '>':
        return a > b
      case '>=':
        return a >= b
    }
    throw new EvalError(`unknown operator ${op}`, pos)
  }

  private templateText(v: Value, pos: Pos): string | Unknown {
    if (isUnknown(v)) return v
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    if (v === null) throw new EvalError('a template cannot include null', pos)
    throw new EvalError(`a template cannot include a ${typeName(v)}`, pos)
  }

  template(parts: readonly TemplatePart[], scope: Scope | undefined, pos: Pos, unwrap: boolean): Value {
    // `"${x}"` is x itself, whatever its type.
    if (unwrap && parts.length === 1 && typeof parts[0] === 'object' && parts[0].k !== 'tif' && parts[0].k !== 'tfor') return this.eval(parts[0], scope)
    const out: Value[] = []
    let len = 0
    for (const p of parts) {
      if (typeof p === 'string') {
        out.push(p)
        len += p.length
      } else if (p.k === 'tif') {
        const c = this.eval(p.cond, scope)
        if (isUnknown(c)) return new Unknown(`a template directive on ${c.what}`)
        if (typeof c !== 'boolean') throw new EvalError(`the condition is ${typeName(c)}, not a bool`, p.pos)
        const v = this.template(c ? p.then : p.else, scope, p.pos, false)
        if (isUnknown(v)) return v
        out.push(v)
        len += String(v).length
      } else if (p.k === 'tfor') {
        const coll = this.eval(p.coll, scope)
        if (isUnknown(coll)) return new Unknown(`a template directive over ${coll.what}`)
        for (const [k, v] of this.entries(coll, p.pos)) {
          const vars = new Map<string, Value>([[p.valVar, v]])
          if (p.keyVar !== undefined) vars.set(p.keyVar, k)
          const s = this.template(p.body, scope ? { vars, parent: scope } : { vars }, p.pos, false)
          if (isUnknown(s)) return s
          out.push(s)
          len += String(s).length
        }
      } else {
        const v = this.templateText(this.eval(p, scope), p.pos)
        out.push(v)
        len += isUnknown(v) ? 8 : v.length
      }
      if (len > this.budget.limits.maxStringLength) throw new EvalLimitError(`a string grows beyond ${this.budget.limits.maxStringLength} characters`, pos)
    }
    return this.str(concat(out), pos)
  }

  private object(e: Expr & { k: 'object' }, scope: Scope | undefined): Value {
    const out: Record<string, Value> = {}
    let unknownKey: Unknown | undefined
    for (const item of e.items) {
      let key: Value
      if (item.key.k === 'var') key = item.key.name
      else key = this.eval(item.key.k === 'paren' ? item.key.e : item.key, scope)
      const value = this.eval(item.value, scope)
      if (isUnknown(key) || (typeof key === 'string' && hasUnknownPiece(key))) {
        unknownKey = isUnknown(key) ? key : new Unknown(`an object key (${exprText(item.key)})`)
        continue
      }
      if (typeof key === 'number' || typeof key === 'boolean') key = String(key)
      if (typeof key !== 'string') throw new EvalError(`an object key must be a string, not ${typeName(key)}`, item.key.pos)
      out[key] = value
    }
    // An object with a key only known at apply time: its set of keys is unknown.
    return unknownKey ?? out
  }

  /** `(key, value)` pairs of a collection, as `for` and `for_each` see them. */
  entries(coll: Value, pos: Pos): Array<[Value, Value]> {
    if (isList(coll)) {
      if (coll.length > this.budget.limits.maxCollection) throw new EvalLimitError(`a collection has more than ${this.budget.limits.maxCollection} elements`, pos)
      return coll.map((v, i) => [i, v])
    }
    if (isRecord(coll)) return sortedKeys(coll).map((k) => [k, coll[k] as Value])
    if (coll === null) throw new EvalError('cannot iterate over null', pos)
    throw new EvalError(`cannot iterate over a ${typeName(coll)}`, pos)
  }

  private forExpr(e: Expr & { k: 'for' }, scope: Scope | undefined): Value {
    const coll = this.eval(e.coll, scope)
    if (isUnknown(coll)) return new Unknown(coll.what)
    const list: Value[] = []
    const obj: Record<string, Value> = {}
    for (const [k, v] of this.entries(coll, e.coll.pos)) {
      const vars = new Map<string, Value>([[e.valVar, v]])
      if (e.keyVar !== undefined) vars.set(e.keyVar, k)
      const inner: Scope = scope ? { vars, parent: scope } : { vars }
      if (e.cond) {
        const c = this.eval(e.cond, inner)
        if (isUnknown(c)) return new Unknown(`a for expression filtered on ${c.what}`)
        if (c !== true && c !== false) throw new EvalError(`the for condition is ${typeName(c)}, not a bool`, e.cond.pos)
        if (!c) continue
      }
      const val = this.eval(e.valExpr, inner)
      if (!e.keyExpr) {
        list.push(val)
        continue
      }
      let key = this.eval(e.keyExpr, inner)
      if (isUnknown(key) || (typeof key === 'string' && hasUnknownPiece(key))) return new Unknown(`a for expression keyed on ${exprText(e.keyExpr)}`)
      if (typeof key === 'number' || typeof key === 'boolean') key = String(key)
      if (typeof key !== 'string') throw new EvalError(`a for expression key must be a string, not ${typeName(key)}`, e.keyExpr.pos)
      if (e.group) {
        const prev = obj[key]
        obj[key] = isList(prev) ? [...prev, val] : [val]
      } else {
        if (key in obj) throw new EvalError(`duplicate key ${JSON.stringify(key)} in a for expression (add \`...\` to group)`, e.keyExpr.pos)
        obj[key] = val
      }
    }
    return e.keyExpr ? obj : list
  }

  private splat(e: Expr & { k: 'splat' }, scope: Scope | undefined): Value {
    const src = this.eval(e.obj, scope)
    if (isUnknown(src)) return src
    if (src === null) return []
    const items = isList(src) ? src : [src]
    return items.map((item) => this.eval(e.each, { vars: new Map([['*', item]]), ...(scope ? { parent: scope } : {}) }))
  }

  /** A traversal: a local name (for, iterator) or a root the resolver knows, then generic steps. */
  private traversal(e: Expr, scope: Scope | undefined): Value {
    const chain: Expr[] = []
    let cur: Expr = e
    while (cur.k === 'attr' || cur.k === 'index') {
      chain.unshift(cur)
      cur = cur.obj
    }
    if (cur.k !== 'var') {
      let v = this.eval(cur, scope)
      for (const step of chain) v = this.apply(v, step, scope)
      return v
    }
    const local = this.lookupLocal(cur.name, scope)
    if (local !== undefined) {
      let v = local
      for (const step of chain) v = this.apply(v, step, scope)
      return v
    }
    const steps: TraversalStep[] = [{ name: cur.name }]
    for (const s of chain) {
      if (s.k === 'attr') steps.push({ name: s.name })
      else {
        const key = this.eval((s as Expr & { k: 'index' }).key, scope)
        steps.push({ key })
      }
    }
    const hit = this.root.resolve(steps, e)
    if (!hit) throw new EvalError(`unknown reference \`${exprText(e)}\``, e.pos)
    let v = hit.value
    for (let i = hit.used; i < steps.length; i++) v = this.applyStep(v, steps[i] as TraversalStep, chain[i - 1] ?? e, e)
    return v
  }

  private apply(v: Value, step: Expr, scope: Scope | undefined): Value {
    if (step.k === 'attr') return this.applyStep(v, { name: step.name }, step, step)
    if (step.k === 'index') return this.applyStep(v, { key: this.eval(step.key, scope) }, step, step)
    return v
  }

  applyStep(v: Value, step: TraversalStep, at: Expr, whole: Expr): Value {
    if (isUnknown(v)) return new Unknown(exprText(whole))
    const key = 'name' in step ? step.name : step.key
    if (isUnknown(key)) return new Unknown(exprText(whole))
    if (v === null) throw new EvalError(`cannot read ${JSON.stringify(key)} of null (${exprText(whole)})`, at.pos)
    if (isList(v)) {
      const n = typeof key === 'number' ? key : typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : NaN
      if (!Number.isInteger(n)) throw new EvalError(`a list is indexed by a number, not ${JSON.stringify(key)} (${exprText(whole)})`, at.pos)
      if (n < 0 || n >= v.length) throw new EvalError(`index ${n} is out of range: the list has ${v.length} elements (${exprText(whole)})`, at.pos)
      return v[n] as Value
    }
    if (isRecord(v)) {
      const k = typeof key === 'number' ? String(key) : key
      if (typeof k !== 'string') throw new EvalError(`a map key must be a string (${exprText(whole)})`, at.pos)
      if (k in v) return v[k] as Value
      const address = instanceObjects.get(v)
      if (address !== undefined) return new Unknown(`${address}.${k}`)
      throw new EvalError(`${exprText(whole)}: no key or attribute ${JSON.stringify(k)}`, at.pos)
    }
    throw new EvalError(`cannot read ${JSON.stringify(key)} of a ${typeName(v)} (${exprText(whole)})`, at.pos)
  }

  private call(e: Expr & { k: 'call' }, scope: Scope | undefined): Value {
    const name = e.name.replace(/^core::/, '')
    if (name === 'try' || name === 'can') {
      for (const a of e.args) {
        try {
          const v = this.eval(a, scope)
          if (name === 'can') return hasUnknown(v) ? new Unknown(`can(${exprText(a)})`) : true
          return v
        } catch (err) {
          if (err instanceof EvalLimitError || !(err instanceof EvalError)) throw err
          if (name === 'can') return false
        }
      }
      if (name === 'can') return false
      throw new EvalError('no argument of try() could be evaluated', e.pos)
    }
    const fn = this.functions[name]
    let args = e.args.map((a) => this.eval(a, scope))
    if (e.expand) {
      const last = args.pop() as Value
      if (isUnknown(last)) return new Unknown(`${name}(…)`)
      if (!isList(last)) throw new EvalError('`...` needs a list', e.pos)
      args = [...args, ...last]
    }
    if (!fn) {
      this.onUnsupported?.(e.name, e.pos)
      return new Unknown(`${e.name}(…)`)
    }
    const res = fn(args, { pos: e.pos, ev: this })
    if (typeof res === 'string') this.str(res, e.pos)
    return res
  }
}

export interface CallContext {
  pos: Pos
  ev: Evaluator
}

export type FunctionTable = Record<string, (args: Value[], ctx: CallContext) => Value>

function needArgs(args: Value[], n: number, name: string, pos: Pos): void {
  if (args.length < n) throw new EvalError(`${name}() needs ${n} argument${n === 1 ? '' : 's'}`, pos)
}

/** A function that is unknown when any argument contains an unknown. */
function strict(name: string, n: number, f: (args: Value[], ctx: CallContext) => Value): (args: Value[], ctx: CallContext) => Value {
  return (args, ctx) => {
    needArgs(args, n, name, ctx.pos)
    const u = args.find(hasUnknown)
    if (u !== undefined) return new Unknown(`${name}(${unknownsIn(u).join(', ')})`)
    return f(args, ctx)
  }
}

function asString(v: Value, name: string, pos: Pos): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw new EvalError(`${name}() needs a string, not ${typeName(v)}`, pos)
}

function asListArg(v: Value, name: string, pos: Pos): Value[] {
  if (isList(v)) return v
  throw new EvalError(`${name}() needs a list, not ${typeName(v)}`, pos)
}

function asObject(v: Value, name: string, pos: Pos): Record<string, Value> {
  if (isRecord(v)) return v
  throw new EvalError(`${name}() needs a map or object, not ${typeName(v)}`, pos)
}

function distinct(list: Value[]): Value[] {
  const out: Value[] = []
  for (const v of list) if (!out.some((o) => deepEqual(o, v))) out.push(v)
  return out
}

/** Terraform's sets of strings iterate in lexical order. */
function toSet(list: Value[]): Value[] {
  const d = distinct(list)
  return d.every((x) => typeof x === 'string') ? (d as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : d
}

function fromJsonText(text: string, pos: Pos): Value {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new EvalError(`jsondecode(): ${(e as Error).message}`, pos)
  }
  const conv = (x: unknown): Value => {
    if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x
    if (Array.isArray(x)) return x.map(conv)
    return Object.fromEntries(Object.entries(x as object).map(([k, y]) => [k, conv(y)]))
  }
  return conv(parsed)
}

export const FUNCTIONS: FunctionTable = {
  /**
   * jsonencode(): a JSON string when the value is fully known. With unknown parts the *structure* is kept
   * (an object or list with unknowns inside): a policy attribute reads it like the JSON, so a document
   * with one apply-time ARN still has its other statements checked.
   */
  jsonencode: (args, { pos }) => {
    needArgs(args, 1, 'jsonencode', pos)
    const v = args[0] as Value
    if (isUnknown(v)) return v
    if (hasUnknown(v)) return typeof v === 'string' ? new Unknown('jsonencode(a string with unknown parts)') : v
    return jsonEncode(v)
  },
  jsondecode: (args, { pos }) => {
    needArgs(args, 1, 'jsondecode', pos)
    const v = args[0] as Value
    if (isRecord(v) || isList(v)) return v // our jsonencode kept the structure
    if (isUnknown(v)) return v
    if (typeof v !== 'string') throw new EvalError('jsondecode() needs a string', pos)
    return fromJsonText(v, pos)
  },
  merge: (args, { pos }) => {
    const out: Record<string, Value> = {}
    for (const a of args) {
      if (a === null) continue
      if (isUnknown(a)) return new Unknown(`merge(${a.what})`)
      Object.assign(out, asObject(a, 'merge', pos))
    }
    return out
  },
  concat: (args, { pos }) => {
    const out: Value[] = []
    for (const a of args) {
      if (isUnknown(a)) return new Unknown(`concat(${a.what})`)
      out.push(...asListArg(a, 'concat', pos))
    }
    return out
  },
  lookup: (args, { pos }) => {
    needArgs(args, 2, 'lookup', pos)
    const [m, k, d] = args as [Value, Value, Value | undefined]
    if (isUnknown(m)) return m
    if (isUnknown(k) || hasUnknown(k)) return new Unknown('lookup(…)')
    const obj = asObject(m, 'lookup', pos)
    const key = asString(k, 'lookup', pos)
    if (key in obj) return obj[key] as Value
    if (args.length >= 3) return d as Value
    throw new EvalError(`lookup(): no key ${JSON.stringify(key)}`, pos)
  },
  coalesce: (args) => {
    for (const a of args) {
      if (isUnknown(a)) return a
      if (a !== null && a !== '') return a
    }
    return null
  },
  coalescelist: (args) => {
    for (const a of args) {
      if (isUnknown(a)) return a
      if (isList(a) && a.length > 0) return a
    }
    return []
  },
  compact: strict('compact', 1, (args, { pos }) => asListArg(args[0] as Value, 'compact', pos).filter((x) => x !== null && x !== '')),
  distinct: strict('distinct', 1, (args, { pos }) => distinct(asListArg(args[0] as Value, 'distinct', pos))),
  flatten: (args, { pos }) => {
    needArgs(args, 1, 'flatten', pos)
    const out: Value[] = []
    const visit = (v: Value): Unknown | undefined => {
      if (isUnknown(v)) return v
      if (isList(v)) {
        for (const x of v) {
          const u = visit(x)
          if (u) return u
        }
      } else out.push(v)
      return undefined
    }
    const u = visit(args[0] as Value)
    return u ? new Unknown(`flatten(${u.what})`) : out
  },
  toset: (args, { pos }) => {
    needArgs(args, 1, 'toset', pos)
    const v = args[0] as Value
    if (isUnknown(v)) return v
    const list = asListArg(v, 'toset', pos)
    if (list.some(hasUnknown)) return new Unknown('toset(a list with unknown elements)')
    return toSet(list)
  },
  tolist: (args, { pos }) => {
    needArgs(args, 1, 'tolist', pos)
    const v = args[0] as Value
    return isUnknown(v) ? v : asListArg(v, 'tolist', pos)
  },
  tomap: (args, { pos }) => {
    needArgs(args, 1, 'tomap', pos)
    const v = args[0] as Value
    return isUnknown(v) ? v : asObject(v, 'tomap', pos)
  },
  tostring: (args, { pos }) => {
    needArgs(args, 1, 'tostring', pos)
    const v = args[0] as Value
    return isUnknown(v) || v === null ? v : asString(v, 'tostring', pos)
  },
  tonumber: strict('tonumber', 1, (args, { pos }) => {
    const v = args[0] as Value
    if (v === null || typeof v === 'number') return v
    const n = Number(asString(v, 'tonumber', pos))
    if (Number.isNaN(n)) throw new EvalError(`tonumber(): ${JSON.stringify(v)} is not a number`, pos)
    return n
  }),
  tobool: strict('tobool', 1, (args, { pos }) => {
    const v = args[0] as Value
    if (v === null || typeof v === 'boolean') return v
    if (v === 'true' || v === 'false') return v === 'true'
    throw new EvalError(`tobool(): ${JSON.stringify(v)} is not a bool`, pos)
  }),
  keys: strict('keys', 1, (args, { pos }) => sortedKeys(asObject(args[0] as Value, 'keys', pos))),
  values: strict('values', 1, (args, { pos }) => {
    const o = asObject(args[0] as Value, 'values', pos)
    return sortedKeys(o).map((k) => o[k] as Value)
  }),
  length: (args, { pos }) => {
    needArgs(args, 1, 'length', pos)
    const v = args[0] as Value
    if (isUnknown(v)) return v
    if (typeof v === 'string') return hasUnknownPiece(v) ? new Unknown('length(…)') : [...v].length
    if (isList(v)) return v.length
    if (isRecord(v)) return Object.keys(v).length
    throw new EvalError(`length() of a ${typeName(v)}`, pos)
  },
  element: strict('element', 2, (args, { pos }) => {
    const list = asListArg(args[0] as Value, 'element', pos)
    if (list.length === 0) throw new EvalError('element() of an empty list', pos)
    const i = Math.floor(Number(args[1]))
    return list[((i % list.length) + list.length) % list.length] as Value
  }),
  contains: strict('contains', 2, (args, { pos }) => asListArg(args[0] as Value, 'contains', pos).some((x) => deepEqual(x, args[1] as Value))),
  zipmap: strict('zipmap', 2, (args, { pos }) => {
    const ks = asListArg(args[0] as Value, 'zipmap', pos)
    const vs = asListArg(args[1] as Value, 'zipmap', pos)
    return Object.fromEntries(ks.map((k, i) => [asString(k, 'zipmap', pos), vs[i] ?? null]))
  }),
  one: (args, { pos }) => {
    needArgs(args, 1, 'one', pos)
    const v = args[0] as Value
    if (isUnknown(v)) return v
    const list = asListArg(v, 'one', pos)
    if (list.length > 1) throw new EvalError('one() of a list with more than one element', pos)
    return list[0] ?? null
  },
  join: strict('join', 2, (args, { pos }) =>
    args
      .slice(1)
      .flatMap((l) => asListArg(l, 'join', pos))
      .map((x) => asString(x, 'join', pos))
      .join(asString(args[0] as Value, 'join', pos)),
  ),
  split: strict('split', 2, (args, { pos }) => asString(args[1] as Value, 'split', pos).split(asString(args[0] as Value, 'split', pos))),
  basename: strict('basename', 1, (args, { pos }) => asString(args[0] as Value, 'basename', pos).replace(/\/+$/, '').split('/').pop() ?? ''),
  dirname: strict('dirname', 1, (args, { pos }) => {
    const s = asString(args[0] as Value, 'dirname', pos)
    const i = s.replace(/\/+$/, '').lastIndexOf('/')
    return i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i)
  }),
  lower: strict('lower', 1, (args, { pos }) => asString(args[0] as Value, 'lower', pos).toLowerCase()),
  upper: strict('upper', 1, (args, { pos }) => asString(args[0] as Value, 'upper', pos).toUpperCase()),
  trimspace: strict('trimspace', 1, (args, { pos }) => asString(args[0] as Value, 'trimspace', pos).trim()),
  chomp: strict('chomp', 1, (args, { pos }) => asString(args[0] as Value, 'chomp', pos).replace(/(\r?\n)+$/, '')),
  trimprefix: strict('trimprefix', 2, (args, { pos }) => {
    const s = asString(args[0] as Value, 'trimprefix', pos)
    const p = asString(args[1] as Value, 'trimprefix', pos)
    return s.startsWith(p) ? s.slice(p.length) : s
  }),
  trimsuffix: strict('trimsuffix', 2, (args, { pos }) => {
    const s = asString(args[0] as Value, 'trimsuffix', pos)
    const p = asString(args[1] as Value, 'trimsuffix', pos)
    return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s
  }),
  startswith: strict('startswith', 2, (args, { pos }) => asString(args[0] as Value, 'startswith', pos).startsWith(asString(args[1] as Value, 'startswith', pos))),
  endswith: strict('endswith', 2, (args, { pos }) => asString(args[0] as Value, 'endswith', pos).endsWith(asString(args[1] as Value, 'endswith', pos))),
  replace: strict('replace', 3, (args, { pos }) => {
    const s = asString(args[0] as Value, 'replace', pos)
    const from = asString(args[1] as Value, 'replace', pos)
    // `/regex/` patterns use RE2 syntax in Terraform; not evaluated.
    if (from.length > 1 && from.startsWith('/') && from.endsWith('/')) return new Unknown('replace() with a regular expression')
    return s.split(from).join(asString(args[2] as Value, 'replace', pos))
  }),
  substr: strict('substr', 3, (args, { pos }) => {
    const chars = [...asString(args[0] as Value, 'substr', pos)]
    const off = Number(args[1])
    const len = Number(args[2])
    const start = off < 0 ? chars.length + off : off
    return chars.slice(start, len < 0 ? undefined : start + len).join('')
  }),
  format: strict('format', 1, (args, { pos }) => {
    const f = asString(args[0] as Value, 'format', pos)
    let n = 1
    return f.replace(/%(%|[-+ 0#]*\d*(?:\.\d+)?[sdvqtf])/g, (m, spec: string) => {
      if (spec === '%') return '%'
      if (!/^[sdv]$/.test(spec)) throw new EvalError(`format(): verb %${spec} is not evaluated by tagwarden`, pos)
      const v = args[n++]
      if (v === undefined) throw new EvalError('format(): too few arguments', pos)
      return typeof v === 'string' ? v : jsonEncode(v)
    })
  }),
  range: strict('range', 1, (args, { pos }) => {
    const nums = args.map((a) => Number(a))
    const [start, end, stp] = nums.length === 1 ? [0, nums[0] as number, 1] : [nums[0] as number, nums[1] as number, nums[2] ?? 1]
    if (stp === 0 || Math.abs((end - start) / stp) > 10_000) throw new EvalError('range(): too many elements', pos)
    const out: number[] = []
    for (let x = start; stp > 0 ? x < end : x > end; x += stp) out.push(x)
    return out
  }),
  sort: strict('sort', 1, (args, { pos }) =>
    asListArg(args[0] as Value, 'sort', pos)
      .map((x) => asString(x, 'sort', pos))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  ),
  reverse: strict('reverse', 1, (args, { pos }) => [...asListArg(args[0] as Value, 'reverse', pos)].reverse()),
  setunion: strict('setunion', 1, (args, { pos }) => toSet(args.flatMap((a) => asListArg(a, 'setunion', pos)))),
  slice: strict('slice', 3, (args, { pos }) => asListArg(args[0] as Value, 'slice', pos).slice(Number(args[1]), Number(args[2]))),
  min: strict('min', 1, (args, { pos }) => Math.min(...args.map((a) => (typeof a === 'number' ? a : Number(asString(a, 'min', pos)))))),
  max: strict('max', 1, (args, { pos }) => Math.max(...args.map((a) => (typeof a === 'number' ? a : Number(asString(a, 'max', pos)))))),
}
