import { policyAttachmentStep } from './attach.js'
import type { ResourceHandler } from './types.js'

/** CloudFormation attaches managed policies through the user's own `ManagedPolicyArns`. */
export const userPolicyAttachment: ResourceHandler = {
  tfType: 'aws_iam_user_policy_attachment',
  props: { cfn: {}, tf: { user: 'user', policyArn: 'policy_arn' } },
  steps: { attachments: policyAttachmentStep('user') },
}
