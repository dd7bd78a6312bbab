/**
 * Terraform sources benchmark: a generated monorepo of 1,000 `.tf` files (100 root modules of 8 files,
 * plus 20 shared local modules of 10 files), scanned from its sources alone with the built CLI
 * (`scan --iac DIR --format json`), in its own process. Target: under 10 s on the 2-core machine.
 *
 * Each root module has providers with default_tags, variables with tfvars, locals, a for_each module call
 * over a map of teams (two levels of local modules), roles with policy documents built from
 * source_policy_documents and dynamic blocks, users, groups and attachments: the shapes the evaluator
 * spends its time on.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, Measurement } from './types.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin', 'run.js')

const ROOTS = 100
const SHARED = 20

function sharedModule(i: number): Record<string, string> {
  const files: Record<string, string> = {
    'variables.tf': `variable "name" {\n  type = string\n}\n\nvariable "team" {\n  type    = string\n  default = ""\n}\n\nvariable "actions" {\n  type    = list(string)\n  default = ["bedrock:InvokeModel"]\n}\n`,
    'main.tf': `module "role" {\n  source = "./role"\n  name   = var.name\n  tags   = var.team == "" ? {} : { team = var.team }\n  policy = data.aws_iam_policy_document.this.json\n}\n`,
    'policy.tf': `data "aws_iam_policy_document" "base" {\n  statement {\n    sid       = "Logs"\n    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]\n    resources = ["*"]\n  }\n}\n\ndata "aws_iam_policy_document" "this" {\n  source_policy_documents = [data.aws_iam_policy_document.base.json]\n  dynamic "statement" {\n    for_each = toset(var.actions)\n    content {\n      actions   = [statement.value]\n      resources = ["arn:aws:bedrock:*::foundation-model/*"]\n    }\n  }\n}\n`,
    'outputs.tf': `output "arn" {\n  value = module.role.arn\n}\n\noutput "name" {\n  value = module.role.name\n}\n`,
    'versions.tf': `terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n`,
    'role/variables.tf': `variable "name" {\n  type = string\n}\n\nvariable "tags" {\n  type = map(string)\n}\n\nvariable "policy" {\n  type = string\n}\n`,
    'role/main.tf': `resource "aws_iam_role" "this" {\n  name = "\${var.name}-${i}"\n  assume_role_policy = jsonencode({\n    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]\n  })\n  tags = var.tags\n}\n`,
    'role/policy.tf': `resource "aws_iam_role_policy" "this" {\n  name   = "bedrock"\n  role   = aws_iam_role.this.id\n  policy = var.policy\n}\n`,
    'role/outputs.tf': `output "arn" {\n  value = aws_iam_role.this.arn\n}\n\noutput "name" {\n  value = aws_iam_role.this.name\n}\n`,
    'role/versions.tf': `terraform {\n  required_version = ">= 1.5"\n}\n`,
  }
  return files
}

function rootModule(r: number): Record<string, string> {
  const shared = `../../modules/shared-${r % SHARED}`
  const teams = Array.from({ length: 4 }, (_, t) => `    svc${t} = { team = "${t === 3 ? '' : `team-${t}`}" }`).join('\n')
  return {
    'providers.tf': `provider "aws" {\n  region = var.region\n  default_tags {\n    tags = {\n      cost-center = var.cost_center\n      stack       = local.stack\n    }\n  }\n}\n\nprovider "aws" {\n  alias  = "data"\n  region = var.region\n  default_tags {\n    tags = { team = "data-platform" }\n  }\n}\n`,
    'variables.tf': `variable "region" {\n  type    = string\n  default = "us-east-1"\n}\n\nvariable "cost_center" {\n  type = string\n}\n\nvariable "services" {\n  type = map(object({\n    team    = optional(string, "")\n    actions = optional(list(string), ["bedrock:InvokeModel"])\n  }))\n}\n`,
    'locals.tf': `locals {\n  stack  = "stack-${r}"\n  prefix = "\${local.stack}-\${var.region}"\n  admins = [for k, v in var.services : k if v.team != ""]\n}\n`,
    'services.tf': `module "service" {\n  source   = "${shared}"\n  for_each = var.services\n\n  name    = "\${local.prefix}-\${each.key}"\n  team    = each.value.team\n  actions = each.value.actions\n}\n\nmodule "data_service" {\n  source = "${shared}"\n  name   = "\${local.prefix}-data"\n  providers = {\n    aws = aws.data\n  }\n}\n`,
    'iam.tf': `data "aws_iam_policy_document" "ci_trust" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n    principals {\n      type        = "Federated"\n      identifiers = ["arn:aws:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"]\n    }\n    condition {\n      test     = "StringLike"\n      variable = "token.actions.githubusercontent.com:sub"\n      values   = ["repo:example/stack-${r}:*"]\n    }\n  }\n}\n\ndata "aws_caller_identity" "current" {}\n\nresource "aws_iam_role" "ci" {\n  name               = "\${local.prefix}-ci"\n  assume_role_policy = data.aws_iam_policy_document.ci_trust.json\n  tags               = { team = "platform" }\n}\n\nresource "aws_iam_role_policy_attachment" "ci" {\n  role       = aws_iam_role.ci.name\n  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockReadOnly"\n}\n`,
    'users.tf': `resource "aws_iam_group" "analysts" {\n  name = "\${local.prefix}-analysts"\n}\n\nresource "aws_iam_group_policy_attachment" "analysts" {\n  group      = aws_iam_group.analysts.name\n  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"\n}\n\nresource "aws_iam_user" "people" {\n  for_each = toset(local.admins)\n  name     = "\${local.prefix}-\${each.key}"\n  tags     = { team = var.services[each.key].team }\n}\n\nresource "aws_iam_user_group_membership" "people" {\n  for_each = aws_iam_user.people\n  user     = each.value.name\n  groups   = [aws_iam_group.analysts.name]\n}\n`,
    'policies.tf': `resource "aws_iam_policy" "invoke" {\n  name = "\${local.prefix}-invoke"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [for a in ["bedrock:InvokeModel", "bedrock:Converse"] : {\n      Effect   = "Allow"\n      Action   = a\n      Resource = "arn:aws:bedrock:\${var.region}::foundation-model/*"\n    }]\n  })\n}\n\nresource "aws_iam_role_policy_attachment" "ci_invoke" {\n  role       = aws_iam_role.ci.name\n  policy_arn = aws_iam_policy.invoke.arn\n}\n`,
    'outputs.tf': `output "service_arns" {\n  value = { for k, m in module.service : k => m.arn }\n}\n`,
    'terraform.tfvars': `cost_center = "cc-${1000 + r}"\nservices = {\n${teams}\n}\n`,
  }
}

async function writeTree(dir: string, files: Record<string, string>): Promise<number> {
  let n = 0
  for (const [p, text] of Object.entries(files)) {
    const abs = join(dir, p)
    await mkdir(join(abs, '..'), { recursive: true })
    await writeFile(abs, text)
    if (p.endsWith('.tf')) n++
  }
  return n
}

export async function terraformBenchmark(ctx: BenchContext): Promise<Measurement[]> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    ctx.log('terraform: skipped, the CLI is not built (npm run build)')
    return []
  }
  const repo = join(ctx.tmpDir, 'tf-monorepo')
  let tfFiles = 0
  for (let i = 0; i < SHARED; i++) tfFiles += await writeTree(join(repo, 'modules', `shared-${i}`), sharedModule(i))
  for (let r = 0; r < ROOTS; r++) tfFiles += await writeTree(join(repo, 'stacks', `stack-${r}`), rootModule(r))
  ctx.log(`terraform: generated ${tfFiles} .tf files (${ROOTS} root modules, ${SHARED} shared modules)`)
  const out = join(ctx.tmpDir, 'tf-report.json')
  const started = performance.now()
  const r = spawnSync(process.execPath, [BIN, 'scan', '--iac', repo, '--base-path', repo, '--format', 'json', '--output', out, '--fail-on', 'never'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const wall = (performance.now() - started) / 1000
  if (r.status !== 0) throw new Error(`scan exited ${r.status}: ${(r.stderr ?? '').split('\n').slice(0, 5).join(' ')}`)
  const report = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(out, 'utf8'))) as {
    findings: unknown[]
    errors: unknown[]
    summary: { accounts: { scanned: number }; principals: { users: number; roles: number } }
  }
  ctx.log(`terraform: ${tfFiles} files in ${wall.toFixed(2)} s, ${report.findings.length} findings, ${report.errors.length} errors`)
  return [
    {
      benchmark: 'terraform sources',
      size: `${tfFiles} .tf files`,
      wallSeconds: wall,
      throughput: { value: Math.round(tfFiles / wall), unit: 'files/s' },
      notes: `${report.summary.accounts.scanned} root modules, ${report.summary.principals.roles} roles, ${report.summary.principals.users} users, ${report.findings.length} findings`,
      details: { tfFiles, rootModules: ROOTS, findings: report.findings.length, errors: report.errors.length },
    },
  ]
}
