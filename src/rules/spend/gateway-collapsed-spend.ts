import { findingSpend, formatMoney, formatPeriod } from '../../spend/model.js'
import { defineRule, type RuleReport } from '../types.js'

const GATEWAY_DIRECT_INVOKE = 'gateway-direct-invoke'

/**
 * The bill's view of an LLM gateway: Bedrock requests made by the gateway role's own sessions are billed
 * to the gateway, one identity for every user. `gateway-direct-invoke` reports a gateway that IAM allows
 * to invoke Bedrock; this rule reports the spend when IAM does not explain it (the permission was
 * removed after the spend, or comes from somewhere the analysis cannot see).
 */
type Options = Record<never, never>
type MessageIds = 'collapsed'

export const gatewayCollapsedSpend = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'gateway-collapsed-spend',
    summary: 'A declared LLM gateway role’s own sessions carry Bedrock spend (CUR 2.0).',
    rationale:
      'A gateway should assume a per-user Bedrock role for each request, so CUR 2.0 bills `assumed-role/<per-user role>/<user>` with the user’s session tags. Spend billed to the gateway role itself is collapsed: every user and team behind the gateway shares one identity and one set of tags, and no report can split it afterwards.',
    remediation:
      'Find what still calls Bedrock with the gateway’s own credentials (the sessions in the evidence name the tasks or hosts) and route it through the per-user AssumeRole path with SourceIdentity and session tags.',
    defaultSeverity: 'error',
    appliesTo: ['role'],
    messages: {
      collapsed:
        'Gateway role {name} ({reason}) was billed {total} of Bedrock spend through its own sessions ({period}){sessionsText}: that spend is collapsed onto the gateway instead of each user, and IAM no longer shows why (the role cannot invoke Bedrock now, or gets the permission from somewhere tagwarden cannot see).',
    },
    tags: ['cost-attribution', 'gateway', 'billing', 'cur', 'bedrock'],
    precision: 'very-high',
    spend: 'principal',
    examples: {
      nonCompliant: `# CUR 2.0: the gateway's own task role calls Bedrock
arn:aws:sts::111111111111:assumed-role/llm-gateway-exec/ecs-task-7f1c | 118.20 | {"iamPrincipal/team":"platform"}`,
      compliant: `# the gateway assumes the per-user role for every request
arn:aws:sts::222222222222:assumed-role/bedrock-invoke-per-user/jdoe@acme.example | 118.20 | {"iamPrincipal/team":"search"}`,
    },
  },
  check(ctx) {
    const pc = ctx.principalSpend
    if (!pc) return []
    const out: RuleReport<MessageIds>[] = []
    for (const [arn, s] of pc.join.byFact) {
      const fact = pc.join.facts.get(arn)
      if (!fact?.gateway || fact.kind !== 'role' || s.total <= 0) continue
      if (pc.explainedBy.get(arn)?.includes(GATEWAY_DIRECT_INVOKE)) continue
      const top = s.sessions?.top ?? []
      const count = s.sessions?.count ?? 0
      out.push({
        messageId: 'collapsed',
        subject: { kind: 'role', arn: fact.arn, name: fact.name, accountId: fact.accountId },
        data: {
          name: fact.name,
          reason: fact.gateway.reason,
          total: formatMoney(s.total, pc.data.currency),
          period: formatPeriod(pc.data.period),
          sessionsText: count > 0 ? ` in ${count}${s.sessions?.capped ? '+' : ''} session${count === 1 ? '' : 's'} (${top.slice(0, 3).map((x) => x.name).join(', ')}${count > 3 ? ', …' : ''})` : '',
          totalAmount: s.total,
        },
        spend: findingSpend(s.total, s.unattributed, pc.data.currency, pc.data.period),
        evidence: {
          gatewayReason: fact.gateway.reason,
          capableNow: fact.capability.capable,
          billedAs: s.arn,
          byKey: s.byKey,
          ...(s.sessions ? { sessions: { count: s.sessions.count, capped: s.sessions.capped, top: s.sessions.top.slice(0, 10) } } : {}),
          ...(s.first ? { firstUsage: s.first, lastUsage: s.last } : {}),
        },
        fix: `Route every Bedrock call of ${fact.name} through sts:AssumeRole on the per-user Bedrock role (with SourceIdentity and session tags); find the callers by the session names in the evidence.`,
      })
    }
    return out
  },
})
