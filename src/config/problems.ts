/**
 * Every problem of a rules file at once, in file order, each as `file:line:column` with a plain
 * explanation: invalid YAML, the JSON Schema (unknown keys with a did-you-mean, formats in words), and
 * meaning (unknown rule IDs, rule options by each rule's option schemas, regular expressions, duplicate
 * tag keys, exception reasons and dates). `rules validate` prints them; the loader (`scan --rules`) refuses
 * a file with any and lists them all.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ErrorObject } from 'ajv'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { escapeControl } from '../util/escape.js'
import type { RuleMeta } from '../rules/types.js'
import { decodePointer, isOptionsSchemaError, optionProblems } from '../rules/options.js'
import { suggest } from '../util/text.js'
import { firstAliasOffset, yamlOffsetOf } from '../util/yaml-position.js'
import { isObject } from '../util/json.js'
import { tagPatternProblem } from '../util/tag-pattern.js'

export const RULES_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/rules.schema.json', import.meta.url))

export interface RulesFileProblem {
  /** `file:line:column`. */
  location: string
  code: string
  message: string
}

/** The hint of a refused `pattern:` (JavaScript syntax, run by a linear-time engine). */
export const PATTERN_HINT =
  'patterns are JavaScript regular expressions run by a linear-time engine (RE2): no lookaround or backreferences; escape special characters (docs/security.md, "Patterns")'

/** The schema's formats (`pattern`s), in words. */
const PATTERN_WORDS: Record<string, string> = {
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}$': 'must be a date like 2027-01-31',
  '^[0-9]{12}$': 'must be a 12-digit AWS account ID, like 111111111111 (quoted, so YAML keeps it a string)',
  '^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$': 'must be an OU ID like ou-ab12-cd34ef56, or a root ID like r-ab12',
  '^/': 'must be an IAM path starting with `/`, like /teams/*',
  '^[a-z][a-z0-9]*(-[a-z0-9]+)*$': 'must be lower-case words joined by hyphens, like `ml-team-tag`',
  '^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$': 'must be an IAM action like bedrock:InvokeModel (a `*` or `?` may stand in the action name)',
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
}

let compiledSchema: ReturnType<Ajv['compile']> | undefined
/** The compiled rules-file schema (compiled once per process). */
export function schemaValidator(): ReturnType<Ajv['compile']> {
  if (!compiledSchema) {
    // verbose: errors carry their schema, so an unknown key can be matched against the known ones.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
    compiledSchema = ajv.compile(JSON.parse(readFileSync(RULES_SCHEMA_PATH, 'utf8')))
  }
  return compiledSchema
}

/** A plain explanation of one schema error, naming the property as `a.b.c` (shared with `rules validate`). */
export function explainAjvError(e: ErrorObject): string {
  const segs = e.instancePath.split('/').slice(1).map(decodePointer)
  const where = segs.length === 0 ? 'the file' : `\`${segs.join('.')}\``
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty)
      const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {})
      const hint = suggest(name, known) || (known.length > 0 && known.length <= 10 ? ` (known: ${known.map((k) => `\`${k}\``).join(', ')})` : '')
      return `unknown property \`${name}\` in ${where}${hint}`
    }
    case 'required':
      return `${where} is missing the required property \`${String(e.params.missingProperty)}\``
    case 'enum':
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    case 'const':
      return `${where} must be ${JSON.stringify(e.params.allowedValue)}`
    case 'minLength':
      return e.instancePath.endsWith('/reason')
        ? `${where} must be at least ${String(e.params.limit)} characters: say why the exception is acceptable`
        : `${where} must be at least ${String(e.params.limit)} characters`
    case 'pattern':
      return `${where} ${PATTERN_WORDS[String(e.params.pattern)] ?? `does not match the expected format ${String(e.params.pattern)}`}`
    case 'type':
      return `${where} must be ${TYPE_WORDS[String(e.params.type)] ?? `of type ${String(e.params.type)}`}`
    case 'anyOf':
      return segs[0] === 'exceptions' ? `${where} needs a target: \`arn\`, \`account\`, \`logicalId\` or \`address\`` : `${where} ${e.message ?? 'is invalid'}`
    case 'oneOf':
      return segs[0] === 'exceptions' && segs[2] === 'rules' ? `${where} must be a rule ID or a non-empty list of rule IDs` : `${where} ${e.message ?? 'is invalid'}`
    default:
      return `${where} ${e.message ?? 'is invalid'}`
  }
}


