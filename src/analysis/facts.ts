/**
 * Per-principal facts: the compact, source-neutral result of analysing one IAM user or role.
 * Rules are pure functions over these facts (plus the org index); the raw inventory they came from
 * is dropped as soon as an account has been analysed, so memory follows the largest account.
 */
import type { BedrockCapability } from '../iam/capability-types.js'
import type { TrustAnalysis } from '../iam/trust.js'
import type { Origin, ServiceSpecificCredential, Tag } from '../model/inventory.js'
import type { AttributionPath } from '../model/finding.js'
import type { PolicyDocument } from '../model/policy.js'
import type { BedrockUsageEvidence } from '../usage/classify.js'

export interface PrincipalFacts {
  kind: 'user' | 'role'
  arn: string
  accountId: string
  partition: string
  name: string
  path: string
  id?: string
  tags: Tag[]
  origin?: Origin
  capability: BedrockCapability
  /** Roles only: the trust policy, analysed in the org phase once every gateway is known. */
  trustPolicy?: PolicyDocument
  trust?: TrustAnalysis
  /** Ways the principal is reached; computed in the org phase. Users are always `iam-user`. */
  paths: AttributionPath[]
  /** Users only: Bedrock long-term API keys (service-specific credentials). */
  apiKeys: ServiceSpecificCredential[]
  /** Whether the account's API keys were collected at all (else the API-key rule is not evaluated). */
  apiKeysCollected: boolean
  lastUsed?: { date?: string; region?: string }
  /** Bedrock use seen by IAM Access Advisor (`scan --usage`) or CUR spend; absent when neither was read. */
  bedrockUsage?: BedrockUsageEvidence[]
  /** Gaps in the analysis of this principal (e.g. a managed policy that could not be resolved). */
  notes: string[]
  /** Set in the org phase when the role is a declared LLM gateway. */
  gateway?: { reason: string }
}
