/** The exit code of a scan, decided in one place (see src/errors.ts for the map). */
import { ExitCode } from '../errors.js'
import { SEVERITY_RANK, type ScanReport, type Severity } from '../model/finding.js'

export type FailOn = Severity | 'never'

export interface ExitPolicy {
  failOn: FailOn
  /** Findings of these rule IDs fail regardless of --fail-on. */
  failOnRules?: string[]
  /** Errors do not make the result incomplete (live scans: --allow-partial). */
  allowPartial?: boolean
}

export function scanExitCode(report: Pick<ScanReport, 'findings' | 'errors'>, policy: ExitPolicy): ExitCode {
  if (report.errors.length > 0 && !policy.allowPartial) return ExitCode.Incomplete
  const threshold = policy.failOn === 'never' ? Infinity : SEVERITY_RANK[policy.failOn]
  const failing = report.findings.some(
    (f) => !f.suppressed && (SEVERITY_RANK[f.severity] >= threshold || (policy.failOnRules ?? []).includes(f.ruleId)),
  )
  return failing ? ExitCode.Findings : ExitCode.Clean
}
