/**
 * The order people read findings in (text, Markdown, HTML): severity first, then the spend the fix
 * would recover (`spend.recoverable`, the ledger's dollars), then the format's usual order. JSON and
 * SARIF keep the report's own order.
 */
import { SEVERITY_RANK, type Finding } from '../model/finding.js'
import type { Ledger, LedgerCause } from '../model/ledger.js'
import { formatAmount, formatMoney } from '../spend/model.js'

/** A stable sort: findings equal on severity and recoverable spend keep `then`'s order (default: as given). */
export function readingOrder(findings: readonly Finding[], then?: (a: Finding, b: Finding) => number): Finding[] {
  const index = new Map(findings.map((f, i) => [f, i]))
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (b.spend?.recoverable ?? 0) - (a.spend?.recoverable ?? 0) ||
      (then ? then(a, b) : 0) ||
      index.get(a)! - index.get(b)!,
  )
}

/** In words, for every report: what the cause means. */
export const CAUSE_LABELS: Record<LedgerCause, string> = {
  'deleted-principal': 'principal deleted since',
  'account-not-scanned': 'account not scanned',
  'root-or-unidentified': 'root or no caller',
  'gateway-collapsed': 'collapsed onto an LLM gateway',
  'session-tags-not-passed': 'sessions pass no tags',
  'api-key-user': 'long-term API key user',
  'missing-tag': 'principal not tagged',
  'tag-added-after-spend': 'tagged after the spend',
  'case-drift': 'key spelled differently',
  'invalid-value': 'value not allowed',
}

export function causeLabel(cause: string): string {
  return (CAUSE_LABELS as Record<string, string>)[cause] ?? cause
}

/** `USD 655.30 recoverable` / `USD 192.37 billed, recovered by another finding`: the spend cell of a finding. */
export function findingSpendCell(f: Finding): string {
  const s = f.spend
  if (!s) return ''
  if (s.recoverable === undefined) return formatMoney(s.unattributed, s.currency)
  if (s.recoverable > 0) return `${formatMoney(s.recoverable, s.currency)} recoverable`
  return s.unattributed > 0 ? `${formatMoney(s.unattributed, s.currency)} billed, recovered by another finding's fix` : ''
}

/** `part` as a share of `whole`, `12.3%` (`n/a` when `whole` is not positive). */
export const pct = (part: number, whole: number): string => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a')

/** One line: `USD 10,807.30: 7,255.08 attributed (67.1%), 2,171.27 unattributed, 1,380.95 misattributed`. */
export function ledgerHeadline(l: Ledger): string {
  return `${formatMoney(l.total, l.currency)}: ${formatAmount(l.attributed)} attributed (${pct(l.attributed, l.total)}), ${formatAmount(l.unattributed)} unattributed (${pct(l.unattributed, l.total)}), ${formatAmount(l.misattributed)} misattributed (${pct(l.misattributed, l.total)})`
}

/** The largest causes, costliest first: `missing-tag 1,275.30, gateway-collapsed 1,078.20, …`. */
export function topCauses(l: Ledger, n = 3): Array<{ cause: string; amount: number }> {
  const by = new Map<string, number>()
  for (const e of l.byCause) by.set(e.cause, (by.get(e.cause) ?? 0) + e.amount)
  return [...by]
    .map(([cause, amount]) => ({ cause, amount: Math.round(amount * 100) / 100 }))
    .sort((a, b) => b.amount - a.amount || (a.cause < b.cause ? -1 : 1))
    .slice(0, n)
}
