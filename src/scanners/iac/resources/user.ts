import { principalStep } from './principal.js'
import type { ResourceHandler } from './types.js'

export const user: ResourceHandler = {
  cfnType: 'AWS::IAM::User',
  tfType: 'aws_iam_user',
  identity: 'user',
  props: {
    cfn: { name: 'UserName', tags: 'Tags', inlinePolicies: 'Policies', managedPolicyArns: 'ManagedPolicyArns', boundary: 'PermissionsBoundary', groups: 'Groups' },
    tf: { name: 'name', tags: 'tags', boundary: 'permissions_boundary' },
  },
  steps: { principals: principalStep('user') },
}
