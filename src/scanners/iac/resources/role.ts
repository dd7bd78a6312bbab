import { principalStep } from './principal.js'
import type { ResourceHandler } from './types.js'

export const role: ResourceHandler = {
  cfnType: 'AWS::IAM::Role',
  tfType: 'aws_iam_role',
  identity: 'role',
  props: {
    cfn: { name: 'RoleName', tags: 'Tags', inlinePolicies: 'Policies', managedPolicyArns: 'ManagedPolicyArns', boundary: 'PermissionsBoundary', trust: 'AssumeRolePolicyDocument' },
    // Every new role reports `inline_policy` and `managed_policy_arns` unknown: only configured ones count.
    tf: {
      name: 'name',
      tags: 'tags',
      inlinePolicies: { name: 'inline_policy', configuredOnly: true },
      managedPolicyArns: { name: 'managed_policy_arns', configuredOnly: true },
      boundary: 'permissions_boundary',
      trust: 'assume_role_policy',
    },
  },
  steps: { principals: principalStep('role') },
}
