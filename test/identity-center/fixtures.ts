/** A small Identity Center world shared by the Identity Center tests: one instance, three permission sets. */
import type { FakeIdentityCenter } from '../support/aws-server/index.js'

export const MGMT = '111111111111'
export const MEMBER = '222222222222'
export const UNSCANNED = '333333333333'
export const INSTANCE_ID = 'ssoins-7223a0d0c7b0e8d1'
export const INSTANCE_ARN = `arn:aws:sso:::instance/${INSTANCE_ID}`
export const psArn = (id: string): string => `arn:aws:sso:::permissionSet/${INSTANCE_ID}/${id}`

export const BEDROCK_INLINE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: 'arn:aws:bedrock:*::foundation-model/*' }],
}

/** Who is assigned BedrockUsers in the member account: a group and a user (identity store IDs). */
export const ASSIGNMENTS = [
  { accountId: MEMBER, principalType: 'GROUP' as const, principalId: '94482488-3041-7026-18f3-be45837cd0e4' },
  { accountId: MEMBER, principalType: 'USER' as const, principalId: 'f4a8c4d8-9051-70b1-2f6e-1c2d3e4f5a6b' },
]

/** `team` mapped or not; the permission sets are the same either way. */
export function identityCenter(abac: FakeIdentityCenter['instances'][number]['abac'], region = 'eu-west-1'): FakeIdentityCenter {
  return {
    adminAccounts: [MGMT],
    instances: [
      {
        id: INSTANCE_ID,
        ownerAccountId: MGMT,
        region,
        identityStoreId: 'd-9067a1b2c3',
        ...(abac ? { abac } : {}),
        permissionSets: [
          {
            id: 'ps-0a1b2c3d4e5f6a7b',
            name: 'BedrockUsers',
            managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess'],
            provisionedAccounts: [MEMBER],
            assignments: ASSIGNMENTS,
          },
          {
            id: 'ps-1b2c3d4e5f6a7b8c',
            name: 'Data_Scientists',
            inlinePolicy: BEDROCK_INLINE,
            customerManagedPolicyRefs: [{ Name: 'ds-extra', Path: '/ml/' }],
            boundary: { ManagedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
            provisionedAccounts: [UNSCANNED],
          },
          { id: 'ps-2c3d4e5f6a7b8c9d', name: 'ReadOnly', managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], provisionedAccounts: [MGMT, MEMBER] },
        ],
      },
    ],
  }
}

export const TEAM_MAPPED = { attributes: [{ key: 'team', sources: ['${path:enterprise.department}'] }, { key: 'email', sources: ['${path:emails[primary eq true].value}'] }] }
export const TEAM_NEAR_MISS = { attributes: [{ key: 'Team', sources: ['${path:enterprise.department}'] }] }
