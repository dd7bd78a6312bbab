/** Shapes returned by the Bedrock capability analysis (`capability.ts`). */

/** One policy statement that grants a Bedrock inference action. */
export interface CapabilityGrant {
  /** Human name of the policy: `inline:<name>`, the managed policy ARN, `group:<g>/inline:<name>`… */
  policy: string
  /** `Statement[2]` or `Statement[2] (Sid)`. */
  statement: string
  /** The inference actions this statement allows (after wildcard expansion against the action set). */
  actions: string[]
  /** true when the Allow carries a Condition (still counts as a grant). */
  conditional: boolean
  /**
   * Policy variables in the statement's resources (`${aws:PrincipalTag/AgentId}`): each matches anything within
   * its ARN field here, so the grant depends on the principal's tags or other request values.
   */
  policyVariables?: string[]
}

export interface BedrockCapability {
  /** true when at least one inference action is allowed on at least one Bedrock resource. */
  capable: boolean
  /** Inference actions that remain allowed after Deny, boundary and SCPs. */
  actions: string[]
  /**
   * Per action of `actions`: the SAR resource types it is allowed on (`*` for actions without resource types,
   * `all` when it is allowed on every one of its several types).
   */
  resourceTypes?: Record<string, string[]>
  /** Allowed actions that do not count (inference profiles only, a required action missing). */
  notes?: string[]
  grants: CapabilityGrant[]
  /** Why actions granted by identity policies were removed (explicit Deny, boundary, SCP). */
  removed: Array<{ action: string; by: 'deny' | 'boundary' | 'scp'; policy: string; statement?: string }>
}
