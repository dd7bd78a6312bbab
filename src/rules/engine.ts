/**
 * Runs the configured rule instances over the principal facts and the org index, turning each
 * `RuleReport` into a `Finding` (severity, rendered message, fingerprint). A rule that throws becomes
 * a `rule-failure` error on that subject, never a silent pass.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { OrgIndex } from '../analysis/org-index.js'
import { globMatch } from '../iam/glob.js'
import { SEVERITY_RANK, type Finding, type ScanErrorEntry, type Subject } from '../model/finding.js'
import type { ResolvedConfig, RuleInstance, RuleScope } from '../config/types.js'
import { compareFindings, fingerprintOf } from '../model/fingerprint.js'
import { effectiveOptions } from './options.js'
import type { RuleMeta, RuleContext, RuleModule, RuleReport } from './types.js'

export interface EngineResult {
  findings: Finding[]
  errors: ScanErrorEntry[]
  rulesNotEvaluated: Array<{ ruleId: string; reason: string }>
}

/** `{placeholder}`s filled from `data`; a placeholder without a value stays as it is. */
export function renderMessage(template: string, data: Record<string, string | number>): string {
  return renderCompiled(compile(template), data)
}

/**
 * A message template split once into literal text (even indexes) and placeholders (odd indexes):
 * rendering is then a loop of concatenations instead of a regular expression per finding. A placeholder
 * is a `data` key, or `key|bare` for a value without the backticks of a code span around it (a fix is
 * the command that a message shows as code).
 */
type CompiledTemplate = readonly string[]
const compiled = new Map<string, CompiledTemplate>()
function compile(template: string): CompiledTemplate {
  let c = compiled.get(template)
  if (!c) {
    c = template.split(/\{(\w+(?:\|bare)?)\}/)
    compiled.set(template, c)
  }
  return c
}
function renderCompiled(c: CompiledTemplate, data: Record<string, string | number>): string {
  let out = c[0]!
  for (let i = 1; i < c.length; i += 2) {
    const k = c[i]!
    out += placeholder(k, data) + c[i + 1]!
  }
  return out
}
function placeholder(k: string, data: Record<string, string | number>): string {
  if (k in data) return String(data[k])
  if (!k.endsWith('|bare')) return `{${k}}`
  const key = k.slice(0, -'|bare'.length)
  if (!(key in data)) return `{${k}}`
  const v = String(data[key])
  return v.length >= 2 && v.startsWith('`') && v.endsWith('`') ? v.slice(1, -1) : v
}

/** The compiled message and fix templates of one rule message, shared by all its findings. */
interface Templates {
  message: CompiledTemplate
  fix?: CompiledTemplate
}
const TEMPLATES = Symbol('tagwarden.templates')
type LazyFinding = Finding & { [TEMPLATES]: Templates }
/** One getter and one setter per property for every finding: V8 then gives all findings the same hidden class. */
function getMessage(this: LazyFinding): string {
  return renderCompiled(this[TEMPLATES].message, this.data)
}
function getFix(this: LazyFinding): string {
  return renderCompiled(this[TEMPLATES].fix!, this.data)
}
function setter(key: 'message' | 'fix'): (this: Finding, value: string) => void {
  return function (this: Finding, value: string): void {
    Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true })
  }
}
const MESSAGE_ACCESSOR: PropertyDescriptor = { get: getMessage, set: setter('message'), enumerable: true, configurable: true }
const FIX_ACCESSOR: PropertyDescriptor = { get: getFix, set: setter('fix'), enumerable: true, configurable: true }
const TEMPLATES_PROPERTY = { value: undefined as unknown, writable: false, enumerable: false, configurable: true }
const templatesCache = new Map<string, Map<string | undefined, Templates>>()
function templates(message: string, fix: string | undefined): Templates {
  let byFix = templatesCache.get(message)
  if (!byFix) templatesCache.set(message, (byFix = new Map()))
  let t = byFix.get(fix)
  if (!t) byFix.set(fix, (t = fix === undefined ? { message: compile(message) } : { message: compile(message), fix: compile(fix) }))
  return t
}

/**
 * A finding whose `message` is rendered from the template and `data` whenever it is read (reporters, the
 * JSON writer), not stored: at a million findings the message strings alone were a third of the heap.
 * `message` is an own enumerable property in its usual place, so `JSON.stringify`, spreads and
 * `Object.keys` see exactly what they saw when it was a string; the templates are a non-enumerable
 * symbol property that no output carries. `fixTemplate`: the same for `fix`, which `withLazyFix` puts in
 * its place later.
 */
export function lazyMessageFinding(head: Pick<Finding, 'ruleId' | 'severity'>, template: string, fixTemplate?: string): Finding {
  return new (LazyFindingObject as unknown as new (ruleId: string, severity: Finding['severity'], t: Templates) => Finding)(head.ruleId, head.severity, templates(template, fixTemplate))
}

