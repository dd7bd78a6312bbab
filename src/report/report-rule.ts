/**
 * The rules a report describes: each configured instance (custom rules included) with its built-in's
 * metadata, shared by every format that lists rules (SARIF, Markdown, JUnit, GitHub).
 */
import type { ScanReport, Severity } from '../model/finding.js'
import { RULE_META } from '../rules/index.js'
import type { RuleMeta } from '../rules/types.js'

/** A rule as the reporters see it: the configured instance (custom rules included) and its metadata. */
export interface ReportRule {
  /** The ID findings carry (a custom rule's own ID, or the built-in ID). */
  id: string
  /** The built-in rule it runs (equal to `id` for built-ins). */
  base: string
  severity: Severity
  /** The built-in's metadata; undefined for a rule ID this version does not know (e.g. an old JSON report). */
  meta: RuleMeta | undefined
}

export interface RuleInstanceLike {
  id: string
  base: string
  severity: Severity
  enabled?: boolean
}

/**
 * The rules to describe: every enabled configured instance, then any rule ID found in the findings
 * that the configuration does not list (reports read back from JSON). Listing rules that found
 * nothing matters for SARIF: GitHub closes an alert only when its rule is still reported.
 */
export function reportRules(
  report: Pick<ScanReport, 'findings'>,
  instances?: readonly RuleInstanceLike[],
  metas: ReadonlyMap<string, RuleMeta> = RULE_META,
): ReportRule[] {
  const out: ReportRule[] = []
  const seen = new Set<string>()
  const source: readonly RuleInstanceLike[] = instances ?? [...metas.values()].map((m) => ({ id: m.id, base: m.id, severity: m.defaultSeverity }))
  for (const inst of source) {
    if (inst.enabled === false || seen.has(inst.id)) continue
    seen.add(inst.id)
    out.push({ id: inst.id, base: inst.base, severity: inst.severity, meta: metas.get(inst.base) })
  }
  for (const f of report.findings) {
    if (seen.has(f.ruleId)) continue
    seen.add(f.ruleId)
    out.push({ id: f.ruleId, base: f.ruleId, severity: metas.get(f.ruleId)?.defaultSeverity ?? f.severity, meta: metas.get(f.ruleId) })
  }
  return out
}
