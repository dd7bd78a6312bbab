/**
 * Hostile input, item 5: a `pattern:` can never hang a scan (linear-time engine; what it cannot run is refused
 * at load with its position), and a tag value longer than IAM allows is an input error, never truncated.
 * Mechanisms and results are asserted, never a time.
 */
import { describe, expect, it } from 'vitest'
import { runCli, tempTree } from './helpers.js'

const CATASTROPHIC = `${'a'.repeat(30)}!`
const LONG_VALUE = 'v'.repeat(257)

const role = (value: string): string => `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}
      Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: 'bedrock:InvokeModel', Resource: '*'}]}}]
      Tags: [{Key: team, Value: '${value}'}]
`
const rules = (pattern: string): string => `version: 1\ntags:\n  required:\n    - key: team\n      pattern: '${pattern}'\n`

interface Report {
  findings: Array<{ ruleId: string; evidence?: { value?: string } }>
  errors: Array<{ code: string; source: string; message: string }>
}

describe('hostile input: patterns', () => {
  it('decides a catastrophic-backtracking pattern on a 31-character value (no hang): the value is not allowed', async () => {
    const dir = tempTree({ 't.yaml': role(CATASTROPHIC), 'tagwarden.yaml': rules('^([a-z0-9]+-?)+$') })
    const r = await runCli(['scan', '--iac', 't.yaml', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    expect(report.findings.filter((f) => f.ruleId === 'tag-value-not-allowed').map((f) => f.evidence?.value)).toEqual([CATASTROPHIC])
  })

  it('refuses a pattern the linear-time engine cannot run at load, at file:line:column of the pattern (exit 2)', async () => {
    const dir = tempTree({ 't.yaml': role('search'), 'tagwarden.yaml': rules('^(?=.*[0-9])[a-z0-9]+$') })
    const r = await runCli(['scan', '--iac', 't.yaml'], { cwd: dir })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/tagwarden\.yaml:5:16: lookahead `\(\?=…\)` at character 2 is not supported/)
    const v = await runCli(['rules', 'validate', 'tagwarden.yaml'], { cwd: dir })
    expect(v.status).toBe(1)
    expect(v.stdout).toMatch(/tagwarden\.yaml:5:16: lookahead/)
  })
})

describe('hostile input: tag values longer than IAM allows', () => {
  it('in a template: an input error at the Tags property (exit 2), the value kept whole', async () => {
    const dir = tempTree({ 't.yaml': role(LONG_VALUE) })
    const r = await runCli(['scan', '--iac', 't.yaml', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(2)
    const report = JSON.parse(r.stdout) as Report
    expect(report.errors).toEqual([expect.objectContaining({ code: 'iac-invalid-tag', source: 't.yaml:8:7', message: 'role r: tag team has a value of 257 characters; IAM allows at most 256' })])
    expect(r.stderr).toMatch(/257 characters; IAM allows at most 256 \(t\.yaml:8:7\) \[iac-invalid-tag\]/)
  })

  it('in a snapshot: an input error naming the file, entry and principal (exit 2); 256 characters are fine', async () => {
    const snapshot = (value: string): string =>
      JSON.stringify({
        UserDetailList: [],
        GroupDetailList: [],
        Policies: [],
        RoleDetailList: [
          {
            RoleName: 'r',
            Path: '/',
            Arn: 'arn:aws:iam::111111111111:role/r',
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
            RolePolicyList: [],
            AttachedManagedPolicies: [],
            Tags: [{ Key: 'owner', Value: 'x' }, { Key: 'team', Value: value }],
          },
        ],
      })
    const dir = tempTree({ 'long/111111111111/auth.json': snapshot(LONG_VALUE), 'ok/111111111111/auth.json': snapshot('é'.repeat(256)) })
    const r = await runCli(['scan', '--input', 'long', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(2)
    const report = JSON.parse(r.stdout) as Report
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'invalid-tag', message: expect.stringMatching(/#\/RoleDetailList\/0\/Tags\/1: tag team has a value of 257 characters; IAM allows at most 256 \(arn:aws:iam::111111111111:role\/r\)/) }),
    ])
    expect((await runCli(['scan', '--input', 'ok', '--format', 'json'], { cwd: dir })).status).toBe(0)
  })
})
