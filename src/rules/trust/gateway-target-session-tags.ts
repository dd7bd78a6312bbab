import { escapeControl } from '../../util/escape.js'
import { defineRule } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { hasRequiredTag } from '../tag-helpers.js'
import { requireOnAssumeCondition, tagSessionStatement } from './fix-snippets.js'

/**
 * A per-user Bedrock role shared by a gateway is attributed per team only through session tags; the
 * trust policy must allow them and insist on every required key, or the gateway can forget them.
 */
type Options = Record<never, never>
type MessageIds = 'notRequired'

export const gatewayTargetSessionTags = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'gateway-target-session-tags',
    summary: 'A Bedrock role assumed by an LLM gateway does not require the team session tags.',
    rationale:
      'Session tags become `iamPrincipal/<key>` cost allocation tags on every call made in the session. A role that a gateway assumes on behalf of many users and teams has no single right tag of its own; unless the trust policy allows `sts:TagSession` and requires every required key, the gateway\'s calls can arrive untagged.',
    remediation:
      'Add a trust statement allowing `sts:TagSession` for the gateway (limit `aws:TagKeys`), and add `"Null": {"aws:RequestTag/<key>": "false"}` for each required key to every statement that lets the gateway `sts:AssumeRole`.',
    defaultSeverity: 'error',
    appliesTo: ['role'],
    messages: {
      notRequired:
        'Role {name} can run Bedrock inference, is assumed by gateway {gateway}, and lacks {missing} itself, but its trust policy {problem}, so gateway sessions can reach Bedrock without team tags. Allow `sts:TagSession` and require {missing} on the gateway\'s AssumeRole statement.',
    },
    tags: ['cost-attribution', 'gateway', 'session-tags', 'bedrock'],
    precision: 'high',
    iacFix: 'gateway-session-tags',
    locus: 'trust',
    examples: {
      nonCompliant: '{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/llm-gateway-exec"},"Action":"sts:AssumeRole"}',
      compliant:
        '[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/llm-gateway-exec"},"Action":"sts:AssumeRole","Condition":{"Null":{"aws:RequestTag/team":"false"}}},\n {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/llm-gateway-exec"},"Action":"sts:TagSession"}]',
    },
  },
  check(p, ctx) {
    if (p.kind !== 'role' || !p.capability.capable || p.gateway || !p.trust) return []
    if (p.trust.gateways.length === 0) return []
    const keys = ctx.settings.requiredTags.map((t) => t.key)
    const missing = keys.filter((k) => !hasRequiredTag(p.tags, k))
    if (missing.length === 0) return []
    const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase())
    const failing = p.trust.gateways.filter((g) => {
      const req = lower(g.requiredTagKeysOnEveryAssume)
      return !(g.allowsTagSession && keys.every((k) => req.includes(k.toLowerCase())))
    })
    if (failing.length === 0) return []
    const g = failing[0]!
    const notRequired = keys.filter((k) => !lower(g.requiredTagKeysOnEveryAssume).includes(k.toLowerCase()))
    const problems: string[] = []
    if (!g.allowsTagSession) problems.push('does not allow `sts:TagSession`')
    if (notRequired.length > 0) problems.push(`does not require ${notRequired.map((k) => `\`aws:RequestTag/${k}\``).join(', ')} on every statement letting the gateway assume it`)
    const m = missing.map((k) => `\`${k}\``).join(', ')
    return [
      {
        messageId: 'notRequired',
        data: { name: p.name, gateway: failing.map((x) => x.gateway.arn).join(', '), missing: m, problem: problems.join(' and ') },
        evidence: capabilityEvidence(p, {
          missingTags: missing,
          gateways: failing.map((x) => ({ arn: x.gateway.arn, reason: x.gateway.reason, allowsTagSession: x.allowsTagSession, requiredTagKeysOnEveryAssume: x.requiredTagKeysOnEveryAssume, statements: x.statements })),
        }),
        fix: `Add to the trust policy of ${escapeControl(p.name)}:\n${tagSessionStatement({ AWS: g.gateway.arn }, keys)}\nand to each statement allowing the gateway sts:AssumeRole:\n${requireOnAssumeCondition(keys, false)}`,
      },
    ]
  },
})
