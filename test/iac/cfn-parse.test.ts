import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseTemplateText, plain } from '../../src/scanners/iac/cfn/parse.js'
import { TemplateResolver } from '../../src/scanners/iac/cfn/resolve.js'
import { display, isUnknown, unknownsIn } from '../../src/scanners/iac/values.js'
import { FIXTURES, inventories, scanIac, tempTree } from './helpers.js'

function resolveProp(yaml: string, prop: string): unknown {
  const { documents, problems } = parseTemplateText(yaml)
  expect(problems).toEqual([])
  const root = documents[0]!
  const r = new TemplateResolver(root)
  const res = root.t === 'map' ? root.entries.find((e) => e.key === 'Resources')?.value : undefined
  const first = res?.t === 'map' ? res.entries[0]?.value : undefined
  const props = first?.t === 'map' ? first.entries.find((e) => e.key === 'Properties')?.value : undefined
  const node = props?.t === 'map' ? props.entries.find((e) => e.key === prop)?.value : undefined
  return r.value(node)
}

const tpl = (value: string, head = ''): string => `${head}
Resources:
  R:
    Type: AWS::SNS::Topic
    Properties:
      X: ${value}
`

describe('CloudFormation short-form intrinsics', () => {
  it('become their long forms', () => {
    const { documents } = parseTemplateText(
      'A: !Ref X\nB: !GetAtt R.Arn\nC: !Sub "a-${X}"\nD: !If [Cond, !Ref Y, !Ref "AWS::NoValue"]\nE: !GetAZs ""\nF: !Base64 { "Fn::Sub": "x" }\nG: !Condition C\nH: !Equals [a, b]\nI: !Cidr [ip, 6, 5]\nJ: !Select [0, !Split [",", "a,b"]]\nK: !ImportValue X\nL: !FindInMap [M, a, b]\nM: !Join ["", [a]]\nN: !And [!Condition A, !Not [!Condition B], !Or [!Condition C]]\n',
    )
    expect(plain(documents[0]!)).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['R', 'Arn'] },
      C: { 'Fn::Sub': 'a-${X}' },
      D: { 'Fn::If': ['Cond', { Ref: 'Y' }, { Ref: 'AWS::NoValue' }] },
      E: { 'Fn::GetAZs': '' },
      F: { 'Fn::Base64': { 'Fn::Sub': 'x' } },
      G: { Condition: 'C' },
      H: { 'Fn::Equals': ['a', 'b'] },
      I: { 'Fn::Cidr': ['ip', 6, 5] },
      J: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
      K: { 'Fn::ImportValue': 'X' },
      L: { 'Fn::FindInMap': ['M', 'a', 'b'] },
      M: { 'Fn::Join': ['', ['a']] },
      N: { 'Fn::And': [{ Condition: 'A' }, { 'Fn::Not': [{ Condition: 'B' }] }, { 'Fn::Or': [{ Condition: 'C' }] }] },
    })
  })

  it('resolve parameter defaults, mappings, conditions and string functions', () => {
    const head = `Parameters:
  Env: { Type: String, Default: prod }
  Ids: { Type: CommaDelimitedList, Default: "a,b,c" }
Mappings:
  Teams: { prod: { name: search } }
Conditions:
  IsProd: !Equals [!Ref Env, prod]`
    expect(resolveProp(tpl('!FindInMap [Teams, !Ref Env, name]', head), 'X')).toBe('search')
    expect(resolveProp(tpl('!If [IsProd, yes, no]', head), 'X')).toBe('yes')
    expect(resolveProp(tpl('!Select [1, !Ref Ids]', head), 'X')).toBe('b')
    expect(resolveProp(tpl('!Join ["-", [!Ref Env, x]]', head), 'X')).toBe('prod-x')
    expect(resolveProp(tpl('!Select [2, !Split [",", "x,y,z"]]', head), 'X')).toBe('z')
    expect(resolveProp(tpl('!Sub ["${A}-${Env}", { A: first }]', head), 'X')).toBe('first-prod')
    expect(resolveProp(tpl('!Sub "${!aws:username}"', head), 'X')).toBe('${aws:username}')
  })

  it('leave pseudo-parameters, imports and parameters without defaults unknown', () => {
    const head = `Parameters:
  Team: { Type: String }`
    const sub = resolveProp(tpl('!Sub "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${Team}"', head), 'X') as string
    expect(display(sub)).toBe('arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${parameter Team}')
    expect(unknownsIn(sub)).toEqual(['AWS::Partition', 'AWS::Region', 'parameter Team'])
    expect(isUnknown(resolveProp(tpl('!ImportValue shared', head), 'X'))).toBe(true)
    expect(isUnknown(resolveProp(tpl('!If [Nope, a, b]', head), 'X'))).toBe(true)
    expect(resolveProp(tpl('!Ref "AWS::NoValue"', head), 'X')).toBeUndefined()
  })
})

