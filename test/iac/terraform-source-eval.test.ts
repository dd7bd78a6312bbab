/**
 * Terraform without a plan: `.tf` sources parsed and evaluated into the same IAM graph, findings, lines and
 * fingerprints as the plan path.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { planIac } from '../../src/scanners/iac/index.js'
import { EXAMPLES, FIXTURES, REPO, findingKeys, git, hasGit, inventories, scanIac, tempTree } from './helpers.js'

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
      'main.tf': `provider "aws" {}
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
      'main.tf': `provider "aws" {}
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
      'ok.tf': `resource "aws_iam_user" "ci" {\n  name = "ci"\n}\nprovider "aws" {}\nresource "aws_iam_user_policy" "ci" {\n  user   = aws_iam_user.ci.name\n  policy = ${BEDROCK}\n}\n`,
    })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors.map((e) => `${e.source} ${e.code} ${e.message}`)).toEqual(['broken.tf:2:19 iac-parse-error broken.tf: expected an expression, found `}`'])
    expect(located(r.findings).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['principal-missing-tag ok.tf:1 aws_iam_user.ci'])
  })

  it('leaves a folder with a plan to the plan (its sources give the lines)', async () => {
    const { inventories: invs } = await inventories([join(EXAMPLES, 'terraform')], { basePath: REPO })
    expect(invs.map((i) => i.iac.file)).toEqual(['examples/iac/terraform/plan.json'])
  })

  it('evaluates nested local modules with for_each over a map, aliased providers, policy documents and registry modules', async () => {
    const r = await scanIac([join(FIXTURES, 'terraform-sources')])
    const at = 'test/fixtures/iac/terraform-sources'
    expect(r.errors).toEqual([])
    expect(r.summary.accounts.ids).toEqual([`iac:${at}/platform`])
    // Not reported: the tagged team roles, `shared` (tagged by the aliased provider's default_tags two
    // modules down) and `overridden` (the override replaced its only Bedrock statement).
    expect(r.findings.map((f) => `${f.ruleId} ${f.subject.file}:${f.subject.line} ${f.subject.address}`).sort()).toEqual([
      `principal-missing-tag ${at}/modules/team-roles/role/main.tf:19 module.team_roles["batch"].module.role.aws_iam_role.this`,
      `principal-missing-tag ${at}/platform/.terraform/modules/audit/main.tf:6 module.audit.aws_iam_user.this`,
      `principal-missing-tag ${at}/platform/main.tf:35 aws_iam_role.readers["misc"]`,
      `principal-missing-tag ${at}/platform/policies.tf:23 aws_iam_user.via_source`,
    ])
    expect(r.summary.notEvaluated).toEqual([])
  })

  it('says which module is not evaluated when `terraform init` has not downloaded it', async () => {
    const dir = tempTree({ 'main.tf': 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n' })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors).toEqual([])
    expect(r.summary.notEvaluated.map((n) => `${n.file} ${n.resource}`)).toEqual(['main.tf:1:1 module.vpc'])
    expect(r.summary.notEvaluated[0]?.reason).toMatch(/not downloaded \(run `terraform init -backend=false`/)
  })

  it('reads .tf.json with positions', async () => {
    const dir = tempTree({
      'main.tf.json': JSON.stringify(
        {
          resource: {
            aws_iam_user: { ci: { name: 'ci-${var.env}' } },
            aws_iam_user_policy_attachment: { ci: { user: '${aws_iam_user.ci.name}', policy_arn: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess' } },
          },
          variable: { env: { default: 'prod' } },
          provider: { aws: {} },
        },
        null,
        2,
      ),
    })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors).toEqual([])
    expect(located(r.findings).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['principal-missing-tag main.tf.json:4 aws_iam_user.ci'])
    expect(r.findings[0]?.subject.name).toBe('ci-prod')
  })

  it('ends hostile HCL (deep nesting, unterminated heredoc, string doubling) with a clear error each', async () => {
    const dir = tempTree({
      'deep.tf': `locals {\n  x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n}\n`,
      'heredoc.tf': `locals {\n  y = <<EOT\n${'a\n'.repeat(50_000)}`,
      'bomb.tf': `locals {\n${Array.from({ length: 30 }, (_, i) => `  l${i} = "\${local.l${i + 1}}\${local.l${i + 1}}"`).join('\n')}\n  l30 = "xxxxxxxxxxxxxxxx"\n}\nresource "aws_iam_user" "u" {\n  name = local.l0\n}\n`,
    })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors.map((e) => `${e.source} ${e.message}`)).toEqual([
      'deep.tf:2:57 deep.tf: nested deeper than 100 levels',
      'heredoc.tf:2:7 heredoc.tf: unterminated heredoc: no line `EOT` closes the `<<EOT` opened here',
      expect.stringMatching(/^bomb\.tf:\d+:\d+ bomb\.tf: the configuration is too expensive to evaluate \(a string grows beyond 1000000 characters\); the root module is not scanned$/),
    ])
  })

  it('reads tfvars bounded: a terraform.tfvars linked to /dev/zero is an error, not an endless read', async () => {
    const dir = tempTree({ 'main.tf': 'variable "env" {\n  default = "dev"\n}\nresource "aws_iam_user" "u" {\n  name = var.env\n}\n' })
    symlinkSync('/dev/zero', join(dir, 'terraform.tfvars'))
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/terraform\.tfvars: not a regular file/)])
  })

  it('reads .tf files bounded: one linked to /dev/zero or a FIFO is an error naming it, not a skip or an endless read', async () => {
    const dir = tempTree({ 'main.tf': 'resource "aws_iam_user" "u" {\n  name = "u"\n}\n' })
    symlinkSync('/dev/zero', join(dir, 'zero.tf'))
    execFileSync('mkfifo', [join(dir, 'fifo.tf')])
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/fifo\.tf: .*not a regular file; not read/),
      expect.stringMatching(/zero\.tf: a symbolic link leading outside .*; not read/),
    ])
  })

  it('reads a reusable module scanned on its own without a false finding: the default_tags of its caller are unknown', async () => {
    const r = await scanIac([join(EXAMPLES, 'terraform/modules/team-bedrock-role')])
    expect(r.errors).toEqual([])
    expect(r.findings).toEqual([])
    expect(r.summary.notEvaluated.map((n) => n.reason)).toEqual([
      expect.stringMatching(/^variable name has no value/),
      expect.stringMatching(/^this root module configures no provider "aws": it is probably called from elsewhere/),
    ])
  })

  it('reads policies with file() and templatefile() inside the base path, and nothing outside it', async () => {
    const outside = tempTree({ 'secret.json': '{"Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}' })
    const dir = tempTree({
      'main.tf': `provider "aws" {}
resource "aws_iam_user" "a" {
  name = "a"
}
resource "aws_iam_user_policy" "a" {
  user   = aws_iam_user.a.name
  policy = templatefile("\${path.module}/policies/invoke.json.tpl", { actions = ["bedrock:InvokeModel"] })
}
resource "aws_iam_user" "b" {
  name = "b"
}
resource "aws_iam_user_policy" "b" {
  user   = aws_iam_user.b.name
  policy = file("${join(outside, 'secret.json')}")
}
resource "aws_iam_user" "c" {
  name = "c"
}
resource "aws_iam_user_policy" "c" {
  user   = aws_iam_user.c.name
  policy = file("policies/read.json")
}
`,
      'policies/invoke.json.tpl': '{"Statement":[%{ for a in actions }{"Effect":"Allow","Action":"${a}","Resource":"*"}%{ endfor }]}\n',
      'policies/read.json': '{"Statement":[{"Effect":"Allow","Action":"bedrock:ListFoundationModels","Resource":"*"}]}\n',
    })
    const r = await scanIac([dir], { basePath: dir })
    expect(r.errors).toEqual([])
    expect(findingKeys(r.findings)).toEqual(['principal-missing-tag a'])
    expect(r.summary.notEvaluated.map((n) => `${n.resource}: ${n.reason}`)).toEqual([expect.stringMatching(/^aws_iam_user_policy\.b\.policy: .*is outside .*which tagwarden does not read/)])
  })
})

describe.runIf(hasGit())('Terraform sources with --changed-only', () => {
  it('selects every root module that uses a changed .tf, .tfvars or local-module file', async () => {
    const root = (mod: string): string => `module "m" {\n  source = "${mod}"\n}\n`
    const dir = tempTree({
      'app/main.tf': root('../modules/shared'),
      'web/main.tf': root('../modules/shared'),
      'web/terraform.tfvars': '',
      'solo/main.tf': 'locals {}\n',
      'modules/shared/main.tf': 'locals {}\n',
    })
    git(dir, 'init', '-q', '-b', 'main')
    git(dir, 'add', '.')
    git(dir, 'commit', '-q', '-m', 'base')
    const kept = async (): Promise<string[]> => (await planIac([dir], { basePath: dir, changedOnly: 'main' })).units.map((u) => u.file).sort()
    expect(await kept()).toEqual([])
    writeFileSync(join(dir, 'modules/shared/main.tf'), 'locals {\n  x = 1\n}\n')
    expect(await kept()).toEqual(['app', 'web'])
    git(dir, 'commit', '-q', '-am', 'module')
    writeFileSync(join(dir, 'web/terraform.tfvars'), 'x = 1\n')
    expect(await kept()).toEqual(['web'])
  })

  it('selects every root module read from sources when a --var-file changed, and none when it did not', async () => {
    const dir = tempTree({ 'app/main.tf': 'locals {}\n', 'web/main.tf': 'locals {}\n', 'env/prod.tfvars': 'x = 1\n', 'template.yaml': 'Resources: {}\n' })
    git(dir, 'init', '-q', '-b', 'main')
    git(dir, 'add', '.')
    git(dir, 'commit', '-q', '-m', 'base')
    const varFiles = [join(dir, 'env/prod.tfvars')]
    const kept = async (): Promise<string[]> => (await planIac([join(dir, 'app'), join(dir, 'web')], { basePath: dir, changedOnly: 'main', varFiles })).units.map((u) => u.file).sort()
    expect(await kept()).toEqual([])
    writeFileSync(varFiles[0]!, 'x = 2\n')
    expect(await kept()).toEqual(['app', 'web'])
  })
})