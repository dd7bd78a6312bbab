/**
 * Loads the rules file: the bundled `rules.yaml`, extended by the user's file (`--rules FILE`, or
 * `./tagwarden.yaml` when present). YAML is parsed with positions so that every problem — syntax,
 * schema, or meaning — is reported as `file:line:column` with a plain explanation.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import type { ErrorObject } from 'ajv'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { ConfigError } from '../errors.js'
import type { Severity } from '../model/finding.js'
import type {
  ExceptionRule,
  Position,
  ProhibitedTag,
  ResolvedConfig,
  ResolvedSettings,
  RuleInstance,
  RuleScope,
  TagRequirement,
} from './types.js'
import type { RuleMeta } from '../rules/types.js'
import { suggest } from '../util/text.js'
import { escapeControl, shellQuote } from '../util/escape.js'
import { readRegularTextSync } from '../util/read-file.js'
import { tagPatternProblem } from '../util/tag-pattern.js'
import { firstAliasOffset, yamlOffsetOf } from '../util/yaml-position.js'
import { decodePointer, isOptionsSchemaError, optionProblems } from '../rules/options.js'
import { PATTERN_HINT, RULES_MAX_ALIAS_COUNT, checkRulesText, explainAjvError, schemaValidator } from './problems.js'

export { RULES_SCHEMA_PATH } from './problems.js'

export const BUNDLED_RULES_PATH = fileURLToPath(new URL('../../rules.yaml', import.meta.url))
export const DEFAULT_USER_RULES_FILE = 'tagwarden.yaml'

interface RawRuleSetting {
  enabled?: boolean
  severity?: Severity
  options?: Record<string, unknown>
  scope?: RuleScope
}
interface RawCustom extends RawRuleSetting {
  id: string
  extends: string
  description?: string
}
interface RawException {
  rules: string | string[]
  arn?: string
  account?: string
  logicalId?: string
  address?: string
  reason: string
  expires?: string
}
interface RawRulesFile {
  version: 1
  extends?: 'default' | 'none'
  tags?: { required?: TagRequirement[]; prohibited?: ProhibitedTag[] }
  settings?: Partial<Omit<ResolvedSettings, 'requiredTags' | 'prohibitedTags' | 'gateways'>> & {
    gateways?: Partial<ResolvedSettings['gateways']>
  }
  rules?: Record<string, RawRuleSetting>
  custom?: RawCustom[]
  exceptions?: RawException[]
}

export interface ParsedFile {
  path: string
  raw: RawRulesFile
  doc: Document
  lines: LineCounter
}

function positionOf(file: ParsedFile, path: Array<string | number>, atKey = false): Position {
  const offset = yamlOffsetOf(file.doc, path, atKey)
  const { line, col } = file.lines.linePos(offset)
  return { file: file.path, line, column: col }
}


function fmt(p: Position): string {
  return `${p.file}:${p.line}:${p.column}`
}

/** A rules file larger than this is refused (the bundled one is a few KB). */
export const RULES_MAX_BYTES = 1024 * 1024

function readRulesFile(path: string): string {
  try {
    return readRegularTextSync(path, RULES_MAX_BYTES)
  } catch (e) {
    throw new ConfigError('rules-file-unreadable', `cannot read rules file ${path}: ${(e as Error).message}`, {
      hint: 'check the path given to --rules',
    })
  }
}

function parseRulesFile(path: string): ParsedFile {
  return parseRulesText(readRulesFile(path), path)
}

