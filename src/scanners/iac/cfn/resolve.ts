/**
 * Evaluate CloudFormation values before deployment: intrinsic functions over what the template itself
 * knows (parameter defaults, mappings, conditions on defaults, references between its resources), with
 * everything else an `Unknown` (pseudo-parameters, imports, parameters without a default, attributes of
 * resources that only exist once deployed).
 */
import { Unknown, concat, hasUnknownPiece, isRecord, isUnknown, type Value } from '../values.js'
import { child, type CNode } from './parse.js'

/** Removes the enclosing property or list item, like `!Ref AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue')
type Resolved = Value | typeof NO_VALUE

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
])

export interface ResolveHooks {
  /** `Ref` / `GetAtt` of a resource of this template; undefined = unknown. */
  ref(logicalId: string): Value | undefined
  getAtt(logicalId: string, attribute: string): Value | undefined
}

/**
 * Evaluation steps allowed per template. Intrinsic functions can nest and refer to each other (parameter
 * defaults, mappings, conditions), so a hostile template could make evaluation explode; past this budget the
 * template is an input error, never a partial (and so possibly too clean) result.
 */
export const MAX_RESOLVE_STEPS = 2_000_000
/** Nested `value()` evaluations (a parameter default that refers to a mapping that refers to …). */
const MAX_NESTED_VALUES = 32

export class ResolveBudgetError extends Error {}

export class TemplateResolver {
  private steps = 0
  private nested = 0
  private readonly evaluating = new Set<string>()
  private readonly parameters = new Map<string, CNode>()
  private readonly conditions = new Map<string, CNode>()
  private readonly resources = new Set<string>()
  private readonly mappings: CNode | undefined
  private readonly conditionMemo = new Map<string, boolean | Unknown>()
  private readonly conditionStack = new Set<string>()
  /** Parameters read as unknown unless AllowedValues leaves one value (see conditionWhateverParameters). */
  private overridable = false
  hooks: ResolveHooks = { ref: () => undefined, getAtt: () => undefined }

  constructor(template: CNode) {
    const params = child(template, 'Parameters')
    if (params?.t === 'map') for (const e of params.entries) this.parameters.set(e.key, e.value)
    const conds = child(template, 'Conditions')
    if (conds?.t === 'map') for (const e of conds.entries) this.conditions.set(e.key, e.value)
    const res = child(template, 'Resources')
    if (res?.t === 'map') for (const e of res.entries) this.resources.add(e.key)
    this.mappings = child(template, 'Mappings')
  }

  /** A resource the template does not write but a transform generates (SAM's `<FunctionId>Role`), for `Ref`/`GetAtt`. */
  addResource(logicalId: string): void {
    this.resources.add(logicalId)
  }

  /** The value of a node; a property that resolves to `AWS::NoValue` gives undefined. */
  value(node: CNode | undefined): Value | undefined {
    if (!node) return undefined
    // CloudFormation rejects circular references; here they end as an unknown instead of a stack overflow.
    if (this.nested >= MAX_NESTED_VALUES) return new Unknown('circular or too deeply nested reference')
    this.nested++
    try {
      const r = this.resolve(node, 0)
      return r === NO_VALUE ? undefined : r
    } finally {
      this.nested--
    }
  }

  /** A resource-level `Condition:` or a named condition: true, false, or unknown. */
  condition(name: string): boolean | Unknown {
    const memo = this.conditionMemo.get(name)
    if (memo !== undefined) return memo
    const node = this.conditions.get(name)
    if (!node || this.conditionStack.has(name)) return new Unknown(`condition ${name}`)
    this.conditionStack.add(name)
    const v = this.evalCondition(node, 0)
    this.conditionStack.delete(name)
    const result = typeof v === 'boolean' ? v : new Unknown(`condition ${name}`)
    this.conditionMemo.set(name, result)
    return result
  }

  /**
   * A condition whatever values the parameters are given at deploy time: a default can be overridden
   * (`--parameter-overrides`), so a resource whose condition is false only for the defaults may still be
   * created. A parameter whose AllowedValues hold a single value keeps it.
   */
  conditionWhateverParameters(name: string): boolean | Unknown {
    return this.whateverParameters(() => this.condition(name))
  }

  /** The value of a node whatever values the parameters are given at deploy time (see conditionWhateverParameters). */
  valueWhateverParameters(node: CNode | undefined): Value | undefined {
    return this.whateverParameters(() => this.value(node))
  }

  /** Whether some parameter has a default a deploy can override (a Default, and not a single AllowedValues). */
  hasOverridableDefaults(): boolean {
    for (const p of this.parameters.values()) {
      const allowed = child(p, 'AllowedValues')
      if (child(p, 'Default') !== undefined && !(allowed?.t === 'seq' && allowed.items.length === 1)) return true
    }
    return false
  }

  private whateverParameters<T>(evaluate: () => T): T {
    const saved = new Map(this.conditionMemo)
    this.conditionMemo.clear()
    this.overridable = true
    try {
      return evaluate()
    } finally {
      this.overridable = false
      this.conditionMemo.clear()
      for (const [k, v] of saved) this.conditionMemo.set(k, v)
    }
  }

