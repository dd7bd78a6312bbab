/**
 * Markdown reporter: a summary for `$GITHUB_STEP_SUMMARY` and pull-request comments. Counts per rule
 * and per account, the top findings, then collapsible details. GitHub refuses a step summary over
 * 1 MiB, so the details stop at a byte budget with a note saying how many were left out.
 */
import type { Finding, ScanReport, Severity } from '../model/finding.js'
import { ruleDocUrl } from '../rules/docs.js'
import { compareFindings } from '../model/fingerprint.js'
import type { ReportRule } from './report-rule.js'
import { subjectLabel } from './locations.js'
import { mdCode as code, mdText } from './markdown-text.js'
import { spendCoverageMarkdownRow } from './spend-markdown.js'
import { causeLabel, findingSpendCell, ledgerHeadline, readingOrder } from './reading-order.js'
import { formatAmount, formatMoney } from '../spend/model.js'
import type { Ledger } from '../model/ledger.js'
import { isUnusedSummary, summariseUnusedNotes, unusedSummaryText } from './unused-summary.js'
import { notEvaluatedLine, scopeLines } from './scope.js'

export interface MarkdownOptions {
  /** Byte budget for the whole document (GitHub's step-summary limit is 1 MiB). */
  maxBytes?: number
  /** Rows in the "Top findings" table. */
  top?: number
  /** First heading; default `tagwarden`. */
  title?: string
}

export const MARKDOWN_DEFAULT_MAX_BYTES = 1_000_000

const SEVERITIES: Severity[] = ['error', 'warning', 'note']

/** A table cell: one line, pipes escaped (GFM needs `\|` even inside code spans). */
function cell(s: string): string {
  return mdText(s.replace(/\s*\n\s*/g, ' ')).replace(/\|/g, '\\|')
}


/** ` (new)` / ` (unchanged)` against the baseline, when there is one. */
function baselineMark(f: Finding): string {
  return f.baselineState ? ` (${f.baselineState})` : ''
}

function firstSentence(s: string): string {
  // A period followed by a space outside code spans ends the first sentence.
  let inCode = false
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]
    if (ch === '`') inCode = !inCode
    else if (!inCode && ch === '.' && (s[i + 1] === ' ' || s[i + 1] === '\n')) return s.slice(0, i + 1)
  }
  return s
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

function ruleLink(id: string, rules: ReadonlyMap<string, ReportRule>): string {
  const r = rules.get(id)
  return r?.meta ? `[${code(id)}](${ruleDocUrl(r.base)})` : code(id)
}

/** Room kept for closing a section and the footer, so truncation can always be reported. */
const CLOSING_RESERVE = 1000

