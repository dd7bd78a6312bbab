/**
 * The normalised inventory: what every scanner produces and what the analysis reads.
 * It is deliberately AWS-shaped (users, roles, groups, managed policies) but source-neutral:
 * a snapshot file, a live API call and an IaC template all end up here.
 */
import type { AttachedPolicy, PolicyDocument } from './policy.js'
import type { NotEvaluatedEntry } from './finding.js'

export interface Tag {
  key: string
  value: string
}

/** Where an entity was read from: a file (snapshot or IaC) or a live API. */
export interface Origin {
  file?: string
  line?: number
  column?: number
  /** IaC: CloudFormation logical ID or Terraform address; CDK construct path. */
  logicalId?: string
  address?: string
  constructPath?: string
  /** JSON pointer-ish path inside the file, for errors. */
  pointer?: string
  /** IaC: position of the property to edit for tag findings (`Tags`), when it exists. */
  tagsAt?: { line: number; column: number }
  /** IaC: position of the trust policy property (`AssumeRolePolicyDocument`). */
  trustAt?: { line: number; column: number }
  /** IaC: suppressions written next to the resource (`Metadata.tagwarden.ignore`, `# tagwarden:ignore`). */
  suppressions?: Array<{ rule: string; reason?: string; location: string }>
  /** IaC: deploy-time values that could not be evaluated, and how they were treated. */
  notEvaluated?: string[]
  /** IaC: tag keys whose value is only known at deploy time (they count as present). */
  unknownTagKeys?: string[]
}

export interface InlinePolicy {
  name: string
  document: PolicyDocument
}

interface PrincipalCommon {
  accountId: string
  partition: string
  arn: string
  name: string
  /** IAM path, always starting and ending with `/`. */
  path: string
  /** Unique ID (AIDA… / AROA…), when known. */
  id?: string
  tags: Tag[]
  inlinePolicies: InlinePolicy[]
  attachedPolicyArns: string[]
  permissionsBoundaryArn?: string
  createDate?: string
  origin?: Origin
}

export interface IamUser extends PrincipalCommon {
  kind: 'user'
  groups: string[]
}

export interface IamRole extends PrincipalCommon {
  kind: 'role'
  trustPolicy?: PolicyDocument
  lastUsed?: { date?: string; region?: string }
}

export type IamPrincipal = IamUser | IamRole

export interface IamGroup {
  accountId: string
  arn: string
  name: string
  path: string
  inlinePolicies: InlinePolicy[]
  attachedPolicyArns: string[]
}

export interface ManagedPolicy {
  arn: string
  name: string
  /** Only the default version's document matters for evaluation. */
  document: PolicyDocument
  defaultVersionId?: string
}

/** A long-term Bedrock API key (IAM service-specific credential for `bedrock.amazonaws.com`). */
export interface ServiceSpecificCredential {
  accountId: string
  userName: string
  serviceName: string
  status: 'Active' | 'Inactive' | 'Expired' | string
  credentialId: string
  alias?: string
  createDate?: string
  expirationDate?: string
  origin?: Origin
}

export interface OrgAccount {
  id: string
  name?: string
  email?: string
  /** `State` (preferred) or the retiring `Status`, upper-case. */
  state?: string
}

/** Everything known about one AWS account. Dropped after the account is analysed. */
export interface AccountInventory {
  accountId: string
  partition: string
  users: IamUser[]
  roles: IamRole[]
  groups: IamGroup[]
  /** Customer managed and AWS managed policies present in the source, by ARN. */
  managedPolicies: Map<string, ManagedPolicy>
  apiKeys: ServiceSpecificCredential[]
  /** true once a list-service-specific-credentials output was read for this account. */
  apiKeysCollected: boolean
  /** Files or API sources this inventory was built from. */
  sources: string[]
  /**
   * Service control policies on the account's path, one list per level (root, OUs…, account), when
   * they were read. Absent: SCPs unknown, evaluated without them. Never set for the management
   * account, which SCPs do not restrict.
   */
  scpLevels?: AttachedPolicy[][]
  /** Notes about the source that are not errors (e.g. IaC values not evaluated, suppressions without a reason). */
  notes?: string[]
  /** What this source read but could not evaluate (reported in `summary.notEvaluated`). */
  notEvaluated?: NotEvaluatedEntry[]
}

export function emptyAccount(accountId: string, partition = 'aws'): AccountInventory {
  return {
    accountId,
    partition,
    users: [],
    roles: [],
    groups: [],
    managedPolicies: new Map(),
    apiKeys: [],
    apiKeysCollected: false,
    sources: [],
  }
}
