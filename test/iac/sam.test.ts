/**
 * AWS SAM: the execution role SAM generates for `AWS::Serverless::Function` and `AWS::Serverless::StateMachine`
 * is evaluated like the `AWS::IAM::Role` the transform writes, from every form of `Policies`; what cannot be
 * evaluated (an unknown policy template, a name no catalog knows) is a `summary.notEvaluated` entry.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { NotEvaluatedEntry, ScanReport } from '../../src/model/finding.js'
import { SAM_POLICY_TEMPLATES } from '../../src/scanners/iac/cfn/sam-policy-templates.js'
import { EXAMPLES, inventories, scanIac, tempTree } from './helpers.js'

const HEAD = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: Document summariser (Bedrock)
Parameters:
  Stage:
    Type: String
    Default: prod
Globals:
  Function:
    Runtime: python3.12
    Timeout: 30
    Tracing: Active
Resources:
`

/** A function with the given extra properties, starting on line 14 of the template (its key line). */
function fn(props: string, id = 'SummariseFunction'): string {
  return `  ${id}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.lambda_handler
      CodeUri: summarise/
${props}`
}

async function scan(resources: string, head = HEAD): Promise<ScanReport> {
  const dir = tempTree({ 'template.yaml': head + resources })
  return scanIac([join(dir, 'template.yaml')], { basePath: dir })
}

/** `ruleId logicalId:line`, sorted. */
function found(report: ScanReport): string[] {
  return report.findings.map((f) => `${f.ruleId} ${f.subject.logicalId}:${f.subject.line}`).sort()
}

const ne = (resource: string, reason: string, statement?: string): NotEvaluatedEntry => ({ file: 'template.yaml', resource, ...(statement ? { statement } : {}), reason })

