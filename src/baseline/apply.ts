/**
 * `scan --baseline FILE`: findings whose fingerprint is in the baseline are `unchanged` (they stay
 * in every output and do not fail the gate); the rest are `new`. Baseline entries no finding
 * matches are listed as fixed, so the file can shrink, except where this scan could not have seen
 * them (an account that failed or was not scanned, a rule that was skipped or not evaluated).
 */
import { withFields, type BaselineSummary, type ScanReport } from '../model/finding.js'
import type { BaselineFile } from './file.js'

export interface ApplyBaselineOptions {
  /** Rule IDs that ran in this scan; entries of other rules are never reported as fixed. */
  evaluatedRules?: ReadonlySet<string>
}

/** Returns a copy of the report with `baselineState` on every finding and `summary.baseline`. */
export function applyBaseline(report: ScanReport, baseline: BaselineFile, file: string, opts: ApplyBaselineOptions = {}): ScanReport {
  const known = new Set(baseline.findings.map((e) => e.fingerprint))
  const present = new Set(report.findings.map((f) => f.fingerprint))
  const findings = report.findings.map((f) => withFields(f, { baselineState: known.has(f.fingerprint) ? ('unchanged' as const) : ('new' as const) }))
  const scanned = new Set(report.summary.accounts.ids)
  const notEvaluated = new Set(report.summary.rulesNotEvaluated.map((n) => n.ruleId))
  const fixed: BaselineSummary['fixed'] = baseline.findings
    .filter((e) => !present.has(e.fingerprint))
    .filter((e) => (e.accountId === undefined || scanned.has(e.accountId)) && !notEvaluated.has(e.ruleId) && (opts.evaluatedRules === undefined || opts.evaluatedRules.has(e.ruleId)))
    .map((e) => ({ fingerprint: e.fingerprint, ruleId: e.ruleId, subject: e.subject }))
  const active = findings.filter((f) => !f.suppressed)
  const summary: BaselineSummary = {
    file,
    new: active.filter((f) => f.baselineState === 'new').length,
    unchanged: active.filter((f) => f.baselineState === 'unchanged').length,
    fixed,
  }
  return { ...report, findings, summary: { ...report.summary, baseline: summary } }
}
