import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planIac, recognise } from '../../src/scanners/iac/index.js'
import { EXAMPLES, FIXTURES, cfnRole, git, hasGit, scanIac, tempTree } from './helpers.js'

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${cfnRole('Untagged')}`

describe('finding IaC in folders', () => {
  it('recognises files by parsing them and counts what is not IaC', async () => {
    const dir = tempTree({
      'infra/app.yaml': TEMPLATE,
      'infra/app.template': TEMPLATE.replace('Untagged', 'Other'),
      'package.json': '{"name":"x","version":"1.0.0"}',
      'tsconfig.json': '{"compilerOptions":{}}',
      'tsconfig.build.json': '{"extends":"./tsconfig.json"}',
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
      'data/config.json': '{"Resources": "not a template"}',
      'cdk.out/manifest.json': '{"version":"55.0.0","artifacts":{}}',
      'cdk.out/Stack.assets.json': '{"version":"55.0.0","files":{}}',
      'cdk.out/tree.json': '{"version":"tree-0.1","tree":{}}',
      'node_modules/pkg/template.yaml': TEMPLATE,
      'notes.md': '# Resources:',
    })
    const plan = await planIac([dir], { basePath: dir })
    expect(plan.errors).toEqual([])
    expect(plan.units.map((u) => u.file)).toEqual(['infra/app.template', 'infra/app.yaml'])
    expect(plan.counts).toEqual({ filesRead: 5, templates: 2, plans: 0, assemblies: 1, notTemplates: 2, skippedSymlinks: 0, skippedTooLarge: 0 })
  })

  it('recognises each input kind by parsing it', () => {
    expect(recognise(readFileSync(join(EXAMPLES, 'terraform/plan.json'), 'utf8'), 'plan.json')).toBe('terraform-plan')
    expect(recognise(readFileSync(join(EXAMPLES, 'cdk/cdk.out/WorkloadsStack.template.json'), 'utf8'), 'x.json')).toBe('cloudformation')
    expect(recognise('Resources:\n  A:\n    Type: AWS::SNS::Topic\n', 'a.yml')).toBe('cloudformation')
    expect(recognise('{"format_version":"1.0","terraform_version":"1.11.4","values":{}}', 's.json')).toBe('terraform-plan')
    expect(recognise('{"name":"x"}', 'x.json')).toBe('other')
    expect(recognise(' \n', 'x.json')).toBe('empty')
    // A template that does not parse is still recognised, so its parse error is reported…
    expect(recognise('Resources:\n  A:\n    Type: AWS::SNS::Topic\n   bad: [\n', 'a.yml')).toBe('cloudformation')
    expect(recognise('{"Resources": {"A": {"Type": "AWS::SNS::Topic"}', 'a.json')).toBe('cloudformation')
    // …but unparsable YAML that only mentions the words (a Helm chart) is not a template.
    const helm = '# Resources for the chart\napiVersion: v1\nkind: Service\nspec:\n  type: {{ .Values.service.Type }}\n  resources: {{- toYaml .Values.resources | nindent 4 }}\n  ports: [\n'
    expect(recognise(helm, 'service.yaml')).toBe('unparsable')
  })

  it('rejects a template over CloudFormation’s 1 MB limit with a clear error, and scans the rest', async () => {
    const big = `AWSTemplateFormatVersion: "2010-09-09"\nDescription: "${'x'.repeat(1024 * 1024)}"\nResources:\n${cfnRole('Big')}`
    const dir = tempTree({ 'big.yaml': big, 'small.yaml': TEMPLATE })
    const report = await scanIac([dir], { basePath: dir })
    expect(report.errors).toEqual([
      expect.objectContaining({ source: 'big.yaml', code: 'iac-file-too-large', message: 'template big.yaml is 1.0 MB; CloudFormation accepts at most 1 MB' }),
    ])
    expect(report.findings.map((f) => f.subject.file)).toEqual(['small.yaml'])
  })

  it('reports a missing input path as an error', async () => {
    const report = await scanIac([join(FIXTURES, 'does-not-exist')])
    expect(report.errors.map((e) => e.code)).toEqual(['iac-unreadable-file'])
  })
})

describe.runIf(hasGit())('--changed-only BASE_REF', () => {
  it('keeps templates changed since the merge base (committed, uncommitted or untracked) and untracked generated files', async () => {
    const dir = tempTree({ 'a.yaml': TEMPLATE, 'b.yaml': TEMPLATE.replace('Untagged', 'B'), 'c.yaml': TEMPLATE.replace('Untagged', 'C') })
    git(dir, 'init', '-q', '-b', 'main')
    git(dir, 'add', '.')
    git(dir, 'commit', '-q', '-m', 'base')
    git(dir, 'checkout', '-q', '-b', 'feature')
    writeFileSync(join(dir, 'b.yaml'), TEMPLATE.replace('Untagged', 'BChanged'))
    git(dir, 'commit', '-q', '-am', 'change b')
    writeFileSync(join(dir, 'c.yaml'), TEMPLATE.replace('Untagged', 'CEdited'))
    writeFileSync(join(dir, 'd.yaml'), TEMPLATE.replace('Untagged', 'DNew'))
    const plan = await planIac([dir], { basePath: dir, changedOnly: 'main' })
    expect(plan.errors).toEqual([])
    expect(plan.units.map((u) => u.file)).toEqual(['b.yaml', 'c.yaml', 'd.yaml'])
    expect(plan.skippedUnchanged).toBe(1)
    const report = await scanIac([dir], { basePath: dir, changedOnly: 'main' })
    expect(report.findings.map((f) => f.subject.logicalId).sort()).toEqual(['BChanged', 'CEdited', 'DNew'])
  })

  it('is an error (not a silent full scan) when the ref does not exist', async () => {
    const dir = tempTree({ 'a.yaml': TEMPLATE })
    git(dir, 'init', '-q', '-b', 'main')
    git(dir, 'add', '.')
    git(dir, 'commit', '-q', '-m', 'base')
    const plan = await planIac([dir], { basePath: dir, changedOnly: 'origin/nope' })
    expect(plan.errors).toEqual([expect.objectContaining({ code: 'iac-changed-only', message: expect.stringMatching(/origin\/nope: no such branch, tag or commit in /) })])
  })
})
