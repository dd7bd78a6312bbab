/** The exit code of a scan, decided in one place (see src/errors.ts for the map). */
import { ExitCode } from '../errors.js'
import { SEVERITY_RANK, type Finding, type ScanReport, type Severity } from '../model/finding.js'

export type FailOn = Severity | 'never'

export interface ExitPolicy {
  failOn: FailOn
  /** Findings of these rule IDs fail regardless of --fail-on. */
  failOnRules?: string[]
  /** Errors do not make the result incomplete (live scans: --allow-partial). */
  allowPartial?: boolean
  /** `--strict`: anything read but not evaluated makes the result incomplete. */
  strict?: boolean
}

/** Whether a finding fails the gate: not suppressed, not in the baseline, and at or above the threshold (or a --fail-on-rule). */
export function failsGate(f: Finding, policy: ExitPolicy): boolean {
  if (f.suppressed || f.baselineState === 'unchanged') return false
  const threshold = policy.failOn === 'never' ? Infinity : SEVERITY_RANK[policy.failOn]
  return SEVERITY_RANK[f.severity] >= threshold || (policy.failOnRules ?? []).includes(f.ruleId)
}

export function scanExitCode(report: Pick<ScanReport, 'findings' | 'errors'> & { summary?: Pick<ScanReport['summary'], 'notEvaluated'> }, policy: ExitPolicy): ExitCode {
  if (report.errors.length > 0 && !policy.allowPartial) return ExitCode.Incomplete
  if (policy.strict && (report.summary?.notEvaluated?.length ?? 0) > 0) return ExitCode.Incomplete
  return report.findings.some((f) => failsGate(f, policy)) ? ExitCode.Findings : ExitCode.Clean
}
