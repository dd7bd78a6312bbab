import { describe, it, expect } from 'vitest'
import { parsePolicyDocument } from '../../src/iam/policy-document.js'
import {
  analyzeTrust,
  DEFAULT_WORKLOAD_OIDC_ISSUERS,
  type GatewayMatch,
  type PrincipalRef,
  type TrustAnalysis,
  type TrustConfig,
  type TrustStatementAnalysis,
} from '../../src/iam/trust.js'

const ACCT = '111122223333'
const OTHER = '444455556666'
const GW = `arn:aws:iam::${ACCT}:role/llm-gateway-exec`
const GW_ID = 'AROAGATEWAY000000001'
const OKTA = `arn:aws:iam::${ACCT}:saml-provider/Okta`

function globLike(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
  return re.test(value)
}

/** Resolves the gateway the way the org index would: by ARN, unique ID, or a narrowed account root. */
function gatewayResolver(seen: PrincipalRef[] = []): TrustConfig['isGateway'] {
  return (ref) => {
    seen.push(ref)
    const match: GatewayMatch = { arn: GW, reason: 'test gateway' }
    if (ref.kind === 'role-arn' && ref.arn === GW) return match
    if (ref.kind === 'unique-id' && ref.raw === GW_ID) return match
    if (ref.kind === 'account-root' && ref.accountId === ACCT && ref.narrowedBy?.some((p) => globLike(p, GW))) return match
    return undefined
  }
}

function cfg(over: Partial<TrustConfig> = {}): TrustConfig {
  return {
    workloadOidcIssuers: DEFAULT_WORKLOAD_OIDC_ISSUERS,
    isGateway: gatewayResolver(),
    requiredTagKeys: ['team', 'cost-center'],
    ...over,
  }
}

const ROLE = { name: 'BedrockInvoke', path: '/', accountId: ACCT }

function analyze(statements: unknown[], c: TrustConfig = cfg(), role = ROLE): TrustAnalysis {
  return analyzeTrust(parsePolicyDocument({ Version: '2012-10-17', Statement: statements }), role, c)
}

function only(a: TrustAnalysis): TrustStatementAnalysis {
  expect(a.statements).toHaveLength(1)
  return a.statements[0]!
}

const gatewayAssume = (condition?: Record<string, Record<string, string | string[]>>, action: unknown = 'sts:AssumeRole') => ({
  Effect: 'Allow',
  Principal: { AWS: GW },
  Action: action,
  ...(condition ? { Condition: condition } : {}),
})

