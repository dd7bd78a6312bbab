import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { iacFixHint } from '../../src/scanners/iac/fix-hints.js'
import { RULE_META } from '../../src/rules/index.js'
import type { IacOrigin } from '../../src/scanners/iac/index.js'
import { EXAMPLES, cfnRole, inventories, tempTree } from './helpers.js'

describe('CloudFormation inline suppressions (Metadata.tagwarden.ignore)', () => {
  it('are put on the principal origin with their location', async () => {
    const { inventories: [inv] } = await inventories([join(EXAMPLES, 'cloudformation')])
    const sandbox = inv?.roles.find((r) => r.name === 'SandboxRole')?.origin as IacOrigin
    expect(sandbox.suppressions).toEqual([
      {
        rule: 'principal-missing-tag',
        reason: 'Sandbox account role, torn down every night; spend is attributed by account.',
        location: 'examples/iac/cloudformation/bedrock-access.yaml:60:13',
      },
    ])
  })

  it('without a reason still apply and are reported as warnings', async () => {
    const metadata = `    Metadata:\n      tagwarden:\n        ignore:\n          - rule: principal-missing-tag\n          - { rule: gateway-direct-invoke, reason: "  " }\n          - reason: no rule\n`
    const text = `Resources:\n${cfnRole('Quiet').replace('    Properties:\n', `${metadata}    Properties:\n`)}`
    const dir = tempTree({ 't.yaml': text })
    const { inventories: [inv] } = await inventories([dir], { basePath: dir })
    expect((inv?.roles[0]?.origin as IacOrigin).suppressions).toEqual([
      { rule: 'principal-missing-tag', location: 't.yaml:7:13' },
      { rule: 'gateway-direct-invoke', location: 't.yaml:8:13' },
    ])
    expect(inv?.iac.suppressionWarnings.map((w) => w.message)).toEqual([
      'suppression of principal-missing-tag on Quiet gives no reason; add reason: "…" (t.yaml:7:13)',
      'suppression of gateway-direct-invoke on Quiet gives no reason; add reason: "…" (t.yaml:8:13)',
      'tagwarden ignore entry on Quiet names no rule; write { rule: RULE-ID, reason: "…" } (t.yaml:9:13)',
    ])
  })
})

describe('fix hints in the language of the input', () => {
  const cfn: IacOrigin = { format: 'cloudformation', resourceType: 'AWS::IAM::Role', file: 'a.yaml', line: 3, logicalId: 'AppRole', nameKnown: true }

  it('CloudFormation: YAML that parses, for a missing Tags property and for an existing one', () => {
    const add = iacFixHint('add-tag', cfn, { tagKeys: ['team'] })
    expect(add).toMatch(/^Add under Properties of AppRole \(a\.yaml:3\):\n/)
    expect(parse(add.split('\n').slice(1).join('\n'))).toEqual({ Tags: [{ Key: 'team', Value: '<value>' }] })
    const extend = iacFixHint('add-tag', { ...cfn, tagsAt: { line: 9, column: 7 } })
    expect(parse(extend.split('\n').slice(1).join('\n'))).toEqual([{ Key: 'team', Value: '<value>' }])
  })

  it('CloudFormation: the sts:TagSession trust statement with the aws:RequestTag condition', () => {
    const hint = iacFixHint('federation-tag-session', cfn, { principal: { type: 'Federated', value: 'arn:aws:iam::1:saml-provider/Okta' } })
    expect(parse(hint.split('\n').slice(1).join('\n'))).toEqual([
      {
        Sid: 'AllowSessionTags',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::1:saml-provider/Okta' },
        Action: 'sts:TagSession',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] }, StringLike: { 'aws:RequestTag/team': '?*' } },
      },
    ])
  })

  it('Terraform: HCL for tags and trust statements; CDK: the construct call', () => {
    const tf: IacOrigin = { format: 'terraform', resourceType: 'aws_iam_role', address: 'aws_iam_role.x', file: 'main.tf', line: 4, nameKnown: true }
    expect(iacFixHint('add-tag', tf)).toBe('Add to aws_iam_role.x (main.tf:4):\n  tags = {\n    team = "<value>"\n  }\n(or set it for every resource in the provider\'s default_tags)')
    expect(iacFixHint('gateway-source-identity', tf, { principal: { type: 'AWS', value: 'arn:aws:iam::1:role/gw' } })).toContain('"sts:SourceIdentity" = "false"')
    const cdk: IacOrigin = { format: 'cdk', resourceType: 'AWS::IAM::Role', constructPath: 'Stack/BatchWorkerRole/Resource', nameKnown: false }
    expect(iacFixHint('add-tag', cdk)).toBe('In the CDK app, tag the construct Stack/BatchWorkerRole:\ncdk.Tags.of(batchWorkerRole).add("team", "<value>")')
  })

  it('cover every rule that has a fix (its meta.iacFix)', () => {
    expect([...RULE_META.values()].filter((m) => m.iacFix !== undefined).map((m) => m.id).sort()).toEqual([
      'federated-role-session-tags',
      'gateway-direct-invoke',
      'gateway-target-session-tags',
      'gateway-target-source-identity',
      'principal-missing-tag',
      'tag-value-not-allowed',
    ])
  })
})
