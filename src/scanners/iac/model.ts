/**
 * What the IaC scanners add to the shared inventory model. Everything here rides on fields the shared
 * model already has (`Origin` is extended structurally), so the analysis keeps working unchanged and the
 * engine can read the extra fields where it needs them (positions of the property to fix, inline
 * suppressions, notes on values only known at deploy time).
 */
import type { IdentityCenterData } from '../../model/identity-center.js'
import type { AccountInventory, Origin } from '../../model/inventory.js'

export type IacFormat = 'cloudformation' | 'cdk' | 'terraform'

/** 1-based line and column (UTF-16 code units, as SARIF's `utf16CodeUnits`). */
export interface SourcePosition {
  line: number
  column: number
}

/** `Metadata.tagwarden.ignore[]` (CloudFormation/CDK) or `# tagwarden:ignore RULE reason` (Terraform). */
export interface InlineSuppression {
  rule: string
  /** Absent when the author gave none: that is itself reported (`suppressionWarnings`). */
  reason?: string
  /** Where the suppression is written, `file:line:column` (repo-relative file). */
  location: string
}

export interface IacOrigin extends Origin {
  format: IacFormat
  /** `AWS::IAM::Role`, `aws_iam_role`… */
  resourceType: string
  /** CDK stack (artifact) name, or the Terraform module address (`module.a["x"]`). */
  stack?: string
  /** The property to edit for tag findings (`Tags` / `tags`); absent when the resource has none yet. */
  tagsAt?: SourcePosition
  /** The trust policy property (`AssumeRolePolicyDocument` / `assume_role_policy`). */
  trustAt?: SourcePosition
  /** false when the name was generated (CloudFormation without `RoleName`, Terraform `name_prefix`…). */
  nameKnown: boolean
  suppressions?: InlineSuppression[]
  /**
   * Deploy-time values that could not be evaluated for this principal and how they were treated
   * (Allow left out, Deny applied, trust requirement counted as met, tag counted as present).
   */
  notEvaluated?: string[]
  /** Tag keys whose value is only known at deploy time (each is in `tags` with `UNKNOWN_TAG_VALUE`). */
  unknownTagKeys?: string[]
  /** The whole tag map is only known at deploy time (Terraform `tags = local.x` with unknown parts). */
  tagsUnknown?: boolean
}

/** Stands for a tag value known only at deploy time; the tag counts as present. */
export const UNKNOWN_TAG_VALUE = '(known after deploy)'

/**
 * The deploy account of every IaC resource: templates and plans rarely know it, yet principal ARNs need
 * an account for the trust analysis to parse them. One fixed placeholder keeps same-account references
 * between templates resolvable (`!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x`).
 */
export const IAC_ACCOUNT_PLACEHOLDER = '000000000000'

/** A suppression written without a reason: reported, and the suppression still applies. */
export interface SuppressionWarning {
  rule: string
  location: string
  message: string
}

/** One template (or CDK stack, or Terraform plan) as an account of its own. */
export interface IacInventory extends AccountInventory {
  iac: {
    format: IacFormat
    /** Repo-relative path of the template/plan. */
    file: string
    /** Notes about values that were not evaluated, for the whole template (principal notes are on their origin). */
    notEvaluated: string[]
    suppressionWarnings: SuppressionWarning[]
    /** IAM Identity Center permission sets (and the attributes for access control) the template or plan defines. */
    identityCenter?: IdentityCenterData
  }
}

export function isIacOrigin(o: Origin | undefined): o is IacOrigin {
  return o !== undefined && typeof (o as Partial<IacOrigin>).format === 'string'
}