export function renderMarkdown(report: ScanReport, rules: readonly ReportRule[], opts: MarkdownOptions = {}): { text: string; warnings: string[] } {
  const max = opts.maxBytes ?? MARKDOWN_DEFAULT_MAX_BYTES
  const top = opts.top ?? 10
  const ruleMap = new Map(rules.map((r) => [r.id, r]))
  const s = report.summary
  // Severity, then the spend the fix recovers, then the usual order.
  const active = readingOrder(report.findings.filter((f) => !f.suppressed), compareFindings)
  const suppressed = report.findings.filter((f) => f.suppressed).sort(compareFindings)
  const baseline = s.baseline
  const sev: Record<Severity, number> = { error: 0, warning: 0, note: 0 }
  for (const f of active) sev[f.severity]++

  const head: string[] = []
  head.push(`## ${mdText(opts.title ?? 'tagwarden')}: ${active.length === 0 ? 'no findings' : `${plural(sev.error, 'error')}, ${plural(sev.warning, 'warning')}, ${plural(sev.note, 'note')}`}`, '')
  if (report.errors.length > 0) {
    head.push(`> [!WARNING]`, `> The result is incomplete: ${plural(report.errors.length, 'input error')} (see below). Exit code 2.`, '')
  }
  const notEvaluated = s.notEvaluated ?? []
  if (notEvaluated.length > 0) {
    // Never a silent clean: a step summary that reads "no findings" must also say what it did not look at.
    head.push(`> [!NOTE]`, `> ${plural(notEvaluated.length, 'item')} not evaluated (see "Not evaluated" below); \`--strict\` makes them fail the gate.`, '')
  }
  if (baseline) {
    head.push(`**Baseline** ${code(baseline.file)}: ${baseline.new} new, ${baseline.unchanged} unchanged, ${baseline.fixed.length} fixed. Only new findings fail the gate.`, '')
  }
  const paths = Object.entries(s.bedrockCapable.byPath)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  head.push(
    '| Scope | |',
    '| --- | --- |',
    ...scopeLines(s).map((l) => `| ${l.label === 'IaC' ? 'IaC' : 'Accounts'} | ${cell(l.text)} |`),
    `| Principals | ${s.principals.users} users, ${s.principals.roles} roles |`,
    `| Bedrock-capable | ${s.bedrockCapable.total}${paths ? ` (${cell(paths)})` : ''} |`,
    `| Attributable | ${s.attributableShare === null ? 'n/a' : `${(s.attributableShare * 100).toFixed(1)}%`} |`,
    `| Suppressed | ${suppressed.length} |`,
    ...(s.spend ? [spendCoverageMarkdownRow(s.spend)] : []),
    '',
  )

  if (report.ledger) head.push(...ledgerMarkdown(report.ledger))

  const withSpend = active.some((f) => f.spend !== undefined)
  if (active.length > 0) {
    // Counted per severity: a rule's findings may differ in severity (a spend rule's threshold level).
    const perRule = new Map<string, { bySeverity: Record<Severity, number>; count: number; fresh: number; recoverable: number }>()
    for (const f of active) {
      const e = perRule.get(f.ruleId) ?? { bySeverity: { error: 0, warning: 0, note: 0 }, count: 0, fresh: 0, recoverable: 0 }
      e.count++
      e.bySeverity[f.severity]++
      e.recoverable += f.spend?.recoverable ?? 0
      if (f.baselineState !== 'unchanged') e.fresh++
      perRule.set(f.ruleId, e)
    }
    const recCol = report.ledger !== undefined
    head.push(
      '### Findings per rule',
      '',
      `| Rule | Errors | Warnings | Notes |${baseline ? ' New |' : ''}${recCol ? ' Recoverable |' : ''}`,
      `| --- | ---: | ---: | ---: |${baseline ? ' ---: |' : ''}${recCol ? ' ---: |' : ''}`,
    )
    const rank = (e: { bySeverity: Record<Severity, number> }) => SEVERITIES.map((k) => e.bySeverity[k])
    for (const [id, e] of [...perRule].sort((a, b) => rank(b[1]).reduce((d, n, i) => d || n - rank(a[1])[i]!, 0) || b[1].recoverable - a[1].recoverable || (a[0] < b[0] ? -1 : 1))) {
      head.push(
        `| ${ruleLink(id, ruleMap)} | ${e.bySeverity.error} | ${e.bySeverity.warning} | ${e.bySeverity.note} |${baseline ? ` ${e.fresh} |` : ''}${recCol ? ` ${e.recoverable > 0 ? formatAmount(e.recoverable) : ''} |` : ''}`,
      )
    }
    head.push('')

    const perAccount = new Map<string, Record<Severity, number>>()
    for (const f of active) {
      const key = f.subject.accountId ?? 'org-wide'
      const e = perAccount.get(key) ?? { error: 0, warning: 0, note: 0 }
      e[f.severity]++
      perAccount.set(key, e)
    }
    head.push('### Findings per account', '', '| Account | Errors | Warnings | Notes |', '| --- | ---: | ---: | ---: |')
    for (const [acct, e] of [...perAccount].sort((a, b) => SEVERITIES.reduce((d, k) => d || b[1][k] - a[1][k], 0) || (a[0] < b[0] ? -1 : 1))) {
      head.push(`| ${cell(acct)} | ${e.error} | ${e.warning} | ${e.note} |`)
    }
    head.push('')

    // New findings first: with a baseline they are what the reader has to act on.
    const ranked = baseline ? [...active.filter((f) => f.baselineState !== 'unchanged'), ...active.filter((f) => f.baselineState === 'unchanged')] : active
    head.push(`### Top findings`, '', `| Severity | Rule | Subject |${withSpend ? ' Spend |' : ''} Finding |`, `| --- | --- | --- |${withSpend ? ' ---: |' : ''} --- |`)
    for (const f of ranked.slice(0, top)) {
      head.push(`| ${f.severity}${baselineMark(f)} | ${code(f.ruleId)} | ${cell(code(subjectLabel(f.subject)))} |${withSpend ? ` ${cell(findingSpendCell(f))} |` : ''} ${cell(firstSentence(f.message))} |`)
    }
    if (ranked.length > top) head.push('', `${ranked.length - top} more below.`)
    head.push('')
  }

  const out: string[] = []
  const warnings: string[] = []
  let used = 0
  let omitted = 0
  const add = (line: string, hard = false): boolean => {
    const size = Buffer.byteLength(line, 'utf8') + 1
    if (used + size > (hard ? max : max - CLOSING_RESERVE)) return false
    used += size
    out.push(line)
    return true
  }
  for (const line of head) if (!add(line)) omitted++

  const section = (summary: string, lines: string[]): void => {
    if (lines.length === 0) return
    const first = lines[0]!
    if (!add('<details>')) {
      omitted += lines.length
      return
    }
    add(`<summary>${summary}</summary>`, true)
    add('', true)
    let shown = 0
    // A section that cannot show even its first line still closes properly.
    if (add(first)) {
      shown = 1
      while (shown < lines.length && add(lines[shown]!)) shown++
    }
    if (shown < lines.length) {
      omitted += lines.length - shown
      add('', true)
      add(`_${lines.length - shown} more lines not shown (size limit); the JSON or SARIF output has everything._`, true)
    }
    add('', true)
    add('</details>', true)
    add('', true)
  }

  const byRule = new Map<string, Finding[]>()
  for (const f of active) {
    const list = byRule.get(f.ruleId)
    if (list) list.push(f)
    else byRule.set(f.ruleId, [f])
  }
  const detail: string[] = []
  for (const [id, fs] of byRule) {
    detail.push(`#### ${ruleLink(id, ruleMap)} (${fs.length})`, '')
    // Thousands of identical unused notes become one line per account; JSON and SARIF list each.
    for (const f of summariseUnusedNotes(fs)) {
      if (isUnusedSummary(f)) detail.push(`- **note** account ${code(f.accountId)}: ${mdText(unusedSummaryText(f))}`)
      else {
        const spend = findingSpendCell(f)
        detail.push(`- **${f.severity}**${baselineMark(f)} ${code(subjectLabel(f.subject))}${spend ? ` (${mdText(spend)})` : ''}: ${mdText(f.message.replace(/\s*\n\s*/g, ' '))}`)
      }
    }
    detail.push('')
  }
  section(`All ${plural(active.length, 'finding')}`, detail)
  if (baseline && baseline.fixed.length > 0) {
    section(
      `Baseline entries now fixed (${baseline.fixed.length}): remove them from the baseline`,
      baseline.fixed.map((e) => `- ${code(e.ruleId)} ${code(e.subject)} (${code(e.fingerprint)})`),
    )
  }
  section(
    `Suppressed (${suppressed.length})`,
    suppressed.map((f) => `- ${code(f.ruleId)} ${code(subjectLabel(f.subject))}: ${mdText(f.suppressed!.reason)}${f.suppressed!.expires ? ` (until ${f.suppressed!.expires})` : ''}`),
  )
  section(`Exception notices (${s.exceptions.length})`, s.exceptions.map((n) => `- **${n.kind}** ${mdText(n.message)}`))
  section(
    `Input errors (${report.errors.length})`,
    report.errors.map((e) => `- ${code(e.code)} ${mdText(e.message)}${e.accountId ? ` (account ${e.accountId})` : ''}${e.hint ? `. Hint: ${mdText(e.hint)}` : ''}`),
  )
  section(`Not evaluated (${notEvaluated.length})`, notEvaluated.map((n) => `- ${mdText(notEvaluatedLine(n))}`))
  section(`Notes (${s.notes.length})`, s.notes.map((n) => `- ${mdText(n)}`))
  if (s.rulesNotEvaluated.length > 0) {
    section(`Rules not evaluated (${s.rulesNotEvaluated.length})`, s.rulesNotEvaluated.map((n) => `- ${code(n.ruleId)}: ${mdText(n.reason)}`))
  }
  if (omitted > 0) {
    warnings.push(`Markdown: ${omitted} lines left out to stay under ${max} bytes`)
  }
  add(`<sub>tagwarden ${mdText(report.tool.version)} · ${report.generatedAt}</sub>`, true)
  return { text: `${out.join('\n')}\n`, warnings }
}

/** The ledger: headline and the spend by cause, each cause's principals and owning rules counted. */
function ledgerMarkdown(l: Ledger): string[] {
  const out = ['### Spend ledger', '', `${mdText(ledgerHeadline(l))}.`, '']
  if (l.byCause.length === 0) return [...out, 'Every dollar is attributed.', '']
  out.push('| Cause | Bucket | Amount | Principals | Owning findings |', '| --- | --- | ---: | ---: | ---: |')
  for (const e of [...l.byCause].sort((a, b) => b.amount - a.amount)) {
    out.push(`| ${code(e.cause)} ${cell(causeLabel(e.cause))} | ${e.bucket} | ${formatMoney(e.amount, l.currency)} | ${e.principals.length} | ${e.findings.length} |`)
  }
  out.push('')
  return out
}

export function formatMarkdown(report: ScanReport, rules: readonly ReportRule[], opts: MarkdownOptions = {}): string {
  return renderMarkdown(report, rules, opts).text
}