describe('conditions: what a statement requires', () => {
  interface Case {
    name: string
    condition: Record<string, Record<string, string | string[]>>
    tags?: string[]
    source?: boolean
    sessionName?: boolean
    note?: RegExp
    noNote?: RegExp
  }
  const cases: Case[] = [
    { name: 'Null false requires the tag', condition: { Null: { 'aws:RequestTag/team': 'false' } }, tags: ['team'], note: /team is required but an empty value is admitted/ },
    { name: 'Null true forbids the tag', condition: { Null: { 'aws:RequestTag/team': 'true' } }, tags: [], note: /Null "true" on aws:RequestTag\/team forbids/ },
    { name: 'Null with both values requires nothing', condition: { Null: { 'aws:RequestTag/team': ['true', 'false'] } }, tags: [], note: /accepts both presence and absence/ },
    { name: 'StringLike ?* requires a non-empty tag', condition: { StringLike: { 'aws:RequestTag/team': '?*' } }, tags: ['team'], noNote: /empty value/ },
    { name: 'StringLike * requires the tag but admits empty', condition: { StringLike: { 'aws:RequestTag/team': '*' } }, tags: ['team'], note: /^"\*" still admits an empty value for aws:RequestTag\/team$/ },
    { name: 'Null false + ?* excludes empty', condition: { Null: { 'aws:RequestTag/team': 'false' }, StringLike: { 'aws:RequestTag/team': '?*' } }, tags: ['team'], noNote: /empty value/ },
    { name: 'StringEquals requires the tag', condition: { StringEquals: { 'aws:RequestTag/team': ['ml', 'web'] } }, tags: ['team'], noNote: /empty value/ },
    { name: 'StringEqualsIgnoreCase requires the tag', condition: { StringEqualsIgnoreCase: { 'aws:RequestTag/team': 'ML' } }, tags: ['team'] },
    { name: 'StringLikeIfExists does not require', condition: { StringLikeIfExists: { 'aws:RequestTag/team': '?*' } }, tags: [], note: /IfExists: absence passes \(StringLikeIfExists on aws:RequestTag\/team\)/ },
    { name: 'ForAllValues does not require', condition: { 'ForAllValues:StringLike': { 'aws:RequestTag/team': '?*' } }, tags: [], note: /ForAllValues:StringLike on aws:RequestTag\/team passes when the key is absent/ },
    { name: 'ForAnyValue requires', condition: { 'ForAnyValue:StringLike': { 'aws:RequestTag/team': '?*' } }, tags: ['team'] },
    { name: 'StringNotEquals passes on absence', condition: { StringNotEquals: { 'aws:RequestTag/team': '' } }, tags: [], note: /StringNotEquals on aws:RequestTag\/team passes when the key is absent/ },
    { name: 'ArnLike requires', condition: { ArnLike: { 'aws:RequestTag/team': 'arn:*' } }, tags: ['team'] },
    { name: 'condition key case is ignored', condition: { StringLike: { 'AWS:requesttag/TEAM': '?*' } }, tags: ['team'] },
    { name: 'operator case is ignored', condition: { stringlikeifexists: { 'aws:RequestTag/team': '?*' } }, tags: [] },
    { name: 'both configured keys', condition: { Null: { 'aws:RequestTag/team': 'false', 'aws:RequestTag/cost-center': 'false' } }, tags: ['team', 'cost-center'] },
    { name: 'unconfigured key is not reported', condition: { Null: { 'aws:RequestTag/project': 'false' } }, tags: [] },
    { name: 'ForAnyValue aws:TagKeys naming only the key requires it', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } }, tags: ['team'] },
    { name: 'ForAnyValue aws:TagKeys naming several keys requires none', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'cost-center'] } }, tags: [] },
    { name: 'ForAllValues aws:TagKeys requires none', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, tags: [] },
    { name: 'Null false requires source identity', condition: { Null: { 'sts:SourceIdentity': 'false' } }, source: true },
    { name: 'StringLike requires source identity', condition: { StringLike: { 'sts:SourceIdentity': '*@acme.org' } }, source: true },
    { name: 'source identity key case is ignored', condition: { StringEquals: { 'STS:sourceIdentity': '${aws:username}' } }, source: true },
    { name: 'StringLikeIfExists on source identity does not require', condition: { StringLikeIfExists: { 'sts:SourceIdentity': '*@acme.org' } }, source: false, note: /IfExists: absence passes \(StringLikeIfExists on sts:SourceIdentity\)/ },
    { name: 'Null true forbids source identity', condition: { Null: { 'sts:SourceIdentity': 'true' } }, source: false, note: /forbids a source identity/ },
    { name: 'StringNotLike on source identity does not require', condition: { StringNotLike: { 'sts:SourceIdentity': 'root*' } }, source: false },
    { name: 'StringLike constrains the session name', condition: { StringLike: { 'sts:RoleSessionName': '*@acme.org' } }, sessionName: true },
    { name: 'session name key case is ignored', condition: { StringEquals: { 'STS:ROLESESSIONNAME': '${aws:username}' } }, sessionName: true },
    { name: 'StringLikeIfExists does not constrain the session name', condition: { StringLikeIfExists: { 'sts:RoleSessionName': '*@acme.org' } }, sessionName: false, note: /IfExists: absence passes \(StringLikeIfExists on sts:RoleSessionName\)/ },
    { name: 'Null does not constrain the session name', condition: { Null: { 'sts:RoleSessionName': 'false' } }, sessionName: false },
    { name: 'unrelated condition requires nothing', condition: { StringEquals: { 'sts:ExternalId': 'x' } }, tags: [], source: false, sessionName: false },
  ]

  it.each(cases)('$name', (c) => {
    const s = only(analyze([gatewayAssume(c.condition)]))
    if (c.tags) expect(s.requiredTagKeys).toEqual(c.tags)
    if (c.source !== undefined) expect(s.requiresSourceIdentity).toBe(c.source)
    if (c.sessionName !== undefined) expect(s.constrainsSessionName).toBe(c.sessionName)
    if (c.note) expect(s.notes.some((n) => c.note!.test(n))).toBe(true)
    if (c.noNote) expect(s.notes.some((n) => c.noNote!.test(n))).toBe(false)
  })

  it('reports required keys with the configured spelling', () => {
    const s = only(analyze([gatewayAssume({ Null: { 'aws:RequestTag/team': 'false' } })], cfg({ requiredTagKeys: ['Team'] })))
    expect(s.requiredTagKeys).toEqual(['Team'])
  })

  it('an unconditional statement requires nothing and notes nothing', () => {
    const s = only(analyze([gatewayAssume()]))
    expect(s).toMatchObject({ requiredTagKeys: [], requiresSourceIdentity: false, constrainsSessionName: false, notes: [] })
  })
})

