/**
 * Rule options, from the one place they are declared: each rule's `meta.options` (JSON Schemas with
 * defaults). The rules-file loader and `rules validate` validate a rule instance's options with ajv against
 * them; the engine merges the declared defaults under the configured options; the rules-file schema and
 * the rule docs are generated from them.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { OptionSchema, RuleMeta } from './types.js'
import { suggest } from '../util/text.js'

/** Decodes one JSON-pointer segment of an ajv `instancePath`. */
export function decodePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** The JSON Schema of a rule's `options` mapping (no options: an empty mapping). */
export function optionsSchema(meta: Pick<RuleMeta, 'options'>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties: { ...(meta.options ?? {}) } }
}

/** The declared constant defaults of a rule's options. */
export function optionDefaults(meta: Pick<RuleMeta, 'options'>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries<OptionSchema>(meta.options ?? {})) if (spec.default !== undefined) out[name] = spec.default
  return out
}

/** The options a rule instance's check sees: the declared defaults, overridden by the configured options. */
export function effectiveOptions(meta: Pick<RuleMeta, 'options'>, configured: Record<string, unknown>): Record<string, unknown> {
  return { ...optionDefaults(meta), ...configured }
}

export interface OptionProblem {
  /** Path inside the `options` mapping. */
  path: string[]
  /** Whether the position is the key (an unknown option), not the value. */
  atKey: boolean
  code: 'unknown-option' | 'option-type'
  message: string
}

const ajv = new Ajv({ allErrors: true, strict: false })
const compiled = new WeakMap<object, ValidateFunction>()

function validatorOf(meta: Pick<RuleMeta, 'options'>): ValidateFunction {
  let v = compiled.get(meta)
  if (!v) {
    v = ajv.compile(optionsSchema(meta))
    compiled.set(meta, v)
  }
  return v
}

function expected(spec: { type?: string; items?: { type: string } } | undefined): string {
  if (spec?.type === 'array') return `a list of ${spec.items?.type ?? 'value'}s`
  if (spec?.type === 'object') return 'a mapping'
  return spec?.type === 'integer' ? 'an integer' : `a ${spec?.type ?? 'value'}`
}

function explain(meta: Pick<RuleMeta, 'options'>, e: ErrorObject, label: string): OptionProblem {
  const segs = e.instancePath.split('/').slice(1).map(decodePointer)
  if (e.keyword === 'additionalProperties') {
    const name = String(e.params.additionalProperty)
    if (segs.length === 0) {
      const known = Object.keys(meta.options ?? {})
      const list = known.length > 0 ? ` (options: ${known.join(', ')})` : ' (it takes no options)'
      return { path: [name], atKey: true, code: 'unknown-option', message: `${label} has no option \`${name}\`${suggest(name, known)}${list}` }
    }
    return { path: [...segs, name], atKey: true, code: 'unknown-option', message: `option \`${segs.join('.')}\` of ${label} has an unknown property \`${name}\`` }
  }
  const option = `option \`${segs.join('.')}\` of ${label}`
  const spec = (meta.options ?? {})[segs[0] ?? ''] as OptionSchema | undefined
  const at = segs.length === 1 ? spec : spec?.properties?.[segs[1] ?? '']
  switch (e.keyword) {
    case 'type':
      return { path: segs, atKey: false, code: 'option-type', message: `${option} must be ${expected(segs.length === 2 && spec?.type === 'array' ? spec.items : at)}` }
    case 'enum':
      return { path: segs, atKey: false, code: 'option-type', message: `${option} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` }
    default:
      return { path: segs, atKey: false, code: 'option-type', message: `${option} ${e.message ?? 'is invalid'}` }
  }
}

/**
 * What is wrong with a rule instance's options, by the rule's option schemas (`label` names the instance,
 * e.g. `rule principal-missing-tag`). Options that are not a mapping are the rules-file schema's to report.
 */
export function optionProblems(meta: Pick<RuleMeta, 'options'>, options: unknown, label: string): OptionProblem[] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return []
  const validate = validatorOf(meta)
  if (validate(options)) return []
  const out: OptionProblem[] = []
  const seen = new Set<string>()
  for (const e of validate.errors ?? []) {
    const p = explain(meta, e, label)
    const k = `${p.path.join('.')}\u0000${p.message}`
    if (seen.has(k)) continue
    seen.add(k)
    out.push(p)
  }
  return out
}

/** Whether an ajv error of the rules-file schema is about a rule's options (which `optionProblems` explains better). */
export function isOptionsSchemaError(e: ErrorObject): boolean {
  if (e.keyword === 'if') return true
  const m = /^\/(?:rules\/[^/]+|custom\/\d+)\/options(\/.*)?$/.exec(e.instancePath)
  if (!m) return false
  // `options` that is not a mapping at all stays the schema's to report.
  return !(m[1] === undefined && e.keyword === 'type')
}
