import { policyAttachmentStep } from './attach.js'
import type { ResourceHandler } from './types.js'

/** CloudFormation attaches managed policies through the role's own `ManagedPolicyArns`. */
export const rolePolicyAttachment: ResourceHandler = {
  tfType: 'aws_iam_role_policy_attachment',
  props: { cfn: {}, tf: { role: 'role', policyArn: 'policy_arn' } },
  steps: { attachments: policyAttachmentStep('role') },
}
