/**
 * `tagwarden rules validate FILE [--input PATH]`: every problem of a rules file at once, each as
 * `file:line:column: message` — YAML syntax, the JSON Schema, and meaning (unknown rule IDs in
 * `rules`, `custom` and exceptions, unknown or mistyped rule options, invalid regular expressions,
 * duplicate keys, exception reasons and dates). With `--input`, also what the file says about an
 * actual inventory: scope and gateway globs, accounts and exception targets that match nothing, and
 * exceptions that suppress no finding. Exit 0 valid, 1 problems, 2 usage error.
 */
import { yamlOffsetOf } from '../util/yaml-position.js'
import { existsSync, readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { isTagwardenError, UsageError } from '../errors.js'
import { globMatch } from '../iam/glob.js'
import { BUNDLED_RULES_PATH, explainAjvError, loadRulesConfigFromFiles, schemaValidator } from '../config/load.js'
import { decodePointer, isOptionsSchemaError, optionProblems } from '../rules/options.js'
import type { ResolvedConfig } from '../config/types.js'
import { RULE_META } from '../rules/index.js'
import type { RuleMeta } from '../rules/types.js'
import { runScan } from '../pipeline/scan.js'
import type { AccountSource } from '../sources/account-source.js'
import { snapshotSource } from '../sources/snapshot.js'
import { suggest } from '../util/text.js'

export interface ValidationProblem {
  /** `file:line:column`. */
  location: string
  code: string
  message: string
}

export interface ValidationResult {
  file: string
  problems: ValidationProblem[]
  /** Errors reading `--input` (the "matches nothing" checks may then be incomplete). */
  inputErrors: string[]
}

type Path = Array<string | number>

class Located {
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


function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}


function schemaProblems(raw: unknown, at: Located): ValidationProblem[] {
  const validate = schemaValidator()
  if (validate(raw)) return []
  const errs = validate.errors ?? []
  const out: ValidationProblem[] = []
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

function checkOptions(meta: RuleMeta, options: unknown, path: Path, at: Located, out: ValidationProblem[], ruleLabel: string): void {
  for (const p of optionProblems(meta, options, ruleLabel)) out.push({ location: at.at([...path, ...p.path], p.atKey), code: p.code, message: p.message })
}

function isRealDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd
}

/** The meaning checks; `raw` may still violate the schema, so every access is defensive. */
function semanticProblems(raw: Record<string, unknown>, at: Located, builtins: ReadonlyMap<string, RuleMeta>): ValidationProblem[] {
  const out: ValidationProblem[] = []
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
    if (typeof req.pattern === 'string') {
      try {
        new RegExp(req.pattern)
      } catch (e) {
        out.push({ location: at.at(['tags', 'required', i, 'pattern']), code: 'invalid-regex', message: `invalid regular expression: ${(e as Error).message}` })
      }
    }
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
      out.push({ location: at.at(['exceptions', i, 'expires']), code: 'schema', message: `\`expires\` is not a real date: ${ex.expires}` })
    }
  }
  return out
}

interface PrincipalRef {
  arn: string
  path: string
  name: string
  kind: 'user' | 'role'
  accountId: string
}

/** A snapshot source that remembers every user and role streaming past (all of them, capable or not). */
function recordingSource(inner: AccountSource, seen: PrincipalRef[]): AccountSource {
  return {
    prepare: (index) => inner.prepare(index),
    fileCount: () => inner.fileCount(),
    async *accounts() {
      for await (const a of inner.accounts()) {
        for (const p of [...(a.inventory?.users ?? []), ...(a.inventory?.roles ?? [])]) seen.push({ arn: p.arn, path: p.path, name: p.name, kind: p.kind, accountId: p.accountId })
        yield a
      }
    },
  }
}

