/**
 * The HTML spend report (`spend --format html`, `--html-output FILE`): the same self-contained page as the
 * scan's (html-parts.ts) for the spend command. With --cur: the ledger's headline, the chart from total to
 * attributed by cause, team spend with bars, the daily trend, team × model and the top principals. From
 * Cost Explorer: each key's activation, spend by value (with bars) and by account. Every string from data
 * is escaped; pure: report in, text out.
 */
import type { LedgerCauseEntry } from '../model/ledger.js'
import { ruleDocUrl } from '../rules/docs.js'
import { CAUSE_OWNERS } from '../spend/ledger.js'
import { formatAmount, formatMoney, formatPeriod } from '../spend/model.js'
import { periodDays } from '../spend/period.js'
import { barCell, e, errorsSection, htmlDocument, htmlTable, kpi, ledgerSections, PALETTE } from './html-parts.js'
import { ledgerTables } from './ledger-tables.js'
import { pct, valueLabel, type KeyView, type SpendReport } from './spend-model.js'
import { lookAlikes } from './spend-text.js'

export interface SpendHtmlOptions {
  title?: string
}

/** The rules whose findings own a cause, linked to their docs (spend reports carry no findings). */
function ownerRules(c: LedgerCauseEntry): string {
  return ((CAUSE_OWNERS as Record<string, readonly string[] | undefined>)[c.cause] ?? []).map((id) => `<a href="${e(ruleDocUrl(id))}"><code>${e(id)}</code></a>`).join(', ')
}