/** Parse and validate rules-file text; `path` names it in messages (`origin/main:tagwarden.yaml` for a git ref). */
export function parseRulesText(text: string, path: string): ParsedFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!
    const { line, col } = lines.linePos(err.pos[0])
    const location = `${path}:${line}:${col}`
    throw new ConfigError('rules-file-yaml', `${location}: invalid YAML: ${err.message.split('\n')[0]}`, {
      location,
      hint: 'fix the YAML syntax at that position (indentation, quoting, a missing colon)',
    })
  }
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: RULES_MAX_ALIAS_COUNT }) as unknown
  } catch (e) {
    // "Excessive alias count": an alias bomb (or an alias to a missing anchor) is a configuration error, not a crash.
    const { line, col } = lines.linePos(firstAliasOffset(doc))
    const location = `${path}:${line}:${col}`
    throw new ConfigError('rules-file-yaml', `${location}: YAML aliases not accepted: ${(e as Error).message}`, {
      location,
      hint: 'write the values out instead of using YAML anchors and aliases',
    })
  }
  const file: ParsedFile = { path, raw: raw as RawRulesFile, doc, lines }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const location = `${path}:1:1`
    throw new ConfigError('rules-file-schema', `${location}: a rules file must be a YAML mapping with \`version: 1\``, {
      location,
      hint: 'start the file with `version: 1` (see `tagwarden init`)',
    })
  }
  const validate = schemaValidator()
  // Rule options are checked against each rule's own option schemas when the file is resolved, with a plainer message.
  const schemaErrors = validate(raw) ? [] : (validate.errors ?? []).filter((e) => !isOptionsSchemaError(e))
  if (schemaErrors.length > 0) {
    const errs = schemaErrors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'allOf')
    const first = pickMostUseful(errs.length > 0 ? errs : schemaErrors)
    const segs = first.instancePath.split('/').slice(1).map(decodePointer)
    const extra = first.keyword === 'additionalProperties'
    const pos = positionOf(file, extra ? [...segs, String(first.params.additionalProperty)] : segs, extra)
    throw new ConfigError('rules-file-schema', `${fmt(pos)}: ${explainAjvError(first)}`, {
      location: fmt(pos),
      hint: 'see schemas/rules.schema.json, or add `# yaml-language-server: $schema=…` for editor help',
    })
  }
  return file
}

function pickMostUseful(errs: ErrorObject[]): ErrorObject {
  // The deepest error is usually the one a person can act on.
  return [...errs].sort((a, b) => b.instancePath.length - a.instancePath.length)[0]!
}

function mergeSettings(base: ResolvedSettings, raw: RawRulesFile): ResolvedSettings {
  const s = raw.settings ?? {}
  return {
    requiredTags: raw.tags?.required ?? base.requiredTags,
    prohibitedTags: raw.tags?.prohibited ?? base.prohibitedTags,
    inferenceActions: s.inferenceActions ?? base.inferenceActions,
    workloadOidcIssuers: s.workloadOidcIssuers ?? base.workloadOidcIssuers,
    gateways: {
      namePatterns: s.gateways?.namePatterns ?? base.gateways.namePatterns,
      tags: s.gateways?.tags ?? base.gateways.tags,
      arns: s.gateways?.arns ?? base.gateways.arns,
    },
  }
}

const EMPTY_SETTINGS: ResolvedSettings = {
  requiredTags: [],
  prohibitedTags: [],
  inferenceActions: [],
  workloadOidcIssuers: [],
  gateways: { namePatterns: [], tags: {}, arns: [] },
}

export interface LoadRulesOptions {
  /** `--rules FILE`. */
  rulesPath?: string
  /** Where to look for `tagwarden.yaml`. */
  cwd?: string
  /** Metadata of every built-in rule, by ID (the registry). */
  builtins: ReadonlyMap<string, RuleMeta>
  /**
   * The user's rules file, already read from elsewhere (`--config-from-ref`: a git ref); `null` when there is
   * none there (the bundled rules alone). When given, `rulesPath` and `cwd` are not looked at.
   */
  userText?: RulesText | null
}

/** A rules file's text and the name that messages give it (`origin/main:tagwarden.yaml`). */
export interface RulesText {
  text: string
  path: string
}

/** Load and resolve the rules configuration. Throws `ConfigError` (exit 2) on any problem. */
export function loadRulesConfig(opts: LoadRulesOptions): ResolvedConfig {
  const files: ParsedFile[] = [parseRulesFile(BUNDLED_RULES_PATH)]
  if (opts.userText !== undefined) {
    if (opts.userText !== null) {
      // `rules validate` takes a file, not `REF:path`: the hint names the command that checks a copy.
      refuseProblemsIn(opts.userText.text, opts.userText.path, opts.builtins, `\`git show ${shellQuote(opts.userText.path)} > rules.yaml && tagwarden rules validate rules.yaml\` checks the file on its own`)
      addUserFile(files, parseRulesText(opts.userText.text, opts.userText.path))
    }
    return resolveFiles(files, opts.builtins)
  }
  let userPath = opts.rulesPath
  if (userPath === undefined) {
    const candidate = resolve(opts.cwd ?? process.cwd(), DEFAULT_USER_RULES_FILE)
    if (existsSync(candidate)) userPath = candidate
  }
  if (userPath !== undefined) {
    // Read once: the checks and the parse see the same text.
    const text = readRulesFile(userPath)
    refuseProblemsIn(text, userPath, opts.builtins)
    addUserFile(files, parseRulesText(text, userPath))
  }
  return resolveFiles(files, opts.builtins)
}

