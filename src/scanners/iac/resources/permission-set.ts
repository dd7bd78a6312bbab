/**
 * `AWS::SSO::PermissionSet` (its `InlinePolicy` — a JSON string or an object —, `ManagedPolicies`,
 * `CustomerManagedPolicyReferences` and `PermissionsBoundary`) and `aws_ssoadmin_permission_set` (whose policies
 * come from the attachment resources, `permission-set-attachment.ts`). See `identity-center.ts`.
 */
import type { IcPermissionSet } from '../../../model/identity-center.js'
import { asList, display } from '../values.js'
import { awsManagedArns, boundaryOf, policyRef } from './identity-center.js'
import type { ResourceHandler } from './types.js'
import { conditionHolds } from './bag.js'

export const permissionSet: ResourceHandler = {
  cfnType: 'AWS::SSO::PermissionSet',
  tfType: 'aws_ssoadmin_permission_set',
  props: {
    cfn: {
      name: 'Name',
      instance: 'InstanceArn',
      document: 'InlinePolicy',
      managedPolicyArns: 'ManagedPolicies',
      customerPolicyRefs: 'CustomerManagedPolicyReferences',
      boundary: 'PermissionsBoundary',
    },
    tf: { name: 'name', instance: 'instance_arn', arn: 'arn' },
  },
  steps: {
    // After the managed policies (customer managed references resolve to them), before the attachments.
    principals(bag, graph) {
      const nameV = bag.value('name')
      const nameKnown = typeof nameV === 'string' && nameV !== ''
      const name = nameKnown ? display(nameV) : bag.id
      const notes: string[] = []
      const policies = graph.inv.managedPolicies
      const ps: Omit<IcPermissionSet, 'arn' | 'instanceArn'> = { name, managedPolicyArns: [], customerManagedPolicyRefs: [], notCaptured: notes }
      const inline = bag.has('document') ? bag.value('document') : undefined
      if (inline !== undefined && inline !== '') {
        const p = bag.policy('document', 'identity', `inline policy of permission set ${name}`)
        notes.push(...p.notes)
        if (p.doc) ps.inlinePolicy = p.doc
      }
      ps.managedPolicyArns.push(...awsManagedArns(bag.value('managedPolicyArns'), policies, notes))
      for (const v of asList(bag.value('customerPolicyRefs'))) {
        const ref = policyRef(v, 'customer managed policy')
        if (typeof ref === 'string') notes.push(ref)
        else ps.customerManagedPolicyRefs.push(ref)
      }
      const boundary = boundaryOf(bag.value('boundary'), policies, notes)
      if (boundary) ps.boundary = boundary
      if (bag.conditional) notes.push(`created only when ${conditionHolds(bag.conditional)}, which is known only at deploy time`)
      const full = graph.identityCenter.addPermissionSet(bag, ps, bag.value('instance'), bag.has('arn') ? bag.value('arn') : undefined)
      full.origin = bag.origin({ kind: 'policy', name, displayName: name, nameKnown, path: '/', arn: full.arn })
    },
  },
}
