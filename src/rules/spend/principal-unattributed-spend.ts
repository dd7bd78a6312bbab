import type { Subject } from '../../model/finding.js'
import type { PrincipalSpend } from '../../spend/cur-model.js'
import { findingSpend, formatMoney, formatPeriod, formatShare } from '../../spend/model.js'
import type { PrincipalSpendContext } from '../../spend/principal-context.js'
import { describeThreshold, levelFor, thresholdsFromOptions, THRESHOLD_SCHEMA, type SpendThresholds, type Threshold } from '../../spend/thresholds.js'
import type { PrincipalFacts } from '../../analysis/facts.js'
import { isUntaggedValue, roundAmount } from '../../spend/model.js'
import { defineRule, type RuleReport } from '../types.js'
import type { UnmatchedReason } from '../../model/spend.js'

/** Per principal, lower than the organization-wide defaults of `untagged-bedrock-spend`. */
export const PRINCIPAL_DEFAULT_THRESHOLDS: SpendThresholds = {
  warning: { percent: 5, usd: 10 },
  error: { percent: 10, usd: 100 },
}

type Cause = 'deleted' | 'accountNotScanned' | 'taggedAfter' | 'sessionOverride' | 'noPrincipal' | 'root' | 'federatedUser' | 'untraced'

const SESSIONS_IN_EVIDENCE = 10

/**
 * CUR 2.0 names the caller of every Bedrock request; this rule reads the bill per caller and reports
 * unattributed spend that the IAM findings do not already account for. A principal with an IAM finding
 * (untagged, no session tags, a direct-invoking gateway…) gets the spend on that finding instead: one
 * root cause, one finding.
 */
type Options = { warning?: Partial<Threshold>; error?: Partial<Threshold>; tagKeys?: string[] }
type MessageIds = 'deleted' | 'accountNotScanned' | 'taggedAfter' | 'sessionOverride' | 'noPrincipal' | 'root' | 'federatedUser' | 'untraced'

