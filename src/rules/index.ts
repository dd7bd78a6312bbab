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
import { identityCenterSessionTags } from './identity-center/identity-center-session-tags.js'

import { costTagInactive } from './spend/cost-tag-inactive.js'
import { untaggedBedrockSpend } from './spend/untagged-bedrock-spend.js'

export const RULES: readonly RuleModule[] = [
  principalMissingTag,
  bedrockApiKeyLongTerm,
  federatedRoleSessionTags,
  federatedRoleSessionName,
  identityCenterSessionTags,
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
