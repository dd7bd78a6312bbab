/**
 * Hostile input, item 1: recognition fails closed. Templates are recognised by parsing, so no way of
 * writing valid CloudFormation slips past, and a named path that yields nothing is never a clean result.
 */
import { describe, expect, it } from 'vitest'
import { CLEAN_TEMPLATE, FLOW_TEMPLATE, runCli, tempTree } from './helpers.js'

const QUOTED = FLOW_TEMPLATE.replace('{Resources:', "{'Resources':").replace('Type: AWS', "'Type': AWS")
const ESCAPED_JSON =
  '{"Resourc\\u0065s": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]}}]}}}}'
const PADDED = `Metadata:\n  Pad: "${'x'.repeat(70_000)}"\nResources: ${FLOW_TEMPLATE.slice('{Resources: '.length, -2)}\n`

describe('hostile input: recognition by parsing', () => {
  it.each([
    ['flow style', 'flow.yaml', FLOW_TEMPLATE],
    ['quoted keys', 'quoted.yaml', QUOTED],
    ['an escaped JSON key', 'escaped.json', ESCAPED_JSON],
    ['64 KB of Metadata first', 'padded.yaml', PADDED],
  ])('finds the untagged Bedrock role in a template written with %s, next to a clean one (exit 1)', async (_what, name, text) => {
    const dir = tempTree({ [`t/${name}`]: text, 't/clean.yaml': CLEAN_TEMPLATE })
    const r = await runCli(['scan', '--iac', 't', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; subject: { file?: string } }>; summary: { inputs: { iac: Record<string, number> } } }
    expect(report.findings.map((f) => [f.ruleId, f.subject.file])).toContainEqual(['principal-missing-tag', `t/${name}`])
    expect(report.summary.inputs.iac).toMatchObject({ templates: 2, notTemplates: 0 })
  })

  it('an empty plan.json and an empty cdk.out named next to a clean template are input errors (exit 2)', async () => {
    const dir = tempTree({ 'plan.json': '', 'cdk.out/.keep': '', 'clean/ok.yaml': CLEAN_TEMPLATE })
    const r = await runCli(['scan', '--iac', 'plan.json', 'cdk.out', 'clean', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(2)
    const report = JSON.parse(r.stdout) as { errors: Array<{ code: string; source: string }> }
    expect(report.errors.map((e) => [e.code, e.source])).toEqual([
      ['iac-not-scannable', 'plan.json'],
      ['iac-not-scannable', 'cdk.out'],
    ])
  })

  it('a named file that is not IaC is an input error, whatever else was found', async () => {
    const dir = tempTree({ 'notes.yaml': 'just: yaml\n', 'clean.yaml': CLEAN_TEMPLATE })
    const named = await runCli(['scan', '--iac', 'notes.yaml', 'clean.yaml', '--format', 'json'], { cwd: dir })
    expect(named.status).toBe(2)
    expect((JSON.parse(named.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code)).toEqual(['iac-not-scannable'])
  })
})

interface NotEvaluatedReport {
  findings: unknown[]
  errors: Array<{ code: string; source: string }>
  summary: { notEvaluated: Array<{ file?: string; resource?: string; reason: string }> }
}

describe('hostile input: what a transform adds at deploy time', () => {
  it.each([
    ['an AWS::Include in place of resources', 'Resources:\n  B: {Type: AWS::S3::Bucket}\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/roles.yaml}}\n', 'Fn::Transform'],
    ['only an AWS::Include', 'Resources:\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/roles.yaml}}\n', 'Fn::Transform'],
    ['a Fn::ForEach loop', "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Roles: [N, [a, b], {'${N}Role': {Type: AWS::IAM::Role}}]\n", 'Fn::ForEach::Roles'],
    ['a macro', 'Transform: [AWS::Serverless-2016-10-31, MyMacro]\nResources:\n  B: {Type: AWS::S3::Bucket}\n', undefined],
  ])('%s is a notEvaluated entry, in a folder walk too (exit 2 with --strict)', async (_what, text, resource) => {
    const dir = tempTree({ 't/x.yaml': text, 't/clean.yaml': CLEAN_TEMPLATE })
    const r = await runCli(['scan', '--iac', 't', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(0)
    const entries = (JSON.parse(r.stdout) as NotEvaluatedReport).summary.notEvaluated
    expect(entries).toEqual([expect.objectContaining({ file: 't/x.yaml', ...(resource ? { resource } : {}) })])
    expect((await runCli(['scan', '--iac', 't', '--strict'], { cwd: dir })).status).toBe(2)
  })
})

describe('hostile input: Terraform plans that are not whole', () => {
  const plan = (extra: string): string => `{"format_version":"1.2","terraform_version":"1.9.0","resource_changes":[]${extra}}`

  it('a plan that errored is an input error (exit 2), whatever else was found', async () => {
    const dir = tempTree({ 'plan.json': plan(',"errored":true'), 'clean.yaml': CLEAN_TEMPLATE })
    const r = await runCli(['scan', '--iac', 'plan.json', 'clean.yaml', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(2)
    expect((JSON.parse(r.stdout) as NotEvaluatedReport).errors.map((e) => [e.code, e.source])).toEqual([['iac-unsupported-plan-format', 'plan.json']])
  })

  it('a plan with deferred changes (complete: false) is a notEvaluated entry (exit 2 with --strict)', async () => {
    const dir = tempTree({ 'plan.json': plan(',"complete":false') })
    const r = await runCli(['scan', '--iac', 'plan.json', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as NotEvaluatedReport).summary.notEvaluated).toEqual([expect.objectContaining({ file: 'plan.json' })])
    expect((await runCli(['scan', '--iac', 'plan.json', '--strict'], { cwd: dir })).status).toBe(2)
  })
})
