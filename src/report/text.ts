/**
 * Human text reporter. Colour only when asked (the caller decides from TTY and NO_COLOR);
 * the output is otherwise identical, so tests compare plain text.
 */
import { escapeControl } from '../util/escape.js'
import type { Finding, ScanReport, Severity } from '../model/finding.js'
import { spendCoverageLine } from '../spend/coverage.js'
import { formatFindingSpend, principalSpendLine } from '../spend/principal-enrich.js'
import { isUnusedSummary, summariseUnusedNotes, unusedSummaryText } from './unused-summary.js'
import { causeLabel, ledgerHeadline, readingOrder, topCauses } from './reading-order.js'
import { formatAmount } from '../spend/model.js'
import { notEvaluatedLine, scopeLines } from './scope.js'

export interface TextOptions {
  color: boolean
  /** Show suppressed findings (with their reason). */
  showSuppressed?: boolean
  /** Print evidence and fix details. */
  verbose?: boolean
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, green: 32 } as const
type Style = keyof typeof CODES

export function formatText(report: ScanReport, opts: TextOptions): string {
  const c = (style: Style, s: string): string => (opts.color ? `\u001b[${CODES[style]}m${s}\u001b[0m` : s)
  const sevStyle: Record<Severity, Style> = { error: 'red', warning: 'yellow', note: 'cyan' }
  const lines: string[] = []
  const active = readingOrder(report.findings.filter((f) => !f.suppressed))
  const suppressed = report.findings.filter((f) => f.suppressed)

  if (active.length > 0) lines.push(c('bold', `Findings (${active.length})`), '')
  // Thousands of identical unused notes become one line per account (--verbose lists them all).
  for (const f of summariseUnusedNotes(active, opts.verbose ? { threshold: Infinity } : {})) {
    if (isUnusedSummary(f)) lines.push(`${c('cyan', 'note'.padEnd(7))} ${c('bold', f.ruleId)}  account ${f.accountId}`, `        ${unusedSummaryText(f)}`, '')
    else lines.push(...findingLines(f, c, sevStyle, opts))
  }
  if (suppressed.length > 0) {
    lines.push('', c('bold', `Suppressed (${suppressed.length})`))
    for (const f of suppressed) {
      lines.push(`  ${c('dim', f.ruleId)}  ${subjectLabel(f)}${x(tagKeyLabel(f))}  ${c('dim', `— ${x(f.suppressed!.reason)}${f.suppressed!.expires ? ` (until ${f.suppressed!.expires})` : ''}`)}`)
    }
  }
  if (report.summary.notes.length > 0) {
    lines.push('', c('bold', `Notes (${report.summary.notes.length})`))
    for (const n of report.summary.notes.slice(0, 50)) lines.push(`  ${c('dim', x(n))}`)
    if (report.summary.notes.length > 50) lines.push(`  ${c('dim', `… ${report.summary.notes.length - 50} more in summary.notes of the JSON output`)}`)
  }
  const notEvaluated = report.summary.notEvaluated ?? []
  if (notEvaluated.length > 0) {
    lines.push('', c('bold', `Not evaluated (${notEvaluated.length})`))
    for (const n of notEvaluated.slice(0, 50)) lines.push(`  ${c('dim', x(notEvaluatedLine(n)))}`)
    if (notEvaluated.length > 50) lines.push(`  ${c('dim', `… ${notEvaluated.length - 50} more in summary.notEvaluated of the JSON output`)}`)
  }
  const notices = report.summary.exceptions
  if (notices.length > 0) {
    lines.push('', c('bold', 'Exceptions'))
    for (const n of notices) lines.push(`  ${n.kind === 'expired' ? c('yellow', 'expired') : n.kind === 'unused' ? c('dim', 'unused') : c('cyan', 'expiring')}  ${x(n.message)}`)
  }
  if (report.errors.length > 0) {
    lines.push('', c('bold', c('red', `Errors (${report.errors.length}) — the result is incomplete`)))
    for (const e of report.errors) {
      lines.push(`  ${c('red', x(e.code))}  ${x(e.message)}`)
      if (!e.message.startsWith(e.source)) lines.push(`    ${c('dim', `in ${x(e.source)}${e.accountId ? ` (account ${x(e.accountId)})` : ''}`)}`)
      if (e.hint) lines.push(`    ${c('dim', `hint: ${x(e.hint)}`)}`)
    }
  }
  const baseline = report.summary.baseline
  if (baseline) {
    lines.push('', c('bold', `Baseline ${x(baseline.file)}: ${baseline.new} new, ${baseline.unchanged} unchanged, ${baseline.fixed.length} fixed`))
    for (const e of baseline.fixed.slice(0, 50)) lines.push(`  ${c('green', 'fixed')}  ${x(e.ruleId)}  ${x(e.subject)}`)
    if (baseline.fixed.length > 50) lines.push(`  ${c('dim', `… ${baseline.fixed.length - 50} more in summary.baseline.fixed of the JSON output`)}`)
    if (baseline.fixed.length > 0) lines.push(`  ${c('dim', 'shrink the baseline: `tagwarden baseline create --from results.json` (or rerun it with --input)')}`)
  }
  lines.push('', ...summaryLines(report, c))
  return `${lines.join('\n').replace(/^\n+/, '').replace(/\n{3,}/g, '\n\n')}\n`
}


