import { inlinePolicyStep } from './attach.js'
import type { ResourceHandler } from './types.js'

export const groupPolicy: ResourceHandler = {
  cfnType: 'AWS::IAM::GroupPolicy',
  tfType: 'aws_iam_group_policy',
  props: { cfn: { policyName: 'PolicyName', document: 'PolicyDocument', group: 'GroupName' }, tf: { policyName: 'name', document: 'policy', group: 'group' } },
  steps: { attachments: inlinePolicyStep([['group', 'group']]) },
}
