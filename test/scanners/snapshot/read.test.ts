import { describe, expect, it } from 'vitest'
import { accountIdFromPath, parseEntityArn, sniffEntityAccount } from '../../../src/scanners/snapshot/account-id.js'
import { decodeText, findJsonErrorOffset, parseJson } from '../../../src/scanners/snapshot/read.js'
import { isoDate, isTruncatedPage } from '../../../src/scanners/snapshot/recogniser.js'

describe('parseJson', () => {
  it.each([
    ['{"a": 1,}', 1, 9],
    ['{\n  "a": [\n    1,\n  ]\n}', 4, 3],
    ['{"a": tru}', 1, 7],
    ['{"a": "x"} trailing', 1, 12],
    ['{\n  "a": "line\nbreak"\n}', 2, 13],
    ['{"a":', 1, 6],
  ])('locates the error in %j at line %i column %i', (text, line, column) => {
    const r = parseJson(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect([r.line, r.column]).toEqual([line, column])
  })

  it('says an empty file is empty', () => {
    expect(parseJson('  \n')).toMatchObject({ ok: false, message: 'file is empty' })
  })

  it('drops V8’s echo of the text from the message', () => {
    const r = parseJson('{"a": [1,]}')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).not.toContain('is not valid JSON')
  })

  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, {"b": null}], "c": -1.5e3}')).toEqual({ ok: true, value: { a: [1, { b: null }], c: -1500 } })
    expect(findJsonErrorOffset('{"a": [1, {"b": null}], "c": "\\u00e9"}')).toBeUndefined()
  })
})

describe('decodeText', () => {
  it('strips a UTF-8 BOM and decodes UTF-16 LE/BE with a BOM', () => {
    const text = '{"k": "é"}'
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text)
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text)
    const be = Buffer.from(text, 'utf16le').swap16()
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text)
    expect(decodeText(Buffer.from(text))).toBe(text)
  })
})

describe('account IDs', () => {
  it.each([
    ['snap/111111111111/keys.json', { kind: 'found', accountId: '111111111111' }],
    ['snap/acct-111111111111-keys.json', { kind: 'found', accountId: '111111111111' }],
    ['111111111111/acct-222222222222.json', { kind: 'found', accountId: '222222222222' }],
    ['C:\\snap\\333333333333\\keys.json', { kind: 'found', accountId: '333333333333' }],
    ['snap/1111111111112/keys.json', { kind: 'none' }], // 13 digits is not an account ID
    ['snap/keys.json', { kind: 'none' }],
    ['snap/111111111111-vs-222222222222.json', { kind: 'ambiguous', segment: '111111111111-vs-222222222222.json', candidates: ['111111111111', '222222222222'] }],
  ])('accountIdFromPath(%j)', (path, expected) => {
    expect(accountIdFromPath(path)).toEqual(expected)
  })

  it('parses IAM entity ARNs with paths and partitions', () => {
    expect(parseEntityArn('arn:aws-cn:iam::111111111111:role/service-role/a/MyRole')).toEqual({
      partition: 'aws-cn',
      account: '111111111111',
      type: 'role',
      path: '/service-role/a/',
      name: 'MyRole',
    })
    expect(parseEntityArn('arn:aws:iam::aws:policy/AdministratorAccess')).toMatchObject({ account: 'aws', path: '/', name: 'AdministratorAccess' })
    expect(parseEntityArn('arn:aws:iam::111111111111:instance-profile/x')).toBeUndefined()
    expect(parseEntityArn('arn:aws:sts::111111111111:assumed-role/x/y')).toBeUndefined()
  })

  it('sniffs the first top-level entity ARN, not ARNs in documents or AWS managed policies', () => {
    const text = JSON.stringify({
      Policies: [{ Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      RoleDetailList: [
        {
          AssumeRolePolicyDocument: { Statement: [{ Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::888888888888:role/x' } } }] },
          RolePolicyList: [{ PolicyDocument: JSON.stringify({ Arn: 'arn:aws:iam::777777777777:role/y' }) }],
          Arn: 'arn:aws-us-gov:iam::111111111111:role/r',
        },
      ],
    })
    expect(sniffEntityAccount(text)).toEqual({ accountId: '111111111111', partition: 'aws-us-gov' })
    expect(sniffEntityAccount('{"Accounts": [{"Arn": "arn:aws:organizations::999999999999:account/o-x/111111111111"}]}')).toBeUndefined()
  })
})

describe('isoDate and isTruncatedPage', () => {
  it.each([
    ['2024-03-11T09:15:42Z', '2024-03-11T09:15:42.000Z'],
    ['2024-03-11T09:15:42+00:00', '2024-03-11T09:15:42.000Z'],
    ['2024-03-11T09:15:42.123456+00:00', '2024-03-11T09:15:42.123Z'],
    ['2024-03-11 09:15:42+00:00', '2024-03-11T09:15:42.000Z'],
    ['2024-03-11T11:15:42+02:00', '2024-03-11T09:15:42.000Z'],
    ['2024-03-11T09:15:42', '2024-03-11T09:15:42.000Z'],
    ['not a date', 'not a date'],
  ])('isoDate(%j) = %j', (raw, expected) => {
    expect(isoDate(raw)).toBe(expected)
  })

  it('knows the page markers of the raw API and of the CLI', () => {
    expect(isTruncatedPage({ IsTruncated: true, Marker: 'm' })).toBe(true)
    expect(isTruncatedPage({ IsTruncated: false })).toBe(false)
    expect(isTruncatedPage({ Marker: 'm' })).toBe(true)
    expect(isTruncatedPage({ NextToken: 't' })).toBe(true)
    expect(isTruncatedPage({})).toBe(false)
  })
})
