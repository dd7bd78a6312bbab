/**
 * The read-only guarantee: tagwarden calls only the operations on one documented allowlist. The guard on
 * every client refuses anything else before it is sent; the source never imports another command; the
 * audit policy and the StackSet grant exactly the allowlist's actions. (Every live test harness also
 * checks, when it closes, that the fake AWS received nothing outside the allowlist.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { CreateRoleCommand, DeleteRoleCommand, TagRoleCommand } from '@aws-sdk/client-iam'
import { CreatePolicyCommand } from '@aws-sdk/client-organizations'
import { isAllowedOperation, isReadOnlyName, READ_ONLY_OPERATIONS, requiredActions } from '../../src/scanners/live/allowlist.js'
import { CallCounter } from '../../src/scanners/live/calls.js'
import { ClientFactory, ReadOnlyViolation } from '../../src/scanners/live/clients.js'
import { Redactor } from '../../src/scanners/live/redact.js'
import { addUserCredentials, emptyFakeAccount, emptyWorld, startAwsServer, type AwsServer } from '../support/aws-server/index.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}

const CLIENT_SERVICE: Record<string, string> = {
  '@aws-sdk/client-iam': 'IAM',
  '@aws-sdk/client-sts': 'STS',
  '@aws-sdk/client-organizations': 'Organizations',
  '@aws-sdk/client-cost-explorer': 'CostExplorer',
  '@aws-sdk/client-s3': 'S3',
  '@aws-sdk/client-athena': 'Athena',
  '@aws-sdk/client-sso-admin': 'SSOAdmin',
}

describe('read-only allowlist', () => {
  it('lists List*/Get*/Describe* operations plus sts:AssumeRole and sts:GetCallerIdentity, others only with a justification', () => {
    for (const op of READ_ONLY_OPERATIONS) {
      const justified = (op.readOnlyBecause ?? '').length > 20
      expect(isReadOnlyName(op.service, op.operation) || justified, `${op.service}:${op.operation}`).toBe(true)
      expect(op.reason.length).toBeGreaterThan(20)
    }
    expect(isReadOnlyName('IAM', 'DeleteRole')).toBe(false)
    expect(isReadOnlyName('IAM', 'Listen')).toBe(false)
    expect(isReadOnlyName('STS', 'GetSessionToken')).toBe(false)
  })

  it('covers every AWS command the source imports', () => {
    const importRe = /import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z-]+)'/g
    const used: string[] = []
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(importRe)) {
        const service = CLIENT_SERVICE[m[2]!] ?? m[2]!
        for (const name of m[1]!.split(',').map((s) => s.trim().replace(/^type\s+/, ''))) {
          const cmd = /^(\w+)Command$/.exec(name)
          if (cmd) used.push(`${service}:${cmd[1]}`)
        }
      }
    }
    expect(used.length).toBeGreaterThan(5)
    expect(
      used.filter((u) => !isAllowedOperation(u.split(':')[0]!, u.split(':')[1]!)),
      'add these to READ_ONLY_OPERATIONS in src/scanners/live/allowlist.ts with a reason, their IAM actions to docs/iam/tagwarden-audit-policy.json, and create their clients with ClientFactory.client() so the guard runs',
    ).toEqual([])
  })

  it('matches docs/iam/tagwarden-audit-policy.json exactly', () => {
    const policy = JSON.parse(readFileSync(join(ROOT, 'docs/iam/tagwarden-audit-policy.json'), 'utf8')) as {
      Statement: Array<{ Effect: string; Action: string[]; Resource: string }>
    }
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true)
    expect(policy.Statement.flatMap((s) => s.Action).sort()).toEqual(requiredActions())
  })

  it('grants the audit role of the StackSet exactly the IAM actions, trusting only the configured auditor', () => {
    const doc = parseDocument(readFileSync(join(ROOT, 'docs/iam/audit-role-stackset.yaml'), 'utf8'), {
      customTags: ['!Ref', '!If', '!Not', '!Equals', '!GetAtt', '!Sub'].map((tag) => ({
        tag,
        identify: () => false,
        resolve: (v: unknown) => ({ [tag]: v }),
        collection: tag === '!Ref' || tag === '!GetAtt' || tag === '!Sub' ? undefined : 'seq',
      })) as never,
    })
    expect(doc.errors).toEqual([])
    const t = doc.toJS() as {
      Parameters: Record<string, unknown>
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>
    }
    expect(Object.keys(t.Parameters)).toEqual(expect.arrayContaining(['AuditorPrincipalArn', 'ExternalId', 'RoleName']))
    const roles = Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role')
    expect(roles).toHaveLength(1)
    expect(Object.values(t.Resources).every((r) => r.Type === 'AWS::IAM::Role')).toBe(true)
    const props = roles[0]!.Properties as {
      AssumeRolePolicyDocument: { Statement: Array<{ Principal: { AWS: unknown }; Action: string }> }
      Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string[] }> } }>
      ManagedPolicyArns?: unknown
    }
    expect(props.ManagedPolicyArns).toBeUndefined()
    expect(props.AssumeRolePolicyDocument.Statement).toHaveLength(1)
    expect(props.AssumeRolePolicyDocument.Statement[0]!.Principal.AWS).toEqual({ '!Ref': 'AuditorPrincipalArn' })
    expect(props.AssumeRolePolicyDocument.Statement[0]!.Action).toBe('sts:AssumeRole')
    const actions = props.Policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action)).sort()
    // The role reads each account's IAM, and Identity Center where it is entered for it (--sso-account).
    expect(actions).toEqual(requiredActions().filter((a) => a.startsWith('iam:') || a.startsWith('sso:')))
  })
})