/**
 * The constructor of lazy findings. A constructor rather than a literal completed afterwards: V8 sizes the
 * objects of a constructor for the fields they end up with (slack tracking), so every field of a finding
 * is in the object itself instead of a separate, repeatedly regrown property array (113 against 140 B per
 * finding, measured). The prototype is `Object.prototype`, as a literal's: the findings are plain objects.
 */
function LazyFindingObject(this: LazyFinding, ruleId: string, severity: Finding['severity'], t: Templates): void {
  this.ruleId = ruleId
  this.severity = severity
  Object.defineProperty(this, 'message', MESSAGE_ACCESSOR)
  TEMPLATES_PROPERTY.value = t
  Object.defineProperty(this, TEMPLATES, TEMPLATES_PROPERTY)
}
LazyFindingObject.prototype = Object.prototype
{
  // V8 fixes the objects' size after its first few constructions, from the fields they have by then; the
  // usage mark and the spend come later (annotateUsage, the spend pass), so these first objects get the
  // fields of a full finding (values never read: they are dropped here).
  const make = LazyFindingObject as unknown as new (ruleId: string, severity: Finding['severity'], t: Templates) => Record<string, unknown>
  for (let i = 0; i < 8; i++) {
    const w = new make('', 'note', { message: [''] })
    for (const k of ['messageId', 'data', 'subject', 'evidence', 'fingerprint', 'principalArn', 'fix', 'usage', 'spend']) w[k] = undefined
  }
}

/** `fix` rendered from the rule's fix template and `data` when read, as `message` (see `lazyMessageFinding`). */
function withLazyFix(f: Finding): void {
  Object.defineProperty(f, 'fix', FIX_ACCESSOR)
}

/** The evidence of a finding whose rule gave none: one frozen object for all of them (nothing mutates evidence). */
const NO_EVIDENCE: Finding['evidence'] = Object.freeze({})

/**
 * `s`, made flat in place: a string built by concatenation is a tree of pieces in V8 (a rope), and the
 * `command` of a missing-tag finding was ten of them, ~300 B against ~100 B flat (heap snapshot of
 * /tmp/org100k-fh: 19 MB of ropes in 53,117 commands). Reading a character flattens a rope; shorter
 * strings than 13 characters are never ropes.
 */
function flat(s: string): string {
  if (s.length >= 13) s.charCodeAt(0)
  return s
}
function flattenStrings(data: Finding['data']): Finding['data'] {
  for (const k in data) {
    const v = data[k]
    if (typeof v === 'string') flat(v)
  }
  return data
}

/** A 12-digit AWS account ID (IaC inventories use pseudo accounts such as `iac:<file>`). */
const ACCOUNT_ID_RE = /^\d{12}$/

/**
 * The subject of a finding about principal `p`. Built whole, `tagKey` included, rather than completed
 * afterwards: a property added to a finished object literal moves the object's fields into a separate
 * property array (84 B per subject against 64 B, heap snapshot of /tmp/org100k-fh).
 */
export function principalSubject(p: PrincipalFacts, locus?: RuleMeta['locus'], tagKey?: string): Subject {
  const o = p.origin
  const located = o?.file !== undefined && o.file !== '' && (o.line !== undefined || !!o.logicalId || !!o.address)
  if (!located) {
    // The common case (account snapshots, live scans): one literal per shape, same key order as below.
    if (ACCOUNT_ID_RE.test(p.accountId)) {
      return tagKey === undefined ? { kind: p.kind, arn: p.arn, name: p.name, accountId: p.accountId } : { kind: p.kind, arn: p.arn, name: p.name, accountId: p.accountId, tagKey }
    }
    return tagKey === undefined ? { kind: p.kind, arn: p.arn, name: p.name } : { kind: p.kind, arn: p.arn, name: p.name, tagKey }
  }
  const s: Subject = { kind: p.kind, arn: p.arn, name: p.name }
  if (ACCOUNT_ID_RE.test(p.accountId)) s.accountId = p.accountId
  s.file = o.file
  // Point at the property to edit when the rule says which one and the resource has it.
  const at = locus === 'tags' ? o.tagsAt : locus === 'trust' ? o.trustAt : undefined
  const line = at?.line ?? o.line
  const column = at ? at.column : o.column
  if (line !== undefined) s.line = line
  if (column !== undefined) s.column = column
  if (o.logicalId) s.logicalId = o.logicalId
  if (o.address) s.address = o.address
  if (o.constructPath) s.constructPath = o.constructPath
  if (tagKey !== undefined) s.tagKey = tagKey
  return s
}

