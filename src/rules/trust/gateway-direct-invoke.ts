import { defineRule } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { summarizeActions } from '../tag-helpers.js'

/**
 * A gateway that calls Bedrock with its own identity collapses every user's spend onto one principal.
 * The gateway should instead assume a per-user role with SourceIdentity and session tags.
 */
type Options = Record<never, never>
type MessageIds = 'directInvoke'

export const gatewayDirectInvoke = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'gateway-direct-invoke',
    summary: 'An LLM gateway role can itself run Bedrock inference.',
    rationale:
      'Bedrock bills each call to the principal that made it. A gateway that invokes models with its own role puts every user\'s and team\'s spend on that single identity; no tag on the gateway can split it.',
    remediation:
      'Remove Bedrock inference permissions from the gateway role. Let it call `sts:AssumeRole` (with `sts:TagSession` and `sts:SetSourceIdentity`) on a Bedrock invocation role per request, passing the user as SourceIdentity and the team as a session tag.',
    defaultSeverity: 'error',
    appliesTo: ['role'],
    messages: {
      directInvoke:
        'Gateway role {name} ({reason}) can itself run Bedrock inference ({actions}), so all spend it makes collapses onto this one identity. Remove its Bedrock permissions and have it assume a per-user Bedrock role with SourceIdentity and session tags.',
    },
    tags: ['cost-attribution', 'gateway', 'bedrock'],
    precision: 'high',
    iacFix: 'gateway-direct-invoke',
    examples: {
      nonCompliant: '# Role llm-gateway-exec with AmazonBedrockFullAccess attached',
      compliant: '# Role llm-gateway-exec allowed only sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity on arn:aws:iam::111122223333:role/bedrock-invoke-per-user',
    },
  },
  check(p) {
    if (p.kind !== 'role' || !p.gateway || !p.capability.capable) return []
    return [
      {
        messageId: 'directInvoke',
        data: { name: p.name, reason: p.gateway.reason, actions: summarizeActions(p.capability.actions) },
        evidence: capabilityEvidence(p, { gatewayReason: p.gateway.reason }),
        fix: `Detach or remove the statements granting Bedrock inference from ${p.name} (see evidence.grants); grant it sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity on the per-user Bedrock role instead.`,
      },
    ]
  },
})