describe('read-only guard on every client', () => {
  let server: AwsServer
  let factory: ClientFactory
  beforeAll(async () => {
    const world = emptyWorld()
    world.accounts.set('123456789012', emptyFakeAccount('123456789012'))
    server = await startAwsServer(world)
    const c = addUserCredentials(world, '123456789012')
    factory = new ClientFactory({
      region: 'us-east-1',
      endpoint: server.url,
      maxAttempts: 1,
      env: {},
      counter: new CallCounter(),
      redactor: new Redactor(),
    })
    clients = factory.clients({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, '123456789012')
  })
  let clients: ReturnType<ClientFactory['clients']>
  afterAll(async () => {
    factory.destroy()
    await server.close()
  })

  it('refuses write operations before anything is sent', async () => {
    await expect(clients.iam.send(new DeleteRoleCommand({ RoleName: 'x' }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(clients.iam.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: '{}' }))).rejects.toThrow(/read-only allowlist/)
    await expect(clients.iam.send(new TagRoleCommand({ RoleName: 'x', Tags: [] }))).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(clients.org.send(new CreatePolicyCommand({ Name: 'x', Content: '{}', Description: '', Type: 'SERVICE_CONTROL_POLICY' }))).rejects.toBeInstanceOf(
      ReadOnlyViolation,
    )
    expect(server.calls).toEqual([])
    expect(server.rejected).toEqual([])
  })

  it('uses the SDK’s adaptive retry mode with the configured attempts by default', async () => {
    const f = new ClientFactory({ region: 'us-east-1', maxAttempts: 7, env: {}, counter: new CallCounter(), redactor: new Redactor() })
    try {
      const { iam } = f.clients({ accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'x' }, 'a')
      const strategy = (await (iam.config.retryStrategy as unknown as () => Promise<{ mode: string; maxAttemptsProvider(): Promise<number> }>)())
      expect(strategy.mode).toBe('adaptive')
      expect(await strategy.maxAttemptsProvider()).toBe(7)
    } finally {
      f.destroy()
    }
  })

  it('lets allowlisted operations through', async () => {
    const { ListSAMLProvidersCommand } = await import('@aws-sdk/client-iam')
    await expect(clients.iam.send(new ListSAMLProvidersCommand({}))).resolves.toMatchObject({ SAMLProviderList: [] })
    expect(server.countCalls()).toEqual({ 'iam:ListSAMLProviders': 1 })
  })
})
