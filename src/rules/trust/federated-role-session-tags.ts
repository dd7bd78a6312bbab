import { isPermissionSetRole } from '../../analysis/identity-center.js'
import { escapeControl } from '../../util/escape.js'
import { defineRule } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { hasRequiredTag } from '../tag-helpers.js'
import { tagSessionStatement } from './fix-snippets.js'

/**
 * A role people reach only through their IdP is shared by everyone the IdP maps to it; the role's own
 * tags cannot say which team a session belongs to, so the IdP must pass session tags — which the trust
 * policy has to allow with sts:TagSession, or the IdP cannot send them at all.
 */
type Options = Record<never, never>
type MessageIds = 'noTagSession' | 'alsoGateway'

export const federatedRoleSessionTags = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'federated-role-session-tags',
    summary: 'A Bedrock-capable role used through IdP federation (and not by workloads or IAM principals) cannot receive session tags.',
    rationale:
      'Principal and session tags become `iamPrincipal/<key>` cost allocation tags. A role that people assume through SAML or OIDC federation is shared by many users; unless the IdP passes team session tags (which requires `sts:TagSession` in the trust policy), its Bedrock spend lands untagged or on the role as a whole.',
    remediation:
      'Add a separate trust statement allowing `sts:TagSession` for the identity provider, and configure the IdP to send `https://aws.amazon.com/SAML/Attributes/PrincipalTag:<key>` (SAML) or the `https://aws.amazon.com/tags` claim (OIDC). IAM Identity Center permission-set roles are judged by `identity-center-session-tags`.',
    defaultSeverity: 'error',
    appliesTo: ['role'],
    messages: {
      noTagSession:
        'Role {name} can run Bedrock inference and is assumed only through federation ({providers}), but its trust policy does not allow `sts:TagSession` and the role itself lacks {missing}: the IdP cannot pass team session tags, so federated users\' Bedrock spend is unattributed. Add a trust statement allowing `sts:TagSession` for the provider.',
      alsoGateway:
        'Role {name} can run Bedrock inference and is assumed through federation ({providers}) as well as by an LLM gateway, but its trust policy does not allow `sts:TagSession` for the identity provider and the role itself lacks {missing}: federated users\' Bedrock spend is unattributed. Add a trust statement allowing `sts:TagSession` for the provider.',
    },
    tags: ['cost-attribution', 'federation', 'session-tags', 'bedrock'],
    precision: 'high',
    iacFix: 'federation-tag-session',
    locus: 'trust',
    examples: {
      nonCompliant: '{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}',
      compliant:
        '[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"},\n {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:TagSession"}]',
    },
  },
  check(p, ctx) {
    if (p.kind !== 'role' || !p.capability.capable || p.gateway || !p.trust) return []
    // Identity Center manages its permission-set roles (IAM refuses changes to them): identity-center-session-tags
    // judges the permission set and its instance's attributes for access control instead.
    if (isPermissionSetRole(p)) return []
    // Owned here when federation is a path and no workload/IAM-principal path makes it principal-missing-tag's;
    // a gateway path next to federation does not attribute the federated sessions.
    if (!p.paths.includes('federation') || p.paths.some((x) => x === 'workload' || x === 'iam-principal')) return []
    const missing = ctx.settings.requiredTags.map((t) => t.key).filter((k) => !hasRequiredTag(p.tags, k))
    if (missing.length === 0 || p.trust.federation.allowsTagSession) return []
    const providers = p.trust.federation.providers
    return [
      {
        messageId: p.paths.includes('gateway') ? 'alsoGateway' : 'noTagSession',
        data: { name: p.name, providers: providers.join(', ') || 'an identity provider', missing: missing.map((k) => `\`${k}\``).join(', ') },
        evidence: capabilityEvidence(p, {
          providers,
          missingTags: missing,
          trustStatements: p.trust.statements.filter((s) => s.path === 'federation').map((s) => ({ index: s.index, sid: s.sid ?? null, actions: s.assumeActions })),
        }),
        fix: `Add to the trust policy of ${escapeControl(p.name)}:\n${tagSessionStatement({ Federated: providers[0] ?? '<provider-arn>' }, missing)}`,
      },
    ]
  },
})
