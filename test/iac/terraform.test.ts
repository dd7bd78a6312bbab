import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadIacUnit, planIac, type IacOrigin } from '../../src/scanners/iac/index.js'
import { EXAMPLES, FIXTURES, REPO, findingKeys, inventories, scanIac, tempTree } from './helpers.js'

const EXAMPLE_PLAN = join(EXAMPLES, 'terraform/plan.json')
type Plan = { resource_changes: Array<{ address: string; change: { actions: string[]; after: Record<string, unknown>; after_unknown: Record<string, unknown> } }> }

/** Scan a modified copy of the example plan (no .tf sources next to it: positions fall back to the plan). */
async function scanModified(edit: (plan: Plan) => void) {
  const plan = JSON.parse(readFileSync(EXAMPLE_PLAN, 'utf8')) as Plan
  edit(plan)
  const dir = tempTree({})
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan))
  return scanIac([join(dir, 'plan.json')], { basePath: dir })
}

function change(plan: Plan, address: string) {
  const rc = plan.resource_changes.find((r) => r.address === address)
  if (!rc) throw new Error(`no ${address} in the plan`)
  return rc.change
}

describe('Terraform example (examples/iac/terraform, real `terraform show -json` output)', () => {
  it('flags exactly the wrong half of the four access patterns', async () => {
    const report = await scanIac([join(EXAMPLES, 'terraform')])
    expect(report.errors).toEqual([])
    expect(findingKeys(report.findings)).toEqual([
      'federated-role-session-name analysts-sso',
      'federated-role-session-tags analysts-sso',
      'gateway-direct-invoke legacy-llm-gateway',
      'gateway-target-session-tags bedrock-shared',
      'gateway-target-source-identity bedrock-shared',
      'principal-missing-tag batch-worker',
      'principal-missing-tag ci-bot',
      'principal-missing-tag queue-worker-0',
      'principal-missing-tag queue-worker-1',
      // Suppressed inline (`# tagwarden:ignore …` above the block); the engine applies origin.suppressions.
      'principal-missing-tag sandbox',
    ])
  })

  it('locates each resource in the .tf sources, modules included', async () => {
    const { inventories: [inv] } = await inventories([EXAMPLE_PLAN])
    const origin = (name: string): IacOrigin => [...(inv?.roles ?? []), ...(inv?.users ?? [])].find((p) => p.name === name)?.origin as IacOrigin
    expect(origin('batch-worker')).toMatchObject({ file: 'examples/iac/terraform/workloads.tf', line: 38, column: 1, address: 'aws_iam_role.batch_worker', tagsAt: { line: 48, column: 3 }, trustAt: { line: 40, column: 3 } })
    expect(origin('bedrock-etl')).toMatchObject({ file: 'examples/iac/terraform/modules/team-bedrock-role/main.tf', line: 13, address: 'module.team_roles["etl"].aws_iam_role.this', stack: 'module.team_roles["etl"]' })
    const tf = readFileSync(join(EXAMPLES, 'terraform/workloads.tf'), 'utf8').split('\n')
    expect(tf[37]).toBe('resource "aws_iam_role" "batch_worker" {')
    expect(tf[47]?.trim()).toBe('tags = {')
  })

  it('reads tags from tags_all, so provider default_tags count (module roles on the data_platform provider)', async () => {
    const { inventories: [inv] } = await inventories([EXAMPLE_PLAN])
    const etl = inv?.roles.find((r) => r.name === 'bedrock-etl')
    expect(etl?.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'data-platform' }]))
    const report = await scanIac([EXAMPLE_PLAN])
    expect(report.findings.some((f) => f.subject.name?.startsWith('bedrock-etl') || f.subject.name?.startsWith('bedrock-reporting'))).toBe(false)
  })

  it('links count instances by index and rebuilds a deferred policy document from its blocks', async () => {
    const { inventories: [inv] } = await inventories([EXAMPLE_PLAN])
    const qw = inv?.roles.find((r) => r.name === 'queue-worker-1')
    // The SQS statement names an apply-time ARN and is left out; the Bedrock statement is kept.
    expect(qw?.inlinePolicies.map((p) => [p.name, p.document.statements.map((s) => s.action)])).toEqual([['work', [['bedrock:InvokeModel']]]])
    expect((qw?.origin as IacOrigin).notEvaluated?.join('\n')).toMatch(/aws_sqs_queue\.jobs\.arn.*grants nothing/)
  })

  it('resolves a trust principal that is another role of the plan (aws_iam_role.gw.arn, unknown at plan time)', async () => {
    const { inventories: [inv] } = await inventories([EXAMPLE_PLAN])
    const perUser = inv?.roles.find((r) => r.name === 'bedrock-per-user')
    expect(perUser?.trustPolicy?.statements.map((s) => s.principal?.AWS)).toEqual([
      ['arn:aws:iam::000000000000:role/llm-gateway-exec'],
      ['arn:aws:iam::000000000000:role/llm-gateway-exec'],
      ['arn:aws:iam::000000000000:role/llm-gateway-exec'],
    ])
  })
})

