/**
 * The pieces the HTML reports share (`scan --format html` in html.ts, `spend --format html` in
 * spend-html.ts): the self-contained page (inline CSS, a Content-Security-Policy that forbids every load),
 * the headline figures, the ledger chart from total to attributed by cause, team spend with bars, the
 * daily trend, and plain tables. Hand-written SVG, no chart library. Every string from data goes through
 * `escapeHtml`: names and tag values come from IAM snapshots and IaC, which are hostile input. The
 * Okabe–Ito palette is safe for the common colour-vision deficiencies; every chart has a text alternative.
 */
import type { Ledger, LedgerCauseEntry } from '../model/ledger.js'
import { formatAmount, formatMoney } from '../spend/model.js'
import { escapeHtml } from '../util/escape.js'
import type { LedgerTable } from './ledger-tables.js'
import { causeLabel, ledgerHeadline, pct, topCauses } from './reading-order.js'

export const e = escapeHtml

/** Okabe–Ito: distinguishable with protanopia, deuteranopia and tritanopia. */
export const PALETTE = { attributed: '#009E73', unattributed: '#D55E00', misattributed: '#E69F00', causes: ['#D55E00', '#E69F00', '#CC79A7', '#0072B2', '#56B4E9', '#F0E442', '#000000', '#999999', '#882255', '#44AA99'] }

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
body{max-width:1200px;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.headline{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.kpi{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:11rem}
.kpi .v{font-size:1.4rem;font-weight:600;display:block}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}
th[scope=row]{overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{display:inline-block;height:.8rem;background:#0072B2;vertical-align:middle}
.sev-error{color:#a40000;font-weight:600}.sev-warning{color:#8a5a00;font-weight:600}.sev-note{color:#005a8a}
.filters{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0}
#findings{table-layout:fixed}#findings td,#findings th{overflow-wrap:anywhere}#findings td.n{white-space:normal}
#findings .c-sev{width:4.5rem}#findings .c-acct{width:7.5rem}#findings .c-spend{width:7rem}#findings .c-rule{width:11%}#findings .c-subj{width:15%}
.fix{font-family:ui-monospace,monospace;font-size:.8rem;white-space:pre-wrap;margin-top:.3rem;color:#333}.fix strong{font-family:system-ui,sans-serif}
.note{color:#555;font-size:.9rem}
svg text{font-size:11px;fill:#1a1a1a}
@media print{.filters{display:none}tr[hidden]{display:none}body{max-width:none}a{color:inherit;text-decoration:none}}
`

/** The whole page: one file, nothing fetched (the CSP allows inline style and script and data: images only). */
export function htmlDocument(title: string, body: readonly string[], script?: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    ...body,
    `</main>${script !== undefined ? `<script>${script}</script>` : ''}</body></html>`,
    '',
  ].join('\n')
}

/** A headline figure; `data-ledger` and `data-value` let tests (and scripts) read it back. */
export function kpi(id: string, label: string, value: string, raw?: number): string {
  return `<div class="kpi"><span class="v" data-ledger="${e(id)}"${raw !== undefined ? ` data-value="${raw}"` : ''}>${e(value)}</span>${e(label)}</div>`
}

/** A bar for a table cell, `part` of `max`, with its share of `whole` as the text alternative. */
export function barCell(part: number, max: number, whole: number, color: string): string {
  const w = max > 0 ? Math.max(0, (part / max) * 100) : 0
  return `<td style="width:30%"><span class="bar" style="width:${w.toFixed(1)}%;background:${color}" role="img" aria-label="${e(pct(part, whole))}"></span></td>`
}

/** Total → attributed and each cause, one stacked bar (SVG), with the table below as its text alternative. */
function ledgerChart(l: Ledger): string {
  const W = 900
  const H = 46
  const parts = [{ label: 'attributed', amount: l.attributed, color: PALETTE.attributed }, ...l.byCause.map((c, i) => ({ label: `${causeLabel(c.cause)} (${c.bucket})`, amount: c.amount, color: PALETTE.causes[i % PALETTE.causes.length]! }))]
  let x = 0
  const rects = parts
    .filter((p) => p.amount > 0 && l.total > 0)
    .map((p) => {
      const w = (p.amount / l.total) * W
      const r = `<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="28" fill="${p.color}"><title>${e(`${p.label}: ${formatMoney(p.amount, l.currency)} (${pct(p.amount, l.total)})`)}</title></rect>`
      x += w
      return r
    })
  const legend = parts.map((p) => `<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${p.color}"/></svg> ${e(p.label)}: ${e(formatMoney(p.amount, l.currency))}</li>`)
  return [
    `<figure><svg role="img" viewBox="0 0 ${W} ${H}" width="100%" aria-labelledby="ledger-chart-title"><title id="ledger-chart-title">${e(`Bedrock spend ${formatMoney(l.total, l.currency)}: attributed and each cause of the rest`)}</title>${rects.join('')}</svg>`,
    `<figcaption><ul class="note">${legend.join('')}</ul></figcaption></figure>`,
  ].join('\n')
}

/** `owners(entry)`: the owning-rule cell's HTML (already escaped). */
function causeTable(l: Ledger, owners: (c: LedgerCauseEntry) => string): string {
  if (l.byCause.length === 0) return '<p>Every dollar is attributed.</p>'
  const rows = l.byCause.map(
    (c) =>
      `<tr data-cause="${e(c.cause)}"><td><code>${e(c.cause)}</code> ${e(causeLabel(c.cause))}</td><td>${e(c.bucket)}</td><td class="n">${e(formatMoney(c.amount, l.currency))}</td><td class="n">${e(pct(c.amount, l.total))}</td><td class="n">${c.principals.length}</td><td>${owners(c)}</td></tr>`,
  )
  return `<table><caption>Spend by cause</caption><thead><tr><th scope="col">Cause</th><th scope="col">Bucket</th><th scope="col" class="n">Amount</th><th scope="col" class="n">Share</th><th scope="col" class="n">Principals</th><th scope="col">Owning rule</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

function teamTable(l: Ledger): string {
  const key = l.tagKeys[0]
  if (key === undefined) return ''
  const rows = l.teams.filter((t) => t.tagKey === key)
  const accounts = [...new Set(rows.flatMap((r) => Object.keys(r.byAccount)))].sort()
  const max = Math.max(0, ...rows.map((r) => r.amount))
  const body = rows.map((r) => {
    const label = r.value === null ? `(${r.bucket})` : r.value === '' ? '(no value)' : r.value
    return `<tr><th scope="row">${e(label)}</th><td class="n">${e(formatAmount(r.amount))}</td>${barCell(r.amount, max, l.total, r.bucket === 'attributed' ? PALETTE.attributed : PALETTE[r.bucket])}${accounts.map((a) => `<td class="n">${r.byAccount[a] !== undefined ? e(formatAmount(r.byAccount[a]!)) : ''}</td>`).join('')}</tr>`
  })
  return `<table><caption>Spend by <code>${e(key)}</code> and account (${e(l.currency)})</caption><thead><tr><th scope="col">${e(key)}</th><th scope="col" class="n">Amount</th><th scope="col">Share</th>${accounts.map((a) => `<th scope="col" class="n">${e(a)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`
}

function trend(l: Ledger): string {
  if (l.daily.length === 0) return ''
  const W = 900
  const H = 160
  const max = Math.max(...l.daily.map((d) => d.attributed + d.unattributed + d.misattributed), 0.01)
  const bw = W / l.daily.length
  const bars = l.daily.map((d, i) => {
    let y = H
    const seg = (amount: number, color: string, label: string): string => {
      const h = (amount / max) * (H - 10)
      y -= h
      return h > 0 ? `<rect x="${(i * bw + 1).toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(1, bw - 2).toFixed(2)}" height="${h.toFixed(2)}" fill="${color}"><title>${e(`${d.date} ${label}: ${formatMoney(amount, l.currency)}`)}</title></rect>` : ''
    }
    return seg(d.attributed, PALETTE.attributed, 'attributed') + seg(d.misattributed, PALETTE.misattributed, 'misattributed') + seg(d.unattributed, PALETTE.unattributed, 'unattributed')
  })
  const rows = l.daily.map((d) => `<tr><td>${e(d.date)}</td><td class="n">${e(formatAmount(d.attributed))}</td><td class="n">${e(formatAmount(d.unattributed))}</td><td class="n">${e(formatAmount(d.misattributed))}</td></tr>`)
  return [
    `<figure><svg role="img" viewBox="0 0 ${W} ${H}" width="100%" aria-labelledby="trend-title"><title id="trend-title">Daily Bedrock spend: attributed (green), misattributed (orange), unattributed (red), ${e(l.daily[0]!.date)} to ${e(l.daily[l.daily.length - 1]!.date)}</title>${bars.join('')}</svg></figure>`,
    `<details><summary>The trend as a table</summary><table><thead><tr><th scope="col">Day</th><th scope="col" class="n">Attributed</th><th scope="col" class="n">Unattributed</th><th scope="col" class="n">Misattributed</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`,
  ].join('\n')
}

/** The ledger's sections: headline figures and top causes, the chart and the cause table, team spend, the trend. */
export function ledgerSections(l: Ledger, owners: (c: LedgerCauseEntry) => string): string[] {
  const causes = topCauses(l)
  return [
    '<section aria-labelledby="h-headline"><h2 id="h-headline">Bedrock spend attribution</h2>',
    `<p>${e(ledgerHeadline(l))}, ${e(l.period.start)} to ${e(l.period.end)} (end exclusive).</p>`,
    ...l.notes.map((n) => `<p class="note">${e(n)}</p>`),
    '<div class="headline">',
    kpi('attributable-share', 'attributable', pct(l.attributed, l.total)),
    kpi('total', 'Bedrock spend', formatMoney(l.total, l.currency), l.total),
    kpi('attributed', 'attributed', formatMoney(l.attributed, l.currency), l.attributed),
    kpi('unattributed', 'unattributed: booked to no team', formatMoney(l.unattributed, l.currency), l.unattributed),
    kpi('misattributed', 'misattributed: booked to the wrong one', formatMoney(l.misattributed, l.currency), l.misattributed),
    '</div>',
    causes.length > 0 ? `<p>Largest causes: ${causes.map((c) => `${e(causeLabel(c.cause))} ${e(formatMoney(c.amount, l.currency))}`).join('; ')}.</p>` : '',
    ledgerChart(l),
    causeTable(l, owners),
    '</section>',
    `<section aria-labelledby="h-teams"><h2 id="h-teams">Spend by team</h2>${teamTable(l)}</section>`,
    `<section aria-labelledby="h-trend"><h2 id="h-trend">Daily trend</h2>${trend(l)}</section>`,
  ]
}

/** A plain table: the first column as row headers, the others right-aligned figures. */
export function htmlTable(t: LedgerTable, opts: { id?: string } = {}): string {
  const head = t.head.map((h, i) => `<th scope="col"${i > 0 ? ' class="n"' : ''}>${e(h)}</th>`).join('')
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${e(c)}</th>` : `<td class="n">${e(c)}</td>`)).join('')}</tr>`)
  return `<table${opts.id !== undefined ? ` id="${e(opts.id)}"` : ''}><caption>${e(t.title)}</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** The input errors, when there are any: the result is incomplete, and the page says so. */
export function errorsSection(errors: ReadonlyArray<{ code: string; message: string; hint?: string | undefined }>): string {
  if (errors.length === 0) return ''
  return `<section aria-labelledby="h-errors"><h2 id="h-errors">Input errors (${errors.length}): the result is incomplete</h2><ul>${errors.map((x) => `<li><code>${e(x.code)}</code> ${e(x.message)}${x.hint ? ` <span class="note">${e(x.hint)}</span>` : ''}</li>`).join('')}</ul></section>`
}
