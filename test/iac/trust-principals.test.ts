/**
 * Trust principals that name another resource of the same template: identity providers resolve to their ARN
 * (the issuer decides workload vs human federation); what stays unknown is reported in summary.notEvaluated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { REPO, inventories, scanIac } from './helpers.js'

const role = (name: string, principal: unknown, condition?: unknown) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    RoleName: name,
    AssumeRolePolicyDocument: {
      Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}) }],
    },
    ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess'],
  },
})

describe('IaC trust principals', () => {
  it('resolves OIDC providers, classifies by condition keys, and reports the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-trust-'))
    const file = join(dir, 'template.json')
    writeFileSync(
      file,
      JSON.stringify({
        Resources: {
          Github: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] } },
          Thing: { Type: 'AWS::Some::Thing', Properties: {} },
          ByProvider: role('by-provider', { Federated: { 'Fn::GetAtt': ['Github', 'Arn'] } }),
          ByCondition: role('by-condition', { Federated: { Ref: 'Thing' } }, { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }),
          Unknown: role('unknown', { Federated: { Ref: 'Thing' } }),
        },
      }),
    )
    const report = await scanIac([file])
    const flagged = report.findings.filter((f) => f.ruleId === 'principal-missing-tag').map((f) => f.subject.name)
    // A federated principal of unknown kind is federation, left to the federation rules; it is reported below.
    expect(flagged.sort()).toEqual(['by-condition', 'by-provider'])
    const trustNotes = report.summary.notEvaluated.filter((n) => n.statement?.startsWith('trust policy'))
    expect(trustNotes).toEqual([
      expect.objectContaining({ resource: 'Unknown', statement: 'trust policy Statement[0]', reason: expect.stringContaining('${Ref Thing}') }),
    ])
  })

  it('resolves SAML providers and CDK OIDC providers by Ref / GetAtt; a resolved custom resource is not reported as unmodelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-trust-'))
    const file = join(dir, 'template.json')
    const saml = (name: string, principal: unknown) => {
      const r = role(name, principal, { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } })
      r.Properties.AssumeRolePolicyDocument.Statement[0]!.Action = 'sts:AssumeRoleWithSAML'
      return r
    }
    writeFileSync(
      file,
      JSON.stringify({
        Resources: {
          Okta: { Type: 'AWS::IAM::SAMLProvider', Properties: { Name: 'okta', SamlMetadataDocument: '<EntityDescriptor/>' } },
          CdkGithub: { Type: 'Custom::AWSCDKOpenIdConnectProvider', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:x', Url: 'https://token.actions.githubusercontent.com/', ClientIDList: ['sts.amazonaws.com'] } },
          SamlByRef: saml('saml-by-ref', { Federated: { Ref: 'Okta' } }),
          SamlByGetAtt: saml('saml-by-getatt', { Federated: { 'Fn::GetAtt': ['Okta', 'Arn'] } }),
          CdkDeploy: role('cdk-deploy', { Federated: { Ref: 'CdkGithub' } }, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }),
        },
      }),
    )
    const report = await scanIac([file])
    const byRule = (rule: string): Array<string | undefined> => report.findings.filter((f) => f.ruleId === rule).map((f) => f.subject.name).sort()
    expect(byRule('principal-missing-tag')).toEqual(['cdk-deploy'])
    expect(byRule('federated-role-session-tags')).toEqual(['saml-by-getatt', 'saml-by-ref'])
    expect(report.summary.notEvaluated).toEqual([])
  })

  describe('Terraform plan: `.arn` of OIDC and SAML providers (test/fixtures/iac/terraform/identity-providers)', () => {
    const dir = join(REPO, 'test/fixtures/iac/terraform/identity-providers')
    const byRule = (findings: readonly Finding[], rule: string): Array<string | undefined> =>
      findings.filter((f) => f.ruleId === rule).map((f) => f.subject.name).sort()

    it('resolves a provider created by the plan (after-apply ARN, from the configuration reference) and one that exists (ARN in the plan)', async () => {
      const { inventories: [inv], errors } = await inventories([join(dir, 'plan.json')])
      expect(errors).toEqual([])
      const federated = Object.fromEntries(inv!.roles.map((r) => [r.name, r.trustPolicy?.statements.flatMap((s) => s.principal?.Federated ?? [])]))
      expect(federated).toEqual({
        // Created by this plan: `.arn` is unknown, so the ARN comes from the provider's url / name.
        'github-deploy': ['arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com'],
        'okta-analysts': ['arn:aws:iam::000000000000:saml-provider/okta'],
        // Already deployed (terraform.tfstate): the plan knows the ARN.
        'eks-inference': ['arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'],
        'adfs-analysts': ['arn:aws:iam::123456789012:saml-provider/adfs'],
        // jsonencode() around an after-apply ARN: the plan keeps no structure, so there is no trust document.
        'github-jsonencode': undefined,
      })
    })

    it('classifies the trust: OIDC workloads are flagged principal-missing-tag, SAML roles are human federation; nothing is unclassified', async () => {
      const report = await scanIac([join(dir, 'plan.json')])
      expect(report.errors).toEqual([])
      expect(byRule(report.findings, 'principal-missing-tag')).toEqual(['eks-inference', 'github-deploy'])
      expect(byRule(report.findings, 'federated-role-session-tags')).toEqual(['adfs-analysts', 'okta-analysts'])
      expect(report.summary.notEvaluated).toEqual([])
    })

    it('a trust policy unknown as a whole in the plan (jsonencode) follows the unknown-value semantics with a note; read from the sources, it is classified', async () => {
      const { inventories: [inv] } = await inventories([join(dir, 'plan.json')])
      const role = inv!.roles.find((r) => r.name === 'github-jsonencode')!
      expect(role.origin?.notEvaluated).toEqual([expect.stringMatching(/^trust policy \(\$\{aws_iam_role\.github_jsonencode\.assume_role_policy\}\) is known only at deploy time/)])
      const fromSources = await scanIac([join(dir, 'main.tf')])
      expect(byRule(fromSources.findings, 'principal-missing-tag')).toEqual(['eks-inference', 'github-deploy', 'github-jsonencode'])
      expect(byRule(fromSources.findings, 'federated-role-session-tags')).toEqual(['adfs-analysts', 'okta-analysts'])
      expect(fromSources.summary.notEvaluated).toEqual([])
    })
  })
})