type Path = Array<string | number>

export class Located {
  constructor(
    /** The file as shown in locations. */
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** `file:line:column` of the node at `path`. */
  at(path: Path, atKey = false): string {
    return `${this.file}:${this.lineCol(path, atKey)}`
  }

  /** `line:column` of the node at `path` (its key for `atKey`), or of the deepest one that exists. */
  lineCol(path: Path, atKey = false): string {
    const { line, col } = this.lines.linePos(yamlOffsetOf(this.doc, path, atKey))
    return `${line}:${col}`
  }
}


function schemaProblems(raw: unknown, at: Located): RulesFileProblem[] {
  const validate = schemaValidator()
  if (validate(raw)) return []
  const errs = validate.errors ?? []
  const out: RulesFileProblem[] = []
  const seen = new Set<string>()
  for (const e of errs) {
    // Each branch of a `oneOf`/`anyOf` fails on its own; the combinator's error says it once.
    if (/\/(oneOf|anyOf)\//.test(e.schemaPath)) continue
    // Rule options: `checkOptions` explains them by the rule's own option schemas.
    if (isOptionsSchemaError(e)) continue
    const segs = e.instancePath.split('/').slice(1).map(decodePointer)
    const extra = e.keyword === 'additionalProperties'
    const location = at.at(extra ? [...segs, String(e.params.additionalProperty)] : segs, extra)
    const message = explainAjvError(e)
    const k = `${location}\u0000${message}`
    if (seen.has(k)) continue
    seen.add(k)
    out.push({ location, code: 'schema', message })
  }
  return out
}

function checkOptions(meta: RuleMeta, options: unknown, path: Path, at: Located, out: RulesFileProblem[], ruleLabel: string): void {
  for (const p of optionProblems(meta, options, ruleLabel)) out.push({ location: at.at([...path, ...p.path], p.atKey), code: p.code, message: p.message })
}

export function isRealDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd
}

/** The meaning checks; `raw` may still violate the schema, so every access is defensive. */
function semanticProblems(raw: Record<string, unknown>, at: Located, builtins: ReadonlyMap<string, RuleMeta>): RulesFileProblem[] {
  const out: RulesFileProblem[] = []
  const known = new Set(builtins.keys())
  const tags = isObject(raw.tags) ? raw.tags : {}
  const required = Array.isArray(tags.required) ? tags.required : []
  const requiredKeys = new Map<string, number>()
  for (const [i, req] of required.entries()) {
    if (!isObject(req)) continue
    if (typeof req.key === 'string') {
      const prior = requiredKeys.get(req.key)
      if (prior !== undefined) out.push({ location: at.at(['tags', 'required', i, 'key']), code: 'duplicate-key', message: `required tag \`${req.key}\` is listed twice (also tags.required[${prior}])` })
      else requiredKeys.set(req.key, i)
    }
    const patternProblem = typeof req.pattern === 'string' ? tagPatternProblem(req.pattern) : undefined
    if (patternProblem !== undefined) out.push({ location: at.at(['tags', 'required', i, 'pattern']), code: 'invalid-regex', message: patternProblem })
  }
  const prohibited = Array.isArray(tags.prohibited) ? tags.prohibited : []
  for (const [i, p] of prohibited.entries()) {
    if (isObject(p) && typeof p.key === 'string' && requiredKeys.has(p.key)) {
      out.push({ location: at.at(['tags', 'prohibited', i, 'key']), code: 'prohibited-required', message: `\`${p.key}\` is both required and prohibited` })
    }
  }
  const rules = isObject(raw.rules) ? raw.rules : {}
  for (const [id, setting] of Object.entries(rules)) {
    const meta = builtins.get(id)
    if (!meta) {
      out.push({ location: at.at(['rules', id], true), code: 'unknown-rule', message: `unknown rule \`${id}\`${suggest(id, [...known])}; a rule of your own goes under \`custom:\` with \`extends:\`` })
      continue
    }
    if (isObject(setting)) checkOptions(meta, setting.options, ['rules', id, 'options'], at, out, `rule ${id}`)
  }
  const custom = Array.isArray(raw.custom) ? raw.custom : []
  for (const [i, c] of custom.entries()) {
    if (!isObject(c) || typeof c.id !== 'string') continue
    if (known.has(c.id)) out.push({ location: at.at(['custom', i, 'id']), code: 'duplicate-rule', message: `rule ID \`${c.id}\` is already taken${builtins.has(c.id) ? ' by a built-in rule' : ''}` })
    known.add(c.id)
    if (typeof c.extends !== 'string') continue
    const base = builtins.get(c.extends)
    if (!base) {
      out.push({ location: at.at(['custom', i, 'extends']), code: 'unknown-rule', message: `custom rule \`${c.id}\` extends unknown rule \`${c.extends}\`${suggest(c.extends, [...builtins.keys()])}` })
      continue
    }
    checkOptions(base, c.options, ['custom', i, 'options'], at, out, `custom rule ${c.id} (extends ${base.id})`)
  }
  const exceptions = Array.isArray(raw.exceptions) ? raw.exceptions : []
  for (const [i, ex] of exceptions.entries()) {
    if (!isObject(ex)) continue
    const ids = typeof ex.rules === 'string' ? [ex.rules] : Array.isArray(ex.rules) ? ex.rules.filter((x): x is string => typeof x === 'string') : []
    for (const id of ids) {
      if (!known.has(id)) out.push({ location: at.at(['exceptions', i, 'rules']), code: 'unknown-rule', message: `exception names unknown rule \`${id}\`${suggest(id, [...known])}` })
    }
    if (typeof ex.reason === 'string' && ex.reason.trim().length < 10 && ex.reason.length >= 10) {
      out.push({ location: at.at(['exceptions', i, 'reason']), code: 'schema', message: 'exception reason must be at least 10 characters: say why the exception is acceptable' })
    }
    if (typeof ex.expires === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(ex.expires) && !isRealDate(ex.expires)) {
      out.push({ location: at.at(['exceptions', i, 'expires']), code: 'schema', message: `\`expires\` must be a real date like 2027-01-31; ${ex.expires} does not exist` })
    }
  }
  return out
}

/** Sorts problems by their `:line:column`, file order. */
export function inFileOrder<T extends { location: string }>(problems: T[]): T[] {
  const pos = (l: string): [number, number] => {
    const m = /:(\d+):(\d+)$/.exec(l)
    return m ? [Number(m[1]), Number(m[2])] : [0, 0]
  }
  return problems.sort((a, b) => {
    const [la, ca] = pos(a.location)
    const [lb, cb] = pos(b.location)
    return la - lb || ca - cb
  })
}

/** Alias expansions allowed when a rules file is turned into data. */
export const RULES_MAX_ALIAS_COUNT = 100

export interface CheckedRulesText {
  /** The parsed file, when it is YAML at all. */
  raw?: Record<string, unknown>
  at: Located
  /** Every problem found, in file order. */
  problems: RulesFileProblem[]
}

/** Checks a rules file's text on its own (no other rules file, no inventory). `shown` names it in locations. */
export function checkRulesText(text: string, shown: string, builtins: ReadonlyMap<string, RuleMeta>): CheckedRulesText {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const at = new Located(shown, doc, lines)
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err) => {
      const { line, col } = lines.linePos(err.pos[0])
      return { location: `${shown}:${line}:${col}`, code: 'yaml', message: `invalid YAML: ${err.message.split('\n')[0]}` }
    })
    return { at, problems }
  }
  let raw: unknown
  try {
    // The yaml library's own alias budget: an alias bomb is a problem of the file, not a crash.
    raw = doc.toJS({ maxAliasCount: RULES_MAX_ALIAS_COUNT }) as unknown
  } catch (e) {
    const { line, col } = lines.linePos(firstAliasOffset(doc))
    return { at, problems: [{ location: `${shown}:${line}:${col}`, code: 'yaml', message: `YAML aliases not accepted (${(e as Error).message}); write the values out` }] }
  }
  if (!isObject(raw)) return { at, problems: [{ location: `${shown}:1:1`, code: 'schema', message: 'a rules file must be a YAML mapping with `version: 1`' }] }
  // Problems echo keys and values of the file: one line each, control characters shown escaped.
  const problems = [...schemaProblems(raw, at), ...semanticProblems(raw, at, builtins)].map((p) => ({ ...p, message: escapeControl(p.message) }))
  return { raw, at, problems: inFileOrder(problems) }
}
