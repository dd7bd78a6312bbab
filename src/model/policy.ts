/**
 * Normalised IAM policy documents. Every scanner (snapshot, live, IaC) produces these shapes, so the
 * analysis in `src/iam` never has to deal with the "one value or a list" variants of the policy grammar.
 */

export type Effect = 'Allow' | 'Deny'

/** `Principal` block: `"*"` is kept as `{ AWS: ['*'] }` plus `wildcard: true`. */
export interface PrincipalBlock {
  AWS?: string[]
  Service?: string[]
  Federated?: string[]
  CanonicalUser?: string[]
  /** true when the statement said `"Principal": "*"`. */
  wildcard?: boolean
}

/** operator (e.g. `StringEquals`, `ForAllValues:StringLike`) → condition key → values. Keys keep their case. */
export type ConditionBlock = Record<string, Record<string, string[]>>

export interface Statement {
  sid?: string
  effect: Effect
  action?: string[]
  notAction?: string[]
  resource?: string[]
  notResource?: string[]
  principal?: PrincipalBlock
  notPrincipal?: PrincipalBlock
  condition?: ConditionBlock
  /** Position of the statement in its document, for evidence ("Statement[2]"). */
  index: number
}

export interface PolicyDocument {
  version?: string
  statements: Statement[]
  /** sha1 of the canonical JSON text; the memoisation key for policy evaluation. */
  hash: string
}

/** Where a policy document came from: enough to name it in evidence and errors. */
export interface PolicySource {
  kind: 'inline' | 'managed' | 'group-inline' | 'group-managed' | 'boundary' | 'trust' | 'scp'
  /** Policy name (inline) or ARN (managed). */
  name: string
  arn?: string
  /** For group policies, the group name. */
  group?: string
}

export interface AttachedPolicy {
  source: PolicySource
  document: PolicyDocument
}
