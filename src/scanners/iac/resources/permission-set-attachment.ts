/**
 * Terraform's permission set attachments: `aws_ssoadmin_permission_set_inline_policy`,
 * `aws_ssoadmin_managed_policy_attachment`, `aws_ssoadmin_customer_managed_policy_attachment` and
 * `aws_ssoadmin_permissions_boundary_attachment` (argument names from the provider's
 * website/docs/r/ssoadmin_*.html.markdown). Each names its permission set by `permission_set_arn`.
 */
import type { IcPermissionSet } from '../../../model/identity-center.js'
import { asList } from '../values.js'
import type { IamGraph } from './graph.js'
import { awsManagedArns, boundaryOf, policyRef } from './identity-center.js'
import type { PropertyBag, ResourceHandler } from './types.js'

function attachment(tfType: string, props: ResourceHandler['props']['tf'], apply: (bag: PropertyBag, graph: IamGraph, ps: IcPermissionSet) => void): ResourceHandler {
  return {
    tfType,
    props: { cfn: {}, tf: { permissionSet: 'permission_set_arn', ...props } },
    steps: {
      attachments(bag, graph) {
        const ps = graph.identityCenter.attachedTo(bag, bag.value('permissionSet'), tfType)
        if (typeof ps === 'string') graph.templateNote(ps)
        else apply(bag, graph, ps)
      },
    },
  }
}

export const permissionSetInlinePolicy = attachment('aws_ssoadmin_permission_set_inline_policy', { document: 'inline_policy' }, (bag, _graph, ps) => {
  const p = bag.policy('document', 'identity', `inline policy of permission set ${ps.name}`)
  ps.notCaptured.push(...p.notes.map((n) => bag.scoped(n)))
  if (p.doc) ps.inlinePolicy = p.doc
})

export const permissionSetManagedPolicy = attachment('aws_ssoadmin_managed_policy_attachment', { policyArn: 'managed_policy_arn' }, (bag, graph, ps) => {
  const notes: string[] = []
  for (const arn of awsManagedArns(bag.value('policyArn'), graph.inv.managedPolicies, notes)) if (!ps.managedPolicyArns.includes(arn)) ps.managedPolicyArns.push(arn)
  ps.notCaptured.push(...notes.map((n) => bag.scoped(n)))
})

export const permissionSetCustomerManagedPolicy = attachment(
  'aws_ssoadmin_customer_managed_policy_attachment',
  { customerPolicyRefs: 'customer_managed_policy_reference' },
  (bag, _graph, ps) => {
    for (const v of asList(bag.value('customerPolicyRefs'))) {
      const ref = policyRef(v, 'customer managed policy')
      if (typeof ref === 'string') ps.notCaptured.push(bag.scoped(ref))
      else ps.customerManagedPolicyRefs.push(ref)
    }
  },
)

export const permissionSetBoundary = attachment('aws_ssoadmin_permissions_boundary_attachment', { boundary: 'permissions_boundary' }, (bag, graph, ps) => {
  const notes: string[] = []
  const b = boundaryOf(bag.value('boundary'), graph.inv.managedPolicies, notes)
  if (b) ps.boundary = b
  ps.notCaptured.push(...notes.map((n) => bag.scoped(n)))
})