export const principalUnattributedSpend = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'principal-unattributed-spend',
    summary: 'A principal has Bedrock spend without a required `iamPrincipal/` tag, and no IAM finding explains it (CUR 2.0).',
    rationale:
      'The IAM checks say who could be attributed today; CUR 2.0 `line_item_iam_principal` says who was billed, and its `tags` column whether each request carried the required `iamPrincipal/<key>`. Spend can lack the key while IAM looks clean: the principal was deleted (its spend stays on the bill, belonging to nobody), its account was not scanned, the tag was added after the spend (tagging is not retroactive), a session passed an empty session tag that overrides the role’s own, or the caller is the root user. That money is unallocated in every chargeback.',
    remediation:
      'Follow the cause in the message: scan the missing account; re-create or tag the principal that replaced a deleted one; for spend before a tag was added, allocate it by hand once (tagging is not retroactive); have the IdP or gateway stop passing empty session tags; never call Bedrock as root.',
    defaultSeverity: 'error',
    appliesTo: ['user', 'role', 'account'],
    messages: {
      deleted:
        '{kind} {name} in account {account} is billed {unattributed} of Bedrock spend without `{keys}` ({share} of its {total}, {period}), but no such {kindLower} exists in the scanned IAM: it was deleted or renamed since, so the spend belongs to nobody ({threshold}).{sessions}',
      accountNotScanned:
        '{kind} {name} in account {account} is billed {unattributed} of Bedrock spend without `{keys}` ({share} of its {total}, {period}); account {account} was not scanned, so tagwarden cannot say why ({threshold}).{sessions}',
      taggedAfter:
        '{kind} {name} carries `{keys}` now, but {unattributed} of its Bedrock spend ({share} of {total}, {period}) was billed without it, last on {unattributedLast}: the tag was added after the spend, and tagging is not retroactive ({threshold}).{sessions}',
      sessionOverride:
        'Role {name} carries `{keys}`, yet {unattributed} of its Bedrock spend ({share} of {total}, {period}) was billed without a value: sessions passed an empty session tag, which overrides the role’s own ({threshold}).{sessions}',
      noPrincipal:
        'Account {account}: {unattributed} of Bedrock spend ({period}) has no `line_item_iam_principal` at all, so no principal can be tied to it ({threshold}). IAM principal data covers Bedrock runtime calls from 2026-04-08 on; batch jobs, agents and provisioned throughput may bill without a caller.',
      root: 'The root user of account {account} is billed {unattributed} of Bedrock spend ({period}); root cannot carry tags, so this spend can never be attributed ({threshold}).',
      federatedUser:
        'Federated user {name} (sts:GetFederationToken) in account {account} is billed {unattributed} of Bedrock spend without `{keys}` ({share} of {total}, {period}); federation-token sessions have no IAM principal to tag ({threshold}).',
      untraced:
        '{kind} {name} in account {account} is billed {unattributed} of Bedrock spend without `{keys}` ({share} of its {total}, {period}) although it carries the tags now and no IAM finding explains it ({threshold}).{sessions}',
    },
    tags: ['cost-attribution', 'billing', 'cur', 'bedrock'],
    precision: 'high',
    spend: 'principal',
    options: {
      warning: { ...THRESHOLD_SCHEMA, description: '`{ percent, usd }`: warn when a principal’s unattributed spend is at least `percent` % of its spend and at least `usd` US dollars (default 5 % and USD 10).', default: PRINCIPAL_DEFAULT_THRESHOLDS.warning },
      error: { ...THRESHOLD_SCHEMA, description: '`{ percent, usd }`: error from `percent` % and `usd` US dollars (default 10 % and USD 100).', default: PRINCIPAL_DEFAULT_THRESHOLDS.error },
      tagKeys: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Keys to check (default: the `tags.required` keys; they must be among the keys the CUR was read for).' },
    },
    examples: {
      nonCompliant: `# CUR 2.0 rows of a role deleted since
line_item_iam_principal                                             | line_item_unblended_cost | tags
arn:aws:sts::222222222222:assumed-role/notebook-experiments/jdoe    | 61.80                    | {}`,
      compliant: `arn:aws:sts::222222222222:assumed-role/chat-backend-lambda/fn-1 | 61.80 | {"iamPrincipal/team":"search"}`,
    },
  },
  check(ctx) {
    const pc = ctx.principalSpend
    if (!pc) return []
    const thresholds = thresholdsFromOptions({ warning: ctx.options.warning ?? PRINCIPAL_DEFAULT_THRESHOLDS.warning, error: ctx.options.error ?? PRINCIPAL_DEFAULT_THRESHOLDS.error })
    const own = ctx.options.tagKeys
    const keys = Array.isArray(own) && own.every((k) => typeof k === 'string') ? (own as string[]).filter((k) => pc.data.tagKeys.includes(k)) : pc.data.tagKeys
    const out: RuleReport<MessageIds>[] = []
    const report = (s: PrincipalSpend, cause: Cause, fact?: PrincipalFacts, owned?: number): void => {
      const unattributed = owned ?? unattributedFor(s, keys)
      const total = s.total
      const level = levelFor(unattributed, cause === 'noPrincipal' || cause === 'root' ? unattributed : total, thresholds)
      if (!level) return
      out.push(reportFor(s, cause, unattributed, level, thresholds, pc, keys, fact))
    }
    for (const u of pc.join.unmatched) {
      const cause = CAUSE_OF_UNMATCHED[u.reason]
      if (cause) report(u.spend, cause)
    }
    for (const [arn, s] of pc.join.byFact) {
      // With the ledger: the spend whose cause this rule owns (billed without a key the principal carries now),
      // whatever other IAM findings the principal has — they do not own that spend.
      const owned = pc.ledger ? roundAmount((pc.ledger.byPrincipal.get(s)?.get('tag-added-after-spend') ?? 0) / 1e6) : undefined
      if (owned !== undefined ? owned <= 0 : unattributedFor(s, keys) <= 0 || pc.explainedBy.has(arn)) continue
      const fact = pc.join.facts.get(arn)
      report(s, causeOfMatched(s, fact, keys), fact, owned)
    }
    return out
  },
})

const CAUSE_OF_UNMATCHED: Record<UnmatchedReason, Cause | undefined> = {
  deleted: 'deleted',
  'account-not-scanned': 'accountNotScanned',
  'no-principal': 'noPrincipal',
  root: 'root',
  'federated-user': 'federatedUser',
  unknown: undefined,
}

/** Spend lacking at least one of `keys` (the CUR's own figure when the keys are all the CUR was read for). */
function unattributedFor(s: PrincipalSpend, keys: readonly string[]): number {
  if (keys.length === Object.keys(s.byKey).length) return s.unattributed
  return Math.max(0, ...keys.map((k) => s.byKey[k]?.unattributed ?? 0))
}

function hasAllTags(fact: PrincipalFacts | undefined, keys: readonly string[]): boolean {
  if (!fact) return false
  return keys.every((k) => fact.tags.some((t) => t.key === k && !isUntaggedValue(t.value)))
}

