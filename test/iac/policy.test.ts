import { describe, expect, it } from 'vitest'
import { analyzeTrust, DEFAULT_WORKLOAD_OIDC_ISSUERS } from '../../src/iam/trust.js'
import { buildPolicy } from '../../src/scanners/iac/policy.js'
import { Unknown, concat, unknownPiece, type Value } from '../../src/scanners/iac/values.js'

const P = unknownPiece('AWS::Partition')
const R = unknownPiece('AWS::Region')
const A = unknownPiece('AWS::AccountId')
const doc = (...Statement: Value[]): Value => ({ Version: '2012-10-17', Statement })

describe('IaC policy documents with deploy-time values', () => {
  it('match pseudo-parameters inside an ARN with a known service like wildcards', () => {
    const built = buildPolicy(doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: `arn:${P}:bedrock:${R}::foundation-model/*` }), 'identity', 'p')
    expect(built.document?.statements[0]?.resource).toEqual(['arn:*:bedrock:*::foundation-model/*'])
    expect(built.notes).toEqual([])
  })

  it('leave out an Allow whose only resource or action is unknown, keeping the known rest', () => {
    const built = buildPolicy(
      doc(
        { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: new Unknown('ImportValue x') },
        { Effect: 'Allow', Action: ['bedrock:InvokeModel', new Unknown('parameter A')], Resource: ['*', concat([new Unknown('parameter Bucket'), '/*'])] },
        { Effect: 'Allow', NotAction: new Unknown('parameter N'), Resource: '*' },
      ),
      'identity',
      'p',
    )
    expect(built.document?.statements.map((s) => [s.index, s.action, s.resource])).toEqual([[0, ['bedrock:InvokeModel'], ['*']]])
    expect(built.notes).toHaveLength(4)
  })

  it('apply a Deny with unknown values as if it covered everything, unconditionally', () => {
    const built = buildPolicy(
      doc({ Effect: 'Deny', Action: new Unknown('parameter Actions'), Resource: concat(['arn:aws:s3:::', new Unknown('Ref B')]), Condition: { StringEquals: { 'aws:PrincipalTag/x': new Unknown('parameter X') } } }),
      'identity',
      'p',
    )
    expect(built.document?.statements[0]).toEqual({ effect: 'Deny', index: 0, action: ['*'], resource: ['arn:aws:s3:::*'] })
    expect(built.notes.join('\n')).toMatch(/applied unconditionally/)
  })

  it('resolve account and partition pieces of trusted principals to the IaC placeholders', () => {
    const built = buildPolicy(
      doc({
        Effect: 'Allow',
        Principal: {
          AWS: [`arn:${P}:iam::${A}:role/gw`, concat(['arn:aws:iam::', new Unknown('parameter Acct'), ':role/other']), concat(['arn:aws:iam::1:role/', new Unknown('x')])],
          Federated: `arn:${P}:iam::${A}:oidc-provider/oidc.eks.${R}.amazonaws.com/id/${unknownPiece('Cluster')}`,
          Service: concat(['lambda.', unknownPiece('AWS::URLSuffix')]),
        },
        Action: 'sts:AssumeRole',
      }),
      'trust',
      'trust policy',
    )
    expect(built.document?.statements[0]?.principal).toEqual({
      AWS: ['arn:aws:iam::000000000000:role/gw', 'arn:aws:iam::000000000000:role/other'],
      Federated: ['arn:aws:iam::000000000000:oidc-provider/oidc.eks.*.amazonaws.com/id/*'],
      Service: ['lambda.amazonaws.com'],
    })
    expect(built.notes.join('\n')).toMatch(/AWS principal "arn:aws:iam::1:role\/\$\{x\}" is known only at deploy time/)
  })

  it('make an unknown trust requirement count as met in the trust analysis', () => {
    const gw = 'arn:aws:iam::000000000000:role/gw'
    const cfg = {
      workloadOidcIssuers: DEFAULT_WORKLOAD_OIDC_ISSUERS,
      requiredTagKeys: ['team'],
      isGateway: (ref: { arn?: string }) => (ref.arn === gw ? { arn: gw, reason: 'test' } : undefined),
    }
    const role = { name: 'r', path: '/', accountId: 'iac:t.yaml' }
    const known = buildPolicy(doc({ Effect: 'Allow', Principal: { AWS: gw }, Action: ['sts:AssumeRole', 'sts:TagSession'] }), 'trust', 't')
    const unknownValues = buildPolicy(
      doc({
        Effect: 'Allow',
        Principal: { AWS: gw },
        Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'aws:RequestTag/team': new Unknown('parameter Team') }, Null: { 'sts:SourceIdentity': new Unknown('parameter S') } },
      }),
      'trust',
      't',
    )
    const unknownBlock = buildPolicy(doc({ Effect: 'Allow', Principal: { AWS: gw }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: new Unknown('condition C') }), 'trust', 't')
    expect(analyzeTrust(known.document, role, cfg).gateways[0]?.requiredTagKeysOnEveryAssume).toEqual([])
    for (const b of [unknownValues, unknownBlock]) {
      const g = analyzeTrust(b.document, role, cfg).gateways[0]
      expect(g?.requiredTagKeysOnEveryAssume).toEqual(['team'])
      expect(g?.requiresSourceIdentityOnEveryAssume).toBe(true)
    }
  })

  it('report a malformed document as an error, not an exception', () => {
    expect(buildPolicy(doc({ Effect: 'allow', Action: '*', Resource: '*' }), 'identity', 'p').error).toMatch(/Effect must be "Allow" or "Deny"/)
    expect(buildPolicy('not a policy', 'identity', 'p').error).toMatch(/not a policy document/)
    expect(buildPolicy(new Unknown('x'), 'identity', 'p')).toEqual({
      notes: [expect.stringMatching(/known only at deploy time/)],
      unresolved: [{ statement: 'p', reason: expect.stringMatching(/could grant a Bedrock inference action/) }],
    })
  })

  it('list Allow statements whose action is unknown and could be an inference action, and only those', () => {
    const stmts = (statements: Value[]) => buildPolicy(doc(...statements), 'identity', 'p').unresolved.map((u) => u.statement)
    expect(stmts([{ Effect: 'Allow', Action: new Unknown('parameter P'), Resource: '*' }])).toEqual(['p Statement[0]'])
    expect(stmts([{ Effect: 'Allow', Action: `${unknownPiece('parameter S')}:InvokeModel`, Resource: '*' }])).toEqual(['p Statement[0]'])
    expect(stmts([{ Effect: 'Allow', NotAction: new Unknown('parameter P'), Resource: '*' }])).toEqual(['p Statement[0]'])
    // Known service (wildcarded and evaluated), an action that cannot be inference, a Deny, a trust policy: not listed.
    expect(stmts([{ Effect: 'Allow', Action: `bedrock:${unknownPiece('parameter A')}`, Resource: '*' }])).toEqual([])
    expect(stmts([{ Effect: 'Allow', Action: `${unknownPiece('parameter S')}:GetObject`, Resource: '*' }])).toEqual([])
    expect(stmts([{ Effect: 'Deny', Action: new Unknown('parameter P'), Resource: '*' }])).toEqual([])
    expect(buildPolicy(doc({ Effect: 'Allow', Principal: { Service: 'x' }, Action: new Unknown('p') }), 'trust', 't').unresolved).toEqual([])
  })
})
