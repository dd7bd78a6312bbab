import { escapeControl } from '../../util/escape.js'
import { defineRule } from '../types.js'
import { capabilityEvidence } from '../evidence.js'

/**
 * CUR records a federated caller as `assumed-role/<Role>/<session name>`. When the trust policy lets
 * the caller choose any session name, that name identifies nobody, and per-user spend is lost.
 */
type Options = Record<never, never>
type MessageIds = 'unconstrained'

export const federatedRoleSessionName = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'federated-role-session-name',
    summary: 'A Bedrock-capable federated role lets callers choose any session name and sets no source identity.',
    rationale:
      'For a federated role, the session name in `line_item_iam_principal` (`…:assumed-role/Role/<session>`) is the only per-user identity the bill carries. If the trust policy neither constrains `sts:RoleSessionName` nor requires a source identity, a session can be named anything and spend cannot be traced to a person.',
    remediation:
      'Constrain `sts:RoleSessionName` in the federated trust statement (e.g. `StringLike: {"sts:RoleSessionName": "*@example.com"}` or equal to `${saml:sub}`), or require `sts:SourceIdentity` and allow `sts:SetSourceIdentity` in its own statement.',
    defaultSeverity: 'warning',
    appliesTo: ['role'],
    messages: {
      unconstrained:
        'Role {name} can run Bedrock inference through federation ({providers}) but its trust policy neither constrains `sts:RoleSessionName` nor requires a source identity, so sessions need not name the user and per-user spend cannot be traced. Add a `sts:RoleSessionName` condition (e.g. `*@your-domain`) to the federated statement.',
    },
    tags: ['cost-attribution', 'federation', 'session-name', 'bedrock'],
    precision: 'medium',
    locus: 'trust',
    examples: {
      nonCompliant: '{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}',
      compliant:
        '{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"},"StringLike":{"sts:RoleSessionName":"*@example.com"}}}',
    },
  },
  check(p) {
    if (p.kind !== 'role' || !p.capability.capable || p.gateway || !p.trust) return []
    if (!p.paths.includes('federation')) return []
    const fed = p.trust.federation
    // Identity Center always names the session after the user.
    if (fed.identityCenter || fed.constrainsSessionName || fed.requiresSourceIdentity) return []
    return [
      {
        messageId: 'unconstrained',
        data: { name: p.name, providers: fed.providers.join(', ') || 'an identity provider' },
        evidence: capabilityEvidence(p, { providers: fed.providers, otherPaths: p.paths.filter((x) => x !== 'federation') }),
        fix: `In the federated statement of ${escapeControl(p.name)}'s trust policy add:\n"StringLike": { "sts:RoleSessionName": "*@your-domain.example" }`,
      },
    ]
  },
})
