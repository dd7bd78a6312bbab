/**
 * `tagwarden diff OLD.json NEW.json`: which findings are new, fixed, or still open between two
 * scans, matched by fingerprint (the periodic-audit trend). Suppressed findings count as neither
 * open nor new on either side: an exception is a decision, not a fix.
 */
import type { Finding, ScanReport } from '../model/finding.js'
import { compareFindings } from '../model/fingerprint.js'
import { subjectLabel } from '../report/locations.js'
import { mdCode as code, mdText } from '../report/markdown-text.js'
import { ruleDocUrl } from '../rules/docs.js'
import { RULE_META } from '../rules/index.js'

export interface ReportDiff {
  old: { file: string; generatedAt: string; accounts: number }
  new: { file: string; generatedAt: string; accounts: number }
  added: Finding[]
  fixed: Finding[]
  open: Finding[]
}

export function diffReports(oldR: ScanReport, newR: ScanReport, files: { old: string; new: string } = { old: 'old', new: 'new' }): ReportDiff {
  const active = (r: ScanReport): Map<string, Finding> => new Map(r.findings.filter((f) => !f.suppressed).map((f) => [f.fingerprint, f]))
  const before = active(oldR)
  const after = active(newR)
  const added = [...after.values()].filter((f) => !before.has(f.fingerprint)).sort(compareFindings)
  const fixed = [...before.values()].filter((f) => !after.has(f.fingerprint)).sort(compareFindings)
  const open = [...after.values()].filter((f) => before.has(f.fingerprint)).sort(compareFindings)
  const side = (r: ScanReport, file: string): ReportDiff['old'] => ({ file, generatedAt: r.generatedAt, accounts: r.summary?.accounts?.scanned ?? 0 })
  return { old: side(oldR, files.old), new: side(newR, files.new), added, fixed, open }
}

function perRule(d: ReportDiff): Array<[string, { added: number; fixed: number; open: number }]> {
  const m = new Map<string, { added: number; fixed: number; open: number }>()
  const bump = (fs: Finding[], k: 'added' | 'fixed' | 'open'): void => {
    for (const f of fs) {
      const e = m.get(f.ruleId) ?? { added: 0, fixed: 0, open: 0 }
      e[k]++
      m.set(f.ruleId, e)
    }
  }
  bump(d.added, 'added')
  bump(d.fixed, 'fixed')
  bump(d.open, 'open')
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))
}

function line(f: Finding): string {
  return `${f.severity.padEnd(7)} ${f.ruleId}  ${subjectLabel(f.subject)}`
}

export function formatDiffText(d: ReportDiff): string {
  const out = [`${d.old.file} (${d.old.generatedAt}) → ${d.new.file} (${d.new.generatedAt})`, `  new ${d.added.length}, fixed ${d.fixed.length}, still open ${d.open.length}`, '']
  const list = (title: string, fs: Finding[]): void => {
    if (fs.length === 0) return
    out.push(`${title} (${fs.length})`, ...fs.map((f) => `  ${line(f)}`), '')
  }
  list('New', d.added)
  list('Fixed', d.fixed)
  list('Still open', d.open)
  return `${out.join('\n').trimEnd()}\n`
}

export function formatDiffJson(d: ReportDiff): string {
  const slim = (f: Finding): Record<string, unknown> => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, severity: f.severity, subject: subjectLabel(f.subject), accountId: f.subject.accountId, message: f.message })
  const body = { from: d.old, to: d.new, counts: { new: d.added.length, fixed: d.fixed.length, open: d.open.length }, new: d.added.map(slim), fixed: d.fixed.map(slim), open: d.open.map(slim) }
  return `${JSON.stringify(body, null, 2)}\n`
}

/** Markdown fit for an audit report or a step summary; long lists are cut at `maxItems` each. */
export function formatDiffMarkdown(d: ReportDiff, opts: { maxItems?: number } = {}): string {
  const max = opts.maxItems ?? 200
  const out = [
    `## tagwarden audit trend`,
    '',
    `From ${code(d.old.file)} (${d.old.generatedAt}, ${d.old.accounts} accounts) to ${code(d.new.file)} (${d.new.generatedAt}, ${d.new.accounts} accounts).`,
    '',
    '| New | Fixed | Still open |',
    '| ---: | ---: | ---: |',
    `| ${d.added.length} | ${d.fixed.length} | ${d.open.length} |`,
    '',
  ]
  const rows = perRule(d)
  if (rows.length > 0) {
    out.push('### Per rule', '', '| Rule | New | Fixed | Still open |', '| --- | ---: | ---: | ---: |')
    for (const [id, e] of rows) out.push(`| ${RULE_META.has(id) ? `[${code(id)}](${ruleDocUrl(id)})` : code(id)} | ${e.added} | ${e.fixed} | ${e.open} |`)
    out.push('')
  }
  const list = (title: string, fs: Finding[], open: boolean): void => {
    if (fs.length === 0) return
    out.push(open ? '<details open>' : '<details>', `<summary>${title} (${fs.length})</summary>`, '')
    for (const f of fs.slice(0, max)) out.push(`- **${f.severity}** ${code(f.ruleId)} ${code(subjectLabel(f.subject))}: ${mdText(f.message.replace(/\s*\n\s*/g, ' '))}`)
    if (fs.length > max) out.push('', `_${fs.length - max} more; see \`tagwarden diff --format json\`._`)
    out.push('', '</details>', '')
  }
  list('New findings', d.added, true)
  list('Fixed findings', d.fixed, false)
  list('Still open', d.open, false)
  return `${out.join('\n').trimEnd()}\n`
}