/** `extends: none` drops the bundled rules; `default` (or nothing) builds on them. No other file is extended. */
function addUserFile(files: ParsedFile[], user: ParsedFile): void {
  if (user.raw.extends === 'none') files.length = 0
  files.push(user)
}

const PROBLEM_CODES: Record<string, string> = {
  yaml: 'rules-file-yaml',
  'unknown-rule': 'rules-file-unknown-rule',
  'duplicate-rule': 'rules-file-duplicate-rule',
  'invalid-regex': 'rules-file-regex',
}

/**
 * The user's rules file with every problem `rules validate` would report, in file order, in one error (a
 * scan should not make the user fix one problem per run). The bundled file is tagwarden's own.
 */
function refuseProblemsIn(text: string, path: string, builtins: ReadonlyMap<string, RuleMeta>, hint = `\`tagwarden rules validate ${path}\` checks the file on its own`): void {
  const { problems } = checkRulesText(text, path, builtins)
  if (problems.length === 0) return
  const first = problems[0]!
  if (problems.length === 1) throw new ConfigError(PROBLEM_CODES[first.code] ?? 'rules-file-schema', `${first.location}: ${first.message}`, { location: first.location, hint })
  const list = problems.map((p) => `  ${p.location}: ${p.message}`).join('\n')
  throw new ConfigError(PROBLEM_CODES[first.code] ?? 'rules-file-schema', `${path} has ${problems.length} problems:\n${list}`, { hint })
}

/** Resolve already-parsed text (used by tests and `rules validate`). */
export function loadRulesConfigFromFiles(paths: string[], builtins: ReadonlyMap<string, RuleMeta>): ResolvedConfig {
  return resolveFiles(paths.map(parseRulesFile), builtins)
}