  private evalCondition(node: CNode, depth: number): boolean | Unknown {
    const v = this.resolve(node, depth + 1)
    if (typeof v === 'boolean') return v
    if (v === 'true' || v === 'false') return v === 'true'
    return isUnknown(v) ? v : new Unknown('condition')
  }

  private parameter(name: string): Value {
    const p = this.parameters.get(name)
    if (!p) return new Unknown(name)
    const type = child(p, 'Type')
    const typeName = type?.t === 'scalar' ? String(type.v) : 'String'
    const allowed = child(p, 'AllowedValues')
    const def = this.overridable ? (allowed?.t === 'seq' && allowed.items.length === 1 ? allowed.items[0] : undefined) : child(p, 'Default')
    // SSM parameter types hold the parameter's name as default, not its value.
    if (!def || typeName.startsWith('AWS::SSM::Parameter') || this.evaluating.has(name)) return new Unknown(`parameter ${name}`)
    this.evaluating.add(name)
    let v: Value | undefined
    try {
      v = this.value(def)
    } finally {
      this.evaluating.delete(name)
    }
    if (v === undefined) return new Unknown(`parameter ${name}`)
    if (typeName === 'CommaDelimitedList' || typeName.startsWith('List<')) {
      return typeof v === 'string' ? (v === '' ? [] : v.split(',').map((s) => s.trim())) : v
    }
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v
  }

  private ref(name: string): Resolved {
    if (name === 'AWS::NoValue') return NO_VALUE
    if (PSEUDO_PARAMETERS.has(name)) return new Unknown(name)
    if (this.parameters.has(name)) return this.parameter(name)
    if (this.resources.has(name)) return this.hooks.ref(name) ?? new Unknown(`Ref ${name}`)
    return new Unknown(`Ref ${name}`)
  }

  private getAtt(logicalId: string, attribute: string): Value {
    return this.hooks.getAtt(logicalId, attribute) ?? new Unknown(`${logicalId}.${attribute}`)
  }

  private resolve(node: CNode, depth: number): Resolved {
    if (++this.steps > MAX_RESOLVE_STEPS) throw new ResolveBudgetError(`evaluating the template's intrinsic functions took more than ${MAX_RESOLVE_STEPS} steps`)
    if (depth > 100) return new Unknown('deeply nested value')
    if (node.t === 'scalar') return node.v
    if (node.t === 'seq') {
      const out: Value[] = []
      for (const item of node.items) {
        const r = this.resolve(item, depth + 1)
        if (r !== NO_VALUE) out.push(r)
      }
      return out
    }
    if (node.entries.length === 1) {
      const only = node.entries[0]
      if (only && (only.key === 'Ref' || only.key === 'Condition' || only.key.startsWith('Fn::'))) {
        return this.intrinsic(only.key, only.value, depth)
      }
    }
    const out: { [key: string]: Value } = {}
    for (const e of node.entries) {
      const r = this.resolve(e.value, depth + 1)
      if (r !== NO_VALUE) out[e.key] = r
    }
    return out
  }

  private str(node: CNode | undefined, depth: number): Value {
    if (!node) return new Unknown('missing argument')
    const r = this.resolve(node, depth + 1)
    return r === NO_VALUE ? new Unknown('AWS::NoValue') : r
  }

  private args(node: CNode, depth: number): Value[] {
    const r = this.resolve(node, depth + 1)
    return Array.isArray(r) ? r : []
  }

