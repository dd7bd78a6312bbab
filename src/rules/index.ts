/**
 * The explicit rule registry. Every built-in rule is listed here by hand (no glob imports); a rule's ID
 * equals its file name. IDs are never reused: retired IDs live in `retired.ts`.
 */
import type { RuleMeta, RuleModule } from './types.js'
import { principalMissingTag } from './principal/principal-missing-tag.js'
import { bedrockApiKeyLongTerm } from './api-keys/bedrock-api-key-long-term.js'
import { federatedRoleSessionTags } from './trust/federated-role-session-tags.js'
import { federatedRoleSessionName } from './trust/federated-role-session-name.js'
import { gatewayDirectInvoke } from './trust/gateway-direct-invoke.js'
import { gatewayTargetSourceIdentity } from './trust/gateway-target-source-identity.js'
import { gatewayTargetSessionTags } from './trust/gateway-target-session-tags.js'
import { tagValueNotAllowed } from './tags/tag-value-not-allowed.js'
import { tagKeyCaseDrift } from './tags/tag-key-case-drift.js'
import { tagValueWhitespace } from './tags/tag-value-whitespace.js'
import { tagProhibited } from './tags/tag-prohibited.js'
import { tagValueNearDuplicate } from './tags/tag-value-near-duplicate.js'
import { bedrockCapableUnused } from './usage/bedrock-capable-unused.js'
import { principalUnattributedSpend } from './spend/principal-unattributed-spend.js'
import { gatewayCollapsedSpend } from './spend/gateway-collapsed-spend.js'
import { inlineSuppressionReason } from './iac/inline-suppression-reason.js'

import { costTagInactive } from './spend/cost-tag-inactive.js'
import { untaggedBedrockSpend } from './spend/untagged-bedrock-spend.js'

export const RULES: readonly RuleModule[] = [
  principalMissingTag,
  bedrockApiKeyLongTerm,
  federatedRoleSessionTags,
  federatedRoleSessionName,
  gatewayDirectInvoke,
  gatewayTargetSourceIdentity,
  gatewayTargetSessionTags,
  tagValueNotAllowed,
  tagKeyCaseDrift,
  tagValueWhitespace,
  tagProhibited,
  tagValueNearDuplicate,
  bedrockCapableUnused,
  principalUnattributedSpend,
  gatewayCollapsedSpend,
  inlineSuppressionReason,
  costTagInactive,
  untaggedBedrockSpend,
]

export const RULE_REGISTRY: ReadonlyMap<string, RuleModule> = new Map(RULES.map((r) => [r.meta.id, r]))

export const RULE_META: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]))

/** Where each rule's module lives, relative to src/rules (for the registry test and docs). */
export const RULE_FILES: Readonly<Record<string, string>> = {
  'principal-missing-tag': 'principal/principal-missing-tag.ts',
  'bedrock-api-key-long-term': 'api-keys/bedrock-api-key-long-term.ts',
  'federated-role-session-tags': 'trust/federated-role-session-tags.ts',
  'federated-role-session-name': 'trust/federated-role-session-name.ts',
  'gateway-direct-invoke': 'trust/gateway-direct-invoke.ts',
  'gateway-target-source-identity': 'trust/gateway-target-source-identity.ts',
  'gateway-target-session-tags': 'trust/gateway-target-session-tags.ts',
  'tag-value-not-allowed': 'tags/tag-value-not-allowed.ts',
  'tag-key-case-drift': 'tags/tag-key-case-drift.ts',
  'tag-value-whitespace': 'tags/tag-value-whitespace.ts',
  'tag-prohibited': 'tags/tag-prohibited.ts',
  'tag-value-near-duplicate': 'tags/tag-value-near-duplicate.ts',
  'bedrock-capable-unused': 'usage/bedrock-capable-unused.ts',
  'principal-unattributed-spend': 'spend/principal-unattributed-spend.ts',
  'gateway-collapsed-spend': 'spend/gateway-collapsed-spend.ts',
  'inline-suppression-reason': 'iac/inline-suppression-reason.ts',
  'cost-tag-inactive': 'spend/cost-tag-inactive.ts',
  'untagged-bedrock-spend': 'spend/untagged-bedrock-spend.ts',
}
