/**
 * The property bag: what an IaC source reader hands a resource handler for one resource (see `types.ts`).
 * Kept apart from the handler types so that the graph, which reads bags, and the handler types, which name
 * the graph, import no cycle.
 */
import type { InlinePolicy } from '../../../model/inventory.js'
import type { TagEntry } from '../common.js'
import type { IacOrigin } from '../model.js'
import type { BuiltPolicy, PolicyKind } from '../policy.js'
import type { Value } from '../values.js'

export type IamKind = 'role' | 'user' | 'group' | 'policy'

/** Format-neutral property names; each handler maps the ones it reads to the source's own names. */
export type Prop =
  | 'name'
  | 'document'
  | 'trust'
  | 'tags'
  | 'inlinePolicies'
  | 'managedPolicyArns'
  | 'boundary'
  | 'groups'
  | 'roles'
  | 'users'
  | 'role'
  | 'user'
  | 'group'
  | 'policyName'
  | 'policyArn'
  | 'url'
  | 'arn'
  | 'instance'
  | 'permissionSet'
  | 'customerPolicyRefs'
  | 'attributes'
  | 'nestedAttributes'

/** A source property name; `configuredOnly`: Terraform counts it only when the configuration sets it. */
export type SourceProp = string | { name: string; configuredOnly: true }

/** Where a resource's IAM identity comes from, once resolved by the reader. */
export interface Identity {
  kind: IamKind
  /** The IAM name (with deploy-time pieces written `${…}`), or the generated stand-in. */
  name: string
  /** The principal's display name (CDK construct path when CloudFormation generates the name). */
  displayName: string
  nameKnown: boolean
  path: string
  arn: string
}

export interface PropertyBag {
  /** Logical ID (CloudFormation) or resource address (Terraform), as messages name the resource. */
  readonly id: string
  /** The resource is created or updated by this change (Terraform plans; false for templates). */
  readonly changed: boolean
  /** The resource exists only when this deploy-time condition holds (CloudFormation `Condition`; several joined by ` and `, see `conditionHolds`). */
  readonly conditional?: string
  /** Terraform reports an unset optional string as `""`: such a value means "not set". */
  readonly emptyIsUnset: boolean
  /** The property is mapped for this format (and configured, for `configuredOnly` properties). */
  has(prop: Prop): boolean
  value(prop: Prop): Value | undefined
  /**
   * CloudFormation: the values of a list property's items that `Fn::If` leaves out for the parameter defaults but
   * chooses under other deploy-time values (`ManagedPolicyArns: !If [NotProd, [arn], !Ref AWS::NoValue]`), with
   * the condition; absent where parameters cannot be overridden (Terraform plans and sources).
   */
  valuesOnlyWhenOverridden?(prop: Prop): Array<{ value: Value | undefined; condition: string }>
  /** A policy document property, parsed and checked; invalid documents are reported with their position. */
  policy(prop: Prop, kind: PolicyKind, label: string): Pick<BuiltPolicy, 'notes'> & { doc?: BuiltPolicy['document'] }
  /** The inline policies a principal resource carries itself; notes on what is unknown go to `notes`. */
  inlinePolicies(notes: string[]): InlinePolicy[]
  /** Tag entries before unknown values are marked; notes and `tagsUnknown` go to the origin. */
  tagEntries(origin: IacOrigin, notes: string[]): TagEntry[] | undefined
  identity(): Identity | undefined
  /** The principal's origin (position, properties to fix, inline suppressions). */
  origin(identity: Identity): IacOrigin
  /** A note about this resource as the format words it (Terraform prefixes the address). */
  scoped(note: string): string
  /** An input error (exit 2) at the property where the source sets `prop`, else at the resource. */
  inputError(prop: Prop, code: string, message: string, hint: string): void
}

/**
 * `condition IsProd holds` / `conditions IsProd and NoRole hold`, for a bag's `conditional`: every condition
 * the resource exists under (a SAM function's own `Condition` and the one of its `Role: !If`), joined by ` and `.
 */
export function conditionHolds(conditional: string): string {
  return conditional.includes(' and ') ? `conditions ${conditional} hold` : `condition ${conditional} holds`
}
