import { escapeControl } from '../../util/escape.js'
import { defineRule } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { requireOnAssumeCondition, setSourceIdentityStatement } from './fix-snippets.js'

/**
 * A role an LLM gateway assumes per user must carry the user's identity: SourceIdentity is set once,
 * cannot be changed, survives role chaining and appears in CloudTrail; without it the session says nothing.
 */
type Options = Record<never, never>
type MessageIds = 'notRequired'

export const gatewayTargetSourceIdentity = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'gateway-target-source-identity',
    summary: 'A Bedrock role assumed by an LLM gateway does not require a source identity.',
    rationale:
      'When a gateway assumes a Bedrock role for each user, the source identity is what ties a session (and its spend) to a person. Unless the trust policy both allows `sts:SetSourceIdentity` and requires `sts:SourceIdentity` on every statement that lets the gateway assume the role, the gateway can skip it.',
    remediation:
      'Add a trust statement allowing `sts:SetSourceIdentity` for the gateway, and add `"Null": {"sts:SourceIdentity": "false"}` to every statement that allows the gateway `sts:AssumeRole`.',
    defaultSeverity: 'error',
    appliesTo: ['role'],
    messages: {
      notRequired:
        'Role {name} can run Bedrock inference and is assumed by gateway {gateway}, but its trust policy {problem}, so per-user sessions need not carry the user\'s identity. Allow `sts:SetSourceIdentity` and require `sts:SourceIdentity` on the gateway\'s AssumeRole statement.',
    },
    tags: ['cost-attribution', 'gateway', 'source-identity', 'bedrock'],
    precision: 'high',
    iacFix: 'gateway-source-identity',
    locus: 'trust',
    examples: {
      nonCompliant: '{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/llm-gateway-exec"},"Action":"sts:AssumeRole"}',
      compliant:
        '[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/llm-gateway-exec"},"Action":"sts:AssumeRole","Condition":{"Null":{"sts:SourceIdentity":"false"}}},\n {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/llm-gateway-exec"},"Action":"sts:SetSourceIdentity"}]',
    },
  },
  check(p) {
    if (p.kind !== 'role' || !p.capability.capable || p.gateway || !p.trust) return []
    const failing = p.trust.gateways.filter((g) => !(g.allowsSetSourceIdentity && g.requiresSourceIdentityOnEveryAssume))
    if (failing.length === 0) return []
    const g = failing[0]!
    const problems: string[] = []
    if (!g.allowsSetSourceIdentity) problems.push('does not allow `sts:SetSourceIdentity`')
    if (!g.requiresSourceIdentityOnEveryAssume) problems.push('does not require `sts:SourceIdentity` on every statement letting the gateway assume it')
    return [
      {
        messageId: 'notRequired',
        data: { name: p.name, gateway: failing.map((x) => x.gateway.arn).join(', '), problem: problems.join(' and ') },
        evidence: capabilityEvidence(p, {
          gateways: failing.map((x) => ({ arn: x.gateway.arn, reason: x.gateway.reason, allowsSetSourceIdentity: x.allowsSetSourceIdentity, requiresSourceIdentityOnEveryAssume: x.requiresSourceIdentityOnEveryAssume, statements: x.statements })),
        }),
        fix: `Add to the trust policy of ${escapeControl(p.name)}:\n${setSourceIdentityStatement({ AWS: g.gateway.arn })}\nand to each statement allowing the gateway sts:AssumeRole:\n${requireOnAssumeCondition([], true)}`,
      },
    ]
  },
})
