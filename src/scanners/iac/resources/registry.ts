/**
 * Every IaC resource type tagwarden reads, one handler each. Adding a type: one file in this folder and
 * one line here. Types not listed are ignored (they define no IAM principal, policy or Identity Center
 * permission set).
 */
import { accessControlAttributes } from './access-control-attributes.js'
import { group } from './group.js'
import { groupMembership } from './group-membership.js'
import { groupPolicy } from './group-policy.js'
import { groupPolicyAttachment } from './group-policy-attachment.js'
import { cdkOidcProvider, oidcProvider, samlProvider } from './identity-provider.js'
import { managedPolicy } from './managed-policy.js'
import { permissionSet } from './permission-set.js'
import { permissionSetBoundary, permissionSetCustomerManagedPolicy, permissionSetInlinePolicy, permissionSetManagedPolicy } from './permission-set-attachment.js'
import { policy } from './policy.js'
import { role } from './role.js'
import { rolePolicy } from './role-policy.js'
import { rolePolicyAttachment } from './role-policy-attachment.js'
import type { IamGraph } from './graph.js'
import { PHASES, type PropertyBag, type ResourceHandler } from './types.js'
import { user } from './user.js'
import { userGroupMembership } from './user-group-membership.js'
import { userPolicy } from './user-policy.js'
import { userPolicyAttachment } from './user-policy-attachment.js'
import { userToGroupAddition } from './user-to-group-addition.js'

export const RESOURCE_HANDLERS: readonly ResourceHandler[] = [
  role,
  user,
  group,
  managedPolicy,
  policy,
  rolePolicy,
  userPolicy,
  groupPolicy,
  rolePolicyAttachment,
  userPolicyAttachment,
  groupPolicyAttachment,
  groupMembership,
  userGroupMembership,
  userToGroupAddition,
  oidcProvider,
  cdkOidcProvider,
  samlProvider,
  permissionSet,
  permissionSetInlinePolicy,
  permissionSetManagedPolicy,
  permissionSetCustomerManagedPolicy,
  permissionSetBoundary,
  accessControlAttributes,
]

const byCfn = new Map(RESOURCE_HANDLERS.filter((h) => h.cfnType).map((h) => [h.cfnType as string, h]))
const byTf = new Map(RESOURCE_HANDLERS.filter((h) => h.tfType).map((h) => [h.tfType as string, h]))

export function cfnHandler(type: string): ResourceHandler | undefined {
  return byCfn.get(type)
}

export function tfHandler(type: string): ResourceHandler | undefined {
  return byTf.get(type)
}

/** Run every handler's steps, phase by phase, over the resources in source order. */
export function runHandlers(resources: ReadonlyArray<{ handler: ResourceHandler; bag: PropertyBag }>, graph: IamGraph): void {
  for (const phase of PHASES) for (const { handler, bag } of resources) handler.steps[phase]?.(bag, graph)
}
