import { inlinePolicyStep } from './attach.js'
import type { ResourceHandler } from './types.js'

/** `AWS::IAM::Policy`: one inline policy for every role, user and group it names. */
export const policy: ResourceHandler = {
  cfnType: 'AWS::IAM::Policy',
  props: { cfn: { policyName: 'PolicyName', document: 'PolicyDocument', roles: 'Roles', users: 'Users', groups: 'Groups' }, tf: {} },
  steps: {
    attachments: inlinePolicyStep([
      ['role', 'roles'],
      ['user', 'users'],
      ['group', 'groups'],
    ]),
  },
}