async function inputProblems(raw: Record<string, unknown>, at: Located, file: string, config: ResolvedConfig, inputs: string[], now: Date): Promise<{ problems: ValidationProblem[]; inputErrors: string[] }> {
  const principals: PrincipalRef[] = []
  const report = await runScan({ config, sources: [recordingSource(snapshotSource(inputs), principals)], now })
  const accounts = new Set(report.summary.accounts.ids)
  const out: ValidationProblem[] = []
  const anyArn = (g: string): boolean => principals.some((p) => globMatch(g, p.arn, { caseInsensitive: false }))
  const anyPath = (g: string): boolean => principals.some((p) => globMatch(g, p.path, { caseInsensitive: false }))
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

  const checkScope = (scope: unknown, path: Path, label: string): void => {
    if (!isObject(scope)) return
    for (const field of ['accounts', 'excludeAccounts'] as const) {
      for (const [j, a] of strings(scope[field]).entries()) {
        if (!accounts.has(a)) out.push({ location: at.at([...path, field, j]), code: 'matches-nothing', message: `${label}: account ${a} is not in the input` })
      }
    }
    for (const field of ['paths', 'excludePaths'] as const) {
      for (const [j, g] of strings(scope[field]).entries()) {
        if (!anyPath(g)) out.push({ location: at.at([...path, field, j]), code: 'matches-nothing', message: `${label}: path glob \`${g}\` matches no IAM user or role in the input` })
      }
    }
    for (const field of ['arns', 'excludeArns'] as const) {
      for (const [j, g] of strings(scope[field]).entries()) {
        if (!anyArn(g)) out.push({ location: at.at([...path, field, j]), code: 'matches-nothing', message: `${label}: ARN glob \`${g}\` matches no IAM user or role in the input` })
      }
    }
  }
  for (const [id, setting] of Object.entries(isObject(raw.rules) ? raw.rules : {})) {
    if (isObject(setting)) checkScope(setting.scope, ['rules', id, 'scope'], `scope of ${id}`)
  }
  for (const [i, c] of (Array.isArray(raw.custom) ? raw.custom : []).entries()) {
    if (isObject(c)) checkScope(c.scope, ['custom', i, 'scope'], `scope of ${typeof c.id === 'string' ? c.id : `custom[${i}]`}`)
  }
  const gateways = isObject(raw.settings) && isObject(raw.settings.gateways) ? raw.settings.gateways : {}
  const roles = principals.filter((p) => p.kind === 'role')
  for (const [j, g] of strings(gateways.namePatterns).entries()) {
    if (!roles.some((r) => globMatch(g, r.name, { caseInsensitive: true }))) {
      out.push({ location: at.at(['settings', 'gateways', 'namePatterns', j]), code: 'matches-nothing', message: `gateway name pattern \`${g}\` matches no role in the input` })
    }
  }
  for (const [j, g] of strings(gateways.arns).entries()) {
    if (g.startsWith('arn:') && !roles.some((r) => globMatch(g, r.arn, { caseInsensitive: false }))) {
      out.push({ location: at.at(['settings', 'gateways', 'arns', j]), code: 'matches-nothing', message: `gateway ARN \`${g}\` matches no role in the input` })
    }
  }
  // Exceptions of this file, matched to the scan's notices by their position.
  const unused = new Set(report.summary.exceptions.filter((n) => n.kind === 'unused').map((n) => n.location))
  for (const [i, ex] of (Array.isArray(raw.exceptions) ? raw.exceptions : []).entries()) {
    if (!isObject(ex)) continue
    const location = at.at(['exceptions', i])
    // The loader positions exceptions by the file's real path.
    const loaderLocation = `${file}:${at.lineCol(['exceptions', i])}`
    if (typeof ex.arn === 'string' && !anyArn(ex.arn)) {
      out.push({ location: at.at(['exceptions', i, 'arn']), code: 'matches-nothing', message: `exception ARN \`${ex.arn}\` matches no IAM user or role in the input` })
    } else if (typeof ex.account === 'string' && !accounts.has(ex.account)) {
      out.push({ location: at.at(['exceptions', i, 'account']), code: 'matches-nothing', message: `exception account ${ex.account} is not in the input` })
    } else if (unused.has(loaderLocation)) {
      out.push({ location, code: 'unused-exception', message: 'exception matches no finding in the input; remove it, or check its rules and target' })
    }
  }
  return { problems: out, inputErrors: report.errors.map((e) => `${e.source}: ${e.message}`) }
}

