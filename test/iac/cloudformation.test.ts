import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isIacOrigin, type IacOrigin } from '../../src/scanners/iac/index.js'
import { EXAMPLES, FIXTURES, findingKeys, inventories, scanIac } from './helpers.js'

describe('CloudFormation example (examples/iac/cloudformation)', () => {
  it('flags exactly the wrong half of the four access patterns', async () => {
    const report = await scanIac([join(EXAMPLES, 'cloudformation')])
    expect(report.errors).toEqual([])
    expect(findingKeys(report.findings)).toEqual([
      'federated-role-session-name analysts-sso',
      'federated-role-session-tags analysts-sso',
      'gateway-direct-invoke legacy-llm-gateway',
      'gateway-target-session-tags bedrock-shared',
      'gateway-target-source-identity bedrock-shared',
      // SandboxRole carries an inline suppression (applied by the engine, see origin.suppressions).
      'principal-missing-tag BatchWorkerRole',
      'principal-missing-tag SandboxRole',
      'principal-missing-tag ci-bot',
    ])
  })

  it('gives each finding the repo-relative file, line and column of its resource, or of the property to fix', async () => {
    const report = await scanIac([join(EXAMPLES, 'cloudformation')])
    const lines = readFileSync(join(EXAMPLES, 'cloudformation/bedrock-access.yaml'), 'utf8').split('\n')
    const trustRules = ['federated-role-session-tags', 'federated-role-session-name', 'gateway-target-session-tags', 'gateway-target-source-identity']
    const seen = new Set<string>()
    for (const f of report.findings) {
      expect(f.subject.file).toBe('examples/iac/cloudformation/bedrock-access.yaml')
      const at = (lines[(f.subject.line ?? 0) - 1] ?? '').slice((f.subject.column ?? 1) - 1)
      // Trust findings point at AssumeRolePolicyDocument; tag findings at an existing Tags property, else the resource.
      const expected = trustRules.includes(f.ruleId) ? ['AssumeRolePolicyDocument:'] : f.ruleId === 'principal-missing-tag' ? ['Tags:', `${f.subject.logicalId}:`] : [`${f.subject.logicalId}:`]
      expect(expected).toContain(at)
      seen.add(at.endsWith(`${f.subject.logicalId}:`) ? 'resource' : at)
    }
    expect([...seen].sort()).toEqual(['AssumeRolePolicyDocument:', 'Tags:', 'resource'])
  })

  it('resolves a trust principal that is another role of the template (!GetAtt Gateway.Arn)', async () => {
    const report = await scanIac([join(EXAMPLES, 'cloudformation')])
    const shared = report.findings.find((f) => f.ruleId === 'gateway-target-session-tags')
    expect(shared?.evidence.gateways).toEqual([
      expect.objectContaining({ arn: 'arn:aws:iam::000000000000:role/legacy-llm-gateway', reason: 'role name matches *llm-gateway*' }),
    ])
    // Both gateway targets are reached through their gateway; only the one without requirements is flagged.
    expect(report.summary.bedrockCapable.byPath.gateway).toBe(2)
    expect(report.findings.some((f) => f.subject.name === 'bedrock-per-user')).toBe(false)
  })

  it('names AWS managed policies through ${AWS::Partition} and resolves them from the catalog', async () => {
    const report = await scanIac([join(EXAMPLES, 'cloudformation')])
    const batch = report.findings.find((f) => f.subject.name === 'BatchWorkerRole')
    expect(batch?.evidence.grants?.[0]?.policy).toContain('AmazonBedrockFullAccess')
  })
})