  private intrinsic(fn: string, arg: CNode, depth: number): Resolved {
    switch (fn) {
      case 'Ref': {
        const name = this.str(arg, depth)
        return typeof name === 'string' ? this.ref(name) : new Unknown('Ref')
      }
      case 'Condition': {
        const name = this.str(arg, depth)
        return typeof name === 'string' ? this.condition(name) : new Unknown('Condition')
      }
      case 'Fn::GetAtt': {
        const a = this.resolve(arg, depth + 1)
        const parts = Array.isArray(a) ? a : typeof a === 'string' ? [a.slice(0, a.indexOf('.')), a.slice(a.indexOf('.') + 1)] : []
        const [id, attr] = parts
        return typeof id === 'string' && typeof attr === 'string' ? this.getAtt(id, attr) : new Unknown('Fn::GetAtt')
      }
      case 'Fn::Sub':
        return this.sub(arg, depth)
      case 'Fn::Join': {
        const [delim, list] = this.args(arg, depth)
        if (typeof delim !== 'string' || !Array.isArray(list)) return new Unknown('Fn::Join')
        const parts: Value[] = []
        list.forEach((p, i) => {
          if (i > 0) parts.push(delim)
          parts.push(p)
        })
        return concat(parts)
      }
      case 'Fn::Select': {
        const [index, list] = this.args(arg, depth)
        const i = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : undefined
        if (i === undefined || !Array.isArray(list)) return new Unknown('Fn::Select')
        return list[i] ?? new Unknown('Fn::Select')
      }
      case 'Fn::Split': {
        const [delim, s] = this.args(arg, depth)
        if (typeof delim !== 'string' || typeof s !== 'string' || hasUnknownPiece(s) || delim === '') return new Unknown('Fn::Split')
        return s.split(delim)
      }
      case 'Fn::If': {
        const [condNode, a, b] = arg.t === 'seq' ? arg.items : []
        const condName = condNode ? this.str(condNode, depth) : undefined
        if (typeof condName !== 'string' || !a || !b) return new Unknown('Fn::If')
        const c = this.condition(condName)
        if (c === true) return this.resolve(a, depth + 1)
        if (c === false) return this.resolve(b, depth + 1)
        const ra = this.resolve(a, depth + 1)
        const rb = this.resolve(b, depth + 1)
        return sameValue(ra, rb) ? ra : new Unknown(`condition ${condName}`)
      }
      case 'Fn::ImportValue': {
        const name = this.str(arg, depth)
        return new Unknown(`ImportValue ${typeof name === 'string' ? name.replace(/[\uE010\uE011]/g, '') : '?'}`)
      }
      case 'Fn::FindInMap':
        return this.findInMap(this.args(arg, depth))
      case 'Fn::Equals': {
        const [x, y] = this.args(arg, depth)
        if (x === undefined || y === undefined) return new Unknown('Fn::Equals')
        if (isUnknown(x) || isUnknown(y) || (typeof x === 'string' && hasUnknownPiece(x)) || (typeof y === 'string' && hasUnknownPiece(y))) {
          return new Unknown('Fn::Equals')
        }
        return JSON.stringify(scalarize(x)) === JSON.stringify(scalarize(y))
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const vals = this.args(arg, depth).map(toBool)
        const isAnd = fn === 'Fn::And'
        if (vals.some((v) => v === !isAnd)) return !isAnd
        return vals.every((v) => v === isAnd) ? isAnd : new Unknown(fn)
      }
      case 'Fn::Not': {
        const [v] = this.args(arg, depth).map(toBool)
        return typeof v === 'boolean' ? !v : new Unknown('Fn::Not')
      }
      case 'Fn::ToJsonString': {
        const v = this.str(arg, depth)
        return hasAnyUnknown(v) ? new Unknown('Fn::ToJsonString') : JSON.stringify(v)
      }
      case 'Fn::Length': {
        const v = this.str(arg, depth)
        return Array.isArray(v) ? v.length : new Unknown('Fn::Length')
      }
      default:
        // Fn::Base64, Fn::Cidr, Fn::GetAZs, Fn::Transform and anything newer: a deploy-time value.
        return new Unknown(fn)
    }
  }

  private sub(arg: CNode, depth: number): Value {
    let template: Value
    let vars: Value = {}
    if (arg.t === 'seq') {
      template = this.str(arg.items[0], depth)
      vars = arg.items[1] ? this.str(arg.items[1], depth) : {}
    } else template = this.str(arg, depth)
    if (typeof template !== 'string') return new Unknown('Fn::Sub')
    const varMap = isRecord(vars) ? vars : {}
    const parts: Value[] = []
    let last = 0
    const re = /\$\{([^}]*)\}/g
    for (let m = re.exec(template); m; m = re.exec(template)) {
      parts.push(template.slice(last, m.index))
      last = m.index + m[0].length
      const name = (m[1] ?? '').trim()
      if (name.startsWith('!')) {
        // `${!Literal}` writes `${Literal}`: how IAM policy variables are kept through Fn::Sub.
        parts.push('${' + name.slice(1) + '}')
      } else if (name in varMap) {
        parts.push(varMap[name] ?? '')
      } else if (name.includes('.') && !PSEUDO_PARAMETERS.has(name)) {
        const dot = name.indexOf('.')
        parts.push(this.getAtt(name.slice(0, dot), name.slice(dot + 1)))
      } else {
        const r = this.ref(name)
        parts.push(r === NO_VALUE ? '' : Array.isArray(r) ? new Unknown(name) : r)
      }
    }
    parts.push(template.slice(last))
    return concat(parts)
  }

  private findInMap(args: Value[]): Value {
    const [mapName, top, second] = args
    if (typeof mapName !== 'string' || typeof top !== 'string' || typeof second !== 'string') return new Unknown('Fn::FindInMap')
    if (hasUnknownPiece(top) || hasUnknownPiece(second)) return new Unknown('Fn::FindInMap')
    const node = child(child(child(this.mappings, mapName), top), second)
    const v = this.value(node)
    return v === undefined ? new Unknown('Fn::FindInMap') : v
  }
}

function toBool(v: Value): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'false') return v === 'true'
  return undefined
}

function scalarize(v: Value): Value {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v
}

function hasAnyUnknown(v: Value): boolean {
  if (isUnknown(v)) return true
  if (typeof v === 'string') return hasUnknownPiece(v)
  if (Array.isArray(v)) return v.some(hasAnyUnknown)
  if (isRecord(v)) return Object.values(v).some(hasAnyUnknown)
  return false
}

function sameValue(a: Resolved, b: Resolved): boolean {
  if (a === NO_VALUE || b === NO_VALUE) return a === b
  if (hasAnyUnknown(a) || hasAnyUnknown(b)) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

