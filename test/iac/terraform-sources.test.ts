import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { indexTerraformText, parseSuppression } from '../../src/scanners/iac/terraform/locator.js'
import { readPlanFile, readPlanText } from '../../src/scanners/iac/terraform/plan-reader.js'
import type { IacOrigin } from '../../src/scanners/iac/index.js'
import { EXAMPLES, inventories, scanIac, tempTree } from './helpers.js'
import { readFileSync } from 'node:fs'

describe('Terraform source locator', () => {
  const tf = `# header comment
locals {
  x = "resource \\"aws_iam_role\\" \\"fake\\" {"
}

# tagwarden:ignore principal-missing-tag owned by the data team, tagged by their pipeline
resource "aws_iam_role" "a" {
  name = "a-\${local.x}-{"
  assume_role_policy = <<-EOT
    { "resource": "aws_iam_role" }
    }
  EOT
  /* a { brace in a comment */
  tags = {
    team = "x" // }
  }
  inline_policy {
    name = "p"
  }
  # tagwarden:ignore gateway-direct-invoke
}

data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:*"]
  }
}
resource aws_iam_user b {
}
`
  const index = indexTerraformText(tf, 'main.tf')

  it('finds resource and data blocks, ignoring strings, heredocs and comments', () => {
    expect([...index.keys()]).toEqual(['resource.aws_iam_role.a', 'data.aws_iam_policy_document.d', 'resource.aws_iam_user.b'])
    expect(index.get('resource.aws_iam_role.a')?.pos).toEqual({ line: 7, column: 1 })
    expect(index.get('data.aws_iam_policy_document.d')?.pos).toEqual({ line: 23, column: 1 })
    expect(index.get('resource.aws_iam_user.b')?.pos).toEqual({ line: 28, column: 1 })
  })

  it('records top-level attributes and nested blocks of a block', () => {
    const members = index.get('resource.aws_iam_role.a')?.members
    expect(Object.fromEntries(members ?? [])).toEqual({
      name: { line: 8, column: 3 },
      assume_role_policy: { line: 9, column: 3 },
      tags: { line: 14, column: 3 },
      inline_policy: { line: 17, column: 3 },
    })
  })

  it('reads tagwarden:ignore comments above and inside the block, reason optional', () => {
    expect(index.get('resource.aws_iam_role.a')?.suppressions).toEqual([
      { rule: 'principal-missing-tag', reason: 'owned by the data team, tagged by their pipeline', pos: { line: 6, column: 1 } },
      { rule: 'gateway-direct-invoke', pos: { line: 20, column: 3 } },
    ])
    expect(index.get('data.aws_iam_policy_document.d')?.suppressions).toEqual([])
    expect(parseSuppression('// tagwarden:ignore principal-missing-tag: legacy, see JIRA-1', { line: 1, column: 1 })).toMatchObject({ reason: 'legacy, see JIRA-1' })
  })

  it('puts inline suppressions and missing-reason warnings on the inventory', async () => {
    const { inventories: [inv] } = await inventories([join(EXAMPLES, 'terraform/plan.json')])
    const sandbox = inv?.roles.find((r) => r.name === 'sandbox')?.origin as IacOrigin
    expect(sandbox.suppressions).toEqual([
      {
        rule: 'principal-missing-tag',
        reason: 'Sandbox role, torn down every night; spend is attributed by account.',
        location: `examples/iac/terraform/workloads.tf:${readFileSync(join(EXAMPLES, 'terraform/workloads.tf'), 'utf8').split('\n').findIndex((l) => l.startsWith('# tagwarden:ignore')) + 1}:1`,
      },
    ])
    expect(inv?.iac.suppressionWarnings).toEqual([])
    const dir = tempTree({
      'main.tf': readFileSync(join(EXAMPLES, 'terraform/users.tf'), 'utf8').replace('resource "aws_iam_user" "ci_bot" {', '# tagwarden:ignore principal-missing-tag\nresource "aws_iam_user" "ci_bot" {'),
      'plan.json': readFileSync(join(EXAMPLES, 'terraform/plan.json'), 'utf8'),
    })
    const { inventories: [inv2] } = await inventories([join(dir, 'plan.json')], { basePath: dir })
    expect(inv2?.iac.suppressionWarnings).toEqual([
      expect.objectContaining({ rule: 'principal-missing-tag', location: 'main.tf:30:1', message: expect.stringMatching(/gives no reason/) }),
    ])
  })

  it('falls back to the plan file and the address when the sources are not there', async () => {
    const dir = tempTree({ 'plan.json': readFileSync(join(EXAMPLES, 'terraform/plan.json'), 'utf8') })
    const report = await scanIac([dir], { basePath: dir })
    const f = report.findings.find((x) => x.subject.name === 'ci-bot')
    expect(f?.subject).toMatchObject({ file: 'plan.json', address: 'aws_iam_user.ci_bot' })
    expect(f?.subject.line).toBeUndefined()
  })

  it('uses --tf-dir to find the sources of a plan stored elsewhere', async () => {
    const dir = tempTree({ 'out/plan.json': readFileSync(join(EXAMPLES, 'terraform/plan.json'), 'utf8') })
    const report = await scanIac([join(dir, 'out')], { basePath: join(EXAMPLES, '..', '..'), tfDir: join(EXAMPLES, 'terraform') })
    expect(report.findings.find((x) => x.subject.name === 'ci-bot')?.subject).toMatchObject({ file: 'examples/iac/terraform/users.tf', line: 30 })
  })
})

