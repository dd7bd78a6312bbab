/**
 * Markdown spend report for `$GITHUB_STEP_SUMMARY` and pull-request comments: a Mermaid pie per tag
 * key (GitHub renders Mermaid in both), the activation state, and tables by value and by account.
 * Also the one-row coverage line the scan's Markdown summary shows.
 */
import { ledgerTables } from './ledger-tables.js'
import { ledgerHeadline } from './reading-order.js'
import { spendCoverageLine } from '../spend/coverage.js'
import { formatAmount, formatPeriod } from '../spend/model.js'
import { periodDays } from '../spend/period.js'
import { lookAlikes } from './spend-text.js'
import { mdCode as code, mdText } from './markdown-text.js'
import { escapeControl } from '../util/escape.js'
import { pct, valueLabel, type KeyView, type SpendReport } from './spend-model.js'
import type { SpendCoverage } from '../model/spend.js'

export interface SpendMarkdownOptions {
  /** First heading; default `tagwarden spend`. */
  title?: string
  /** Slices of a pie beyond this many are merged into "other". */
  maxSlices?: number
}

function cell(s: string): string {
  return mdText(s.replace(/\s*\n\s*/g, ' ')).replace(/\|/g, '\\|')
}


/** Mermaid pie labels are double-quoted strings: no quotes or line breaks inside. */
function pieLabel(s: string): string {
  return escapeControl(s.replace(/["\n\r]/g, "'").replace(/[{}<>]/g, '')) || '(blank)'
}

/** A Mermaid pie of the key's spend by value, untagged as one slice; small values merged into "other". */
export function mermaidPie(k: KeyView, currency: string, maxSlices = 8): string[] {
  const tagged = k.values.filter((v) => !v.untagged && v.amount > 0)
  const shown = tagged.slice(0, maxSlices - 1)
  const rest = tagged.slice(maxSlices - 1).reduce((a, v) => a + v.amount, 0)
  const slices = shown.map((v) => [pieLabel(v.value), v.amount] as const)
  if (rest > 0) slices.push(['other values', rest])
  if ((k.untagged ?? 0) > 0) slices.push([`untagged`, k.untagged ?? 0])
  if (slices.length === 0) return []
  return [
    '```mermaid',
    `pie showData title Bedrock spend by ${pieLabel(k.tagKey)} (${currency})`,
    ...slices.map(([label, amount]) => `    "${label}" : ${amount.toFixed(2)}`),
    '```',
  ]
}

function activationCell(k: KeyView): string {
  const a = k.activation
  const others = lookAlikes(k)
  const more = others ? `; ${a.state === 'active' ? 'also listed, not counted' : 'listed instead, not counted'}: ${others}` : ''
  switch (a.state) {
    case 'active':
      return `✅ active as ${code(a.costKey ?? '')}${more}`
    case 'inactive':
      return `❌ ${code(a.costKey ?? '')} is Inactive${more}`
    case 'not-listed':
      return `❌ no ${code(`iamPrincipal/${k.tagKey}`)} key listed${more}`
    case 'unknown':
      return 'unknown (no `list-cost-allocation-tags` output)'
  }
}

const levelMark = (l: 'warning' | 'error' | undefined): string => (l === 'error' ? '🔴 error' : l === 'warning' ? '🟡 warning' : '')

export function renderSpendMarkdown(report: SpendReport, opts: SpendMarkdownOptions = {}): string {
  const s = report.spend
  const cur = s?.currency ?? 'USD'
  const out: string[] = []
  const title = mdText(opts.title ?? 'tagwarden spend')
  if (!s) {
    out.push(`## ${title}: spend not checked`, '', mdText(report.coverage.reason ?? 'no Cost Explorer data'), '')
  } else {
    const headline = report.keys
      .filter((k) => k.checked && k.total !== undefined)
      .map((k) => `${pct(k.share)} untagged by ${code(k.tagKey)}`)
      .join(', ')
    out.push(`## ${title}: ${cur} ${formatAmount(s.total)} Bedrock${headline ? `, ${headline}` : ''}`, '')
    if (report.errors.length > 0) out.push('> [!WARNING]', `> The result is incomplete: ${report.errors.length} error(s), see below.`, '')
    out.push('| | |', '| --- | --- |')
    if (s.period) out.push(`| Period | ${formatPeriod(s.period)} (${periodDays(s.period)} days) |`)
    out.push(`| Basis | ${cell(s.basis)}${s.estimated ? ' (partly estimated)' : ''} |`)
    const src = s.source.kind === 'cost-explorer-api' ? `Cost Explorer API${s.requests ? `: ${s.requests.sent} billable requests (USD ${s.requests.costUsd.toFixed(2)}), ${s.requests.cached} cached` : ''}` : `Cost Explorer files (${(s.source.files ?? []).length})`
    out.push(`| Source | ${cell(src)} |`)
    if (s.services) {
      out.push(`| Services | ${s.services.included.map((x) => cell(x)).join(', ') || 'none'} |`)
      if (s.services.excluded.length > 0) out.push(`| Left out | ${s.services.excluded.map((x) => `${cell(x.service)} (${cell(x.reason)})`).join(', ')} |`)
    }
    out.push('')
  }

  out.push('### Tag activation', '', '| Required key | Cost allocation tag |', '| --- | --- |')
  for (const k of report.keys) out.push(`| ${code(k.tagKey)} | ${cell(activationCell(k))} |`)
  out.push('')

  for (const k of report.keys) {
    if (!k.checked || k.total === undefined) {
      if (k.reason) out.push(`### Spend by ${code(k.tagKey)}`, '', mdText(k.reason), '')
      continue
    }
    out.push(`### Spend by ${code(k.tagKey)} (${code(k.costKey ?? '')})`, '')
    out.push(...mermaidPie(k, cur, opts.maxSlices), '')
    out.push(`| Value | ${cur} | Share | |`, '| --- | ---: | ---: | --- |')
    for (const v of k.values) out.push(`| ${v.untagged ? `_${cell(valueLabel(v.value))}_` : code(v.value)} | ${formatAmount(v.amount)} | ${pct(v.share)} | ${v.untagged ? 'untagged' : v.allowed === false ? '⚠️ not an allowed value' : ''} |`)
    out.push(`| **untagged in total** | **${formatAmount(k.untagged ?? 0)}** | **${pct(k.share)}** | ${levelMark(k.level)} |`, '')
    out.push(`| Account | Total | Attributed | Untagged | Share | |`, '| --- | ---: | ---: | ---: | ---: | --- |')
    for (const a of k.accounts) {
      const label = a.accountId === '*' ? 'all accounts (not grouped by account)' : `${a.accountId}${a.name ? ` ${a.name}` : ''}`
      out.push(`| ${cell(label)} | ${formatAmount(a.total)} | ${formatAmount(a.total - a.untagged)} | ${formatAmount(a.untagged)} | ${pct(a.share)} | ${levelMark(a.level)} |`)
    }
    if (k.accounts.length > 1) {
      const u = k.untagged ?? 0
      out.push(`| **all accounts** | **${formatAmount(k.total)}** | **${formatAmount(k.total - u)}** | **${formatAmount(u)}** | **${pct(k.share)}** | ${levelMark(k.level)} |`)
    }
    out.push('')
  }
  const t = report.thresholds
  out.push(`<sub>Thresholds (untagged-bedrock-spend): warning at ${t.warning.percent}% and USD ${formatAmount(t.warning.usd)}, error at ${t.error.percent}% and USD ${formatAmount(t.error.usd)}.</sub>`, '')
  const notes = s?.notes ?? []
  if (notes.length > 0) out.push('<details>', `<summary>Notes (${notes.length})</summary>`, '', ...notes.map((n) => `- ${mdText(n)}`), '', '</details>', '')
  if (report.errors.length > 0) {
    out.push('<details>', `<summary>Errors (${report.errors.length})</summary>`, '', ...report.errors.map((e) => `- ${code(e.code)} ${mdText(e.message)}${e.hint ? `. Hint: ${mdText(e.hint)}` : ''}`), '', '</details>', '')
  }
  if (report.ledger) {
    out.push('### Spend ledger', '', `${mdText(ledgerHeadline(report.ledger))}.`, '', ...report.ledger.notes.map((n) => `> ${mdText(n)}`))
    for (const t of ledgerTables(report.ledger)) {
      out.push(`#### ${mdText(t.title)}`, '', `| ${t.head.map(cell).join(' | ')} |`, `| ${t.head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`), '')
    }
  }
  out.push(`<sub>tagwarden ${mdText(report.tool.version)} · ${report.generatedAt}</sub>`)
  return `${out.join('\n')}\n`
}

/** The scan Markdown summary's `| Spend | … |` row. */
export function spendCoverageMarkdownRow(c: SpendCoverage | undefined): string {
  return `| Spend | ${cell(spendCoverageLine(c))} |`
}
