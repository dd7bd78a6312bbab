/**
 * Terraform without a plan: `.tf` sources parsed and evaluated into the same IAM graph, findings, lines and
 * fingerprints as the plan path.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { EXAMPLES, REPO, findingKeys, inventories, scanIac, tempTree } from './helpers.js'

const ROLE_TRUST = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })`
const BEDROCK = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "bedrock:InvokeModel", Resource = "*" }] })`

/** `rule file:line address` of each finding, plus its fingerprint. */
function located(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.subject.file}:${f.subject.line} ${f.subject.address} ${f.fingerprint}${f.suppressed ? ' suppressed' : ''}`).sort()
}

describe('Terraform sources without a plan', () => {
  const copies: string[] = []
  afterAll(() => {
    for (const d of copies) rmSync(d, { recursive: true, force: true })
  })

  it('gives examples/iac/terraform the findings of its plan: same lines, same fingerprints', async () => {
    // The example without plan.json, at the same repository-relative path (fingerprints name the .tf file).
    const base = mkdtempSync(join(tmpdir(), 'tagwarden-tfsrc-'))
    copies.push(base)
    cpSync(join(EXAMPLES, 'terraform'), join(base, 'examples/iac/terraform'), { recursive: true, filter: (src) => !src.endsWith('plan.json') })
    const fromPlan = await scanIac([join(EXAMPLES, 'terraform')])
    const fromSources = await scanIac([join(base, 'examples/iac/terraform')], { basePath: base })
    expect(fromSources.errors).toEqual([])
    expect(located(fromSources.findings)).toEqual(located(fromPlan.findings))
    expect(located(fromSources.findings).length).toBeGreaterThan(5)
  })

  it('evaluates locals, variables (default < TF_VAR_ < terraform.tfvars < *.auto.tfvars < --var-file) and functions', async () => {
    const dir = tempTree({
      'main.tf': `
variable "team" {}
variable "env" { default = "dev" }
variable "owners" {
  type    = list(string)
  default = []
}
locals {
  tags = merge({ env = var.env }, var.team == "" ? {} : { team = var.team })
}
resource "aws_iam_role" "app" {
  name               = "app-\${var.env}"
  assume_role_policy = ${ROLE_TRUST}
  tags               = local.tags
  inline_policy {
    name   = "bedrock"
    policy = ${BEDROCK}
  }
}
resource "aws_iam_role" "owners" {
  name               = "owners"
  assume_role_policy = ${ROLE_TRUST}
  tags               = { team = try(var.owners[0], "nobody") }
  inline_policy {
    name   = "bedrock"
    policy = ${BEDROCK}
  }
}
`,
      'terraform.tfvars': 'env = "stage"\n',
      'z.auto.tfvars': 'env = "prod"\n',
      'extra.tfvars': 'owners = ["search"]\n',
    })
    const { inventories: invs, errors } = await inventories([dir], { basePath: dir, varFiles: [join(dir, 'extra.tfvars')], env: { TF_VAR_team: 'ads' } })
    expect(errors).toEqual([])
    const roles = invs[0]?.roles ?? []
    expect(roles.map((r) => [r.name, Object.fromEntries(r.tags.map((t) => [t.key, t.value]))])).toEqual([
      ['app-prod', { env: 'prod', team: 'ads' }],
      ['owners', { team: 'search' }],
    ])
  })

  it('never reports a finding on what is unknown, and says what was not evaluated', async () => {
    const dir = tempTree({
      'main.tf': `
variable "team" {}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = ${ROLE_TRUST}
  tags               = { team = var.team }
  inline_policy {
    name   = "bedrock"
    policy = ${BEDROCK}
  }
}
resource "aws_iam_role" "unknown_tags" {
  name               = "unknown-tags"
  assume_role_policy = ${ROLE_TRUST}
  tags               = merge(var.extra_tags, {})
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]
}
variable "extra_tags" {
  type = map(string)
}
resource "aws_iam_role" "untagged" {
  name               = "untagged"
  assume_role_policy = ${ROLE_TRUST}
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]
}
`,
    })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors).toEqual([])
    expect(findingKeys(r.findings)).toEqual(['principal-missing-tag untagged'])
    expect(r.summary.notEvaluated.map((n) => `${n.file} ${n.resource}: ${n.reason}`)).toEqual([
      expect.stringMatching(/^main\.tf:2:1 var\.team: variable team has no value/),
      expect.stringMatching(/^main\.tf:\d+:1 var\.extra_tags: variable extra_tags has no value/),
    ])
  })

  it('reports a parse error as file:line:column and still scans the other files', async () => {
    const dir = tempTree({
      'broken.tf': 'resource "aws_iam_role" "b" {\n  tags = { team = }\n}\n',
      'ok.tf': `resource "aws_iam_user" "ci" {\n  name = "ci"\n}\nresource "aws_iam_user_policy" "ci" {\n  user   = aws_iam_user.ci.name\n  policy = ${BEDROCK}\n}\n`,
    })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors.map((e) => `${e.source} ${e.code} ${e.message}`)).toEqual(['broken.tf:2:19 iac-parse-error broken.tf: expected an expression, found `}`'])
    expect(located(r.findings).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['principal-missing-tag ok.tf:1 aws_iam_user.ci'])
  })

  it('leaves a folder with a plan to the plan (its sources give the lines)', async () => {
    const { inventories: invs } = await inventories([join(EXAMPLES, 'terraform')], { basePath: REPO })
    expect(invs.map((i) => i.iac.file)).toEqual(['examples/iac/terraform/plan.json'])
  })
})
