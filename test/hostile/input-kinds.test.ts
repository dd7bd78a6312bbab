/**
 * Issue 14, "Done when": for each input kind, a named input that is not evaluated never yields exit 0.
 * One table over every kind tagwarden reads from a pull request or a CI step — broken, empty, of the wrong
 * kind, or not a regular file (a FIFO blocks an open, a committed symbolic link to /dev/zero never ends).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLEAN_TEMPLATE, runCli, tempTree } from './helpers.js'

/** A file that is not a regular one: a FIFO nobody writes to, or a symbolic link to /dev/zero. */
type Special = 'fifo' | 'zero'

interface Case {
  kind: string
  what: string
  files?: Record<string, string>
  special?: Record<string, Special>
  args: string[]
}

const ROLE_JSON = '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r"}}}}'
const SAM_UNRESOLVED =
  'Transform: AWS::Serverless-2016-10-31\nParameters: {P: {Type: String}}\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: python3.12, Handler: a.b, CodeUri: ., Policies: [!Ref P]}\n'
const STACK = (templateFile: string): string =>
  JSON.stringify({ version: '36.0.0', artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile } } } })
const PLAN = '{"format_version":"1.2","terraform_version":"1.9.0","resource_changes":[]'
const CLEAN = { 'clean.yaml': CLEAN_TEMPLATE }
const IAC = ['scan', '--iac', 'clean.yaml']

const CASES: Case[] = [
  { kind: 'CloudFormation YAML', what: 'YAML that is no template', files: { 't.yaml': 'just: yaml\n', ...CLEAN }, args: ['scan', '--iac', 't.yaml', 'clean.yaml'] },
  { kind: 'CloudFormation YAML', what: 'an unknown YAML tag', files: { 't.yaml': 'Resources: !Foo {R: {Type: AWS::IAM::Role}}\n' }, args: ['scan', '--iac', 't.yaml'] },
  { kind: 'CloudFormation YAML', what: 'a FIFO', special: { 't.yaml': 'fifo' }, files: CLEAN, args: ['scan', '--iac', 't.yaml', 'clean.yaml'] },
  { kind: 'CloudFormation YAML', what: 'a link to /dev/zero', special: { 't.yaml': 'zero' }, files: CLEAN, args: ['scan', '--iac', 't.yaml', 'clean.yaml'] },
  { kind: 'CloudFormation JSON', what: 'cut-off JSON', files: { 't.json': ROLE_JSON.slice(0, 40) }, args: ['scan', '--iac', 't.json'] },
  { kind: 'CloudFormation JSON', what: 'Resources twice (which one CloudFormation takes is not ours to guess)', files: { 't.json': `${ROLE_JSON.slice(0, -1)}, "Resources": {}}` }, args: ['scan', '--iac', 't.json'] },
  { kind: 'SAM', what: 'Policies known only at deploy time, with --strict', files: { 'sam.yaml': SAM_UNRESOLVED }, args: ['scan', '--iac', 'sam.yaml', '--strict'] },
  { kind: 'CDK cdk.out', what: 'an empty folder', files: { 'cdk.out/.keep': '', ...CLEAN }, args: ['scan', '--iac', 'cdk.out', 'clean.yaml'] },
  { kind: 'CDK cdk.out', what: 'a stack template outside the assembly', files: { 'cdk.out/manifest.json': STACK('../clean.yaml'), ...CLEAN }, args: ['scan', '--iac', 'cdk.out'] },
  { kind: 'CDK cdk.out', what: 'a stack template that is missing', files: { 'cdk.out/manifest.json': STACK('S.template.json') }, args: ['scan', '--iac', 'cdk.out'] },
  { kind: 'Terraform plan', what: 'an empty file', files: { 'plan.json': '', ...CLEAN }, args: ['scan', '--iac', 'plan.json', 'clean.yaml'] },
  { kind: 'Terraform plan', what: 'a plan that errored', files: { 'plan.json': `${PLAN},"errored":true}` }, args: ['scan', '--iac', 'plan.json'] },
  { kind: 'Terraform plan', what: 'state, not a plan', files: { 'plan.json': '{"format_version":"1.0","terraform_version":"1.9.0","values":{"root_module":{}}}' }, args: ['scan', '--iac', 'plan.json'] },
  { kind: 'Terraform sources', what: 'a .tf that does not parse', files: { 'tf/main.tf': 'resource "aws_iam_role" "r" {\n' }, args: ['scan', '--iac', 'tf'] },
  { kind: 'Terraform sources', what: 'a folder whose only .tf links to /dev/zero', special: { 'tf/main.tf': 'zero' }, args: ['scan', '--iac', 'tf'] },
  { kind: 'rules file', what: 'a FIFO given to --rules', special: { 'rules.yaml': 'fifo' }, files: CLEAN, args: [...IAC, '--rules', 'rules.yaml'] },
  { kind: 'rules file', what: 'the default tagwarden.yaml linking to /dev/zero', special: { 'tagwarden.yaml': 'zero' }, files: CLEAN, args: IAC },
  { kind: 'rules file', what: 'a FIFO given to rules validate', special: { 'rules.yaml': 'fifo' }, args: ['rules', 'validate', 'rules.yaml'] },
  { kind: 'baseline', what: 'a FIFO', special: { 'baseline.json': 'fifo' }, files: CLEAN, args: [...IAC, '--baseline', 'baseline.json'] },
  { kind: 'baseline', what: 'a link to /dev/zero', special: { 'baseline.json': 'zero' }, files: CLEAN, args: [...IAC, '--baseline', 'baseline.json'] },
  { kind: 'baseline', what: 'JSON that is no baseline', files: { 'baseline.json': '{"findings": []}', ...CLEAN }, args: [...IAC, '--baseline', 'baseline.json'] },
  { kind: 'snapshot JSON', what: 'an empty file', files: { '111111111111/auth.json': '' }, args: ['scan', '-i', '111111111111/auth.json'] },
  { kind: 'snapshot JSON', what: 'JSON that is no AWS export', files: { '111111111111/auth.json': '{}' }, args: ['scan', '-i', '111111111111/auth.json'] },
  { kind: 'snapshot JSON', what: 'a FIFO', special: { '111111111111/auth.json': 'fifo' }, args: ['scan', '-i', '111111111111/auth.json'] },
  { kind: 'shard aggregate', what: 'a FIFO given to merge', special: { 'shard-1.json': 'fifo' }, args: ['merge', 'shard-1.json'] },
  { kind: 'shard aggregate', what: 'a link to /dev/zero given to merge', special: { 'shard-1.json': 'zero' }, args: ['merge', 'shard-1.json'] },
]

