import { principalStep } from './principal.js'
import type { ResourceHandler } from './types.js'

export const group: ResourceHandler = {
  cfnType: 'AWS::IAM::Group',
  tfType: 'aws_iam_group',
  identity: 'group',
  props: {
    cfn: { name: 'GroupName', inlinePolicies: 'Policies', managedPolicyArns: 'ManagedPolicyArns' },
    tf: { name: 'name' },
  },
  steps: { principals: principalStep('group') },
}
