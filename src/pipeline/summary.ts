/** Builds the coverage summary of a scan: what was read, what is Bedrock-capable, what is attributable. */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { AttributionPath, ExceptionNotice, Finding, IacInputCounts, NotEvaluatedEntry, ScanErrorEntry, ScanSummary, Severity } from '../model/finding.js'
import type { SpendCoverage } from '../model/spend.js'

export interface SummaryInput {
  facts: readonly PrincipalFacts[]
  findings: readonly Finding[]
  errors: readonly ScanErrorEntry[]
  accountsScanned: string[]
  accountsFailed: number
  accountsNotCovered: string[]
  counts: { users: number; roles: number; skippedServiceLinked: number }
  files: number
  /** IaC sources: what was read, recognised and skipped. */
  iac?: IacInputCounts
  rulesNotEvaluated: ScanSummary['rulesNotEvaluated']
  exceptions: ExceptionNotice[]
  rulesFiles: string[]
  notes: string[]
  notEvaluated: NotEvaluatedEntry[]
  /** Present when the run had a spend source. */
  spend?: SpendCoverage
}

export function buildSummary(i: SummaryInput): ScanSummary {
  const capable = i.facts.filter((f) => f.capability.capable)
  const byPath: Partial<Record<AttributionPath, number>> = {}
  for (const f of capable) for (const p of f.paths) byPath[p] = (byPath[p] ?? 0) + 1
  const active = i.findings.filter((f) => !f.suppressed)
  const withFinding = new Set(active.filter((f) => f.severity !== 'note').map((f) => f.principalArn).filter(Boolean))
  const attributable = capable.filter((f) => !withFinding.has(f.arn)).length
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 }
  const byRule: Record<string, number> = {}
  for (const f of active) {
    bySeverity[f.severity]++
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1
  }
  return {
    accounts: { scanned: i.accountsScanned.length, failed: i.accountsFailed, ids: [...i.accountsScanned].sort(), notCovered: [...i.accountsNotCovered].sort() },
    principals: i.counts,
    bedrockCapable: { total: capable.length, byPath },
    attributableShare: capable.length === 0 ? null : Math.round((attributable / capable.length) * 10_000) / 10_000,
    findings: { total: active.length, bySeverity, byRule, suppressed: i.findings.length - active.length },
    rulesNotEvaluated: i.rulesNotEvaluated,
    inputs: { files: i.files, errors: i.errors.length, ...(i.iac ? { iac: i.iac } : {}) },
    exceptions: i.exceptions,
    rulesFiles: i.rulesFiles,
    notes: i.notes,
    notEvaluated: i.notEvaluated,
    ...(i.spend ? { spend: i.spend } : {}),
  }
}