/** Why a principal that IAM finds nothing wrong with still has unattributed spend. */
function causeOfMatched(s: PrincipalSpend, fact: PrincipalFacts | undefined, keys: readonly string[]): Cause {
  if (hasAllTags(fact, keys)) {
    // Unattributed spend that ended before the attributed spend began: the tag came later.
    if (s.unattributedLast !== undefined && (s.attributedFirst === undefined || s.unattributedLast <= s.attributedFirst)) return 'taggedAfter'
    if (s.kind === 'role' && (s.sessions?.top.some((x) => x.unattributed > 0) ?? false)) return 'sessionOverride'
  }
  return 'untraced'
}

function reportFor(s: PrincipalSpend, cause: Cause, unattributed: number, level: 'warning' | 'error', t: SpendThresholds, pc: PrincipalSpendContext, keys: readonly string[], fact?: PrincipalFacts): RuleReport<MessageIds> {
  const { currency, period } = pc.data
  const sessions = (s.sessions?.top ?? []).filter((x) => x.unattributed > 0)
  const sessionText =
    sessions.length > 0
      ? ` Sessions: ${sessions
          .slice(0, 3)
          .map((x) => `${x.name} (${formatMoney(x.unattributed, currency)})`)
          .join(', ')}${(s.sessions?.count ?? 0) > 3 ? ` and ${(s.sessions?.count ?? 0) - 3} more` : ''}.`
      : ''
  const subject: Subject = fact
    ? { kind: fact.kind, arn: fact.arn, name: fact.name, accountId: fact.accountId }
    : s.kind === 'user' || s.kind === 'role'
      ? { kind: s.kind, arn: s.arn, name: s.name, accountId: s.accountId }
      : { kind: 'account', accountId: s.accountId, name: cause === 'noPrincipal' ? 'no-principal' : s.kind === 'root' ? 'root' : s.name }
  return {
    messageId: cause,
    severity: level,
    subject,
    data: {
      kind: s.kind === 'user' ? 'User' : s.kind === 'role' ? 'Role' : s.kind,
      kindLower: s.kind,
      name: s.name,
      account: s.accountId,
      keys: keys.map((k) => `iamPrincipal/${k}`).join('`, `'),
      unattributed: formatMoney(unattributed, currency),
      total: formatMoney(s.total, currency),
      share: formatShare(unattributed, s.total),
      period: formatPeriod(period),
      unattributedLast: s.unattributedLast ?? '?',
      threshold: describeThreshold(level, t),
      sessions: sessionText,
      unattributedAmount: unattributed,
      totalAmount: s.total,
    },
    spend: findingSpend(s.total, unattributed, currency, period),
    evidence: evidenceOf(s, level, pc),
    fix: fixFor(cause, s),
  }
}

function evidenceOf(s: PrincipalSpend, level: 'warning' | 'error', pc: PrincipalSpendContext) {
  return {
    level,
    source: pc.data.source,
    billedAs: s.arn || '(no line_item_iam_principal)',
    byKey: s.byKey,
    ...(s.sessions ? { sessions: { count: s.sessions.count, capped: s.sessions.capped, top: s.sessions.top.slice(0, SESSIONS_IN_EVIDENCE) } } : {}),
    ...(s.first ? { firstUsage: s.first, lastUsage: s.last } : {}),
    ...(s.unattributedFirst ? { unattributedFrom: s.unattributedFirst, unattributedTo: s.unattributedLast } : {}),
    lineItems: s.rows,
  }
}

function fixFor(cause: Cause, s: PrincipalSpend): string {
  switch (cause) {
    case 'deleted':
      return `Allocate this spend by hand for the period; if ${s.name} was replaced, make sure the replacement carries the required tags (tagwarden scan lists it if not).`
    case 'accountNotScanned':
      return `Scan account ${s.accountId} too (add its snapshot to --input, or include it in --org), so the cause can be found.`
    case 'taggedAfter':
      return 'Nothing to change on the principal now; allocate the spend billed before the tag by hand. Tag new principals before they first call Bedrock.'
    case 'sessionOverride':
      return `Have the IdP or gateway that assumes ${s.name} stop passing an empty value for the key (or pass the right one): a session tag overrides the role tag of the same key.`
    case 'noPrincipal':
      return 'Check which Bedrock usage bills without a caller (line_item_usage_type, line_item_operation in the CUR) and allocate it by account.'
    case 'root':
      return `Stop using the root user of ${s.accountId} for Bedrock; use a tagged IAM role.`
    case 'federatedUser':
      return 'Use an IAM role with session tags instead of sts:GetFederationToken for Bedrock callers.'
    default:
      return 'Look at the sessions and days in the evidence: the principal was billed without the tag although it carries it now.'
  }

}
