import { targetsOf } from './attach.js'
import type { ResourceHandler } from './types.js'
import { conditionHolds } from './bag.js'

/** A customer managed policy; CloudFormation can also attach it to the principals it names. */
export const managedPolicy: ResourceHandler = {
  cfnType: 'AWS::IAM::ManagedPolicy',
  tfType: 'aws_iam_policy',
  identity: 'policy',
  props: {
    cfn: { name: 'ManagedPolicyName', document: 'PolicyDocument', roles: 'Roles', users: 'Users', groups: 'Groups' },
    tf: { name: 'name', document: 'policy' },
  },
  steps: {
    policies(bag, graph) {
      const id = bag.identity()
      if (!id) return
      const p = bag.policy('document', 'identity', `managed policy ${id.name}`)
      for (const n of p.notes) graph.templateNote(bag.scoped(n))
      if (bag.conditional) graph.templateNote(`managed policy ${id.name} exists only when ${conditionHolds(bag.conditional)}; it grants nothing here`)
      if (bag.changed) graph.changedPolicyArns.add(id.arn)
      if (!p.doc || bag.conditional) return
      graph.inv.managedPolicies.set(id.arn, { arn: id.arn, name: id.name, document: p.doc })
      graph.definedPolicies.set(bag.id, id.arn)
    },
    policyTargets(bag, graph) {
      const arn = graph.definedPolicies.get(bag.id)
      if (arn === undefined) return
      const label = `managed policy ${graph.inv.managedPolicies.get(arn)?.name ?? bag.id}`
      const holders = targetsOf(bag, graph, label, [
        ['role', 'roles'],
        ['user', 'users'],
        ['group', 'groups'],
      ])
      for (const h of holders) if (!h.attachedPolicyArns.includes(arn)) h.attachedPolicyArns.push(arn)
    },
  },
}
