import { describe, it, expect } from 'vitest'
import {
  isAccountRoot,
  isIdentityCenterRole,
  isServiceLinkedRolePath,
  parseArn,
  principalAccount,
  roleNameFromArn,
  sessionArnToRole,
} from '../../src/iam/arn.js'

describe('parseArn', () => {
  it.each([
    [
      'arn:aws:iam::111122223333:role/division/team/BedrockInvoke',
      { partition: 'aws', service: 'iam', region: '', accountId: '111122223333', resourceType: 'role', resourceName: 'BedrockInvoke', path: '/division/team/' },
    ],
    [
      'arn:aws:iam::111122223333:role/BedrockInvoke',
      { resourceType: 'role', resourceName: 'BedrockInvoke', path: '/' },
    ],
    ['arn:aws:iam::111122223333:user/alice', { resourceType: 'user', resourceName: 'alice', path: '/' }],
    ['arn:aws:iam::111122223333:root', { resource: 'root', resourceType: '', resourceName: 'root', path: '/' }],
    [
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC',
      { resourceType: 'oidc-provider', resourceName: 'oidc.eks.us-east-1.amazonaws.com/id/ABC', path: '/' },
    ],
    ['arn:aws:iam::111122223333:saml-provider/Okta', { resourceType: 'saml-provider', resourceName: 'Okta' }],
    [
      'arn:aws:sts::111122223333:assumed-role/BedrockInvoke/alice@acme.org',
      { service: 'sts', resourceType: 'assumed-role', resourceName: 'BedrockInvoke/alice@acme.org' },
    ],
    ['arn:aws-cn:iam::111122223333:role/x', { partition: 'aws-cn', resourceName: 'x' }],
    ['arn:aws:s3:::my-bucket', { service: 's3', accountId: '', resourceType: '', resourceName: 'my-bucket' }],
    ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess', { accountId: 'aws', resourceType: 'policy', resourceName: 'AmazonBedrockFullAccess' }],
    ['arn:aws:bedrock:us-east-1:111122223333:inference-profile/abc', { region: 'us-east-1', resourceType: 'inference-profile', resourceName: 'abc' }],
  ])('%s', (arn, expected) => {
    expect(parseArn(arn)).toMatchObject(expected)
  })

  it.each(['', '*', '111122223333', 'AROAEXAMPLE000000000', 'arn:aws:iam::12345:role/x', 'lambda.amazonaws.com', 'arn:aws:iam::111122223333'])(
    'rejects %j',
    (s) => {
      expect(parseArn(s)).toBeUndefined()
    },
  )
})

describe('principalAccount', () => {
  it.each([
    ['arn:aws:iam::111122223333:root', '111122223333'],
    ['111122223333', '111122223333'],
    [' 111122223333 ', '111122223333'],
    ['arn:aws:iam::444455556666:role/path/gw', '444455556666'],
    ['arn:aws:iam::444455556666:user/alice', '444455556666'],
    ['arn:aws:sts::444455556666:assumed-role/R/s', '444455556666'],
    ['*', undefined],
    ['AROAEXAMPLE000000000', undefined],
    ['lambda.amazonaws.com', undefined],
    ['arn:aws:iam::111122223333:saml-provider/Okta', undefined],
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', undefined],
  ])('%s → %s', (ref, expected) => {
    expect(principalAccount(ref)).toBe(expected)
  })

  it('recognises account roots only', () => {
    expect(isAccountRoot('arn:aws:iam::111122223333:root')).toBe(true)
    expect(isAccountRoot('111122223333')).toBe(true)
    expect(isAccountRoot('arn:aws:iam::111122223333:role/root')).toBe(false)
    expect(isAccountRoot('1111222233334')).toBe(false)
  })
})

describe('roleNameFromArn', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/a/b/Gateway', 'Gateway'],
    ['arn:aws:iam::111122223333:role/Gateway', 'Gateway'],
    ['arn:aws:sts::111122223333:assumed-role/Gateway/i-0123', 'Gateway'],
    ['arn:aws:iam::111122223333:user/Gateway', undefined],
    ['Gateway', undefined],
  ])('%s → %s', (arn, expected) => {
    expect(roleNameFromArn(arn)).toBe(expected)
  })
})

describe('role families', () => {
  it.each([
    ['/aws-service-role/bedrock.amazonaws.com/', true],
    ['/aws-service-role/', true],
    ['/service-role/', false],
    ['/', false],
  ])('isServiceLinkedRolePath(%s) = %s', (path, expected) => {
    expect(isServiceLinkedRolePath(path)).toBe(expected)
  })

  it.each([
    ['AWSReservedSSO_DataScientist_0123456789abcdef', '/aws-reserved/sso.amazonaws.com/', true],
    ['AWSReservedSSO_DataScientist_0123456789abcdef', '/aws-reserved/sso.amazonaws.com/eu-west-1/', true],
    ['AWSReservedSSO_DataScientist_0123456789abcdef', undefined, true],
    ['SomethingElse', '/aws-reserved/sso.amazonaws.com/', true],
    ['BedrockInvoke', '/', false],
    ['awsreservedsso_lowercase', '/', false],
    ['BedrockInvoke', '/aws-reserved/other/', false],
  ])('isIdentityCenterRole(%s, %s) = %s', (name, path, expected) => {
    expect(isIdentityCenterRole(name, path)).toBe(expected)
  })
})

describe('sessionArnToRole', () => {
  it('splits an Identity Center session with an email session name', () => {
    expect(sessionArnToRole('arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PS_0123456789abcdef/Rob.Kenis@axxes.com')).toEqual({
      accountId: '111122223333',
      roleName: 'AWSReservedSSO_PS_0123456789abcdef',
      sessionName: 'Rob.Kenis@axxes.com',
    })
  })

  it('keeps = , . - in session names', () => {
    expect(sessionArnToRole('arn:aws:sts::111122223333:assumed-role/R/a=b,c.d-e')?.sessionName).toBe('a=b,c.d-e')
  })

  it.each([
    'arn:aws:iam::111122223333:role/R',
    'arn:aws:sts::111122223333:assumed-role/R',
    'arn:aws:sts::111122223333:assumed-role/R/',
    'arn:aws:sts::111122223333:federated-user/bob',
    'not-an-arn',
  ])('rejects %s', (arn) => {
    expect(sessionArnToRole(arn)).toBeUndefined()
  })
})
