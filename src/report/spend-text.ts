/**
 * Text spend report: period and basis, each key's activation state, spend by tag value and by account
 * (attributed vs untagged, the threshold reached), notes and errors. Columns are plain spaces, so the
 * output is identical with and without colour apart from the escape codes.
 */
import { escapeControl as x } from '../util/escape.js'
import { ledgerText } from './ledger-tables.js'
import { formatAmount, formatPeriod } from '../spend/model.js'
import { periodDays } from '../spend/period.js'
import { pct, valueLabel, type KeyView, type SpendReport } from './spend-model.js'

export interface SpendTextOptions {
  color: boolean
}

const CODES = { red: 31, yellow: 33, dim: 2, bold: 1, green: 32 } as const
type Style = keyof typeof CODES

function table(rows: string[][], right: number[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => r.map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd())
}

export function formatSpendText(report: SpendReport, opts: SpendTextOptions = { color: false }): string {
  const c = (style: Style, s: string): string => (opts.color ? `\u001b[${CODES[style]}m${s}\u001b[0m` : s)
  const lv = (level: 'warning' | 'error' | undefined): string => (level === 'error' ? c('red', 'error') : level === 'warning' ? c('yellow', 'warning') : '')
  const out: string[] = []
  const s = report.spend
  const cur = s?.currency ?? 'USD'
  if (!s) {
    out.push(c('bold', 'Bedrock spend: not checked'), `  ${x(report.coverage.reason ?? 'no Cost Explorer data')}`)
  } else {
    const accounts = Object.keys(s.accounts).filter((a) => a !== '*').length
    out.push(c('bold', s.period ? `Bedrock spend, ${formatPeriod(s.period)} (${periodDays(s.period)} days)` : 'Bedrock spend'))
    if (s.period) out.push(`  ${cur} ${formatAmount(s.total)}${accounts > 0 ? ` across ${accounts} account${accounts === 1 ? '' : 's'}` : ''}${s.estimated ? ' (partly estimated: the month is not closed)' : ''}`)
    out.push(`  basis: ${s.basis}`)
    if (s.source.kind === 'cost-explorer-api') {
      const r = s.requests
      out.push(`  source: Cost Explorer API${r ? `, ${r.sent} billable request${r.sent === 1 ? '' : 's'} (USD ${r.costUsd.toFixed(2)}), ${r.cached} from the cache` : ''}`)
    } else {
      out.push(`  source: Cost Explorer files (${(s.source.files ?? []).length})`)
    }
    if (s.services) {
      out.push(`  services: ${s.services.included.join(', ') || 'none'}`)
      for (const e of s.services.excluded) out.push(c('dim', `  left out: ${x(e.service)} (${x(e.reason)})`))
    }
  }

  out.push('', c('bold', 'Tag activation (IAM-principal cost allocation tags)'))
  const keyWidth = Math.max(...report.keys.map((k) => x(k.tagKey).length), 3)
  for (const k of report.keys) out.push(...activationLines(k, keyWidth, c))

  for (const k of report.keys) {
    if (!k.checked || k.total === undefined) {
      if (k.reason) out.push('', c('bold', `Spend by ${x(k.tagKey)}`), c('dim', `  ${x(k.reason)}`))
      continue
    }
    out.push('', c('bold', `Spend by ${x(k.tagKey)} (${x(k.costKey ?? '')})`))
    const rows = [['value', cur, 'share', '']]
    for (const v of k.values) rows.push([x(valueLabel(v.value)), formatAmount(v.amount), pct(v.share), v.untagged ? 'untagged' : v.allowed === false ? 'not an allowed value' : ''])
    rows.push(['untagged in total', formatAmount(k.untagged ?? 0), pct(k.share), k.level ? lv(k.level) : ''])
    out.push(...table(rows, [1, 2]).map((l) => `  ${l}`))

    out.push('', c('bold', `Spend by account (${x(k.tagKey)})`))
    const arows = [['account', 'total', 'attributed', 'untagged', 'share', '']]
    for (const a of k.accounts) {
      const label = a.accountId === '*' ? 'all accounts (not grouped by account)' : `${a.accountId}${a.name ? ` ${a.name}` : ''}`
      arows.push([x(label), formatAmount(a.total), formatAmount(a.total - a.untagged), formatAmount(a.untagged), pct(a.share), lv(a.level)])
    }
    if (k.accounts.length > 1) arows.push(['all accounts', formatAmount(k.total), formatAmount(k.total - (k.untagged ?? 0)), formatAmount(k.untagged ?? 0), pct(k.share), lv(k.level)])
    out.push(...table(arows, [1, 2, 3, 4]).map((l) => `  ${l}`))
  }
  const t = report.thresholds
  out.push('', c('dim', `thresholds (untagged-bedrock-spend): warning at ${t.warning.percent}% and USD ${formatAmount(t.warning.usd)}, error at ${t.error.percent}% and USD ${formatAmount(t.error.usd)}`))

  const notes = s?.notes ?? []
  if (notes.length > 0) {
    out.push('', c('bold', 'Notes'))
    for (const n of notes) out.push(`  - ${x(n)}`)
  }
  if (report.errors.length > 0) {
    out.push('', c('bold', c('red', `Errors (${report.errors.length})`)))
    for (const e of report.errors) {
      out.push(`  ${c('red', x(e.code))}  ${x(e.message)}`)
      if (e.hint) out.push(c('dim', `    hint: ${x(e.hint)}`))
    }
  }
  if (report.ledger) out.push(...ledgerText(report.ledger))
  else if (report.ledgerReason) out.push('', `Spend ledger: none (${x(report.ledgerReason)})`)
  return `${out.join('\n')}\n`
}

function activationLines(k: KeyView, width: number, c: (s: Style, t: string) => string): string[] {
  const a = k.activation
  const pad = x(k.tagKey).padEnd(width)
  const lines: string[] = []
  const active = a.listed.find((t) => t.status.toLowerCase() === 'active')
  switch (a.state) {
    case 'active': {
      const when = [active?.lastUpdatedDate ? `activated ${active.lastUpdatedDate.slice(0, 10)}` : '', active?.lastUsedDate ? `last used ${active.lastUsedDate.slice(0, 10)}` : ''].filter(Boolean).join(', ')
      lines.push(`  ${pad}  ${c('green', 'active')} as \`${x(String(a.costKey))}\`${when ? ` (${when})` : ''}`)
      break
    }
    case 'inactive':
      lines.push(`  ${pad}  ${c('red', 'not active')}: \`${x(String(a.costKey))}\` is listed as Inactive`)
      break
    case 'not-listed':
      lines.push(`  ${pad}  ${c('red', 'not active')}: AWS lists no \`iamPrincipal/${x(k.tagKey)}\` key yet`)
      break
    case 'unknown':
      lines.push(`  ${pad}  ${c('dim', 'unknown: no list-cost-allocation-tags output')}`)
  }
  const blank = ' '.repeat(width)
  const others = lookAlikes(k)
  if (others) lines.push(`  ${blank}  ${a.state === 'active' ? 'also listed, not counted' : 'listed instead, not counted'}: ${x(others)}`)
  return lines
}

/** `team` (a resource tag, active), `iamPrincipal/Team` (inactive). */
export function lookAlikes(k: KeyView): string {
  const a = k.activation
  return [
    ...a.activeLookAlikes.map((x) => `\`${x.tagKey}\` (${x.why === 'other-case' ? 'another case' : 'a resource tag'}, active)`),
    ...a.inactiveLookAlikes.map((x) => `\`${x}\` (inactive)`),
  ].join(', ')
}