describe('Terraform plan reader', () => {
  const text = readFileSync(join(EXAMPLES, 'terraform/plan.json'), 'utf8')

  it('reads the same members from the pretty and the compact (as Terraform writes it) form', async () => {
    const pretty = await readPlanFile(join(EXAMPLES, 'terraform/plan.json'))
    const compact = readPlanText(JSON.stringify(JSON.parse(text)))
    expect(pretty.ok && compact.ok).toBe(true)
    if (!pretty.ok || !compact.ok) return
    expect(compact.members).toEqual(pretty.members)
    expect(pretty.members.keys).toEqual(expect.arrayContaining(['prior_state', 'planned_values', 'resource_changes', 'configuration']))
    expect(Object.keys(pretty.members).sort()).toEqual(['complete', 'configuration', 'errored', 'format_version', 'keys', 'resource_changes', 'terraform_version'])
  })

  it('reports where a plan is cut off or broken, also in the parts it skips', () => {
    expect(readPlanText(text.slice(0, 3000))).toMatchObject({ ok: false, message: expect.stringMatching(/ends early/) })
    const broken = text.replace('"prior_state": {', '"prior_state": {\n  @')
    const at = broken.split('\n').findIndex((l) => l === '  @') + 1
    expect(readPlanText(broken)).toEqual({ ok: false, message: 'unexpected character "@"', line: at, column: 3 })
    expect(readPlanText('[1]')).toMatchObject({ ok: false, message: expect.stringMatching(/does not start with "\{"/) })
  })

  it('turns unsupported or wrong plans into errors, never exceptions', async () => {
    const v2 = JSON.stringify({ ...JSON.parse(text), format_version: '2.0' })
    const state = JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } })
    const cut = text.slice(0, 5000)
    const dir = tempTree({ 'v2/plan.json': v2, 'state/state.json': state, 'cut/plan.json': cut })
    const report = await scanIac([dir], { basePath: dir })
    expect(report.findings).toEqual([])
    expect(report.errors.map((e) => [e.source, e.code, e.message])).toEqual([
      [`cut/plan.json:${cut.split('\n').length}:${(cut.split('\n').pop() ?? '').length}`, 'iac-parse-error', expect.stringMatching(/ends early/)],
      ['state/state.json', 'iac-unsupported-plan-format', expect.stringMatching(/Terraform state .* not a plan/)],
      ['v2/plan.json', 'iac-unsupported-plan-format', expect.stringMatching(/format_version 2\.0 is not supported: tagwarden reads format_version 1\.x/)],
    ])
  })
})
