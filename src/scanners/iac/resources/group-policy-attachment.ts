import { policyAttachmentStep } from './attach.js'
import type { ResourceHandler } from './types.js'

/** CloudFormation attaches managed policies through the group's own `ManagedPolicyArns`. */
export const groupPolicyAttachment: ResourceHandler = {
  tfType: 'aws_iam_group_policy_attachment',
  props: { cfn: {}, tf: { group: 'group', policyArn: 'policy_arn' } },
  steps: { attachments: policyAttachmentStep('group') },
}
