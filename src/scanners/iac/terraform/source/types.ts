/**
 * Terraform variable type constraints (`type = map(object({ sid = optional(string), actions = list(string) }))`)
 * applied to a variable's value the way Terraform converts it: missing `optional()` attributes become null
 * (or their default), primitives convert (`1` → `"1"` for a string), sets sort and deduplicate. Modules of
 * the public registry rely on this (`statement.value.not_actions` of an object that never set it).
 */
import type { Expr } from './hcl.js'
import { deepEqual } from './eval.js'
import { isRecord, isUnknown, type Value } from '../../values.js'

export type TypeSpec =
  | { t: 'any' | 'string' | 'number' | 'bool' }
  | { t: 'list' | 'set' | 'map'; of: TypeSpec }
  | { t: 'object'; attrs: Map<string, { type: TypeSpec; optional: boolean; default?: Expr }> }
  | { t: 'tuple'; items: TypeSpec[] }

const ANY: TypeSpec = { t: 'any' }

/** The type expression → a spec; anything not understood is `any` (no conversion). */
export function typeSpec(e: Expr | undefined): TypeSpec {
  if (!e) return ANY
  if (e.k === 'var') {
    if (e.name === 'string' || e.name === 'number' || e.name === 'bool') return { t: e.name }
    if (e.name === 'list' || e.name === 'set' || e.name === 'map') return { t: e.name, of: ANY }
    return ANY
  }
  if (e.k !== 'call') return ANY
  const arg = e.args[0]
  if (e.name === 'list' || e.name === 'set' || e.name === 'map') return { t: e.name, of: typeSpec(arg) }
  if (e.name === 'tuple' && arg?.k === 'tuple') return { t: 'tuple', items: arg.items.map(typeSpec) }
  if (e.name === 'object' && arg?.k === 'object') {
    const attrs = new Map<string, { type: TypeSpec; optional: boolean; default?: Expr }>()
    for (const item of arg.items) {
      const key = item.key.k === 'var' ? item.key.name : item.key.k === 'lit' && typeof item.key.v === 'string' ? item.key.v : undefined
      if (key === undefined) continue
      const v = item.value
      if (v.k === 'call' && v.name === 'optional') {
        const d = v.args[1]
        attrs.set(key, { type: typeSpec(v.args[0]), optional: true, ...(d ? { default: d } : {}) })
      } else attrs.set(key, { type: typeSpec(v), optional: false })
    }
    return { t: 'object', attrs }
  }
  return ANY
}

/**
 * Convert a value to the type. `evalDefault` evaluates an `optional()` default. A value that does not fit
 * is returned unchanged (Terraform would reject the configuration; tagwarden stays on the safe side).
 */
export function convert(v: Value, type: TypeSpec, evalDefault: (e: Expr) => Value): Value {
  if (isUnknown(v) || v === null || type.t === 'any') return v
  switch (type.t) {
    case 'string':
      return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v
    case 'number':
      return typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v
    case 'bool':
      return v === 'true' ? true : v === 'false' ? false : v
    case 'list':
      return Array.isArray(v) ? v.map((x) => convert(x, type.of, evalDefault)) : v
    case 'set': {
      if (!Array.isArray(v)) return v
      const out: Value[] = []
      for (const x of v.map((y) => convert(y, type.of, evalDefault))) if (!out.some((o) => deepEqual(o, x))) out.push(x)
      return out.every((x) => typeof x === 'string') ? (out as string[]).sort() : out
    }
    case 'map':
      return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x, type.of, evalDefault)])) : v
    case 'tuple':
      return Array.isArray(v) ? v.map((x, i) => convert(x, type.items[i] ?? ANY, evalDefault)) : v
    case 'object': {
      if (!isRecord(v)) return v
      const out: Record<string, Value> = {}
      for (const [k, spec] of type.attrs) {
        if (k in v && v[k] !== null) out[k] = convert(v[k] as Value, spec.type, evalDefault)
        else if (spec.optional) out[k] = spec.default ? convert(evalDefault(spec.default), spec.type, evalDefault) : null
        else if (k in v) out[k] = null
      }
      return out
    }
  }
}