describe('every CloudFormation IAM resource type', () => {
  const file = join(FIXTURES, 'cloudformation/resource-types.yaml')

  it('flags the *-flag principals and passes the *-pass principals', async () => {
    const report = await scanIac([file])
    expect(report.errors).toEqual([])
    const flagged = new Set(report.findings.map((f) => f.subject.name))
    const { inventories: [inv] } = await inventories([file])
    const names = [...(inv?.roles ?? []), ...(inv?.users ?? [])].map((p) => p.name)
    expect(names.filter((n) => n.endsWith('-flag')).length).toBe(14)
    for (const n of names) expect(flagged.has(n), n).toBe(n.endsWith('-flag'))
  })

  it.each([
    ['AWS::IAM::Role Policies', 'role-flag', 'inline:invoke'],
    ['AWS::IAM::User Policies', 'user-flag', 'inline:invoke'],
    ['AWS::IAM::Group via Groups', 'group-member-flag', 'group-inline:invokers/invoke'],
    ['AWS::IAM::UserToGroupAddition', 'added-flag', 'AmazonBedrockLimitedAccess'],
    ['AWS::IAM::Policy Roles', 'policy-role-flag', 'shared-invoke'],
    ['AWS::IAM::Policy Users', 'policy-user-flag', 'shared-invoke'],
    ['AWS::IAM::Policy Groups', 'policy-group-member-flag', 'shared-invoke'],
    ['AWS::IAM::ManagedPolicy Roles', 'managed-role-flag', 'invoke-managed'],
    ['AWS::IAM::ManagedPolicy via ManagedPolicyArns !Ref', 'managed-ref-role-flag', 'invoke-managed'],
    ['AWS::IAM::ManagedPolicy Groups', 'managed-group-member-flag', 'invoke-managed'],
    ['AWS::IAM::RolePolicy', 'role-policy-flag', 'invoke'],
    ['AWS::IAM::UserPolicy', 'user-policy-flag', 'invoke'],
    ['AWS::IAM::GroupPolicy', 'group-policy-member-flag', 'group-policy-group'],
  ])('%s grants the Bedrock access of %s', async (_type, name, policy) => {
    const report = await scanIac([file])
    const f = report.findings.find((x) => x.subject.name === name)
    expect(f?.ruleId).toBe('principal-missing-tag')
    expect(JSON.stringify(f?.evidence.grants)).toContain(policy.split(':').pop()?.split('/').pop())
  })

  it('applies a permissions boundary of the same template (bounded-pass has no Bedrock left)', async () => {
    const { inventories: [inv] } = await inventories([file])
    const bounded = inv?.roles.find((r) => r.name === 'bounded-pass')
    expect(bounded?.permissionsBoundaryArn).toBe('arn:aws:iam::000000000000:policy/NoBedrockBoundary')
    expect(inv?.managedPolicies.has('arn:aws:iam::000000000000:policy/NoBedrockBoundary')).toBe(true)
  })
})

describe('CloudFormation values known only at deploy time', () => {
  const file = join(FIXTURES, 'cloudformation/unknowns.yaml')

  it('produce no finding', async () => {
    const report = await scanIac([file])
    expect(report.errors).toEqual([])
    expect(report.findings).toEqual([])
  })

  it('are recorded as not-evaluated notes on the principal', async () => {
    const { inventories: [inv] } = await inventories([file])
    const notes = (name: string): string[] => ((inv?.roles.find((r) => r.name === name)?.origin as IacOrigin).notEvaluated ?? [])
    expect(notes('unknown-tag-value').join('\n')).toMatch(/tag team has a value known only at deploy time \(\$\{parameter TeamName\}\)/)
    expect(notes('unknown-tag-list').join('\n')).toMatch(/Tags .* known only at deploy time; required tags count as present/)
    expect(notes('unknown-allow').join('\n')).toMatch(/ImportValue shared-inference-profile-arn.*grants nothing/)
    expect(notes('unknown-allow').join('\n')).toMatch(/\$\{parameter DataBucketArn\}\/\*/)
    expect(notes('unknown-deny').join('\n')).toMatch(/Deny is applied as if it covered everything/)
    expect(notes('unknown-principal').join('\n')).toMatch(/AWS principal \$\{ImportValue shared-gateway-role-arn\} is known only at deploy time; the trust analysis/)
    expect(notes('unknown-boundary').join('\n')).toMatch(/boundary counts as allowing nothing/)
    expect(inv?.iac.notEvaluated.join('\n')).toMatch(/prod-invoke .* exists only when condition IsProd holds/)
  })

  it('count an unknown trust requirement as met, through the whole pipeline', async () => {
    const report = await scanIac([file])
    // The per-user role is reached through the gateway (whose name has ${AWS::StackName} in it)…
    expect(report.summary.bedrockCapable.byPath.gateway).toBe(1)
    // …and its tag/SourceIdentity requirements, set from parameters without defaults, count as met.
    const { inventories: [inv] } = await inventories([file])
    const perUser = inv?.roles.find((r) => r.name === 'PerUserRole')
    expect(perUser?.trustPolicy?.statements[0]?.condition).toEqual({
      StringEquals: { 'aws:RequestTag/team': ['(known after deploy: parameter TeamName)'] },
      Null: { 'sts:SourceIdentity': ['false'] },
    })
    expect(isIacOrigin(perUser?.origin)).toBe(true)
  })

  it('would flag the same per-user role once its requirement is known to be missing', async () => {
    const text = readFileSync(file, 'utf8').replace('sts:SourceIdentity: !Ref RequireSourceIdentity', 'sts:SourceIdentity: "true"')
    const { tempTree } = await import('./helpers.js')
    const dir = tempTree({ 't.yaml': text })
    const report = await scanIac([dir], { basePath: dir })
    expect(findingKeys(report.findings)).toEqual(['gateway-target-source-identity PerUserRole'])
  })
})
