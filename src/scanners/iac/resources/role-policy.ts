import { inlinePolicyStep } from './attach.js'
import type { ResourceHandler } from './types.js'

export const rolePolicy: ResourceHandler = {
  cfnType: 'AWS::IAM::RolePolicy',
  tfType: 'aws_iam_role_policy',
  props: { cfn: { policyName: 'PolicyName', document: 'PolicyDocument', role: 'RoleName' }, tf: { policyName: 'name', document: 'policy', role: 'role' } },
  steps: { attachments: inlinePolicyStep([['role', 'role']]) },
}
