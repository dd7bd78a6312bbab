/**
 * The HTML report (`--format html`, `--html-output FILE`): one self-contained file for a FinOps reader
 * that works offline — inline CSS, a few lines of inline JavaScript for the filters, hand-written SVG
 * charts (no chart library, nothing fetched: a Content-Security-Policy forbids every load). The headline
 * (attributable share, unattributed and misattributed dollars, top causes), the ledger from total to
 * attributed by cause, team spend, the daily trend, and the findings filterable by rule, severity and
 * account. Every string from the report is escaped: names and tag values come from IAM snapshots and IaC,
 * which are hostile input. Accessible: semantic tables, a text alternative for every chart, and the
 * Okabe–Ito palette (safe for the common colour-vision deficiencies). Pure: report in, text out.
 */
import type { Finding, ScanReport, Severity } from '../model/finding.js'
import type { Ledger } from '../model/ledger.js'
import { ruleDocUrl } from '../rules/docs.js'
import { formatAmount, formatMoney } from '../spend/model.js'
import { causeLabel, findingSpendCell, ledgerHeadline, readingOrder, topCauses } from './reading-order.js'
import type { ReportRule } from './report-rule.js'
import { subjectLabel } from './locations.js'
import { isUnusedSummary, summariseUnusedNotes, unusedSummaryText } from './unused-summary.js'
import { scopeLines } from './scope.js'
import { escapeHtml } from '../util/escape.js'

/** Findings rows in the table; the rest are counted with a pointer to the JSON output. */
export const HTML_MAX_ROWS = 2000

export interface HtmlOptions {
  title?: string
  maxRows?: number
}

