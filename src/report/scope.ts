/**
 * What a scan covered, in the words of its inputs: accounts for snapshots and live scans; templates,
 * plans and CDK assemblies (from `summary.inputs.iac`) for IaC, with how many changed under
 * `--changed-only`. An IaC gate that scanned nothing because nothing changed says "5 templates found,
 * 0 changed", never "0 accounts scanned". Shared by the text, Markdown and HTML reports, which escape it
 * (account IDs come from the input).
 */
import type { NotEvaluatedEntry, ScanSummary } from '../model/finding.js'

export interface ScopeLine {
  /** `accounts` or `IaC`. */
  label: string
  text: string
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

export function scopeLines(s: ScanSummary): ScopeLine[] {
  const iac = s.inputs.iac
  const failed = s.accounts.failed ? `, ${s.accounts.failed} failed` : ''
  const notCovered = s.accounts.notCovered.length ? `; not in the input: ${s.accounts.notCovered.join(', ')}` : ''
  if (!iac) return [{ label: 'accounts', text: `${s.accounts.scanned} scanned${failed}${notCovered}` }]
  const iacScanned = s.accounts.ids.filter((id) => id.startsWith('iac:')).length
  const accounts = s.accounts.ids.length - iacScanned
  const kinds = [
    iac.templates ? plural(iac.templates, 'template', 'templates') : '',
    iac.plans ? plural(iac.plans, 'plan', 'plans') : '',
    iac.assemblies ? plural(iac.assemblies, 'CDK assembly', 'CDK assemblies') : '',
  ].filter(Boolean)
  // Terraform root modules read from their sources are not among the counts.
  const found = kinds.length > 0 ? `${kinds.join(', ')} found` : iacScanned > 0 || (iac.changed ?? 0) > 0 ? 'Terraform sources' : '0 templates found'
  let text: string
  if (iac.changed !== undefined) text = `${found}, ${iac.changed} changed${iacScanned !== iac.changed ? ` (${iacScanned} scanned)` : ''}`
  else text = `${found}; ${iacScanned} scanned`
  const lines: ScopeLine[] = []
  if (accounts > 0) lines.push({ label: 'accounts', text: `${accounts} scanned${failed}${notCovered}` })
  lines.push({ label: 'IaC', text: `${text}${accounts > 0 ? '' : failed}` })
  return lines
}

/** `file resource statement: reason`, leaving out what the entry does not name. */
export function notEvaluatedLine(n: NotEvaluatedEntry): string {
  const where = [n.file, n.resource, n.statement].filter(Boolean).join(' ')
  return where ? `${where}: ${n.reason}` : n.reason
}