export interface ValidateOptions {
  inputs?: string[]
  builtins?: ReadonlyMap<string, RuleMeta>
  now?: Date
  /** How the file is named in locations (default: as given). */
  displayPath?: string
}

export async function validateRulesFile(file: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const builtins = opts.builtins ?? RULE_META
  if (!existsSync(file)) throw new UsageError('no-such-path', `${file}: no such file`, 'give the rules file to validate, e.g. tagwarden.yaml')
  const shown = opts.displayPath ?? file
  const text = readFileSync(file, 'utf8')
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const at = new Located(shown, doc, lines)
  const result: ValidationResult = { file: shown, problems: [], inputErrors: [] }
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const { line, col } = lines.linePos(err.pos[0])
      result.problems.push({ location: `${shown}:${line}:${col}`, code: 'yaml', message: `invalid YAML: ${err.message.split('\n')[0]}` })
    }
    return result
  }
  const raw = doc.toJS() as unknown
  if (!isObject(raw)) {
    result.problems.push({ location: `${shown}:1:1`, code: 'schema', message: 'a rules file must be a YAML mapping with `version: 1`' })
    return result
  }
  result.problems.push(...schemaProblems(raw, at), ...semanticProblems(raw, at, builtins))
  const files = raw.extends === 'none' ? [file] : [BUNDLED_RULES_PATH, file]
  let config: ResolvedConfig | undefined
  try {
    config = loadRulesConfigFromFiles(files, builtins)
  } catch (e) {
    // The loader is the final word: anything it rejects that the checks above missed still shows.
    if (!isTagwardenError(e)) throw e
    if (result.problems.length === 0) {
      const location = 'location' in e && typeof e.location === 'string' ? e.location.replace(file, shown) : `${shown}:1:1`
      result.problems.push({ location, code: e.code, message: e.message.replace(/^\S+:\d+:\d+: /, '') })
    }
  }
  if (opts.inputs && opts.inputs.length > 0 && config && result.problems.length === 0) {
    const r = await inputProblems(raw, at, file, config, opts.inputs, opts.now ?? new Date())
    result.problems.push(...r.problems)
    result.inputErrors = r.inputErrors
  }
  result.problems.sort((a, b) => {
    const [, la = 0, ca = 0] = a.location.match(/:(\d+):(\d+)$/)?.map(Number) ?? []
    const [, lb = 0, cb = 0] = b.location.match(/:(\d+):(\d+)$/)?.map(Number) ?? []
    return la - lb || ca - cb
  })
  return result
}

export interface RulesValidateInput {
  file: string
  inputs?: string[] | undefined
  format: 'text' | 'json'
  now?: Date
  cwd?: string
  stdout?: (s: string) => void
  stderr?: (s: string) => void
}

export async function runRulesValidate(i: RulesValidateInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  const cwd = i.cwd ?? process.cwd()
  const abs = resolve(cwd, i.file)
  const inputs = (i.inputs ?? []).map((p) => resolve(cwd, p))
  for (const [j, p] of inputs.entries()) if (!existsSync(p)) throw new UsageError('no-such-path', `--input ${i.inputs![j]}: no such file or folder`, 'give a snapshot file or folder')
  const result = await validateRulesFile(abs, { inputs, displayPath: relative(cwd, abs) || i.file, ...(i.now ? { now: i.now } : {}) })
  for (const e of result.inputErrors) stderr(`tagwarden: warning: ${e} (the checks against --input may be incomplete)\n`)
  if (i.format === 'json') {
    stdout(`${JSON.stringify({ file: result.file, valid: result.problems.length === 0, problems: result.problems }, null, 2)}\n`)
  } else if (result.problems.length === 0) {
    stdout(`${result.file}: valid${inputs.length > 0 ? ' (every glob, account and exception matches the input)' : ''}\n`)
  } else {
    for (const p of result.problems) stdout(`${p.location}: ${p.message}\n`)
    stdout(`\n${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.file}\n`)
  }
  return result.problems.length > 0 ? 1 : 0
}
