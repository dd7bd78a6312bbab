/**
 * Hostile input, item 2: nothing unevaluated is silent. A pull request cannot hide a Bedrock grant behind a
 * resource type or a value tagwarden does not resolve: it is either evaluated or listed in summary.notEvaluated,
 * and `--strict` fails on the list.
 */
import { describe, expect, it } from 'vitest'
import { runCli, tempTree } from './helpers.js'

/** A SAM function in flow style, without the Transform line (the resource type decides). */
const SAM_FUNCTION = "{Resources: {Api: {Type: 'AWS::Serverless::Function', Properties: {Handler: app.handler, Runtime: python3.12, CodeUri: src/, Policies: [AmazonBedrockFullAccess]}}}}\n"

/** A Lambda role whose only Bedrock grant is `Action: !Ref Action`, a parameter without a default. */
const refActionRole = (id: string, tags = ''): string => `  ${id}:
    Type: AWS::IAM::Role
    Properties:
${tags}      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: !Ref Action, Resource: '*' }]
`

/** One tagged and one untagged role: neither may pass as clean without a word. */
const REF_ACTION = `Parameters:\n  Action:\n    Type: String\nResources:\n${refActionRole('Worker', '      Tags: [{ Key: team, Value: ml }]\n')}${refActionRole('Worker2')}`

interface Report {
  findings: Array<{ ruleId: string; subject: { logicalId?: string; line?: number } }>
  summary: { notEvaluated: Array<{ file?: string; resource?: string; statement?: string; reason: string }> }
}

describe('hostile input: nothing unevaluated is silent', () => {
  it('a SAM function with AmazonBedrockFullAccess is not ignored (exit 1, on the function line)', async () => {
    const dir = tempTree({ 'template.yaml': SAM_FUNCTION })
    const r = await runCli(['scan', '--iac', 'template.yaml', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    expect(report.findings.map((f) => [f.ruleId, f.subject.logicalId, f.subject.line])).toEqual([['principal-missing-tag', 'ApiRole', 1]])
  })

  it('an Allow whose action is a parameter without a default is never a silent clean (listed; exit 2 with --strict)', async () => {
    const dir = tempTree({ 'template.yaml': REF_ACTION })
    const plain = await runCli(['scan', '--iac', 'template.yaml', '--format', 'json'], { cwd: dir })
    expect(plain.status).toBe(0)
    const report = JSON.parse(plain.stdout) as Report
    expect(report.findings).toEqual([])
    expect(report.summary.notEvaluated.map((e) => [e.file, e.resource, e.statement])).toEqual([
      ['template.yaml', 'Worker', 'inline policy invoke Statement[0]'],
      ['template.yaml', 'Worker2', 'inline policy invoke Statement[0]'],
    ])
    const strict = await runCli(['scan', '--iac', 'template.yaml', '--strict'], { cwd: dir })
    expect(strict.status).toBe(2)
    expect(strict.stdout).toContain('Not evaluated (2)')
  })
})

describe('hostile input: a condition false only for the parameter defaults', () => {
  const template = (allowed: string): string => `Parameters:
  Env: {Type: String, Default: dev${allowed}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Role:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}
      Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: 'bedrock:InvokeModel', Resource: '*'}]}}]
`

  it('does not hide the resource: deployed with Env=prod it exists, so it is evaluated (exit 1)', async () => {
    const r = await runCli(['scan', '--iac', 't.yaml', '--format', 'json'], { cwd: tempTree({ 't.yaml': template('') }) })
    expect(r.status).toBe(1)
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => [f.ruleId, f.subject.logicalId])).toContainEqual(['principal-missing-tag', 'Role'])
  })

  it('drops it when AllowedValues leave only the default (exit 0)', async () => {
    const r = await runCli(['scan', '--iac', 't.yaml', '--format', 'json'], { cwd: tempTree({ 't.yaml': template(', AllowedValues: [dev]') }) })
    expect(r.status).toBe(0)
  })
})
