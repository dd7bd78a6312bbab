import { describe, expect, it } from 'vitest'
import type { Subject } from '../../src/model/finding.js'
import { encodeSegment, fileUri, findingLocation, pseudoPath, subjectLabel } from '../../src/report/locations.js'

const loc = (subject: Subject, ruleId = 'principal-missing-tag') => findingLocation({ ruleId, subject })

describe('pseudo-path grammar', () => {
  it.each<[string, Subject, string]>([
    ['role at /', { kind: 'role', arn: 'arn:aws:iam::111111111111:role/app', accountId: '111111111111', name: 'app' }, 'aws/111111111111/iam/role/app'],
    ['role with a path', { kind: 'role', arn: 'arn:aws:iam::111111111111:role/service-role/team/App+Role=1,x@y', accountId: '111111111111', name: 'App+Role=1,x@y' }, 'aws/111111111111/iam/role/service-role/team/App+Role=1,x@y'],
    ['user', { kind: 'user', arn: 'arn:aws:iam::222222222222:user/people/bob', accountId: '222222222222', name: 'bob' }, 'aws/222222222222/iam/user/people/bob'],
    ['GovCloud partition', { kind: 'user', arn: 'arn:aws-us-gov:iam::222222222222:user/bob', name: 'bob' }, 'aws/222222222222/iam/user/bob'],
    ['API key', { kind: 'api-key', arn: 'arn:aws:iam::333333333333:user/bob', accountId: '333333333333', name: 'ACCAEXAMPLE' }, 'aws/333333333333/iam/user/bob/api-key/ACCAEXAMPLE'],
    ['account-level', { kind: 'account', accountId: '444444444444' }, 'aws/444444444444/billing/principal-missing-tag'],
    ['account-level with a name', { kind: 'account', accountId: '444444444444', name: 'cost allocation' }, 'aws/444444444444/billing/principal-missing-tag/cost%20allocation'],
    ['tag key', { kind: 'tag-key', tagKey: 'team' }, 'aws/org/tags/team'],
    ['tag key with AWS-allowed punctuation', { kind: 'tag-key', tagKey: 'aws:cost center/a+b' }, 'aws/org/tags/aws%3Acost%20center%2Fa+b'],
    ['org', { kind: 'org' }, 'aws/org/principal-missing-tag'],
    ['principal without an ARN', { kind: 'role', accountId: '111111111111', name: 'x' }, 'aws/111111111111/iam/role/x'],
    ['principal without account or ARN', { kind: 'role', name: 'x' }, 'aws/unknown-account/iam/role/x'],
    // The permission set ARN names no account: the instance owner does.
    ['permission set', { kind: 'permission-set', arn: 'arn:aws:sso:::permissionSet/ssoins-7223a0d0c7b0e8d1/ps-0a1b2c3d4e5f6a7b', accountId: '111111111111', name: 'Data_Scientists' }, 'aws/111111111111/identity-center/permission-set/Data_Scientists'],
    ['permission set of an unknown owner', { kind: 'permission-set', arn: 'arn:aws:sso:::permissionSet/ssoins-7223a0d0c7b0e8d1/ps-0a1b2c3d4e5f6a7b', name: 'A B' }, 'aws/unknown-account/identity-center/permission-set/A%20B'],
  ])('%s', (_name, subject, expected) => {
    const l = loc(subject)
    expect(l.uri).toBe(expected)
    expect(l.startLine).toBe(1)
    expect(l.isFile).toBe(false)
  })

  it('never produces something GitHub would read as a URI scheme, or whitespace', () => {
    const nasty: Subject[] = [
      { kind: 'tag-key', tagKey: 'arn:aws:x' },
      { kind: 'role', arn: 'arn:aws:iam::111111111111:role/a b/c:d/e', name: 'e' },
      { kind: 'account', accountId: '1', name: 'https://x' },
    ]
    for (const s of nasty) {
      const uri = loc(s).uri
      expect(uri).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/)
      expect(uri).not.toMatch(/\s/)
      expect(uri).toMatch(/^aws\//)
    }
  })

  it('puts the ARN in the logical location', () => {
    const l = loc({ kind: 'role', arn: 'arn:aws:iam::111111111111:role/a/app', accountId: '111111111111', name: 'app' })
    expect(l.logical).toEqual({ name: 'app', fullyQualifiedName: 'arn:aws:iam::111111111111:role/a/app', kind: 'resource' })
  })

  it('is the same for a subject whatever the tag key (findings on one principal share its path)', () => {
    const s: Subject = { kind: 'user', arn: 'arn:aws:iam::1:user/bob', name: 'bob' }
    expect(pseudoPath('r', { ...s, tagKey: 'team' })).toBe(pseudoPath('r', { ...s, tagKey: 'cost-center' }))
  })
})

describe('IaC locations', () => {
  it('uses the template path relative to the repository root with the resource position', () => {
    const l = loc({ kind: 'iac-resource', file: './infra\\stack.yaml', line: 18, column: 25, logicalId: 'AppRole' })
    expect(l).toEqual({ uri: 'infra/stack.yaml', startLine: 18, startColumn: 25, isFile: true, logical: { name: 'AppRole', fullyQualifiedName: 'AppRole', kind: 'resource' } })
  })

  it('relativises absolute paths under the source root and keeps others as file: URIs', () => {
    expect(fileUri('/work/repo/cdk.out/App.template.json', '/work/repo')).toBe('cdk.out/App.template.json')
    expect(fileUri('/elsewhere/t.yaml', '/work/repo')).toBe('file:///elsewhere/t.yaml')
  })

  it('defaults to line 1 when the scanner gave none', () => {
    expect(loc({ kind: 'iac-resource', file: 'plan.json', address: 'aws_iam_role.app' }).startLine).toBe(1)
  })
})

describe('helpers', () => {
  it('encodes only what is not a path character, plus the colon', () => {
    expect(encodeSegment("a-._~!$&'()*+,;=@z")).toBe("a-._~!$&'()*+,;=@z")
    expect(encodeSegment('a:b c/d#e?f%g')).toBe('a%3Ab%20c%2Fd%23e%3Ff%25g')
    expect(encodeSegment('é')).toBe('%C3%A9')
  })

  it('labels subjects for humans', () => {
    expect(subjectLabel({ kind: 'api-key', arn: 'arn:aws:iam::1:user/bob', name: 'K' })).toBe('arn:aws:iam::1:user/bob (API key K)')
    expect(subjectLabel({ kind: 'tag-key', tagKey: 'team' })).toBe('tag key team')
    expect(subjectLabel({ kind: 'iac-resource', file: 'a.yaml', line: 3, logicalId: 'R' })).toBe('a.yaml:3 R')
  })
})