describe('actions: what a statement allows', () => {
  const all = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity']
  it.each([
    { action: 'sts:AssumeRole', assume: ['sts:AssumeRole'], tag: false, ssi: false },
    { action: ['sts:AssumeRole'], assume: ['sts:AssumeRole'], tag: false, ssi: false },
    { action: ['sts:AssumeRole', 'sts:TagSession'], assume: ['sts:AssumeRole'], tag: true, ssi: false },
    { action: ['sts:assumerole', 'STS:SETSOURCEIDENTITY'], assume: ['sts:AssumeRole'], tag: false, ssi: true },
    { action: 'sts:*', assume: all, tag: true, ssi: true },
    { action: '*', assume: all, tag: true, ssi: true },
    { action: 'sts:TagSess*', assume: [], tag: true, ssi: false },
    { action: 'sts:AssumeRole*', assume: all, tag: false, ssi: false },
    { action: 'sts:?agSession', assume: [], tag: true, ssi: false },
    { action: 's3:*', assume: [], tag: false, ssi: false },
  ])('Action $action', ({ action, assume, tag, ssi }) => {
    const s = only(analyze([gatewayAssume(undefined, action)]))
    expect(s.assumeActions).toEqual(assume)
    expect(s.allowsTagSession).toBe(tag)
    expect(s.allowsSetSourceIdentity).toBe(ssi)
  })

  it('NotAction allows the complement, with a note', () => {
    const s = only(analyze([{ Effect: 'Allow', Principal: { AWS: GW }, NotAction: 'sts:TagSession' }]))
    expect(s.assumeActions).toEqual(all)
    expect(s.allowsTagSession).toBe(false)
    expect(s.allowsSetSourceIdentity).toBe(true)
    expect(s.notes).toContain('NotAction: allows every action except sts:TagSession')
  })

  it('warns when TagSession shares a statement with a session-name condition', () => {
    const s = only(
      analyze([gatewayAssume({ StringLike: { 'sts:RoleSessionName': 'gw-*', 'aws:RequestTag/team': '?*' } }, ['sts:AssumeRole', 'sts:TagSession'])]),
    )
    expect(s.allowsTagSession).toBe(true)
    expect(s.notes.some((n) => /sts:TagSession is evaluated without sts:RoleSessionName.*own statement/.test(n))).toBe(true)
  })

  it('warns when SetSourceIdentity shares a statement with a required request tag', () => {
    const s = only(analyze([gatewayAssume({ Null: { 'aws:RequestTag/team': 'false' } }, ['sts:AssumeRole', 'sts:SetSourceIdentity'])]))
    expect(s.notes.some((n) => n.startsWith('sts:SetSourceIdentity is evaluated without aws:RequestTag/team'))).toBe(true)
  })

  it('does not warn for TagSession with request-tag conditions only, or IfExists session names', () => {
    const s = only(
      analyze([
        gatewayAssume(
          { StringLike: { 'aws:RequestTag/team': '?*' }, StringLikeIfExists: { 'sts:RoleSessionName': 'gw-*' } },
          ['sts:AssumeRole', 'sts:TagSession'],
        ),
      ]),
    )
    expect(s.notes.some((n) => n.includes('own statement'))).toBe(false)
  })
})