export function inScope(scope: RuleScope | undefined, p: { accountId: string; path: string; arn: string }, index: OrgIndex): boolean {
  if (!scope) return true
  const ous = index.ouPaths.get(p.accountId) ?? []
  const pathMatch = (patterns: string[]): boolean => patterns.some((g) => globMatch(g, p.path, { caseInsensitive: false }))
  const arnMatch = (patterns: string[]): boolean => patterns.some((g) => globMatch(g, p.arn, { caseInsensitive: false }))
  if (scope.accounts && scope.accounts.length > 0 && !scope.accounts.includes(p.accountId)) return false
  if (scope.ous && scope.ous.length > 0 && !scope.ous.some((ou) => ous.includes(ou))) return false
  if (scope.paths && scope.paths.length > 0 && !pathMatch(scope.paths)) return false
  if (scope.arns && scope.arns.length > 0 && !arnMatch(scope.arns)) return false
  if (scope.excludeAccounts?.includes(p.accountId)) return false
  if (scope.excludePaths && pathMatch(scope.excludePaths)) return false
  if (scope.excludeArns && arnMatch(scope.excludeArns)) return false
  return true
}

export function runRules(
  facts: readonly PrincipalFacts[],
  index: OrgIndex,
  config: ResolvedConfig,
  registry: ReadonlyMap<string, RuleModule>,
  /** Run-wide data for the rules that need it (Cost Explorer spend). */
  extra: Pick<RuleContext, 'spend' | 'principalSpend'> = {},
): EngineResult {
  const findings: Finding[] = []
  const errors: ScanErrorEntry[] = []
  const rulesNotEvaluated: EngineResult['rulesNotEvaluated'] = []
  for (const inst of config.rules) {
    if (!inst.enabled) continue
    const rule = registry.get(inst.base)
    if (!rule) {
      rulesNotEvaluated.push({ ruleId: inst.id, reason: `no built-in rule ${inst.base}` })
      continue
    }
    if (rule.scope === 'org') {
      const ctx = { settings: config.settings, options: effectiveOptions(rule.meta, inst.options), index, principals: facts.filter((p) => inScope(inst.scope, p, index)), ...extra }
      try {
        for (const r of rule.check(ctx)) findings.push(toFinding(inst, rule, r, undefined))
      } catch (e) {
        errors.push(ruleFailure(inst, 'org', e))
      }
      continue
    }
    const ctx = { settings: config.settings, options: effectiveOptions(rule.meta, inst.options), index, principals: facts, ...extra }
    for (const p of facts) {
      if (!inScope(inst.scope, p, index)) continue
      try {
        for (const r of rule.check(p, ctx)) findings.push(toFinding(inst, rule, r, p))
      } catch (e) {
        errors.push(ruleFailure(inst, p.arn, e, p.accountId))
      }
    }
  }
  findings.sort(compareFindings)
  return { findings, errors, rulesNotEvaluated }
}

function ruleFailure(inst: RuleInstance, subject: string, e: unknown, accountId?: string): ScanErrorEntry {
  const err: ScanErrorEntry = {
    source: `rule ${inst.id}`,
    subject,
    code: 'rule-failure',
    message: `rule ${inst.id} failed on ${subject}: ${(e as Error)?.message ?? String(e)}`,
    hint: 'this is a tagwarden bug: please report it with --debug output; the subject was not evaluated by this rule',
  }
  if (accountId) err.accountId = accountId
  return err
}

function toFinding(inst: RuleInstance, rule: RuleModule, r: RuleReport, p: PrincipalFacts | undefined): Finding {
  const template = rule.meta.messages[r.messageId]
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId ${r.messageId}`)
  let subject: Subject
  if (r.subject) {
    subject = r.subject
    if (r.tagKey !== undefined) subject.tagKey = r.tagKey
  } else if (p) subject = principalSubject(p, rule.meta.locus, r.tagKey)
  else subject = r.tagKey === undefined ? { kind: 'org' } : { kind: 'org', tagKey: r.tagKey }
  // A rule's fix template, when it has one for this message and the report gives no fix of its own.
  const fixTemplate = r.fix === undefined ? rule.meta.fixes?.[r.messageId] : undefined
  const f = lazyMessageFinding(
    {
      ruleId: inst.id,
      // A rule may report below its configured severity (a lower threshold), never above it.
      severity: r.severity !== undefined && SEVERITY_RANK[r.severity] < SEVERITY_RANK[inst.severity] ? r.severity : inst.severity,
    },
    template,
    fixTemplate,
  )
  f.messageId = r.messageId
  f.data = flattenStrings(r.data)
  f.subject = subject
  f.evidence = r.evidence ?? NO_EVIDENCE
  f.fingerprint = fingerprintOf(inst.id, subject, r.tagKey)
  const principalArn = p?.arn ?? (subject.kind === 'user' || subject.kind === 'role' ? subject.arn : undefined)
  if (principalArn) f.principalArn = principalArn
  if (r.fix) f.fix = flat(r.fix)
  else if (fixTemplate !== undefined) withLazyFix(f)
  if (r.spend) f.spend = r.spend
  // Inline suppressions written next to an IaC resource.
  const inline = (p?.origin?.suppressions ?? r.suppressions)?.find((x) => x.rule === inst.id || x.rule === inst.base)
  if (inline) f.suppressed = { kind: 'inline', reason: inline.reason ?? '(no reason given)', source: inline.location }
  return f
}
