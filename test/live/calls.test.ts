/**
 * The number of AWS calls per account is O(pages): it follows the pages of IAM data, never the number
 * of principals, and it is counted per operation. Retries on throttling are counted apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AwsFault, emptyFakeAccount, emptyWorld, type World } from '../support/aws-server/index.js'
import { liveHarness, type LiveHarness } from './helpers.js'
import { CallCounter, formatCallStats } from '../../src/scanners/live/calls.js'
import { ClientFactory } from '../../src/scanners/live/clients.js'
import { Redactor } from '../../src/scanners/live/redact.js'
import { collectAccount, identityProvidersFromRaw } from '../../src/scanners/live/account.js'

const ACCOUNT = '123456789012'
const PAGE = 50

function roles(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    Path: '/',
    RoleName: `r${i}`,
    RoleId: `AROA${ACCOUNT}R${i}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/r${i}`,
    CreateDate: '2025-01-01T00:00:00Z',
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  }))
}

describe('AWS calls per account', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = emptyWorld()
    // IAM may return fewer items than MaxItems; a cap of 50 gives several pages with little data.
    world.iamMaxPageSize = PAGE
    world.accounts.set(ACCOUNT, emptyFakeAccount(ACCOUNT))
    h = await liveHarness(world, ACCOUNT)
  })
  afterAll(() => h.close())

  const scanWith = async (principals: number) => {
    world.accounts.get(ACCOUNT)!.iam.roles = roles(principals)
    h.server.reset()
    const { report, source } = await h.scan()
    expect(report.errors).toEqual([])
    expect(report.summary.principals.roles).toBe(principals)
    return source.stats().calls
  }

  for (const [pages, principals] of [
    [1, 10],
    [2, 60],
    [3, 140],
  ] as const) {
    it(`makes ${pages} GetAccountAuthorizationDetails call(s) for ${pages} page(s), and one of each other call`, async () => {
      const calls = await scanWith(principals)
      expect(calls.calls).toEqual({
        'iam:GetAccountAuthorizationDetails': pages,
        'iam:ListOpenIDConnectProviders': 1,
        'iam:ListSAMLProviders': 1,
        'iam:ListServiceSpecificCredentials': 1,
        // Identity Center is asked once per scan: here it lists no instance, so nothing more.
        'sso:ListInstances': 1,
        'sts:GetCallerIdentity': 1,
      })
      // What the tool counted is what the server saw.
      expect(h.server.countCalls()).toEqual(calls.calls)
      // Every page after the first carried the previous page's Marker, and asked for IAM's largest page.
      const pagesSeen = h.server.calls.filter((c) => c.operation === 'GetAccountAuthorizationDetails')
      expect(pagesSeen.map((c) => c.params.MaxItems)).toEqual(Array(pages).fill('1000'))
      expect(pagesSeen[0]!.params.Marker).toBeUndefined()
      for (const c of pagesSeen.slice(1)) expect(c.params.Marker).toEqual(expect.any(String))
    })
  }

  it('does not depend on the number of principals within a page count', async () => {
    const few = await scanWith(3)
    const many = await scanWith(PAGE)
    expect(many.calls).toEqual(few.calls)
  })

  it('lists Bedrock API keys for all users in one call per page', async () => {
    const acct = world.accounts.get(ACCOUNT)!
    acct.serviceSpecificCredentials = Array.from({ length: 120 }, (_, i) => ({
      UserName: `u${i}`,
      Status: 'Active',
      ServiceUserName: `u${i}-at-${ACCOUNT}`,
      CreateDate: '2025-01-01T00:00:00Z',
      ServiceSpecificCredentialId: `ACCA${i}`,
      ServiceName: 'bedrock.amazonaws.com',
    }))
    try {
      const calls = await scanWith(3)
      expect(calls.calls['iam:ListServiceSpecificCredentials']).toBe(3) // 120 keys, 50 a page
      const requests = h.server.calls.filter((c) => c.operation === 'ListServiceSpecificCredentials')
      expect(requests.every((c) => c.params.AllUsers === 'true' && c.params.ServiceName === 'bedrock.amazonaws.com')).toBe(true)
    } finally {
      acct.serviceSpecificCredentials = []
    }
  })

  it('retries throttling (Throttling, HTTP 429, HTTP 503) and counts the retries apart', async () => {
    world.accounts.get(ACCOUNT)!.iam.roles = roles(3)
    h.server.reset()
    const fault = { service: 'iam', operation: 'GetAccountAuthorizationDetails', accountId: ACCOUNT }
    h.server.inject({ ...fault, times: 1, fault: new AwsFault('Throttling', 'Rate exceeded', 400) })
    h.server.inject({ ...fault, times: 1, fault: { status: 429 } })
    h.server.inject({ ...fault, times: 1, fault: { status: 503 } })
    const { report, source } = await h.scan({ maxAttempts: 5 })
    expect(report.errors).toEqual([])
    expect(report.summary.principals.roles).toBe(3)
    const calls = source.stats().calls
    expect(calls.calls['iam:GetAccountAuthorizationDetails']).toBe(1)
    expect(calls.retries['iam:GetAccountAuthorizationDetails']).toBe(3)
    expect(h.server.calls.filter((c) => c.operation === 'GetAccountAuthorizationDetails').map((c) => c.status)).toEqual([400, 429, 503, 200])
    expect(formatCallStats(calls)).toContain('iam:GetAccountAuthorizationDetails  1 (3 retries)')
  })

  it('lists the account’s SAML and OIDC identity providers in one call each', async () => {
    const acct = world.accounts.get(ACCOUNT)!
    acct.samlProviders = [{ Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, ValidUntil: '2030-01-01T00:00:00Z', CreateDate: '2025-01-01T00:00:00Z' }]
    acct.oidcProviders = [{ Arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }]
    try {
      const calls = await scanWith(3)
      expect(calls.calls['iam:ListSAMLProviders']).toBe(1)
      expect(calls.calls['iam:ListOpenIDConnectProviders']).toBe(1)
      const f = new ClientFactory({ region: 'us-east-1', endpoint: h.server.url, maxAttempts: 1, env: {}, counter: new CallCounter(), redactor: new Redactor() })
      try {
        const { raw } = await collectAccount(f.iam({ accessKeyId: h.caller.accessKeyId, secretAccessKey: h.caller.secretAccessKey }, ACCOUNT), {
          accountId: ACCOUNT,
          maxAttempts: 1,
          redactor: new Redactor(),
        })
        expect(identityProvidersFromRaw(raw!)).toEqual([
          { kind: 'saml', arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, validUntil: '2030-01-01T00:00:00.000Z' },
          { kind: 'oidc', arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        ])
      } finally {
        f.destroy()
      }
    } finally {
      acct.samlProviders = []
      acct.oidcProviders = []
    }
  })
})
