/**
 * Nothing unevaluated is silent: resource types that can create principals or grant permissions but are not
 * modelled, statements whose action cannot be resolved, and policies or principals outside the input are
 * `summary.notEvaluated` entries (`{ file, resource, statement?, reason }`); `--strict` makes any of them exit 2.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { NotEvaluatedEntry, ScanReport } from '../../src/model/finding.js'
import { CDK_CUSTOM_RESOURCES_WITHOUT_IAM, unmodelledReason } from '../../src/scanners/iac/resources/unmodelled.js'
import { runCli } from '../cli/run-cli.js'
import { EXAMPLES, cfnRole, scanIac, tempTree } from './helpers.js'

const HEAD = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  InvokeAction:
    Type: String
    Description: The action the role may call
  DefaultAction:
    Type: String
    Default: bedrock:InvokeModel
Resources:
`

const CUSTOM = 'can create IAM principals or attach policies; tagwarden does not model it'
const ne = (resource: string, reason: string, statement?: string): NotEvaluatedEntry => ({ file: 't.yaml', resource, ...(statement ? { statement } : {}), reason })

async function scan(resources: string): Promise<ScanReport> {
  const dir = tempTree({ 't.yaml': HEAD + resources })
  return scanIac([join(dir, 't.yaml')], { basePath: dir })
}

/** A role (line 10) whose inline policy allows `action`. */
function roleWith(action: string, extra = ''): string {
  return `  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ${action}
                Resource: '*'
${extra}`
}

const custom = (id: string, type: string): string => `  ${id}:\n    Type: ${type}\n    Properties:\n      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:provider\n`