describe('every Terraform IAM resource type', () => {
  it.each([
    ['aws_iam_role inline_policy', 'module.team_roles["etl"].aws_iam_role.this', 'bedrock-etl', 'tags_all'],
    ['aws_iam_role managed_policy_arns', 'aws_iam_role.analysts_sso', 'analysts-sso', 'none'],
    ['aws_iam_role_policy', 'aws_iam_role.summarizer', 'summarizer-lambda', 'tags_all'],
    ['aws_iam_role_policy_attachment', 'aws_iam_role.batch_worker', 'batch-worker', 'none'],
    ['aws_iam_user_policy_attachment + aws_iam_policy', 'aws_iam_user.eval_runner', 'eval-runner', 'tags_all'],
    ['aws_iam_user_policy + aws_iam_user_group_membership', 'aws_iam_user.notebook', 'notebook-svc', 'tags_all'],
    ['aws_iam_group_policy + aws_iam_group_membership', 'aws_iam_user.ci_bot', 'ci-bot', 'none'],
  ])('%s: flagged without the team tag, passes with it (%s)', async (_type, address, name) => {
    const strip = await scanModified((plan) => {
      const c = change(plan, address)
      c.after.tags_all = { 'cost-center': 'cc-1' }
      c.after.tags = null
    })
    expect(strip.findings.some((f) => f.subject.name === name && (f.ruleId === 'principal-missing-tag' || f.ruleId === 'federated-role-session-tags'))).toBe(true)
    const tag = await scanModified((plan) => {
      const c = change(plan, address)
      c.after.tags_all = { team: 'x' }
    })
    expect(tag.findings.some((f) => f.subject.name === name && f.ruleId !== 'federated-role-session-name')).toBe(false)
  })

  it('aws_iam_group_policy_attachment: the group members get the AWS managed policy', async () => {
    const { inventories: [inv] } = await inventories([EXAMPLE_PLAN])
    expect(inv?.groups.find((g) => g.name === 'analysts')?.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonBedrockReadOnly'])
    expect(inv?.users.find((u) => u.name === 'notebook-svc')?.groups).toEqual(['analysts'])
  })

  it('aws_iam_policy_document data sources read at plan time are used through their JSON', async () => {
    const { inventories: [inv] } = await inventories([EXAMPLE_PLAN])
    const s = inv?.roles.find((r) => r.name === 'summarizer-lambda')
    expect(s?.inlinePolicies[0]?.document.statements[0]).toMatchObject({ sid: 'InvokeClaude', resource: ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.*'] })
  })

  it('never evaluates deletions, and evaluates updates and no-ops (no-ops only without --changed-only)', async () => {
    const dir = join(FIXTURES, 'terraform/existing')
    const full = await scanIac([dir])
    expect(findingKeys(full.findings)).toEqual(['principal-missing-tag legacy-bot', 'principal-missing-tag reporting-bot'])
    // Planned without the git filter (the fixture's own git state must not matter), loaded as --changed-only.
    const plan = await planIac([dir], { basePath: REPO })
    const [loaded] = await loadIacUnit(plan.units[0]!, { basePath: REPO, changedOnly: 'origin/main' })
    const inv = loaded?.inventory
    // reporting-bot is updated; its unchanged policy attachment still counts for it.
    expect(inv?.users.map((u) => [u.name, u.attachedPolicyArns])).toEqual([['reporting-bot', ['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess']]])
  })
})

describe('Terraform values known only after apply', () => {
  const dir = join(FIXTURES, 'terraform/unknowns')

  it('produce no finding', async () => {
    const report = await scanIac([dir])
    expect(report.errors).toEqual([])
    expect(report.findings).toEqual([])
  })

  it('are decided as the issue says, with notes', async () => {
    const { inventories: [inv] } = await inventories([dir])
    const role = (name: string) => inv?.roles.find((r) => r.name === name)
    // Unknown tags (an unknown map element makes tags and tags_all unknown): required keys count as present.
    const tagged = role('svc-*')
    expect(tagged?.tags).toEqual([{ key: 'owner', value: 'platform' }, { key: 'team', value: '(known after deploy)' }])
    expect((tagged?.origin as IacOrigin).unknownTagKeys).toEqual(['team'])
    // Unknown Allow (jsonencode with an apply-time ARN): grants nothing.
    expect(role('unknown-allow')?.inlinePolicies).toEqual([])
    // Unknown Deny (data source with an apply-time resource): applied on everything.
    expect(role('unknown-deny')?.inlinePolicies[0]?.document.statements[1]).toMatchObject({ effect: 'Deny', resource: ['*'] })
    // Not configured is not unknown: a new role reports inline_policy/managed_policy_arns unknown anyway.
    expect((role('unknown-deny')?.origin as IacOrigin).notEvaluated?.join('\n') ?? '').not.toMatch(/inline_policy|managed_policy_arns/)
    // for_each instances linked by key; policy_arn linked to the plan's own aws_iam_policy.
    expect(role('bedrock-alpha')?.attachedPolicyArns).toEqual(['arn:aws:iam::000000000000:policy/invoke-*'])
    // Trust: the gateway (name_prefix llm-gateway-) resolved, unknown requirement counts as met.
    const trust = role('bedrock-beta')?.trustPolicy?.statements[0]
    expect(trust?.principal?.AWS).toEqual(['arn:aws:iam::000000000000:role/llm-gateway-*'])
    expect(trust?.condition).toEqual({
      StringEquals: { 'aws:RequestTag/team': ['(known after deploy: local.computed)'] },
      StringLike: { 'sts:SourceIdentity': ['?*'] },
    })
    // A permissions boundary that is another resource of the plan.
    expect(role('bounded')?.permissionsBoundaryArn).toBe('arn:aws:iam::000000000000:policy/no-bedrock-boundary')
  })

  it('count an unknown trust requirement as met, through the whole pipeline', async () => {
    const report = await scanIac([dir])
    expect(report.summary.bedrockCapable.byPath.gateway).toBe(2)
    // Flip one requirement to a known, failing value: the same roles are flagged.
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan
    const doc = change(plan, 'data.aws_iam_policy_document.per_user_trust')
    const st = (doc.after.statement as Array<{ condition: Array<{ values: unknown[] }> }>)[0]!
    st.condition[0]!.values = ['search']
    st.condition[1]!.values = ['*']
    ;(doc.after_unknown.statement as Array<{ condition: unknown[] }>)[0]!.condition = [{ values: [false] }, { values: [false] }]
    st.condition[0] = { ...st.condition[0]!, test: 'StringEqualsIfExists' } as never
    const tmp = tempTree({ 'plan.json': JSON.stringify(plan) })
    const flipped = await scanIac([join(tmp, 'plan.json')], { basePath: tmp })
    expect(findingKeys(flipped.findings)).toEqual(['gateway-target-session-tags bedrock-alpha', 'gateway-target-session-tags bedrock-beta'])
  })
})
