import { inlinePolicyStep } from './attach.js'
import type { ResourceHandler } from './types.js'

export const userPolicy: ResourceHandler = {
  cfnType: 'AWS::IAM::UserPolicy',
  tfType: 'aws_iam_user_policy',
  props: { cfn: { policyName: 'PolicyName', document: 'PolicyDocument', user: 'UserName' }, tf: { policyName: 'name', document: 'policy', user: 'user' } },
  steps: { attachments: inlinePolicyStep([['user', 'user']]) },
}