describe('summary.notEvaluated for templates', () => {
  it.each<[string, string, string[], Array<NotEvaluatedEntry | ((e: NotEvaluatedEntry) => boolean)>]>([
    ['a custom resource', custom('Provisioner', 'Custom::Foo'), [], [ne('Provisioner', `Custom::Foo: a custom resource runs its own code at deploy time, which ${CUSTOM}`)]],
    ['AWS::CloudFormation::CustomResource', custom('Provisioner', 'AWS::CloudFormation::CustomResource'), [], [ne('Provisioner', `AWS::CloudFormation::CustomResource: a custom resource runs its own code at deploy time, which ${CUSTOM}`)]],
    ["CDK's custom resources that create no IAM", custom('AutoDelete', 'Custom::S3AutoDeleteObjects') + custom('Deploy', 'Custom::CDKBucketDeployment') + custom('Logs', 'Custom::LogRetention'), [], []],
    ["CDK's OpenID Connect provider (modelled)", '  Github:\n    Type: Custom::AWSCDKOpenIdConnectProvider\n    Properties:\n      Url: https://token.actions.githubusercontent.com\n', [], []],
    [
      'an Identity Center assignment',
      '  Assign:\n    Type: AWS::SSO::Assignment\n    Properties:\n      InstanceArn: arn:aws:sso:::instance/ssoins-1\n',
      [],
      [ne('Assign', 'AWS::SSO::Assignment: IAM Identity Center resources grant permission sets to users and groups; tagwarden does not model this type in templates')],
    ],
    [
      'a nested stack',
      '  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml\n',
      [],
      [ne('Child', 'AWS::CloudFormation::Stack: a nested stack deploys a template tagwarden does not read here, which can define IAM principals and policies; scan that template too')],
    ],
    ['a service-linked role (decided: not listed)', '  Slr:\n    Type: AWS::IAM::ServiceLinkedRole\n    Properties:\n      AWSServiceName: autoscaling.amazonaws.com\n', [], []],
    [
      'Action: !Ref P where P has no Default',
      roleWith('!Ref InvokeAction'),
      [],
      [ne('Worker', 'Action ${parameter InvokeAction} is known only at deploy time and could be a Bedrock inference action; the Allow grants nothing through it here', 'inline policy invoke Statement[0]')],
    ],
    [
      'an inference action on a resource from a parameter without a default',
      roleWith('bedrock:InvokeModel').replace("Resource: '*'", 'Resource: !Ref InvokeAction'),
      [],
      [ne('Worker', 'Resource ${parameter InvokeAction} is known only at deploy time, so this Allow of Bedrock inference actions grants nothing here', 'inline policy invoke Statement[0]')],
    ],
    ['an inference action on a model ARN with deploy-time pieces (evaluated)', roleWith('bedrock:InvokeModel').replace("Resource: '*'", 'Resource: !Sub "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${InvokeAction}"'), ['principal-missing-tag Worker:10'], []],
    ['Action: !Ref P where P has a Default (resolved)', roleWith('!Ref DefaultAction'), ['principal-missing-tag Worker:10'], []],
    ['Action: !Sub with an unknown service that cannot be inference (not listed)', roleWith('!Sub "${InvokeAction}:GetObject"'), [], []],
    ['Action: !Sub with an unknown service that could be inference', roleWith('!Sub "${InvokeAction}:InvokeModel"'), [], [(e) => e.resource === 'Worker' && e.statement === 'inline policy invoke Statement[0]']],
    [
      'a managed policy defined outside the template',
      cfnRole('Worker', '      Tags: [{ Key: team, Value: ml }]\n').replace('AmazonBedrockLimitedAccess', 'AmazonBedrockLimitedAccess, arn:aws:iam::123456789012:policy/bedrock-extra'),
      [],
      [ne('Worker', 'attached policy arn:aws:iam::123456789012:policy/bedrock-extra is defined outside this input, so its document is unknown; it grants nothing here')],
    ],
    [
      'a managed policy ARN from a parameter without a default',
      cfnRole('Worker').replace('[arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess]', '[!Ref InvokeAction]'),
      [],
      [ne('Worker', 'attached policy ${parameter InvokeAction} is known only at deploy time; it grants nothing here')],
    ],
    [
      'a permissions boundary from a parameter without a default',
      cfnRole('Worker', '      PermissionsBoundary: !Ref InvokeAction\n'),
      [],
      [ne('Worker', 'permissions boundary ${parameter InvokeAction} is known only at deploy time; the boundary counts as allowing nothing')],
    ],
    [
      'a policy attached to a role that is not in the template',
      `  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [existing-role]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: bedrock:InvokeModel
            Resource: '*'
`,
      [],
      [ne('Extra', 'policy extra (Extra) is attached to role existing-role, which is not defined in this template')],
    ],
  ])('%s', async (_what, resources, findings, entries) => {
    const report = await scan(resources)
    expect(report.errors).toEqual([])
    expect(report.findings.map((f) => `${f.ruleId} ${f.subject.logicalId}:${f.subject.line}`)).toEqual(findings)
    const got = report.summary.notEvaluated
    expect(got).toHaveLength(entries.length)
    entries.forEach((e, i) => (typeof e === 'function' ? expect(e(got[i]!)).toBe(true) : expect(got[i]).toEqual(e)))
  })

  it('a parameter default a deploy can override: said when the defaults grant no inference action but other values could', async () => {
    const head = HEAD.replace(
      'Resources:\n',
      '  ReadAction:\n    Type: String\n    Default: s3:GetObject\n  FixedAction:\n    Type: String\n    Default: s3:GetObject\n    AllowedValues: [s3:GetObject]\nResources:\n',
    )
    const run = async (action: string): Promise<ScanReport> => {
      const dir = tempTree({ 't.yaml': head + roleWith(action) })
      return scanIac([join(dir, 't.yaml')], { basePath: dir })
    }
    const overridable = await run('!Ref ReadAction')
    expect(overridable.findings).toEqual([])
    expect(overridable.summary.notEvaluated).toEqual([
      {
        file: 't.yaml',
        resource: 'Worker',
        statement: 'inline policy invoke Statement[0]',
        reason:
          'judged on the parameter defaults, which a deploy can override: with other values, Action ${parameter ReadAction} is known only at deploy time and could be a Bedrock inference action; the Allow grants nothing through it here',
      },
    ])
    // A single AllowedValues cannot be overridden; a default that already grants inference is judged (a finding).
    expect((await run('!Ref FixedAction')).summary.notEvaluated).toEqual([])
    const granting = await run('!Ref DefaultAction')
    expect(granting.findings.map((f) => f.ruleId)).toEqual(['principal-missing-tag'])
    expect(granting.summary.notEvaluated).toEqual([])
    // --strict makes the override an exit 2, as every notEvaluated entry.
    const dir = tempTree({ 't.yaml': head + roleWith('!Ref ReadAction') })
    const strict = await runCli(['scan', '--iac', 't.yaml', '--strict', '--format', 'json'], { cwd: dir })
    expect(strict.status).toBe(2)
  })

  describe('Policies chosen with Fn::If', () => {
    const IF_HEAD = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage: { Type: String, Default: prod }
  Fixed: { Type: String, Default: prod, AllowedValues: [prod] }
  Free: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  FixedNotProd: !Not [!Equals [!Ref Fixed, prod]]
  Unknown: !Equals [!Ref Free, x]
Resources:
`
    const POLICY = `PolicyName: invoke
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Action: bedrock:InvokeModel
                  Resource: '*'`
    const role = (policies: string): string =>
      `  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: lambda.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies: ${policies}\n`
    const listIf = (cond: string): string => `!If\n        - ${cond}\n        - - ${POLICY}\n        - !Ref AWS::NoValue`
    const itemIf = (cond: string): string => `\n        - !If\n          - ${cond}\n          - ${POLICY}\n          - !Ref AWS::NoValue`
    const run = async (policies: string): Promise<ScanReport> => {
      const dir = tempTree({ 't.yaml': IF_HEAD + role(policies) })
      return scanIac([join(dir, 't.yaml')], { basePath: dir })
    }
    const OVERRIDE = ne(
      'Worker',
      'judged on the parameter defaults, which a deploy can override: policy invoke is in Policies only when condition NotProd holds, false for the defaults, and it allows Bedrock inference actions',
      'inline policy invoke',
    )

    it.each([
      ['around the list, true for the defaults: evaluated (it was read as no policy: a silent clean)', listIf('IsProd'), ['principal-missing-tag'], []],
      ['around an item, true for the defaults: evaluated', itemIf('IsProd'), ['principal-missing-tag'], []],
      ['around the list, false for the defaults but not for other values: said', listIf('NotProd'), [], [OVERRIDE]],
      ['around an item, false for the defaults but not for other values: said', itemIf('NotProd'), [], [OVERRIDE]],
      ['false whatever the values (a single AllowedValues): nothing', listIf('FixedNotProd'), [], []],
    ])('%s', async (_what, policies, rules, entries) => {
      const report = await run(policies)
      expect(report.errors).toEqual([])
      expect(report.findings.map((f) => f.ruleId)).toEqual(rules)
      expect(report.summary.notEvaluated).toEqual(entries.map((e) => ({ ...e, file: 't.yaml' })))
    })

    it('ManagedPolicyArns: a Bedrock-granting policy attached only with other parameter values is said; one true for the defaults is found', async () => {
      const managed = (list: string): string => role('[]').replace('      Policies: []\n', `      ManagedPolicyArns: ${list}\n`)
      const ifList = (cond: string, arn: string): string => `!If [${cond}, [${arn}], !Ref AWS::NoValue]`
      const scanManaged = async (resources: string): Promise<ScanReport> => {
        const dir = tempTree({ 't.yaml': IF_HEAD + resources })
        return scanIac([join(dir, 't.yaml')], { basePath: dir })
      }
      const BEDROCK = 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess'
      const overridden = await scanManaged(managed(ifList('NotProd', BEDROCK)))
      expect(overridden.findings).toEqual([])
      expect(overridden.summary.notEvaluated).toEqual([
        {
          file: 't.yaml',
          resource: 'Worker',
          reason: `judged on the parameter defaults, which a deploy can override: attached policy ${BEDROCK} is attached only when condition NotProd holds, false for the defaults, and it allows Bedrock inference actions`,
        },
      ])
      expect((await scanManaged(managed(ifList('IsProd', BEDROCK)))).findings.map((f) => f.ruleId)).toEqual(['principal-missing-tag'])
      // A policy that grants no inference, or a condition no deploy can change: nothing to say.
      expect((await scanManaged(managed(ifList('NotProd', 'arn:aws:iam::aws:policy/ReadOnlyAccess')))).summary.notEvaluated).toEqual([])
      expect((await scanManaged(managed(ifList('FixedNotProd', BEDROCK)))).summary.notEvaluated).toEqual([])
    })

    it('a Policies item without a PolicyDocument (or Fn::If nested past any real template) is said, not skipped', async () => {
      const report = await run('\n        - PolicyName: empty')
      expect(report.summary.notEvaluated).toEqual([ne('Worker', 'Policies[0] has no PolicyDocument tagwarden can read; it is not evaluated', 'inline policy empty')].map((e) => ({ ...e, file: 't.yaml' })))
      let nested = '[{PolicyName: deep, PolicyDocument: {Statement: [{Effect: Allow, Action: "bedrock:InvokeModel", Resource: "*"}]}}]'
      for (let i = 0; i < 25; i++) nested = `!If [IsProd, ${nested}, !Ref AWS::NoValue]`
      const deepReport = await run(nested)
      expect(deepReport.findings).toEqual([])
      expect(deepReport.summary.notEvaluated.length).toBeGreaterThan(0)
      for (const e of deepReport.summary.notEvaluated) expect(e.reason).toMatch(/^Policies\[\d\] has no PolicyDocument tagwarden can read; it is not evaluated$/)
    })

    it('unknown at deploy time: evaluated as applying, with a note', async () => {
      const report = await run(listIf('Unknown'))
      expect(report.findings.map((f) => f.ruleId)).toEqual(['principal-missing-tag'])
      expect(report.findings[0]?.evidence.analysisNotes).toContain('inline policy invoke applies only when condition Unknown holds, which is known only at deploy time; it is evaluated as applying')
    })
  })

  it('a Terraform plan: values known only after apply stay notes, not entries', async () => {
    const report = await scanIac([join(EXAMPLES, 'terraform', 'plan.json')])
    expect(report.summary.notEvaluated).toEqual([])
  })

  it('keeps the list small and explicit: a type with a handler is never listed', () => {
    expect([...CDK_CUSTOM_RESOURCES_WITHOUT_IAM]).not.toContain('Custom::AWS')
    expect(unmodelledReason('Custom::AWS')).toBeDefined()
    expect(unmodelledReason('AWS::SSO::PermissionSet')).toBeUndefined()
    expect(unmodelledReason('AWS::SSO::InstanceAccessControlAttributeConfiguration')).toBeUndefined()
    expect(unmodelledReason('AWS::S3::Bucket')).toBeUndefined()
  })

  it('a CDK nested stack, read from the cloud assembly, is not listed', async () => {
    const dir = tempTree({
      'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } } }),
      'cdk.out/App.template.json': JSON.stringify({
        Resources: { Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://x' }, Metadata: { 'aws:asset:path': 'AppNested.nested.template.json' } } },
      }),
    })
    const report = await scanIac([join(dir, 'cdk.out')], { basePath: dir })
    expect(report.summary.accounts.scanned).toBe(1)
    expect(report.summary.notEvaluated).toEqual([])
  })

  it('--strict: an unresolved action is exit 2; without it the scan passes and says what was not evaluated', async () => {
    const dir = tempTree({ 't.yaml': HEAD + roleWith('!Ref InvokeAction', '      Tags: [{ Key: team, Value: ml }]\n') })
    const strict = await runCli(['scan', '--iac', 't.yaml', '--strict'], { cwd: dir })
    expect(strict.status).toBe(2)
    const plain = await runCli(['scan', '--iac', 't.yaml'], { cwd: dir })
    expect(plain.status).toBe(0)
    expect(plain.stdout).toContain('Not evaluated (1)')
    expect(plain.stdout).toContain('t.yaml Worker inline policy invoke Statement[0]: Action ${parameter InvokeAction} is known only at deploy time')
    const md = await runCli(['scan', '--iac', 't.yaml', '--format', 'markdown'], { cwd: dir })
    expect(md.stdout).toContain('Not evaluated (1)')
    expect(md.stdout).toMatch(/t\.yaml Worker inline policy invoke Statement\\?\[0\\?\]: Action/)
  })
})