function tree(c: Case): string {
  const dir = tempTree(c.files ?? {})
  for (const [p, kind] of Object.entries(c.special ?? {})) {
    const abs = join(dir, p)
    mkdirSync(dirname(abs), { recursive: true })
    if (kind === 'zero') symlinkSync('/dev/zero', abs)
    else execFileSync('mkfifo', [abs])
  }
  return dir
}

describe.runIf(process.platform === 'linux')('hostile input: a named input that is not evaluated never yields exit 0', () => {
  it.each(CASES.map((c) => [c.kind, c.what, c] as const))('%s: %s is exit 2, said on stderr', async (_kind, _what, c) => {
    const r = await runCli([...c.args, '--format', 'json'], { cwd: tree(c) })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/error/)
  })

  // `init` writes a rules file and has no --format: its own case.
  it.each(['fifo', 'zero'] as const)('tag policy given to init --from-tag-policy: a %s is exit 2, said on stderr', async (kind) => {
    const dir = tree({ kind: 'tag policy', what: kind, special: { 'tag-policy.json': kind }, args: [] })
    const r = await runCli(['init', '--from-tag-policy', 'tag-policy.json', '-o', '-'], { cwd: dir })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/cannot read it: not a regular file/)
  })

  it('covers every input kind', () => {
    expect(new Set(CASES.map((c) => c.kind))).toEqual(
      new Set(['CloudFormation YAML', 'CloudFormation JSON', 'SAM', 'CDK cdk.out', 'Terraform plan', 'Terraform sources', 'rules file', 'baseline', 'snapshot JSON', 'shard aggregate']),
    )
  })
})
