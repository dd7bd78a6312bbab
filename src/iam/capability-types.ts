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
}

export interface BedrockCapability {
  /** true when at least one inference action is allowed on at least one Bedrock resource. */
  capable: boolean
  /** Inference actions that remain allowed after Deny, boundary and SCPs. */
  actions: string[]
  grants: CapabilityGrant[]
  /** Why actions granted by identity policies were removed (explicit Deny, boundary, SCP). */
  removed: Array<{ action: string; by: 'deny' | 'boundary' | 'scp'; policy: string; statement?: string }>
}