/** Data in a text line: control characters shown escaped, so no line can begin a workflow command. */
const x = escapeControl

function subjectLabel(f: Finding): string {
  return x(rawSubjectLabel(f))
}

function rawSubjectLabel(f: Finding): string {
  const s = f.subject
  if (s.file) return `${s.file}${s.line ? `:${s.line}` : ''}${s.logicalId ? ` ${s.logicalId}` : s.address ? ` ${s.address}` : ''}`
  if (s.kind === 'account' && s.accountId) return `account ${s.accountId}${s.tagKey ? ` (${s.tagKey})` : ''}`
  if (s.kind === 'org' && !s.arn) return `organization${s.tagKey ? ` (${s.tagKey})` : ''}`
  return s.arn ?? (s.tagKey ? `tag key ${s.tagKey}` : s.accountId ? `account ${s.accountId}` : s.kind)
}

/** ` (tag key team)` for a principal's finding about one tag key (two findings may differ only by it). */
function tagKeyLabel(f: Finding): string {
  const s = f.subject
  if (!s.tagKey || (!s.file && (s.kind === 'account' || s.kind === 'org' || !s.arn))) return ''
  return ` (tag key ${s.tagKey})`
}

/** `new` / `unchanged` against the baseline, when there is one. */
function baselineMark(f: Finding, c: (s: Style, t: string) => string): string {
  if (f.baselineState === 'new') return `  ${c('bold', '[new]')}`
  if (f.baselineState === 'unchanged') return `  ${c('dim', '[unchanged]')}`
  return ''
}

function findingLines(
  f: Finding,
  c: (s: Style, t: string) => string,
  sevStyle: Record<Severity, Style>,
  opts: TextOptions,
): string[] {
  const out = [`${c(sevStyle[f.severity], f.severity.padEnd(7))} ${c('bold', x(f.ruleId))}  ${subjectLabel(f)}${baselineMark(f, c)}`, `        ${x(f.message)}`]
  if (f.spend) out.push(`        ${c('yellow', formatFindingSpend(f.spend))}`)
  if (opts.verbose) {
    const grants = f.evidence.grants ?? []
    for (const g of grants) out.push(c('dim', `        granted by ${x(g.policy)} ${x(g.statement)}: ${x(g.actions.join(', '))}${g.conditional ? ' (conditional)' : ''}`))
    if (f.fix) out.push(c('dim', `        fix: ${f.fix.split('\n').map(x).join('\n             ')}`))
  }
  out.push('')
  return out
}

function summaryLines(r: ScanReport, c: (s: Style, t: string) => string): string[] {
  const s = r.summary
  const paths = Object.entries(s.bedrockCapable.byPath)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  const share = s.attributableShare === null ? 'n/a' : `${(s.attributableShare * 100).toFixed(1)}%`
  const sev = s.findings.bySeverity
  const out = [
    c('bold', 'Summary'),
    ...scopeLines(s).map((l) => `  ${l.label.padEnd(13)}${x(l.text)}`),
    `  principals   ${s.principals.users} users, ${s.principals.roles} roles${s.principals.skippedServiceLinked ? ` (${s.principals.skippedServiceLinked} service-linked skipped)` : ''}`,
    `  Bedrock      ${s.bedrockCapable.total} capable${paths ? ` (${paths})` : ''}; ${share} attributable`,
    `  findings     ${sev.error} error, ${sev.warning} warning, ${sev.note} note${s.findings.suppressed ? `; ${s.findings.suppressed} suppressed` : ''}`,
  ]
  if (s.spend) out.push(`  spend        ${spendCoverageLine(s.spend)}`)
  if (s.spend?.principals) out.push(`  billed       ${principalSpendLine(s.spend.principals)}`)
  if (r.ledger) {
    const causes = topCauses(r.ledger).map((x) => `${causeLabel(x.cause)} ${formatAmount(x.amount)}`)
    out.push(`  ledger       ${ledgerHeadline(r.ledger)}${causes.length > 0 ? `; largest causes: ${causes.join(', ')}` : ''}`)
  }
  for (const n of s.rulesNotEvaluated) out.push(c('dim', `  not evaluated: ${x(n.ruleId)} — ${x(n.reason)}`))
  if (r.errors.length > 0) out.push(c('red', `  input errors ${r.errors.length} (exit code 2: the result is incomplete)`))
  return out
}