function activation(k: KeyView): string {
  const a = k.activation
  // lookAlikes quotes keys in Markdown backticks; plain text here.
  const others = lookAlikes(k).replace(/`/g, '')
  const more = others ? `; ${a.state === 'active' ? 'also listed, not counted' : 'listed instead, not counted'}: ${others}` : ''
  switch (a.state) {
    case 'active':
      return `active as ${a.costKey ?? ''}${more}`
    case 'inactive':
      return `not active: ${a.costKey ?? ''} is listed as Inactive${more}`
    case 'not-listed':
      return `not active: AWS lists no iamPrincipal/${k.tagKey} key yet${more}`
    case 'unknown':
      return 'unknown: no list-cost-allocation-tags output'
  }
}

function keySection(k: KeyView, currency: string, i: number): string {
  const id = `h-key-${i}`
  if (!k.checked || k.total === undefined) return `<section aria-labelledby="${id}"><h2 id="${id}">Spend by <code>${e(k.tagKey)}</code></h2><p class="note">${e(k.reason ?? 'not checked')}</p></section>`
  const max = Math.max(0, ...k.values.map((v) => v.amount))
  const values = k.values.map((v) => {
    const mark = v.untagged ? 'untagged' : v.allowed === false ? 'not an allowed value' : ''
    const color = v.untagged ? PALETTE.unattributed : v.allowed === false ? PALETTE.misattributed : PALETTE.attributed
    return `<tr><th scope="row">${v.untagged ? `<em>${e(valueLabel(v.value))}</em>` : `<code>${e(v.value)}</code>`}</th><td class="n">${e(formatAmount(v.amount))}</td><td class="n">${e(pct(v.share))}</td>${barCell(v.amount, max, k.total ?? 0, color)}<td>${e(mark)}</td></tr>`
  })
  const accounts = k.accounts.map((a) => {
    const label = a.accountId === '*' ? 'all accounts (not grouped by account)' : `${a.accountId}${a.name ? ` ${a.name}` : ''}`
    return `<tr><th scope="row">${e(label)}</th><td class="n">${e(formatAmount(a.total))}</td><td class="n">${e(formatAmount(a.total - a.untagged))}</td><td class="n">${e(formatAmount(a.untagged))}</td><td class="n">${e(pct(a.share))}</td><td>${e(a.level ?? '')}</td></tr>`
  })
  return [
    `<section aria-labelledby="${id}"><h2 id="${id}">Spend by <code>${e(k.tagKey)}</code> (Cost Explorer, <code>${e(k.costKey ?? '')}</code>)</h2>`,
    `<p>${e(`${formatMoney(k.untagged ?? 0, currency)} of ${formatMoney(k.total, currency)} untagged (${pct(k.share)})${k.level ? `: ${k.level}` : ''}`)}</p>`,
    `<table><caption>${e(`Spend by value of ${k.tagKey} (${currency})`)}</caption><thead><tr><th scope="col">Value</th><th scope="col" class="n">Amount</th><th scope="col" class="n">Share</th><th scope="col">Share (bar)</th><th scope="col">Note</th></tr></thead><tbody>${values.join('')}</tbody></table>`,
    `<table><caption>${e(`Spend by account (${currency})`)}</caption><thead><tr><th scope="col">Account</th><th scope="col" class="n">Total</th><th scope="col" class="n">Attributed</th><th scope="col" class="n">Untagged</th><th scope="col" class="n">Share</th><th scope="col">Threshold</th></tr></thead><tbody>${accounts.join('')}</tbody></table>`,
    '</section>',
  ].join('\n')
}

export function formatSpendHtml(report: SpendReport, opts: SpendHtmlOptions = {}): string {
  const title = opts.title ?? 'tagwarden spend'
  const s = report.spend
  const l = report.ledger
  const currency = s?.currency ?? l?.currency ?? 'USD'
  const body: string[] = [`<h1>${e(title)}</h1>`]
  const period = l ? `${l.period.start} to ${l.period.end} (end exclusive)` : s?.period ? `${formatPeriod(s.period)} (${periodDays(s.period)} days)` : 'period unknown'
  body.push(`<p class="note">${e(`Amazon Bedrock spend, ${period} · tagwarden ${report.tool.version} · ${report.generatedAt}`)}</p>`)
  if (l) {
    body.push(...ledgerSections(l, ownerRules))
    const views = ledgerTables(l).filter((t) => t.id === 'team-model' || t.id === 'principals' || (t.id === 'team-account' && t.tagKey !== l.tagKeys[0]))
    body.push(`<section aria-labelledby="h-views"><h2 id="h-views">By model and by principal</h2>${views.map((t) => htmlTable(t, t.id === 'principals' ? { id: 'principals' } : {})).join('\n')}</section>`)
  } else {
    body.push(`<p class="note">No spend ledger: ${e(report.ledgerReason ?? 'the ledger needs per-principal spend: give --cur with a CUR 2.0 export (docs/cur.md)')}.</p>`)
    if (s) body.push('<div class="headline">', kpi('ce-total', 'Bedrock spend (Cost Explorer)', formatMoney(s.total, currency), s.total), '</div>')
  }
  if (s) {
    body.push(`<p class="note">${e(`Cost Explorer: ${s.basis}${s.estimated ? ' (partly estimated: the month is not closed)' : ''}.`)}</p>`)
    const rows = report.keys.map((k) => `<tr><th scope="row"><code>${e(k.tagKey)}</code></th><td>${e(activation(k))}</td></tr>`)
    body.push(`<section aria-labelledby="h-activation"><h2 id="h-activation">Tag activation</h2><table><caption>IAM-principal cost allocation tags</caption><thead><tr><th scope="col">Required key</th><th scope="col">Cost allocation tag</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`)
    body.push(...report.keys.map((k, i) => keySection(k, currency, i)))
  } else if (!l) {
    body.push(`<p class="note">Spend not checked: ${e(report.coverage.reason ?? 'no Cost Explorer data')}.</p>`)
  }
  const notes = s?.notes ?? []
  if (notes.length > 0) body.push(`<section aria-labelledby="h-notes"><h2 id="h-notes">Notes</h2><ul>${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul></section>`)
  body.push(errorsSection(report.errors))
  return htmlDocument(title, body)
}