function resolveFiles(files: ParsedFile[], builtins: ReadonlyMap<string, RuleMeta>): ResolvedConfig {
  let settings = EMPTY_SETTINGS
  const rules = new Map<string, RuleInstance>()
  for (const [id, meta] of builtins) {
    rules.set(id, { id, base: id, enabled: true, severity: meta.defaultSeverity, options: {}, source: '<built-in>' })
  }
  const exceptions: ExceptionRule[] = []
  const bundled = files[0]?.path === BUNDLED_RULES_PATH
  for (const file of files) {
    const raw = file.raw
    const source = file.path === BUNDLED_RULES_PATH ? '<bundled>' : file.path
    settings = mergeSettings(settings, raw)
    for (const [i, req] of (raw.tags?.required ?? []).entries()) {
      if (req.pattern !== undefined) checkRegex(file, ['tags', 'required', i, 'pattern'], req.pattern)
    }
    for (const [id, setting] of Object.entries(raw.rules ?? {})) {
      const existing = rules.get(id)
      if (!existing) {
        const pos = positionOf(file, ['rules', id], true)
        throw new ConfigError('rules-file-unknown-rule', `${fmt(pos)}: unknown rule \`${id}\`${suggest(id, [...rules.keys()])}`, {
          location: fmt(pos),
          hint: 'run `tagwarden rules list` for the rule IDs; a rule of your own goes under `custom:` with `extends:`',
        })
      }
      checkOptions(file, builtins.get(existing.base), setting.options, ['rules', id, 'options'], `rule ${id}`)
      rules.set(id, applySetting(existing, setting, source))
    }
    for (const [i, c] of (raw.custom ?? []).entries()) {
      const pos = positionOf(file, ['custom', i])
      const baseMeta = builtins.get(c.extends)
      if (!baseMeta) {
        const p = positionOf(file, ['custom', i, 'extends'])
        throw new ConfigError('rules-file-unknown-rule', `${fmt(p)}: custom rule \`${c.id}\` extends unknown rule \`${c.extends}\`${suggest(c.extends, [...builtins.keys()])}`, {
          location: fmt(p),
          hint: 'a custom rule must extend a built-in rule (see `tagwarden rules list`)',
        })
      }
      if (builtins.has(c.id) || (rules.has(c.id) && rules.get(c.id)!.source === source)) {
        throw new ConfigError('rules-file-duplicate-rule', `${fmt(pos)}: rule ID \`${c.id}\` is already taken`, {
          location: fmt(pos),
          hint: 'give the custom rule an ID of its own',
        })
      }
      checkOptions(file, baseMeta, c.options, ['custom', i, 'options'], `custom rule ${c.id} (extends ${c.extends})`)
      const prior = rules.get(c.id)
      const inst: RuleInstance = prior ?? {
        id: c.id,
        base: c.extends,
        enabled: true,
        severity: baseMeta.defaultSeverity,
        options: {},
        source,
      }
      rules.set(c.id, applySetting({ ...inst, base: c.extends }, c, source))
    }
    for (const [i, ex] of (raw.exceptions ?? []).entries()) {
      const ids = Array.isArray(ex.rules) ? ex.rules : [ex.rules]
      for (const id of ids) {
        if (!rules.has(id)) {
          const pos = positionOf(file, ['exceptions', i, 'rules'])
          throw new ConfigError('rules-file-unknown-rule', `${fmt(pos)}: exception names unknown rule \`${id}\`${suggest(id, [...rules.keys()])}`, {
            location: fmt(pos),
            hint: 'use a rule ID from `tagwarden rules list` or one of your custom rules',
          })
        }
      }
      const e: ExceptionRule = { rules: ids, reason: ex.reason, position: positionOf(file, ['exceptions', i]) }
      if (ex.reason.trim().length < 10) {
        const pos = positionOf(file, ['exceptions', i, 'reason'])
        throw new ConfigError('rules-file-schema', `${fmt(pos)}: exception reason must be at least 10 characters: say why the exception is acceptable`, { location: fmt(pos) })
      }
      if (ex.arn !== undefined) e.arn = ex.arn
      if (ex.account !== undefined) e.account = ex.account
      if (ex.logicalId !== undefined) e.logicalId = ex.logicalId
      if (ex.address !== undefined) e.address = ex.address
      if (ex.expires !== undefined) {
        if (!isRealDate(ex.expires)) {
          const pos = positionOf(file, ['exceptions', i, 'expires'])
          throw new ConfigError('rules-file-schema', `${fmt(pos)}: \`expires\` must be a real date like 2027-01-31; ${ex.expires} does not exist`, { location: fmt(pos) })
        }
        e.expires = ex.expires
      }
      exceptions.push(e)
    }
  }
  return {
    settings,
    rules: [...rules.values()],
    exceptions,
    files: files.map((f) => (f.path === BUNDLED_RULES_PATH && bundled ? '<bundled>' : f.path)),
  }
}

function applySetting(inst: RuleInstance, s: RawRuleSetting, source: string): RuleInstance {
  const out: RuleInstance = { ...inst, options: { ...inst.options, ...(s.options ?? {}) } }
  if (s.enabled !== undefined) out.enabled = s.enabled
  if (s.severity !== undefined) out.severity = s.severity
  if (s.scope !== undefined) out.scope = s.scope
  if (s.enabled !== undefined || s.severity !== undefined || s.options !== undefined || s.scope !== undefined) {
    out.source = source
  }
  return out
}

/** A rule instance's options against the rule's option schemas (`meta.options`): the first problem, positioned. */
function checkOptions(file: ParsedFile, meta: RuleMeta | undefined, options: unknown, path: Array<string | number>, label: string): void {
  if (!meta) return
  const problem = optionProblems(meta, options, label)[0]
  if (!problem) return
  const pos = positionOf(file, [...path, ...problem.path], problem.atKey)
  throw new ConfigError('rules-file-schema', `${fmt(pos)}: ${problem.message}`, {
    location: fmt(pos),
    hint: `see \`tagwarden rules explain ${meta.id}\` for the rule's options`,
  })
}

/** A `pattern:` JavaScript accepts and the linear-time engine runs with the same meaning (src/util/tag-pattern.ts). */
function checkRegex(file: ParsedFile, path: Array<string | number>, pattern: string): void {
  const problem = tagPatternProblem(pattern)
  if (problem === undefined) return
  const pos = positionOf(file, path)
  throw new ConfigError('rules-file-regex', `${fmt(pos)}: ${escapeControl(problem)}`, { location: fmt(pos), hint: PATTERN_HINT })
}


function isRealDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd
}
