/**
 * The HTML report of `scan` and `merge` (`--format html`, `--html-output FILE`): one self-contained file
 * for a FinOps reader that works offline — inline CSS, a few lines of inline JavaScript for the filters,
 * hand-written SVG charts (no chart library, nothing fetched: a Content-Security-Policy forbids every
 * load; the shared pieces are in html-parts.ts, which `spend --format html` uses too). The headline
 * (attributable share, unattributed and misattributed dollars, top causes), the ledger from total to
 * attributed by cause, team spend, the daily trend, and the findings filterable by rule, severity and
 * account. Every string from the report is escaped: names and tag values come from IAM snapshots and IaC,
 * which are hostile input. Accessible: semantic tables, a text alternative for every chart, and the
 * Okabe–Ito palette (safe for the common colour-vision deficiencies). Pure: report in, text out.
 */
import type { Finding, ScanReport, Severity } from '../model/finding.js'
import { ruleDocUrl } from '../rules/docs.js'
import { findingSpendCell, readingOrder } from './reading-order.js'
import type { ReportRule } from './report-rule.js'
import { subjectLabel } from './locations.js'
import { isUnusedSummary, summariseUnusedNotes, unusedSummaryText } from './unused-summary.js'
import { notEvaluatedLine, scopeLines } from './scope.js'
import { e, errorsSection, htmlDocument, ledgerSections } from './html-parts.js'

/** Findings rows in the table; the rest are counted with a pointer to the JSON output. */
export const HTML_MAX_ROWS = 2000

export interface HtmlOptions {
  title?: string
  maxRows?: number
}

const SEVERITIES: Severity[] = ['error', 'warning', 'note']

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
      return `<tr data-rule="${e(x.ruleId)}" data-severity="note" data-account="${e(x.accountId)}"><td class="sev-note">note</td><td><code>${e(x.ruleId)}</code></td><td>account ${e(x.accountId)}</td><td>${e(x.accountId)}</td><td class="n"></td><td class="msg">${e(unusedSummaryText(x))}</td></tr>`
    }
    const f = x
    const r = ruleMap.get(f.ruleId)
    const rule = r?.meta ? `<a href="${e(ruleDocUrl(r.base))}"><code>${e(f.ruleId)}</code></a>` : `<code>${e(f.ruleId)}</code>`
    return `<tr data-rule="${e(f.ruleId)}" data-severity="${e(f.severity)}" data-account="${e(account(f))}"><td class="sev-${e(f.severity)}">${e(f.severity)}</td><td>${rule}</td><td><code>${e(subjectLabel(f.subject))}</code></td><td>${e(account(f))}</td><td class="n">${e(findingSpendCell(f))}</td><td class="msg">${e(f.message)}${f.fix ? `<div class="fix"><strong>Fix:</strong> ${e(f.fix)}</div>` : ''}</td></tr>`
  })
  const ruleIds = [...new Set(items.map((x) => x.ruleId))].sort()
  const accounts = [...new Set(items.map((x) => (isUnusedSummary(x) ? x.accountId : account(x))))].sort()
  const capped = items.length > shown.length ? `<p class="note" id="capped">${items.length - shown.length} more findings are not shown here: the JSON output (<code>--format json</code>) has every finding.</p>` : ''
  return [
    `<div class="filters" role="search"><label>Rule <select id="f-rule">${options(ruleIds, 'all rules')}</select></label><label>Severity <select id="f-severity">${options(SEVERITIES, 'all severities')}</select></label><label>Account <select id="f-account">${options(accounts, 'all accounts')}</select></label><span><span id="f-count">${shown.length}</span> shown</span></div>`,
    `<table id="findings"><caption>Findings, by severity then recoverable spend</caption><thead><tr><th scope="col" class="c-sev">Severity</th><th scope="col" class="c-rule">Rule</th><th scope="col" class="c-subj">Subject</th><th scope="col" class="c-acct">Account</th><th scope="col" class="n c-spend">Spend</th><th scope="col">Finding and fix</th></tr></thead><tbody>${rowsHtml.join('\n')}</tbody></table>`,
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
    body.push(...ledgerSections(l, (c) => {
      const owners = c.findings.map((fp) => fingerprints.get(fp)).filter((f): f is Finding => f !== undefined)
      return [...new Set(owners.map((f) => f.ruleId))].map((id) => `<code>${e(id)}</code>`).join(', ')
    }))
  } else {
    body.push(`<p class="note">No spend ledger: ${e(s.spend?.ledgerReason ?? 'no per-principal spend (CUR 2.0) was read; give --cur')}.</p>`)
  }
  body.push(`<section aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>${findingsTable(report, rules, opts.maxRows ?? HTML_MAX_ROWS)}</section>`)
  body.push(errorsSection(report.errors))
  body.push(listSection('h-not-evaluated', 'Not evaluated', (s.notEvaluated ?? []).map(notEvaluatedLine)))
  body.push(listSection('h-notes', 'Notes', s.notes))
  return htmlDocument(title, body, SCRIPT)
}

/** A titled list of plain-text lines (escaped), or nothing when there are none. */
function listSection(id: string, heading: string, lines: readonly string[]): string {
  if (lines.length === 0) return ''
  return `<section aria-labelledby="${id}"><h2 id="${id}">${e(heading)} (${lines.length})</h2><ul>${lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul></section>`
}