describe('Deny statements', () => {
  const allowAll = { Effect: 'Allow', Principal: { AWS: GW }, Action: 'sts:*' }

  it.each([
    { name: 'Principal "*"', deny: { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' }, tag: false, ssi: true },
    { name: 'the gateway ARN', deny: { Effect: 'Deny', Principal: { AWS: GW }, Action: ['sts:TagSession', 'sts:SetSourceIdentity'] }, tag: false, ssi: false },
    { name: 'the gateway account root', deny: { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:SetSource*' }, tag: true, ssi: false },
    { name: 'another principal (not applied)', deny: { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:TagSession' }, tag: true, ssi: true },
    { name: 'a conditional deny (not applied)', deny: { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession', Condition: { StringNotEquals: { 'aws:RequestTag/team': 'ml' } } }, tag: true, ssi: true },
    { name: 'NotPrincipal excluding the gateway (not applied)', deny: { Effect: 'Deny', NotPrincipal: { AWS: GW }, Action: 'sts:TagSession' }, tag: true, ssi: true },
    { name: 'NotPrincipal excluding someone else', deny: { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:TagSession' }, tag: false, ssi: true },
  ])('Deny on $name', ({ deny, tag, ssi }) => {
    const a = analyze([allowAll, deny])
    const s = only(a)
    expect(s.allowsTagSession).toBe(tag)
    expect(s.allowsSetSourceIdentity).toBe(ssi)
    expect(a.gateways[0]?.allowsTagSession).toBe(tag)
  })

  it('notes applied and conditional denies', () => {
    expect(only(analyze([allowAll, { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' }])).notes).toContain('Statement[1] denies sts:TagSession')
    const conditional = only(
      analyze([allowAll, { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]),
    )
    expect(conditional.notes).toContain('Statement[1] denies sts:TagSession under conditions; not applied here')
  })

  it('a Deny covering only some principals of a statement leaves the allow in place', () => {
    const a = analyze([
      { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OTHER}:root`, `arn:aws:iam::555566667777:root`] }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
      { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:TagSession' },
    ])
    expect(only(a).allowsTagSession).toBe(true)
  })

  it('Deny statements open no path', () => {
    const a = analyze([{ Effect: 'Deny', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }])
    expect(a.statements).toEqual([])
    expect(a.paths).toEqual([])
  })
})

describe('paths: who can assume the role', () => {
  it.each([
    {
      name: 'GitHub Actions via provider ARN',
      st: {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
      },
      path: 'workload',
      provider: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`,
    },
    {
      name: 'GitHub Actions via condition key only (unresolved IaC reference)',
      st: {
        Effect: 'Allow',
        Principal: { Federated: '${GitHubOidcProvider.Arn}' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
      },
      path: 'workload',
      provider: 'token.actions.githubusercontent.com',
    },
    {
      name: 'EKS IRSA',
      st: {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:ml:bot' } },
      },
      path: 'workload',
    },
    {
      name: 'EKS IRSA via condition key only',
      st: {
        Effect: 'Allow',
        Principal: { Federated: 'OidcProviderArn' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:ml:bot' } },
      },
      path: 'workload',
      provider: 'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
    },
    {
      name: 'EKS Pod Identity',
      st: { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
      path: 'workload',
      provider: 'pods.eks.amazonaws.com',
    },
    {
      name: 'Lambda service principal',
      st: { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      path: 'workload',
      provider: 'lambda.amazonaws.com',
    },
    {
      name: 'SAML provider',
      st: { Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:AssumeRoleWithSAML' },
      path: 'federation',
      provider: OKTA,
    },
    {
      name: 'Cognito identity pool',
      st: {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } },
      },
      path: 'federation',
      provider: 'cognito-identity.amazonaws.com',
    },
    {
      name: 'other OIDC provider ARN',
      st: { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/auth.acme.org` }, Action: 'sts:AssumeRoleWithWebIdentity' },
      path: 'federation',
      provider: `arn:aws:iam::${ACCT}:oidc-provider/auth.acme.org`,
    },
    {
      name: 'GitLab lookalike issuer is not a workload',
      st: { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/gitlab.com.evil.example` }, Action: 'sts:AssumeRoleWithWebIdentity' },
      path: 'federation',
    },
    {
      name: 'unresolved SAML provider reference',
      st: { Effect: 'Allow', Principal: { Federated: '${SamlProvider}' }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } },
      path: 'federation',
      provider: '${SamlProvider}',
    },
    {
      name: 'cross-account role',
      st: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:role/ci` }, Action: 'sts:AssumeRole' },
      path: 'iam-principal',
    },
    {
      name: 'wildcard principal',
      st: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } },
      path: 'iam-principal',
    },
    {
      name: 'account root without aws:PrincipalArn',
      st: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' },
      path: 'iam-principal',
    },
    {
      name: 'account root narrowed to a non-gateway role',
      st: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/other` } } },
      path: 'iam-principal',
    },
    {
      name: 'gateway role ARN',
      st: gatewayAssume(),
      path: 'gateway',
    },
    {
      name: 'account root narrowed by ArnLike aws:PrincipalArn to the gateway',
      st: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/llm-gateway-*` } } },
      path: 'gateway',
    },
    {
      name: 'bare account ID narrowed by StringEquals aws:PrincipalArn to the gateway',
      st: { Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:principalarn': GW } } },
      path: 'gateway',
    },
    {
      name: 'gateway unique ID',
      st: { Effect: 'Allow', Principal: { AWS: GW_ID }, Action: 'sts:AssumeRole' },
      path: 'gateway',
    },
  ])('$name → $path', ({ st, path, provider }) => {
    const a = analyze([st])
    const s = only(a)
    expect(s.path).toBe(path)
    expect(a.paths).toEqual([path])
    if (provider !== undefined) expect(s.provider).toBe(provider)
    if (path === 'gateway') expect(s.gateway).toEqual({ arn: GW, reason: 'test gateway' })
    else expect(s.gateway).toBeUndefined()
  })

  it('passes aws:PrincipalArn patterns to isGateway as narrowedBy for account roots', () => {
    const seen: PrincipalRef[] = []
    analyze(
      [
        {
          Effect: 'Allow',
          Principal: { AWS: [ACCT, `arn:aws:iam::${OTHER}:role/x`] },
          Action: 'sts:AssumeRole',
          Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/a', 'arn:aws:iam::*:role/b'] } },
        },
      ],
      cfg({ isGateway: gatewayResolver(seen) }),
    )
    expect(seen).toEqual([
      { raw: ACCT, kind: 'account-root', accountId: ACCT, narrowedBy: ['arn:aws:iam::*:role/a', 'arn:aws:iam::*:role/b'] },
      { raw: `arn:aws:iam::${OTHER}:role/x`, kind: 'role-arn', arn: `arn:aws:iam::${OTHER}:role/x`, accountId: OTHER },
    ])
  })

  it.each([
    [`arn:aws:iam::${ACCT}:root`, 'account-root'],
    ['*', 'wildcard'],
    [GW_ID, 'unique-id'],
    [`arn:aws:iam::${ACCT}:user/alice`, 'user-arn'],
    [`arn:aws:sts::${ACCT}:assumed-role/R/s`, 'assumed-role-arn'],
    ['not-a-principal', 'other'],
  ])('classifies principal %s as %s', (raw, kind) => {
    const seen: PrincipalRef[] = []
    analyze([{ Effect: 'Allow', Principal: { AWS: raw }, Action: 'sts:AssumeRole' }], cfg({ isGateway: gatewayResolver(seen) }))
    expect(seen.map((r) => r.kind)).toEqual([kind])
  })

  it('splits a statement naming several principal kinds into one entry per path/provider', () => {
    const a = analyze([
      {
        Sid: 'Mixed',
        Effect: 'Allow',
        Principal: { AWS: [GW, `arn:aws:iam::${OTHER}:root`], Service: ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
        Action: 'sts:AssumeRole',
      },
    ])
    expect(a.statements.map((s) => [s.index, s.sid, s.path, s.principals])).toEqual([
      [0, 'Mixed', 'gateway', [GW]],
      [0, 'Mixed', 'iam-principal', [`arn:aws:iam::${OTHER}:root`]],
      [0, 'Mixed', 'workload', ['lambda.amazonaws.com']],
      [0, 'Mixed', 'workload', ['ecs-tasks.amazonaws.com']],
    ])
    expect(a.paths).toEqual(['workload', 'gateway', 'iam-principal'])
  })

  it('groups a gateway named by ARN and unique ID into one entry', () => {
    const a = analyze([{ Effect: 'Allow', Principal: { AWS: [GW, GW_ID] }, Action: 'sts:AssumeRole' }])
    expect(only(a).principals).toEqual([GW, GW_ID])
    expect(a.gateways).toHaveLength(1)
  })

  it('a principal that cannot use the allowed action opens no path', () => {
    const a = analyze([{ Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:AssumeRole' }])
    expect(only(a).assumeActions).toEqual(['sts:AssumeRole'])
    expect(only(a).notes.some((n) => n.includes('needs sts:AssumeRoleWithSAML'))).toBe(true)
    expect(a.paths).toEqual([])
  })

  it('a statement allowing only TagSession opens no path', () => {
    const a = analyze([{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:TagSession' }])
    expect(only(a).path).toBe('workload')
    expect(a.paths).toEqual([])
  })

  it('honours custom workload issuers', () => {
    const st = { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/gitlab.acme.org` }, Action: 'sts:AssumeRoleWithWebIdentity' }
    expect(only(analyze([st])).path).toBe('federation')
    expect(only(analyze([st], cfg({ workloadOidcIssuers: ['GITLAB.acme.org'] }))).path).toBe('workload')
  })

  it('an absent trust policy opens no path', () => {
    const a = analyzeTrust(undefined, ROLE, cfg())
    expect(a).toEqual({
      statements: [],
      unclassified: [],
      paths: [],
      federation: { allowsTagSession: false, constrainsSessionName: false, requiresSourceIdentity: false, providers: [], identityCenter: false },
      gateways: [],
    })
  })
})

describe('federation aggregate', () => {
  it('Identity Center permission-set role', () => {
    const a = analyze(
      [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
      ],
      cfg(),
      { name: 'AWSReservedSSO_DataScientist_0123456789abcdef', path: '/aws-reserved/sso.amazonaws.com/', accountId: ACCT },
    )
    expect(only(a)).toMatchObject({ path: 'federation', identityCenter: true, allowsTagSession: true, assumeActions: ['sts:AssumeRoleWithSAML'] })
    expect(a.federation).toMatchObject({ identityCenter: true, allowsTagSession: true })
  })

  it('a plain SAML role is not Identity Center', () => {
    const a = analyze([{ Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:AssumeRoleWithSAML' }])
    expect(only(a).identityCenter).toBe(false)
    expect(a.federation).toEqual({ allowsTagSession: false, constrainsSessionName: false, requiresSourceIdentity: false, providers: [OKTA], identityCenter: false })
  })

  it('requires TagSession for every provider that can assume the role', () => {
    const AZURE = `arn:aws:iam::${ACCT}:saml-provider/Azure`
    const a = analyze([
      { Effect: 'Allow', Principal: { Federated: [OKTA, AZURE] }, Action: 'sts:AssumeRoleWithSAML' },
      { Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:TagSession' },
    ])
    expect(a.federation.providers).toEqual([OKTA, AZURE])
    expect(a.federation.allowsTagSession).toBe(false)
    const b = analyze([
      { Effect: 'Allow', Principal: { Federated: [OKTA, AZURE] }, Action: 'sts:AssumeRoleWithSAML' },
      { Effect: 'Allow', Principal: { Federated: [OKTA, AZURE] }, Action: 'sts:TagSession' },
    ])
    expect(b.federation.allowsTagSession).toBe(true)
  })

  it('session name and source identity must be constrained on every assuming statement', () => {
    const a = analyze([
      { Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringLike: { 'sts:RoleSessionName': '*@acme.org', 'sts:SourceIdentity': '*@acme.org' } } },
      { Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:AssumeRoleWithSAML' },
    ])
    expect(a.federation).toMatchObject({ constrainsSessionName: false, requiresSourceIdentity: false })
    const b = analyze([
      { Effect: 'Allow', Principal: { Federated: OKTA }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringLike: { 'sts:RoleSessionName': '*@acme.org', 'sts:SourceIdentity': '*@acme.org' } } },
    ])
    expect(b.federation).toMatchObject({ constrainsSessionName: true, requiresSourceIdentity: true })
  })

  it('workload OIDC does not count as federation', () => {
    const a = analyze([
      { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] },
    ])
    expect(a.federation.providers).toEqual([])
    expect(a.federation.allowsTagSession).toBe(false)
  })
})

describe('gateway aggregate', () => {
  it('intersects required keys over every statement letting the gateway assume', () => {
    const a = analyze([
      gatewayAssume({ Null: { 'aws:RequestTag/team': 'false', 'aws:RequestTag/cost-center': 'false', 'sts:SourceIdentity': 'false' } }),
      gatewayAssume({ Null: { 'aws:RequestTag/team': 'false' } }),
      { Effect: 'Allow', Principal: { AWS: GW }, Action: 'sts:TagSession' },
    ])
    expect(a.gateways).toEqual([
      {
        gateway: { arn: GW, reason: 'test gateway' },
        allowsTagSession: true,
        allowsSetSourceIdentity: false,
        requiresSourceIdentityOnEveryAssume: false,
        requiredTagKeysOnEveryAssume: ['team'],
        statements: [0, 1, 2],
        alsoAdmittedBy: [],
      },
    ])
  })

  it('nothing is required on every assume when no statement lets the gateway assume', () => {
    const a = analyze([{ Effect: 'Allow', Principal: { AWS: GW }, Action: 'sts:TagSession', Condition: { Null: { 'aws:RequestTag/team': 'false' } } }])
    expect(a.gateways[0]).toMatchObject({ requiresSourceIdentityOnEveryAssume: false, requiredTagKeysOnEveryAssume: [], allowsTagSession: true })
  })

  it.each([
    { name: 'same-account root', principal: { AWS: `arn:aws:iam::${ACCT}:root` }, admits: true },
    { name: 'bare same-account ID', principal: { AWS: ACCT }, admits: true },
    { name: 'wildcard', principal: '*', admits: true },
    { name: 'another account root', principal: { AWS: `arn:aws:iam::${OTHER}:root` }, admits: false },
    { name: 'another role', principal: { AWS: `arn:aws:iam::${ACCT}:role/other` }, admits: false },
  ])('a broad statement ($name) that admits the gateway weakens its requirements: $admits', ({ principal, admits }) => {
    const a = analyze([
      gatewayAssume({ Null: { 'sts:SourceIdentity': 'false', 'aws:RequestTag/team': 'false' } }),
      { Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
    ])
    const g = a.gateways[0]!
    expect(g.statements).toEqual([0])
    expect(g.alsoAdmittedBy).toEqual(admits ? [1] : [])
    expect(g.requiresSourceIdentityOnEveryAssume).toBe(!admits)
    expect(g.requiredTagKeysOnEveryAssume).toEqual(admits ? [] : ['team'])
    expect(g.allowsSetSourceIdentity).toBe(admits)
  })

  it('a root narrowed to some other role does not admit the gateway', () => {
    const a = analyze([
      gatewayAssume({ Null: { 'sts:SourceIdentity': 'false' } }),
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/ci` } } },
    ])
    expect(a.gateways[0]).toMatchObject({ alsoAdmittedBy: [], requiresSourceIdentityOnEveryAssume: true })
  })

  it('a Deny naming the gateway applies to the broad statements it would use', () => {
    const a = analyze([
      gatewayAssume(),
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
      { Effect: 'Deny', Principal: { AWS: GW }, Action: 'sts:TagSession' },
    ])
    expect(a.statements.find((s) => s.path === 'iam-principal')?.allowsTagSession).toBe(true)
    expect(a.gateways[0]).toMatchObject({ alsoAdmittedBy: [1], allowsTagSession: false })
  })
})

describe('canonical trust policies (facts §3.5)', () => {
  it('(a) SAML federation: session name is the user, team tag required', () => {
    const a = analyzeTrust(
      parsePolicyDocument(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'SamlAssumeSessionNameIsUser',
              Effect: 'Allow',
              Principal: { Federated: OKTA },
              Action: 'sts:AssumeRoleWithSAML',
              Condition: {
                StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml', 'sts:RoleSessionName': '${saml:sub}' },
                StringLike: { 'aws:RequestTag/team': '?*' },
              },
            },
            {
              Sid: 'SamlPassSessionTags',
              Effect: 'Allow',
              Principal: { Federated: OKTA },
              Action: 'sts:TagSession',
              Condition: {
                StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
                'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost-center'] },
              },
            },
            {
              Sid: 'SamlSetSourceIdentity',
              Effect: 'Allow',
              Principal: { Federated: OKTA },
              Action: 'sts:SetSourceIdentity',
              Condition: { StringLike: { 'sts:SourceIdentity': '*@acme.org' } },
            },
          ],
        }),
      ),
      ROLE,
      cfg(),
    )
    expect(a.paths).toEqual(['federation'])
    expect(a.statements.map((s) => [s.sid, s.assumeActions, s.allowsTagSession, s.allowsSetSourceIdentity])).toEqual([
      ['SamlAssumeSessionNameIsUser', ['sts:AssumeRoleWithSAML'], false, false],
      ['SamlPassSessionTags', [], true, false],
      ['SamlSetSourceIdentity', [], false, true],
    ])
    expect(a.statements[0]).toMatchObject({ requiredTagKeys: ['team'], constrainsSessionName: true, requiresSourceIdentity: false, notes: [] })
    expect(a.statements[1]?.notes).toEqual([])
    expect(a.federation).toEqual({ allowsTagSession: true, constrainsSessionName: true, requiresSourceIdentity: false, providers: [OKTA], identityCenter: false })
    expect(a.gateways).toEqual([])
  })

  it('(b) gateway AssumeRole requiring the team session tag', () => {
    const a = analyze([
      {
        Sid: 'AssumeOnlyWithTeamTag',
        Effect: 'Allow',
        Principal: { AWS: GW },
        Action: 'sts:AssumeRole',
        Condition: { StringLike: { 'aws:RequestTag/team': '?*', 'sts:RoleSessionName': 'gw-*' }, Null: { 'aws:RequestTag/team': 'false' } },
      },
      {
        Sid: 'AllowTaggingWithKnownKeys',
        Effect: 'Allow',
        Principal: { AWS: GW },
        Action: 'sts:TagSession',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost-center', 'tenant'] }, StringLike: { 'aws:RequestTag/team': '?*' } },
      },
    ])
    expect(a.paths).toEqual(['gateway'])
    expect(a.statements[0]).toMatchObject({ path: 'gateway', requiredTagKeys: ['team'], constrainsSessionName: true, notes: [] })
    expect(a.gateways).toEqual([
      {
        gateway: { arn: GW, reason: 'test gateway' },
        allowsTagSession: true,
        allowsSetSourceIdentity: false,
        requiresSourceIdentityOnEveryAssume: false,
        requiredTagKeysOnEveryAssume: ['team'],
        statements: [0, 1],
        alsoAdmittedBy: [],
      },
    ])
  })

  it('(c) gateway assumes a per-user role with SourceIdentity', () => {
    const a = analyze([
      {
        Sid: 'GatewayAssumePerUser',
        Effect: 'Allow',
        Principal: { AWS: GW },
        Action: 'sts:AssumeRole',
        Condition: { Null: { 'sts:SourceIdentity': 'false', 'aws:RequestTag/team': 'false' }, StringLike: { 'sts:RoleSessionName': '?*@acme.org' } },
      },
      {
        Sid: 'GatewaySetSourceIdentity',
        Effect: 'Allow',
        Principal: { AWS: GW },
        Action: 'sts:SetSourceIdentity',
        Condition: { StringLike: { 'sts:SourceIdentity': '?*@acme.org' } },
      },
      {
        Sid: 'GatewayTagSession',
        Effect: 'Allow',
        Principal: { AWS: GW },
        Action: 'sts:TagSession',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost-center', 'tenant'] } },
      },
    ])
    expect(a.paths).toEqual(['gateway'])
    expect(a.statements[0]).toMatchObject({ requiredTagKeys: ['team'], requiresSourceIdentity: true, constrainsSessionName: true })
    expect(a.statements[0]?.notes).toEqual(['aws:RequestTag/team is required but an empty value is admitted'])
    expect(a.statements.every((s) => !s.notes.some((n) => n.includes('own statement')))).toBe(true)
    expect(a.gateways).toEqual([
      {
        gateway: { arn: GW, reason: 'test gateway' },
        allowsTagSession: true,
        allowsSetSourceIdentity: true,
        requiresSourceIdentityOnEveryAssume: true,
        requiredTagKeysOnEveryAssume: ['team'],
        statements: [0, 1, 2],
        alsoAdmittedBy: [],
      },
    ])
  })
})

describe('principals known only at deploy time (IaC)', () => {
  const web = (principal: Record<string, unknown>, condition?: Record<string, unknown>) => ({
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
  })

  it('classifies a provider reference by the issuer its condition keys name', () => {
    const t = analyze([web({ Federated: '${Ref GithubProvider}' }, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } })])
    expect(t.paths).toEqual(['workload'])
    expect(t.unclassified).toEqual([])
  })

  it('reports a provider reference with no signal instead of dropping it', () => {
    const t = analyze([{ Sid: 'Who', ...web({ Federated: '${Ref SomeProvider}' }) }])
    expect(t.unclassified).toEqual([
      { index: 0, sid: 'Who', principal: '${Ref SomeProvider}', reason: expect.stringContaining('neither a SAML nor an OIDC provider') },
    ])
  })

  it('reports an AWS principal known only at deploy time and does not count it as an IAM principal path', () => {
    const t = analyze([{ Effect: 'Allow', Principal: { AWS: '${Ref GatewayRoleArn}' }, Action: 'sts:AssumeRole' }])
    expect(t.paths).toEqual([])
    expect(t.unclassified.map((u) => u.principal)).toEqual(['${Ref GatewayRoleArn}'])
  })

  it('classifies a resolved provider ARN without a note (near miss)', () => {
    const t = analyze([web({ Federated: 'arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com' })])
    expect(t.paths).toEqual(['workload'])
    expect(t.unclassified).toEqual([])
  })
})