const e = escapeHtml
/** Okabe–Ito: distinguishable with protanopia, deuteranopia and tritanopia. */
const PALETTE = { attributed: '#009E73', unattributed: '#D55E00', misattributed: '#E69F00', causes: ['#D55E00', '#E69F00', '#CC79A7', '#0072B2', '#56B4E9', '#F0E442', '#000000', '#999999', '#882255', '#44AA99'] }
const SEVERITIES: Severity[] = ['error', 'warning', 'note']

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
body{max-width:1200px;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.headline{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.kpi{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:11rem}
.kpi .v{font-size:1.4rem;font-weight:600;display:block}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{display:inline-block;height:.8rem;background:#0072B2;vertical-align:middle}
.sev-error{color:#a40000;font-weight:600}.sev-warning{color:#8a5a00;font-weight:600}.sev-note{color:#005a8a}
.filters{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0}
.msg{max-width:40rem}.fix{font-family:ui-monospace,monospace;font-size:.8rem;white-space:pre-wrap}
.note{color:#555;font-size:.9rem}
svg text{font-size:11px;fill:#1a1a1a}
@media print{.filters{display:none}tr[hidden]{display:none}body{max-width:none}a{color:inherit;text-decoration:none}}
`

const SCRIPT = `
(function(){
  var sel={rule:document.getElementById('f-rule'),severity:document.getElementById('f-severity'),account:document.getElementById('f-account')};
  var rows=document.querySelectorAll('#findings tbody tr');
  var count=document.getElementById('f-count');
  function apply(){
    var shown=0;
    rows.forEach(function(r){
      var ok=(!sel.rule.value||r.dataset.rule===sel.rule.value)&&(!sel.severity.value||r.dataset.severity===sel.severity.value)&&(!sel.account.value||r.dataset.account===sel.account.value);
      r.hidden=!ok; if(ok) shown++;
    });
    count.textContent=String(shown);
  }
  Object.keys(sel).forEach(function(k){sel[k].addEventListener('change',apply)});
  apply();
})();
`

const pct = (part: number, whole: number): string => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a')

function kpi(id: string, label: string, value: string, raw?: number): string {
  return `<div class="kpi"><span class="v" data-ledger="${e(id)}"${raw !== undefined ? ` data-value="${raw}"` : ''}>${e(value)}</span>${e(label)}</div>`
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

function causeTable(l: Ledger, fingerprints: Map<string, Finding>): string {
  if (l.byCause.length === 0) return '<p>Every dollar is attributed.</p>'
  const rows = l.byCause.map((c) => {
    const owners = c.findings.map((fp) => fingerprints.get(fp)).filter((f): f is Finding => f !== undefined)
    const ownerText = [...new Set(owners.map((f) => f.ruleId))].map((id) => `<code>${e(id)}</code>`).join(', ')
    return `<tr data-cause="${e(c.cause)}"><td><code>${e(c.cause)}</code> ${e(causeLabel(c.cause))}</td><td>${e(c.bucket)}</td><td class="n">${e(formatMoney(c.amount, l.currency))}</td><td class="n">${e(pct(c.amount, l.total))}</td><td class="n">${c.principals.length}</td><td>${ownerText}</td></tr>`
  })
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
    const w = max > 0 ? Math.max(0, (r.amount / max) * 100) : 0
    return `<tr><th scope="row">${e(label)}</th><td class="n">${e(formatAmount(r.amount))}</td><td style="width:30%"><span class="bar" style="width:${w.toFixed(1)}%;background:${r.bucket === 'attributed' ? PALETTE.attributed : PALETTE[r.bucket]}" role="img" aria-label="${e(pct(r.amount, l.total))}"></span></td>${accounts.map((a) => `<td class="n">${r.byAccount[a] !== undefined ? e(formatAmount(r.byAccount[a]!)) : ''}</td>`).join('')}</tr>`
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

function options(values: readonly string[], all: string): string {
  return [`<option value="">${e(all)}</option>`, ...values.map((v) => `<option value="${e(v)}">${e(v)}</option>`)].join('')
}

function findingsTable(report: ScanReport, rules: readonly ReportRule[], max: number): string {
  const ruleMap = new Map(rules.map((r) => [r.id, r]))
  const active = readingOrder(report.findings.filter((f) => !f.suppressed))
  const items = summariseUnusedNotes(active)
  const shown = items.slice(0, max)
  const account = (f: Finding): string => f.subject.accountId ?? 'org-wide'
  const rowsHtml = shown.map((x) => {
    if (isUnusedSummary(x)) {
      return `<tr data-rule="${e(x.ruleId)}" data-severity="note" data-account="${e(x.accountId)}"><td class="sev-note">note</td><td><code>${e(x.ruleId)}</code></td><td>account ${e(x.accountId)}</td><td>${e(x.accountId)}</td><td class="n"></td><td class="msg">${e(unusedSummaryText(x))}</td><td></td></tr>`
    }
    const f = x
    const r = ruleMap.get(f.ruleId)
    const rule = r?.meta ? `<a href="${e(ruleDocUrl(r.base))}"><code>${e(f.ruleId)}</code></a>` : `<code>${e(f.ruleId)}</code>`
    return `<tr data-rule="${e(f.ruleId)}" data-severity="${e(f.severity)}" data-account="${e(account(f))}"><td class="sev-${e(f.severity)}">${e(f.severity)}</td><td>${rule}</td><td><code>${e(subjectLabel(f.subject))}</code></td><td>${e(account(f))}</td><td class="n">${e(findingSpendCell(f))}</td><td class="msg">${e(f.message)}</td><td class="fix">${e(f.fix ?? '')}</td></tr>`
  })
  const ruleIds = [...new Set(items.map((x) => x.ruleId))].sort()
  const accounts = [...new Set(items.map((x) => (isUnusedSummary(x) ? x.accountId : account(x))))].sort()
  const capped = items.length > shown.length ? `<p class="note" id="capped">${items.length - shown.length} more findings are not shown here: the JSON output (<code>--format json</code>) has every finding.</p>` : ''
  return [
    `<div class="filters" role="search"><label>Rule <select id="f-rule">${options(ruleIds, 'all rules')}</select></label><label>Severity <select id="f-severity">${options(SEVERITIES, 'all severities')}</select></label><label>Account <select id="f-account">${options(accounts, 'all accounts')}</select></label><span><span id="f-count">${shown.length}</span> shown</span></div>`,
    `<table id="findings"><caption>Findings, by severity then recoverable spend</caption><thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Subject</th><th scope="col">Account</th><th scope="col" class="n">Spend</th><th scope="col">Finding</th><th scope="col">Fix</th></tr></thead><tbody>${rowsHtml.join('\n')}</tbody></table>`,
    capped,
  ].join('\n')
}

export function formatHtml(report: ScanReport, rules: readonly ReportRule[], opts: HtmlOptions = {}): string {
  const title = opts.title ?? 'tagwarden report'
  const s = report.summary
  const l = report.ledger
  const fingerprints = new Map(report.findings.map((f) => [f.fingerprint, f]))
  const sev: Record<Severity, number> = { error: 0, warning: 0, note: 0 }
  for (const f of report.findings) if (!f.suppressed) sev[f.severity]++
  const body: string[] = [`<h1>${e(title)}</h1>`, `<p class="note">${e(`${scopeLines(s).map((l) => `${l.label} ${l.text}`).join(' · ')} · ${sev.error} errors, ${sev.warning} warnings, ${sev.note} notes · tagwarden ${report.tool.version} · ${report.generatedAt}`)}</p>`]
  if (l) {
    const causes = topCauses(l)
    body.push(
      '<section aria-labelledby="h-headline"><h2 id="h-headline">Bedrock spend attribution</h2>',
      `<p>${e(ledgerHeadline(l))}, ${e(l.period.start)} to ${e(l.period.end)} (end exclusive).</p>`,
      '<div class="headline">',
      kpi('attributable-share', 'attributable', pct(l.attributed, l.total)),
      kpi('total', 'Bedrock spend', formatMoney(l.total, l.currency), l.total),
      kpi('attributed', 'attributed', formatMoney(l.attributed, l.currency), l.attributed),
      kpi('unattributed', 'unattributed: booked to no team', formatMoney(l.unattributed, l.currency), l.unattributed),
      kpi('misattributed', 'misattributed: booked to the wrong one', formatMoney(l.misattributed, l.currency), l.misattributed),
      '</div>',
      causes.length > 0 ? `<p>Largest causes: ${causes.map((c) => `${e(causeLabel(c.cause))} ${e(formatMoney(c.amount, l.currency))}`).join('; ')}.</p>` : '',
      ledgerChart(l),
      causeTable(l, fingerprints),
      '</section>',
      `<section aria-labelledby="h-teams"><h2 id="h-teams">Spend by team</h2>${teamTable(l)}</section>`,
      `<section aria-labelledby="h-trend"><h2 id="h-trend">Daily trend</h2>${trend(l)}</section>`,
    )
  } else {
    body.push(`<p class="note">No spend ledger: ${e(s.spend?.ledgerReason ?? 'no per-principal spend (CUR 2.0) was read; give --cur')}.</p>`)
  }
  body.push(`<section aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>${findingsTable(report, rules, opts.maxRows ?? HTML_MAX_ROWS)}</section>`)
  if (report.errors.length > 0) {
    body.push(`<section aria-labelledby="h-errors"><h2 id="h-errors">Input errors (${report.errors.length}): the result is incomplete</h2><ul>${report.errors.map((x) => `<li><code>${e(x.code)}</code> ${e(x.message)}</li>`).join('')}</ul></section>`)
  }
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    ...body,
    `</main><script>${SCRIPT}</script></body></html>`,
    '',
  ].join('\n')
}
