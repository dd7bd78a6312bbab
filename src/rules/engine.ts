/**
 * Runs the configured rule instances over the principal facts and the org index, turning each
 * `RuleReport` into a `Finding` (severity, rendered message, fingerprint). A rule that throws becomes
 * a `rule-failure` error on that subject, never a silent pass.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { OrgIndex } from '../analysis/org-index.js'
import { globMatch } from '../iam/glob.js'
import type { Finding, ScanErrorEntry, Subject } from '../model/finding.js'
import type { ResolvedConfig, RuleInstance, RuleScope } from './config-types.js'
import { compareFindings, fingerprintOf } from './fingerprint.js'
import type { RuleModule, RuleReport } from './types.js'

export interface EngineResult {
  findings: Finding[]
  errors: ScanErrorEntry[]
  rulesNotEvaluated: Array<{ ruleId: string; reason: string }>
}

export function renderMessage(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in data ? String(data[k]) : m))
}

export function principalSubject(p: PrincipalFacts): Subject {
  const s: Subject = { kind: p.kind, arn: p.arn, accountId: p.accountId, name: p.name }
  if (p.origin?.file && (p.origin.line !== undefined || p.origin.logicalId || p.origin.address)) {
    s.file = p.origin.file
    if (p.origin.line !== undefined) s.line = p.origin.line
    if (p.origin.column !== undefined) s.column = p.origin.column
    if (p.origin.logicalId) s.logicalId = p.origin.logicalId
    if (p.origin.address) s.address = p.origin.address
    if (p.origin.constructPath) s.constructPath = p.origin.constructPath
  }
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
    const ctx = { settings: config.settings, options: inst.options, index }
    if (rule.scope === 'org') {
      try {
        for (const r of rule.check(ctx)) findings.push(toFinding(inst, rule, r, undefined))
      } catch (e) {
        errors.push(ruleFailure(inst, 'org', e))
      }
      continue
    }
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
  const subject: Subject = r.subject ?? (p ? principalSubject(p) : { kind: 'org' })
  if (r.tagKey !== undefined) subject.tagKey = r.tagKey
  const f: Finding = {
    ruleId: inst.id,
    severity: inst.severity,
    message: renderMessage(template, r.data),
    messageId: r.messageId,
    data: r.data,
    subject,
    evidence: r.evidence ?? {},
    fingerprint: fingerprintOf(inst.id, subject, r.tagKey),
  }
  const principalArn = p?.arn ?? (subject.kind === 'user' || subject.kind === 'role' ? subject.arn : undefined)
  if (principalArn) f.principalArn = principalArn
  if (r.fix) f.fix = r.fix
  return f
}
