import { shellQuote } from '../../util/escape.js'
import { defineRule, type RuleReport } from '../types.js'

/**
 * Long-term Bedrock API keys are IAM service-specific credentials of an IAM user: every request made
 * with the key is billed to that one user, whoever holds the key, and keys without expiry live forever.
 */
type Options = Record<never, never>
type MessageIds = 'noExpiry' | 'expires'

export const bedrockApiKeyLongTerm = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'bedrock-api-key-long-term',
    summary: 'An IAM user holds an active long-term Amazon Bedrock API key.',
    rationale:
      'A long-term Bedrock API key is a bearer secret tied to one IAM user: all spend made with it is attributed to that user, however many people or services share the key, and a key without an expiry date never stops working. Short-term keys (from an assumed role or federated session) keep per-caller attribution.',
    remediation:
      'Replace the key with short-term API keys generated from each caller\'s own session, or with SigV4 calls through per-team roles. If a long-term key is unavoidable, give it an expiry and tag its user with the required keys.',
    defaultSeverity: 'warning',
    appliesTo: ['user'],
    messages: {
      noExpiry:
        'IAM user {name} holds active long-term Bedrock API key {credentialId}{alias} that never expires; all spend made with it is billed to this one user. Replace it with short-term keys, or delete it: `aws iam delete-service-specific-credential --user-name {name} --service-specific-credential-id {credentialId}`.',
      expires:
        'IAM user {name} holds active long-term Bedrock API key {credentialId}{alias} (expires {expires}); all spend made with it is billed to this one user. Prefer short-term keys from each caller\'s own session.',
    },
    tags: ['cost-attribution', 'credentials', 'bedrock'],
    precision: 'very-high',
    // A long-lived bearer secret that never expires: a security alert on GitHub, not only cost hygiene.
    securitySeverity: '5.0',
    examples: {
      nonCompliant: '# aws iam list-service-specific-credentials --service-name bedrock.amazonaws.com --all-users\n{"UserName": "BedrockAPIKey-7f3k", "Status": "Active", "ServiceName": "bedrock.amazonaws.com"}',
      compliant: '# No active long-term keys; callers use short-term keys generated from their own role sessions.',
    },
  },
  check(p) {
    if (p.kind !== 'user') return []
    const out: RuleReport<MessageIds>[] = []
    for (const k of p.apiKeys) {
      if (k.status !== 'Active' || k.serviceName !== 'bedrock.amazonaws.com') continue
      const alias = k.alias ? ` (${k.alias})` : ''
      out.push({
        messageId: k.expirationDate ? 'expires' : 'noExpiry',
        subject: { kind: 'api-key', arn: p.arn, accountId: p.accountId, name: k.credentialId },
        data: { name: p.name, credentialId: k.credentialId, alias, expires: k.expirationDate ?? 'never' },
        evidence: {
          credentialId: k.credentialId,
          status: k.status,
          createDate: k.createDate ?? null,
          expirationDate: k.expirationDate ?? null,
          userBedrockCapable: p.capability.capable,
        },
        fix: `aws iam delete-service-specific-credential --user-name ${shellQuote(p.name)} --service-specific-credential-id ${shellQuote(k.credentialId)}`,
      })
    }
    return out
  },
})
