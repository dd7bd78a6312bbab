/**
 * Trust principals that name another resource of the same template: identity providers resolve to their ARN
 * (the issuer decides workload vs human federation); what stays unknown is reported in summary.notEvaluated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scanIac } from './helpers.js'

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
})
