import { untaggedSkipReason } from '../../spend/coverage.js'
import { ruleTagKeys, spendOf } from '../spend-context.js'
import { findingSpend, formatMoney, formatPeriod, formatShare, type FindingSpend, type SpendData } from '../../spend/model.js'
import { describeThreshold, levelFor, thresholdsFromOptions, DEFAULT_THRESHOLDS, THRESHOLD_SCHEMA, type Threshold } from '../../spend/thresholds.js'
import type { Severity } from '../../model/finding.js'
import { defineRule, type RuleReport } from '../types.js'

/**
 * A report whose severity follows the threshold reached (the engine caps it at the configured
 * severity) and that carries its spend (the engine copies it to `Finding.spend`).
 */
type LeveledReport = RuleReport<MessageIds> & { severity?: Severity; spend?: FindingSpend }

/**
 * The bill's own verdict on tagging: the share of Bedrock spend that Cost Explorer shows without a
 * value for a required key, per linked account and for the organization. Two thresholds (rule options)
 * decide warning or error; below the lower one the figure appears only in the spend report. A key that
 * is not an active cost allocation tag is left to `cost-tag-inactive`: grouped by an inactive key, all
 * spend looks untagged.
 */
type Options = { warning?: Partial<Threshold>; error?: Partial<Threshold>; tagKeys?: string[] }
type MessageIds = 'account' | 'total'

export const untaggedBedrockSpend = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'untagged-bedrock-spend',
    summary: 'Too much Bedrock spend carries no value for a required tag key (Cost Explorer).',
    rationale:
      'IAM checks say which principals could be attributed; the bill says how much was not. Cost Explorer groups Bedrock spend by the `iamPrincipal/<key>` cost allocation tag and puts everything without a value into one untagged bucket (`<key>$`). That money belongs to no team: every untagged dollar is one the chargeback cannot assign, whatever the reason (an untagged role, a federated session without session tags, a gateway calling Bedrock with its own identity).',
    remediation:
      'Find the callers behind the untagged spend: `tagwarden scan` lists the Bedrock-capable principals of the account that lack the tag or cannot pass session tags, and CUR 2.0 `line_item_iam_principal` names each caller. Tag them, or have the IdP or gateway pass session tags. Tagging is not retroactive: past spend stays untagged.',
    defaultSeverity: 'error',
    appliesTo: ['account', 'org'],
    messages: {
      account:
        'Account {account}{accountName}: {share} of its Bedrock spend ({untagged} of {total}, {period}) has no `{costKey}` value, so it cannot be attributed by `{tagKey}` ({threshold}). `tagwarden scan` lists this account\'s Bedrock-capable principals without the tag; CUR 2.0 `line_item_iam_principal` names the callers.',
      total:
        '{share} of the organization\'s Bedrock spend ({untagged} of {total} across {accounts} accounts, {period}) has no `{costKey}` value, so it cannot be attributed by `{tagKey}` ({threshold}).',
    },
    tags: ['cost-attribution', 'billing', 'cost-explorer', 'bedrock'],
    precision: 'high',
    spend: 'account',
    options: {
      warning: { ...THRESHOLD_SCHEMA, description: '`{ percent, usd }`: warn when the untagged share is at least `percent` % and at least `usd` US dollars (default 10 % and USD 100).', default: DEFAULT_THRESHOLDS.warning },
      error: { ...THRESHOLD_SCHEMA, description: '`{ percent, usd }`: error when the untagged share is at least `percent` % and at least `usd` US dollars (default 25 % and USD 1,000).', default: DEFAULT_THRESHOLDS.error },
      tagKeys: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Keys to check for this rule instance (default: the `tags.required` keys).' },
    },
    examples: {
      nonCompliant: `# aws ce get-cost-and-usage … --group-by Type=DIMENSION,Key=LINKED_ACCOUNT Type=TAG,Key=iamPrincipal/team
{ "Keys": ["222222222222", "iamPrincipal/team$"], "Metrics": { "UnblendedCost": { "Amount": "1123.60", "Unit": "USD" } } }   # 31 % of the account`,
      compliant: `{ "Keys": ["222222222222", "iamPrincipal/team$search"], "Metrics": { "UnblendedCost": { "Amount": "2411.50", "Unit": "USD" } } }   # untagged share below 10 %`,
    },
  },
  check(ctx) {
    const spend = spendOf(ctx)
    // No period means no figures (a saved tag list alone).
    if (!spend?.period) return []
    const period = spend.period
    const thresholds = thresholdsFromOptions(ctx.options)
    const out: LeveledReport[] = []
    for (const tagKey of ruleTagKeys(ctx)) {
      if (untaggedSkipReason(spend, tagKey) !== undefined) continue
      const t = spend.byTag[tagKey]
      if (!t) continue
      const base = { tagKey, costKey: t.costKey, period: formatPeriod(period) }
      const accounts = Object.entries(t.byAccount).filter(([id]) => id !== '*')
      for (const [accountId, a] of accounts) {
        const level = levelFor(a.untagged, a.total, thresholds)
        if (!level) continue
        const name = spend.accounts[accountId]?.name
        out.push({
          messageId: 'account',
          severity: level,
          tagKey,
          subject: { kind: 'account', accountId },
          data: {
            ...base,
            account: accountId,
            accountName: name ? ` (${name})` : '',
            ...amounts(a.untagged, a.total, spend),
            threshold: describeThreshold(level, thresholds),
          },
          spend: findingSpend(a.total, a.untagged, spend.currency, period),
          evidence: evidenceOf(level, spend, t.costKey, a.byValue),
        })
      }
      // One account: its finding already says it all.
      if (accounts.length === 1 && !t.byAccount['*']) continue
      const level = levelFor(t.untagged, t.total, thresholds)
      if (!level) continue
      out.push({
        messageId: 'total',
        severity: level,
        tagKey,
        subject: { kind: 'org' },
        data: { ...base, accounts: accounts.length, ...amounts(t.untagged, t.total, spend), threshold: describeThreshold(level, thresholds) },
        spend: findingSpend(t.total, t.untagged, spend.currency, period),
        evidence: evidenceOf(level, spend, t.costKey, t.byValue),
      })
    }
    return out
  },
})

function amounts(untagged: number, total: number, spend: SpendData): Record<string, string | number> {
  return {
    share: formatShare(untagged, total),
    untagged: formatMoney(untagged, spend.currency),
    total: formatMoney(total, spend.currency),
    untaggedAmount: untagged,
    totalAmount: total,
  }
}

function evidenceOf(level: 'warning' | 'error', spend: SpendData, costKey: string, byValue: Record<string, number>) {
  return {
    level,
    costKey,
    basis: spend.basis,
    byValue,
    ...(spend.estimated ? { estimated: true } : {}),
  }

}
