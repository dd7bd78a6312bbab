/**
 * The spend report's ledger tables (`spend --cur`): team × account, team × model, top principals and the
 * daily trend, as plain rows that the text and Markdown spend reports lay out their own way.
 */
import type { Ledger } from '../model/ledger.js'
import { formatAmount } from '../spend/model.js'
import { escapeControl } from '../util/escape.js'
import { causeLabel, ledgerHeadline } from './reading-order.js'

export interface LedgerTable {
  /** Which view, for reports that show some of them their own way (the HTML charts). */
  id: 'causes' | 'team-account' | 'team-model' | 'principals' | 'daily'
  /** The tag key of a team view. */
  tagKey?: string
  title: string
  head: string[]
  rows: string[][]
}

const label = (value: string | null, bucket: string): string => (value === null ? `(${bucket})` : value === '' ? '(no value)' : value)
const amt = (x: number | undefined): string => (x === undefined ? '' : formatAmount(x))

export function ledgerTables(l: Ledger, opts: { topModels?: number } = {}): LedgerTable[] {
  const out: LedgerTable[] = []
  out.push({
    id: 'causes',
    title: `Spend by cause (${l.currency})`,
    head: ['Cause', 'Bucket', 'Amount', 'Principals'],
    rows: [['attributed', '', amt(l.attributed), ''], ...l.byCause.map((c) => [`${c.cause} (${causeLabel(c.cause)})`, c.bucket, amt(c.amount), String(c.principals.length)])],
  })
  for (const key of l.tagKeys) {
    const teams = l.teams.filter((t) => t.tagKey === key)
    const accounts = [...new Set(teams.flatMap((t) => Object.keys(t.byAccount)))].sort()
    out.push({ id: 'team-account', tagKey: key, title: `${key} × account (${l.currency})`, head: [key, 'Total', ...accounts], rows: teams.map((t) => [label(t.value, t.bucket), amt(t.amount), ...accounts.map((a) => amt(t.byAccount[a]))]) })
    const modelTotals = new Map<string, number>()
    for (const t of teams) for (const [m, a] of Object.entries(t.byModel)) modelTotals.set(m, (modelTotals.get(m) ?? 0) + a)
    const models = [...modelTotals].sort((a, b) => b[1] - a[1]).slice(0, opts.topModels ?? 6).map(([m]) => m)
    out.push({ id: 'team-model', tagKey: key, title: `${key} × model (usage type, ${l.currency}; the ${models.length} costliest)`, head: [key, ...models], rows: teams.map((t) => [label(t.value, t.bucket), ...models.map((m) => amt(t.byModel[m]))]) })
  }
  out.push({
    id: 'principals',
    title: `Top principals (${l.currency})`,
    head: ['Principal', 'Total', 'Attributed', 'Unattributed', 'Misattributed', 'Cause'],
    rows: l.topPrincipals.map((p) => [p.arn || `(no principal) ${p.accountId}`, amt(p.total), amt(p.attributed), amt(p.unattributed), amt(p.misattributed), p.cause ?? '']),
  })
  out.push({ id: 'daily', title: `Daily trend (${l.currency})`, head: ['Day', 'Attributed', 'Unattributed', 'Misattributed'], rows: l.daily.map((d) => [d.date, amt(d.attributed), amt(d.unattributed), amt(d.misattributed)]) })
  return out
}

/**
 * The tables as aligned text. Tag values, principal ARNs and usage types come from the bill (anyone who
 * may tag a principal sets them): control characters are shown escaped, so no line can begin a workflow command.
 */
export function ledgerText(l: Ledger): string[] {
  const lines = ['', `Spend ledger ${l.period.start} to ${l.period.end} (end exclusive): ${ledgerHeadline(l)}`]
  for (const n of l.notes) lines.push(`  note: ${escapeControl(n)}`)
  for (const table of ledgerTables(l)) {
    const t = { title: escapeControl(table.title), head: table.head.map(escapeControl), rows: table.rows.map((r) => r.map(escapeControl)) }
    const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)))
    const fmt = (r: string[]) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd()
    lines.push('', t.title, fmt(t.head), ...t.rows.map(fmt))
  }
  return lines
}
