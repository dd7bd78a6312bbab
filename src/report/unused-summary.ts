/**
 * `bedrock-capable-unused` notes are the same fact for thousands of principals in a large organization
 * (every role that was never used). Text, Markdown and HTML list them one by one only up to a few per
 * account and otherwise say it once per account, with a count and a few names; JSON and SARIF keep
 * every finding. Pure: the reporters (and the HTML report) decide where the lines go.
 */
import type { Finding } from '../model/finding.js'

export const UNUSED_RULE_ID = 'bedrock-capable-unused'
/** An account with more unused notes than this gets one summary line instead of a line per principal. */
export const UNUSED_SUMMARY_THRESHOLD = 10
/** Names shown in a summary line. */
const EXAMPLES = 3

export interface UnusedAccountSummary {
  kind: 'unused-summary'
  ruleId: string
  /** The account's ID; `org-wide` for findings without one (IaC templates). */
  accountId: string
  /** Notes summarised (every one stays in the JSON and SARIF outputs). */
  count: number
  /** The first few principal names, in report order. */
  examples: string[]
  /** The notes themselves, for a renderer that shows them on demand (HTML). */
  findings: Finding[]
}

export interface UnusedSummaryOptions {
  /** Default `UNUSED_SUMMARY_THRESHOLD`; `Infinity` lists every note. */
  threshold?: number
  /** Rule IDs whose notes are summarised (custom instances of the rule included); default the built-in's ID. */
  ruleIds?: ReadonlySet<string>
}

export function isUnusedSummary(x: Finding | UnusedAccountSummary): x is UnusedAccountSummary {
  return (x as UnusedAccountSummary).kind === 'unused-summary'
}

const accountOf = (f: Finding): string => f.subject.accountId ?? 'org-wide'

/**
 * The findings in their order, with the unused notes of each account that has more than `threshold` of
 * them replaced by one summary at the place of the account's first note. Only notes (a rule raised to
 * warning or error is listed in full) and only unsuppressed findings are summarised.
 */
export function summariseUnusedNotes(findings: readonly Finding[], opts: UnusedSummaryOptions = {}): Array<Finding | UnusedAccountSummary> {
  const threshold = opts.threshold ?? UNUSED_SUMMARY_THRESHOLD
  const ids = opts.ruleIds ?? new Set([UNUSED_RULE_ID])
  const counts = new Map<string, number>()
  const summarisable = (f: Finding): boolean => ids.has(f.ruleId) && f.severity === 'note' && !f.suppressed
  for (const f of findings) if (summarisable(f)) counts.set(`${f.ruleId}\u0000${accountOf(f)}`, (counts.get(`${f.ruleId}\u0000${accountOf(f)}`) ?? 0) + 1)
  if (![...counts.values()].some((n) => n > threshold)) return [...findings]
  const groups = new Map<string, UnusedAccountSummary>()
  const out: Array<Finding | UnusedAccountSummary> = []
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${accountOf(f)}`
    if (!summarisable(f) || (counts.get(key) ?? 0) <= threshold) {
      out.push(f)
      continue
    }
    let g = groups.get(key)
    if (!g) {
      g = { kind: 'unused-summary', ruleId: f.ruleId, accountId: accountOf(f), count: 0, examples: [], findings: [] }
      groups.set(key, g)
      out.push(g)
    }
    g.count++
    g.findings.push(f)
    if (g.examples.length < EXAMPLES) g.examples.push(f.subject.name ?? f.subject.arn ?? '?')
  }
  return out
}

/** `412 Bedrock-capable principals have never used Bedrock (e.g. a, b, c and 409 more)`: plain text, no escaping. */
export function unusedSummaryText(s: UnusedAccountSummary): string {
  const more = s.count - s.examples.length
  return `${s.count} Bedrock-capable principals can run Bedrock inference but have not used it (e.g. ${s.examples.join(', ')}${more > 0 ? ` and ${more} more` : ''}). Remove their Bedrock permissions (least privilege); every one is listed in the JSON and SARIF outputs.`
}
