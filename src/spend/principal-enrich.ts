/**
 * The bill on the findings: every finding whose principal has Bedrock spend in the CUR gains
 * `spend = {total, unattributed, currency, period}`, findings are ordered by unattributed spend within
 * a severity (the costliest gaps first), and the summary says how much was attributed.
 */
import { SEVERITY_RANK, type Finding, type FindingSpend } from '../model/finding.js'
import { compareFindings } from '../model/fingerprint.js'
import type { CurSpendData, PrincipalSpend } from './cur-model.js'
import { findingSpend, formatMoney, formatPeriod, roundAmount } from './model.js'
import type { PrincipalJoin } from './principal-join.js'
import type { PrincipalSpendSummary } from '../model/spend.js'

/**
 * Sets `spend` on every finding whose principal the CUR bills (matched through the join, or a deleted
 * principal by its IAM-form ARN); findings whose rule set their own spend (account-level ones) keep it.
 * Returns how many findings carry spend.
 */
export function enrichFindingsWithSpend(findings: Finding[], data: Pick<CurSpendData, 'currency' | 'period'>, join: PrincipalJoin): number {
  const byArn = new Map<string, PrincipalSpend>(join.byFact)
  for (const u of join.unmatched) if (u.spend.arn !== '' && !byArn.has(u.spend.arn)) byArn.set(u.spend.arn, u.spend)
  let n = 0
  for (const f of findings) {
    const s = f.principalArn !== undefined ? byArn.get(f.principalArn) : undefined
    if (s && s.total !== 0) f.spend = findingSpend(s.total, s.unattributed, data.currency, data.period)
    if (f.spend !== undefined) n++
  }
  return n
}

/** Severity first; within it the costliest unattributed spend, then the costliest spend, then the usual order. */
export function compareBySpend(a: Finding, b: Finding): number {
  const sa = a.spend
  const sb = b.spend
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (sb?.unattributed ?? 0) - (sa?.unattributed ?? 0) || (sb?.total ?? 0) - (sa?.total ?? 0) || compareFindings(a, b)
}

export function sortFindingsBySpend(findings: Finding[]): void {
  findings.sort(compareBySpend)
}

/** `Bedrock spend USD 1,123.60, all unattributed (2026-07-21 to 2026-08-19)`: one line for the text report. */
export function formatFindingSpend(s: FindingSpend): string {
  const un = s.unattributed === 0 ? 'all attributed' : s.unattributed >= s.total ? 'all unattributed' : `${formatMoney(s.unattributed, s.currency)} unattributed`
  const rec = s.recoverable === undefined ? '' : s.recoverable > 0 ? `; fixing this recovers ${formatMoney(s.recoverable, s.currency)}` : s.unattributed > 0 ? '; another finding owns the cause' : ''
  return `Bedrock spend ${formatMoney(s.total, s.currency)}, ${un} (${formatPeriod(s.period)})${rec}`
}

export function principalSpendSummary(data: CurSpendData, join: PrincipalJoin, findingsWithSpend: number): PrincipalSpendSummary {
  const unmatched: PrincipalSpendSummary['principals']['unmatched'] = {}
  for (const u of join.unmatched) unmatched[u.reason] = (unmatched[u.reason] ?? 0) + 1
  const billed = data.principals.filter((p) => p.kind !== 'none')
  return {
    source: data.source,
    period: data.period,
    currency: data.currency,
    total: data.total,
    attributed: roundAmount(data.total - data.unattributed),
    unattributed: data.unattributed,
    byKey: data.tagKeys.map((k) => {
      const t = data.byTag[k]
      const un = t?.untagged ?? 0
      return { tagKey: k, unattributed: un, share: t && t.total > 0 ? Math.round((un / t.total) * 10_000) / 10_000 : null }
    }),
    principals: { billed: billed.length, matched: join.byFact.size, withUnattributed: billed.filter((p) => p.unattributed > 0).length, unmatched },
    noPrincipal: data.principals.filter((p) => p.kind === 'none').reduce((n, p) => roundAmount(n + p.total), 0),
    findingsWithSpend,
    inputs: { files: data.stats.files, rows: data.stats.rows, bedrockRows: data.stats.bedrockRows, skippedRows: data.stats.skippedRows, superseded: data.stats.superseded.length },
    notes: data.notes,
  }
}

/** One line for the text summary: `CUR  USD 10,807.30 Bedrock (…): USD 8,516.03 attributed, USD 2,291.27 unattributed (21.2%) …`. */
export function principalSpendLine(s: PrincipalSpendSummary): string {
  const share = s.total > 0 ? ` (${((s.unattributed / s.total) * 100).toFixed(1)}%)` : ''
  const skipped = s.inputs.skippedRows > 0 ? `; ${s.inputs.skippedRows} row${s.inputs.skippedRows === 1 ? '' : 's'} skipped` : ''
  const gone = (s.principals.unmatched.deleted ?? 0) + (s.principals.unmatched['account-not-scanned'] ?? 0)
  return (
    `${formatMoney(s.total, s.currency)} Bedrock ${formatPeriod(s.period)}: ${formatMoney(s.attributed, s.currency)} attributed, ${formatMoney(s.unattributed, s.currency)} unattributed${share}; ` +
    `${s.principals.billed} billed principal${s.principals.billed === 1 ? '' : 's'} (${s.principals.withUnattributed} with unattributed spend${gone > 0 ? `, ${gone} not in the scanned IAM` : ''}); ${s.findingsWithSpend} finding${s.findingsWithSpend === 1 ? ' carries' : 's carry'} spend${skipped}`
  )
}