describe('template positions', () => {
  it('are exact in a multi-document YAML file, each document its own inventory', async () => {
    const file = join(FIXTURES, 'cloudformation/multi-document/two-stacks.yaml')
    const { inventories: invs, errors } = await inventories([file])
    expect(errors).toEqual([])
    expect(invs.map((i) => i.accountId)).toEqual([
      'iac:test/fixtures/iac/cloudformation/multi-document/two-stacks.yaml#1',
      'iac:test/fixtures/iac/cloudformation/multi-document/two-stacks.yaml#2',
    ])
    const second = invs[1]?.roles[0]
    expect(second?.origin).toMatchObject({ line: 17, column: 3, logicalId: 'SecondRole', tagsAt: { line: 27, column: 7 }, trustAt: { line: 21, column: 7 } })
    const report = await scanIac([file])
    expect(report.findings.map((f) => [f.subject.name, f.subject.line])).toEqual([
      ['first-untagged', 4],
      ['second-untagged', 27], // it has Tags (without team): the finding points at them,
    ])
  })

  it('are exact at the end of a long template, in YAML and in JSON', async () => {
    const n = 1000
    const resources: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      resources[`Role${i}`] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: `role-${i}`,
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          ...(i === n - 1 ? { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess'] } : {}),
        },
      }
    }
    const json = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 1)
    const { stringify } = await import('yaml')
    const yaml = stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources })
    const dir = tempTree({ 'long.json': json, 'long.yaml': yaml })
    const report = await scanIac([dir], { basePath: dir })
    expect(report.errors).toEqual([])
    for (const [file, text] of [['long.json', json], ['long.yaml', yaml]] as const) {
      const f = report.findings.find((x) => x.subject.file === file)
      const lines = text.split('\n')
      const expected = lines.findIndex((l) => /^\s*"?Role999"?:/.test(l)) + 1
      expect(f?.subject.name).toBe(`role-${n - 1}`)
      expect(f?.subject.line).toBe(expected)
      expect(lines[expected - 1]?.slice((f?.subject.column ?? 1) - 1)).toMatch(/^"?Role999"?:/)
    }
  })

  it('count columns in UTF-16 code units', async () => {
    const text = '{"Description":"😀 é","Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"r","ManagedPolicyArns":["arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"],"AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}}}}}\n'
    const dir = tempTree({ 'one-line.json': text })
    const report = await scanIac([dir], { basePath: dir })
    expect(report.findings[0]?.subject).toMatchObject({ line: 1, column: text.indexOf('"R"') + 1 })
  })
})

describe('templates that do not parse', () => {
  it('report file, line and column for an unknown tag, a bad indent and a duplicate key', async () => {
    const { errors } = await inventories([join(FIXTURES, 'cloudformation/invalid')])
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^test\/fixtures\/iac\/cloudformation\/invalid\/unknown-tag\.yaml:6:17: .*unknown YAML tag !Reff/),
        expect.stringMatching(/^test\/fixtures\/iac\/cloudformation\/invalid\/bad-indent\.yaml:7:\d+: template .* does not parse/),
        expect.stringMatching(/^test\/fixtures\/iac\/cloudformation\/invalid\/duplicate-key\.json:5:5: .*duplicate key/),
        expect.stringMatching(/^test\/fixtures\/iac\/cloudformation\/invalid\/bad-policy\.yaml:14:11: .*Effect must be "Allow" or "Deny"/),
      ]),
    )
  })

  const text = readFileSync(join(FIXTURES, 'cloudformation/invalid/unknown-tag.yaml'), 'utf8')
  it('never stop the other templates from being scanned', async () => {
    const dir = tempTree({ 'a-broken.yaml': text, 'b-good.yaml': readFileSync(join(FIXTURES, 'cloudformation/multi-document/two-stacks.yaml'), 'utf8').split('---')[0]! })
    const report = await scanIac([dir], { basePath: dir })
    expect(report.errors.map((e) => e.code)).toEqual(['iac-unknown-yaml-tag'])
    expect(report.findings.map((f) => f.subject.name)).toEqual(['first-untagged'])
  })
})