describe('SAM functions and state machines', () => {
  it.each<[string, string, string[], NotEvaluatedEntry[]]>([
    ['a managed policy name', fn('      Policies: AmazonBedrockFullAccess\n'), ['principal-missing-tag SummariseFunctionRole:14'], []],
    ['a list of managed policy names', fn('      Policies:\n        - AWSLambdaBasicExecutionRole\n        - AmazonBedrockLimitedAccess\n'), ['principal-missing-tag SummariseFunctionRole:14'], []],
    ['a managed policy ARN', fn('      Policies:\n        - arn:aws:iam::aws:policy/AmazonBedrockFullAccess\n'), ['principal-missing-tag SummariseFunctionRole:14'], []],
    ['an ARN with !Sub', fn('      Policies:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonBedrockFullAccess\n'), ['principal-missing-tag SummariseFunctionRole:14'], []],
    [
      'an ARN with !Join',
      fn("      Policies:\n        - !Join ['', ['arn:', !Ref AWS::Partition, ':iam::aws:policy/AmazonBedrockLimitedAccess']]\n"),
      ['principal-missing-tag SummariseFunctionRole:14'],
      [],
    ],
    [
      'a managed policy of the same template by !Ref',
      fn('      Policies:\n        - !Ref InvokePolicy\n') +
        `  InvokePolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: bedrock:InvokeModel
            Resource: !Sub arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/*
`,
      ['principal-missing-tag SummariseFunctionRole:14'],
      [],
    ],
    [
      'an inline policy document',
      fn(`      Policies:
        - Statement:
            - Sid: InvokeClaude
              Effect: Allow
              Action:
                - bedrock:InvokeModel
                - bedrock:InvokeModelWithResponseStream
              Resource: !Sub arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/anthropic.*
`),
      ['principal-missing-tag SummariseFunctionRole:14'],
      [],
    ],
    ['a known policy template (grants no Bedrock)', fn('      Policies:\n        - S3ReadPolicy:\n            BucketName: !Ref AWS::NoValue\n        - DynamoDBCrudPolicy:\n            TableName: docs\n'), [], []],
    [
      'an unknown policy template',
      fn('      Policies:\n        - S3ReadPolicy:\n            BucketName: docs\n        - BedrockInvokePolicy:\n            ModelId: anthropic.claude\n'),
      [],
      [ne('SummariseFunction', "SAM policy template BedrockInvokePolicy is not one tagwarden knows (its list is taken from SAM's policy_templates.json); what it grants is not evaluated", 'Policies[1]')],
    ],
    [
      'a policy name no catalog knows',
      fn('      Policies: [MyTeamBedrockPolicy]\n'),
      [],
      [ne('SummariseFunction', "Policies names MyTeamBedrockPolicy, which is neither an ARN nor an AWS managed policy tagwarden's catalog knows; it is not evaluated", 'Policies[0]')],
    ],
    ['Tags on the function, which SAM puts on its role', fn('      Tags:\n        team: docs\n      Policies: AmazonBedrockFullAccess\n'), [], []],
    [
      'Tags in Globals.Function',
      fn('      Policies: AmazonBedrockFullAccess\n'),
      [],
      [],
    ],
    ['a tag value known only at deploy time', fn('      Tags:\n        team: !Ref Stage\n      Policies: AmazonBedrockFullAccess\n'), [], []],
    [
      'Role given: SAM generates no role and ignores Policies',
      fn('      Role: !GetAtt ExecutionRole.Arn\n      Policies: AmazonBedrockFullAccess\n') +
        `  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      Tags: [{ Key: team, Value: docs }]
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
`,
      [],
      [],
    ],
    [
      'a permissions boundary that allows no Bedrock',
      fn('      Policies: AmazonBedrockFullAccess\n      PermissionsBoundary: arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n'),
      [],
      [],
    ],
    [
      'a state machine with an inline policy and its generated role',
      `  ReviewFlow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/review.asl.json
      Policies:
        - LambdaInvokePolicy:
            FunctionName: review
        - Statement:
            - Effect: Allow
              Action: bedrock:InvokeModel
              Resource: '*'
`,
      ['principal-missing-tag ReviewFlowRole:14'],
      [],
    ],
    [
      'a state machine with a role of its own',
      `  ReviewFlow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/review.asl.json
      Role: arn:aws:iam::123456789012:role/review-flow
`,
      [],
      [],
    ],
  ])('%s', async (what, resources, findings, notEvaluated) => {
    const head = what === 'Tags in Globals.Function' ? HEAD.replace('    Tracing: Active\n', '    Tracing: Active\n    Tags:\n      team: docs\n') : HEAD
    const report = await scan(resources, head)
    expect(report.errors).toEqual([])
    expect(found(report)).toEqual(findings)
    expect(report.summary.notEvaluated).toEqual(notEvaluated)
  })

  it('gives the generated role its logical ID, generated name, trust, tags and policies as SAM writes them', async () => {
    const dir = tempTree({
      'template.yaml':
        HEAD.replace('    Tracing: Active\n', '    Tracing: Active\n    RolePath: /apps/\n    Tags:\n      team: global\n      cost-center: "42"\n') +
        fn('      Tags:\n        team: docs\n      Policies:\n        - AmazonBedrockFullAccess\n        - Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: "*"\n'),
    })
    const { inventories: [inv], errors } = await inventories([join(dir, 'template.yaml')], { basePath: dir })
    expect(errors).toEqual([])
    const role = inv!.roles[0]!
    expect({ name: role.name, arn: role.arn, path: role.path, tags: role.tags, managed: role.attachedPolicyArns, inline: role.inlinePolicies.map((p) => p.name) }).toEqual({
      name: 'SummariseFunctionRole',
      arn: 'arn:aws:iam::000000000000:role/apps/SummariseFunctionRole',
      path: '/apps/',
      tags: [
        { key: 'lambda:createdBy', value: 'SAM' },
        { key: 'team', value: 'docs' },
        { key: 'cost-center', value: '42' },
      ],
      managed: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess'],
      inline: ['SummariseFunctionRolePolicy1'],
    })
    expect(role.trustPolicy?.statements.map((s) => s.principal)).toEqual([{ Service: ['lambda.amazonaws.com'] }])
    expect(role.origin).toMatchObject({ resourceType: 'AWS::Serverless::Function', logicalId: 'SummariseFunctionRole', line: 18, nameKnown: false, tagsAt: { line: 23, column: 7 } })
  })

  it('resolves !Ref and !GetAtt of the generated role from other resources of the template', async () => {
    const report = await scan(
      fn('      Policies: AWSLambdaBasicExecutionRole\n') +
        `  BedrockAccess:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: bedrock
      Roles: [!Ref SummariseFunctionRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: bedrock:InvokeModel
            Resource: '*'
`,
    )
    expect(found(report)).toEqual(['principal-missing-tag SummariseFunctionRole:14'])
    expect(report.summary.notEvaluated).toEqual([])
  })

  it('generates the role only when the condition of Role: !If leaves it unset', async () => {
    const head = HEAD.replace('Globals:', 'Conditions:\n  UseShared: !Equals [!Ref Stage, shared]\nGlobals:')
    const report = await scan(fn('      Role: !If [UseShared, arn:aws:iam::123456789012:role/shared, !Ref AWS::NoValue]\n      Policies: AmazonBedrockFullAccess\n'), head)
    // Stage defaults to prod: UseShared is false, so SAM generates the role.
    expect(found(report)).toEqual(['principal-missing-tag SummariseFunctionRole:16'])
  })

  it('a function with its own deploy-time Condition and a deploy-time Role: !If keeps both conditions', async () => {
    const head = HEAD.replace(
      'Globals:',
      'Conditions:\n  InRegion: !Equals [!Ref AWS::Region, eu-west-1]\n  UseShared: !Equals [!Ref AWS::AccountId, "123456789012"]\nGlobals:',
    )
    const props = '      Role: !If [UseShared, arn:aws:iam::123456789012:role/shared, !Ref AWS::NoValue]\n      Policies: AmazonBedrockFullAccess\n'
    const report = await scan(fn(props).replace('    Type: AWS::Serverless::Function\n', '    Type: AWS::Serverless::Function\n    Condition: InRegion\n'), head)
    expect(found(report)).toEqual(['principal-missing-tag SummariseFunctionRole:17'])
    // Both decide whether the role exists: the function's own Condition and the one of its Role.
    expect(report.findings[0]?.evidence.analysisNotes).toEqual(['created only when conditions InRegion and UseShared hold, which is known only at deploy time'])
  })

  it('examples/iac/sam: only the function without a team tag is reported, on its own line', async () => {
    const report = await scanIac([join(EXAMPLES, 'sam')])
    expect(report.errors).toEqual([])
    expect(report.findings.map((f) => `${f.ruleId} ${f.subject.file}:${f.subject.line} ${f.subject.logicalId}`)).toEqual(['principal-missing-tag examples/iac/sam/template.yaml:45 ClassifyFunctionRole'])
    expect(report.summary.notEvaluated).toEqual([])
    expect(report.summary.bedrockCapable.total).toBe(3)
  })

  it('knows all 81 policy templates of SAM', () => {
    expect(SAM_POLICY_TEMPLATES.size).toBe(81)
    for (const name of ['S3ReadPolicy', 'DynamoDBCrudPolicy', 'LambdaInvokePolicy', 'TextractPolicy', 'AWSSecretsManagerGetSecretValuePolicy']) expect(SAM_POLICY_TEMPLATES.has(name)).toBe(true)
  })
})
