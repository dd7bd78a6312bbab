/**
 * IAM Identity Center as the analysis needs it: instances, their attributes for access control (ABAC,
 * the mapping that turns user attributes into session tags) and their permission sets. Source-neutral:
 * live sso-admin calls, saved AWS CLI outputs, `collect` folders and IaC resources all end up here.
 */
import type { Origin } from './inventory.js'
import type { PolicyDocument } from './policy.js'

/** One attribute mapping: session tag key → identity-store attribute (`${path:enterprise.department}`). */
export interface AbacAttribute {
  key: string
  sources: string[]
}

/**
 * What is known about an instance's attributes for access control:
 * - `enabled`: DescribeInstanceAccessControlAttributeConfiguration answered `Status: ENABLED`;
 * - `unusable`: no usable mapping at all — never configured (ResourceNotFoundException), an empty list, or a
 *   status other than ENABLED (CREATION_IN_PROGRESS, CREATION_FAILED);
 * - `not-captured`: nothing was read (denied, not exported, ABAC defined outside the IaC template).
 */
export type AbacState =
  | { state: 'enabled'; attributes: AbacAttribute[] }
  | { state: 'unusable'; why: 'not-found' | 'empty' | 'status'; status?: string; statusReason?: string; attributes: AbacAttribute[] }
  | { state: 'not-captured'; reason: string }

export interface CustomerManagedPolicyRef {
  name: string
  /** IAM path, `/` by default. */
  path: string
}

export interface PermissionSetBoundary {
  managedPolicyArn?: string
  customerManagedPolicyReference?: CustomerManagedPolicyRef
  /** IaC: the customer managed boundary's document, when the same template or plan defines the policy. */
  document?: PolicyDocument
}

export interface IcPermissionSet {
  arn: string
  name: string
  instanceArn: string
  /** Absent: no inline policy (or not captured, see `notCaptured`). */
  inlinePolicy?: PolicyDocument
  managedPolicyArns: string[]
  customerManagedPolicyRefs: CustomerManagedPolicyRef[]
  /** IaC: documents of the referenced customer managed policies that the same template or plan defines. */
  customerManagedPolicyDocuments?: Array<CustomerManagedPolicyRef & { document: PolicyDocument }>
  boundary?: PermissionSetBoundary
  /** Accounts the permission set is provisioned to; undefined when not captured. */
  provisionedAccounts?: string[]
  /** Users and groups assigned, per account (optional input). */
  assignments?: Array<{ accountId: string; principalType: string; principalId: string }>
  /** Parts that could not be read (e.g. `inline policy: AccessDeniedException`). */
  notCaptured: string[]
  origin?: Origin
}

export interface IcInstance {
  arn: string
  /** `ssoins-…` */
  id: string
  ownerAccountId?: string
  identityStoreId?: string
  name?: string
  status?: string
  /** The Region it was read in (live), when known. */
  region?: string
  abac: AbacState
  permissionSets: IcPermissionSet[]
  /** Whether the permission sets were read (false: denied or not exported). */
  permissionSetsCaptured: boolean
  origin?: Origin
  /**
   * IaC: the template, CDK stack or plan whose resources this is (its permission sets and, when it defines
   * one, its attributes for access control). Such an instance is one template's view: it is not merged with
   * the same instance read elsewhere, and its permission sets are judged by their own policies, never joined
   * to roles.
   */
  iac?: IcIacSource
}

export interface IcIacSource {
  format: 'cloudformation' | 'cdk' | 'terraform'
  /** Repo-relative path of the template or plan. */
  file: string
  /** The resource defining the attributes for access control, when the template or plan has one. */
  abacResource?: { type: string; id: string; file: string; line?: number; column?: number }
}

export interface IdentityCenterData {
  instances: IcInstance[]
  /**
   * Why Identity Center as a whole was not read (AccessDenied on ListInstances, no instance in the Region,
   * no sso-admin outputs among the inputs). Absent when it was.
   */
  notCaptured?: { reason: string; source: string }
}

const INSTANCE_ARN_RE = /^arn:[\w-]+:sso:::instance\/(ssoins-[0-9a-zA-Z]+)$/
const PERMISSION_SET_ARN_RE = /^arn:[\w-]+:sso:::permissionSet\/(ssoins-[0-9a-zA-Z]+)\/(ps-[0-9a-zA-Z]+)$/

export function instanceIdOf(arn: string): string | undefined {
  return INSTANCE_ARN_RE.exec(arn)?.[1]
}

export function parsePermissionSetArn(arn: string): { instanceId: string; permissionSetId: string } | undefined {
  const m = PERMISSION_SET_ARN_RE.exec(arn)
  return m ? { instanceId: m[1]!, permissionSetId: m[2]! } : undefined
}

/** `arn:aws:sso:::instance/ssoins-…` of a permission set ARN. */
export function instanceArnOfPermissionSet(arn: string): string | undefined {
  const p = parsePermissionSetArn(arn)
  if (!p) return undefined
  const partition = /^arn:([\w-]+):/.exec(arn)?.[1] ?? 'aws'
  return `arn:${partition}:sso:::instance/${p.instanceId}`
}
