import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { AccountInventory } from '../../../src/model/inventory.js'
import { loadAccount, planSnapshot } from '../../../src/scanners/snapshot/index.js'
import { authDetails, bedrockKeys, fixture, makeTree } from './helpers.js'

const ACCOUNT_1 = {
  accountId: '111111111111',
  files: [fixture('org-snapshot/111111111111/authorization-details.json'), fixture('org-snapshot/111111111111/bedrock-api-keys.json')],
}

function byName<T extends { name: string }>(items: T[], name: string): T {
  const found = items.find((i) => i.name === name)
  if (!found) throw new Error(`no ${name} in ${items.map((i) => i.name).join(', ')}`)
  return found
}

/** The inventory without where it was read from: what two equivalent exports must agree on. */
function withoutOrigin(inv: AccountInventory): unknown {
  const strip = <T extends { origin?: unknown }>(x: T) => ({ ...x, origin: undefined })
  return {
    ...inv,
    sources: undefined,
    users: inv.users.map(strip),
    roles: inv.roles.map(strip),
    apiKeys: inv.apiKeys.map(strip),
    managedPolicies: [...inv.managedPolicies.entries()],
  }
}

describe('loadAccount: get-account-authorization-details (AWS CLI output)', () => {
  it('maps users with tags, groups, inline policies and permissions boundary', async () => {
    const { inventory, errors } = await loadAccount(ACCOUNT_1)
    expect(errors).toEqual([])
    expect(inventory.accountId).toBe('111111111111')
    expect(inventory.partition).toBe('aws')
    expect(inventory.users.map((u) => u.name)).toEqual(['alice', 'bob', 'BedrockAPIKey-7k2f'])

    const alice = byName(inventory.users, 'alice')
    expect(alice).toMatchObject({
      kind: 'user',
      accountId: '111111111111',
      arn: 'arn:aws:iam::111111111111:user/alice',
      id: 'AIDAQ3EGUSERALICE0001',
      path: '/',
      tags: [
        { key: 'team', value: 'ml-platform' },
        { key: 'cost-center', value: 'cc-1234' },
      ],
      groups: ['ml-engineers'],
      inlinePolicies: [],
      attachedPolicyArns: [],
      permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundaries/DeveloperBoundary',
      createDate: '2024-03-11T09:15:42.000Z',
      origin: { file: ACCOUNT_1.files[0], pointer: '/UserDetailList/0' },
    })

    const bob = byName(inventory.users, 'bob')
    expect(bob.path).toBe('/contractors/')
    expect(bob.groups).toEqual(['ml-engineers', 'admins'])
    expect(bob.tags).toEqual([])
    expect(bob.permissionsBoundaryArn).toBeUndefined()
    expect(bob.inlinePolicies.map((p) => p.name)).toEqual(['bedrock-direct'])
    expect(bob.inlinePolicies[0]?.document.statements[0]).toMatchObject({
      sid: 'InvokeClaude',
      effect: 'Allow',
      action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resource: ['arn:aws:bedrock:*::foundation-model/anthropic.*'],
    })

    const keyUser = byName(inventory.users, 'BedrockAPIKey-7k2f')
    expect(keyUser.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess'])
    expect(keyUser.tags).toEqual([]) // no Tags member at all in the export
  })

  it('maps roles with trust policies, tags, last use and paths; ignores instance profiles', async () => {
    const { inventory } = await loadAccount(ACCOUNT_1)
    expect(inventory.roles.map((r) => r.name)).toEqual([
      'AWSReservedSSO_DataScientist_4f1c2b9a7d3e8f60',
      'llm-gateway',
      'bedrock-invoker-ml',
      'batch-worker',
    ])
    const sso = byName(inventory.roles, 'AWSReservedSSO_DataScientist_4f1c2b9a7d3e8f60')
    expect(sso.path).toBe('/aws-reserved/sso.amazonaws.com/eu-west-1/')
    expect(sso.trustPolicy?.statements[0]).toMatchObject({
      principal: { Federated: ['arn:aws:iam::111111111111:saml-provider/AWSSSO_0a1b2c3d4e5f6789_DO_NOT_DELETE'] },
      action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
      condition: { StringEquals: { 'SAML:aud': ['https://signin.aws.amazon.com/saml'] } },
    })
    expect(sso.lastUsed).toEqual({ date: '2026-08-20T16:42:11.000Z', region: 'eu-west-1' })
    expect(sso.origin).toEqual({ file: ACCOUNT_1.files[0], pointer: '/RoleDetailList/0' })

    const invoker = byName(inventory.roles, 'bedrock-invoker-ml')
    expect(invoker).toMatchObject({
      kind: 'role',
      id: 'AROAQ3EGROLEINVOKER03',
      tags: [{ key: 'team', value: 'ml-platform' }],
      attachedPolicyArns: ['arn:aws:iam::111111111111:policy/BedrockInvokeModels'],
      permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundaries/DeveloperBoundary',
    })
    expect(invoker.trustPolicy?.statements[0]?.principal).toEqual({ AWS: ['arn:aws:iam::111111111111:role/llm-gateway'] })

    const gateway = byName(inventory.roles, 'llm-gateway')
    expect(gateway.inlinePolicies.map((p) => p.name)).toEqual(['assume-invoker-per-user'])

    // `RoleLastUsed: {}`: tracked and not used, which is not the same as unknown
    expect(byName(inventory.roles, 'batch-worker').lastUsed).toEqual({})
  })

  it('maps groups and keys managed policies (customer and AWS) by ARN with the default version', async () => {
    const { inventory } = await loadAccount(ACCOUNT_1)
    expect(inventory.groups).toEqual([
      {
        accountId: '111111111111',
        arn: 'arn:aws:iam::111111111111:group/admins',
        name: 'admins',
        path: '/',
        inlinePolicies: [],
        attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      },
      expect.objectContaining({ name: 'ml-engineers', path: '/teams/', attachedPolicyArns: ['arn:aws:iam::111111111111:policy/BedrockInvokeModels'] }),
    ])
    expect(inventory.groups[1]?.inlinePolicies.map((p) => p.name)).toEqual(['read-training-data'])

    expect([...inventory.managedPolicies.keys()]).toEqual([
      'arn:aws:iam::111111111111:policy/BedrockInvokeModels',
      'arn:aws:iam::111111111111:policy/boundaries/DeveloperBoundary',
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess',
      'arn:aws:iam::aws:policy/AmazonBedrockFullAccess',
    ])
    const invoke = inventory.managedPolicies.get('arn:aws:iam::111111111111:policy/BedrockInvokeModels')
    expect(invoke?.name).toBe('BedrockInvokeModels')
    expect(invoke?.defaultVersionId).toBe('v2')
    // v2 is the default; v1 (ListFoundationModels only) must not be used
    expect(invoke?.document.statements.flatMap((s) => s.action ?? [])).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'])
    expect(inventory.managedPolicies.get('arn:aws:iam::aws:policy/AmazonBedrockFullAccess')?.document.statements).toHaveLength(2)
  })

  it('keeps only Bedrock API keys from list-service-specific-credentials', async () => {
    const { inventory } = await loadAccount(ACCOUNT_1)
    expect(inventory.apiKeysCollected).toBe(true)
    expect(inventory.apiKeys).toEqual([
      {
        accountId: '111111111111',
        userName: 'BedrockAPIKey-7k2f',
        serviceName: 'bedrock.amazonaws.com',
        status: 'Active',
        credentialId: 'ACCAQ3EGBEDROCKKEY0001',
        alias: 'BedrockAPIKey-7k2f+1-20260420',
        createDate: '2026-04-20T08:30:05.000Z',
        expirationDate: '2026-07-19T08:30:05.000Z',
        origin: { file: ACCOUNT_1.files[1], pointer: '/ServiceSpecificCredentials/0' },
      },
      expect.objectContaining({ userName: 'alice', status: 'Inactive', credentialId: 'ACCAQ3EGBEDROCKKEY0002' }),
    ])
    expect(inventory.apiKeys[1]?.expirationDate).toBeUndefined()
    expect(inventory.sources).toEqual(ACCOUNT_1.files)
  })

  it('leaves apiKeysCollected false when no credentials listing was read', async () => {
    const { inventory } = await loadAccount({ accountId: '111111111111', files: [ACCOUNT_1.files[0] ?? ''] })
    expect(inventory.apiKeysCollected).toBe(false)
    expect(inventory.apiKeys).toEqual([])
  })

  it('reads URL-encoded (raw API/SDK) and plain-string documents to the same inventory as CLI objects', async () => {
    const cli = await loadAccount({ accountId: '111111111111', files: [ACCOUNT_1.files[0] ?? ''] })
    const sdk = await loadAccount({ accountId: '111111111111', files: [fixture('sdk-urlencoded/get-account-authorization-details.json')] })
    expect(sdk.errors).toEqual([])
    expect(sdk.inventory.roles).toHaveLength(4)
    expect(withoutOrigin(sdk.inventory)).toEqual(withoutOrigin(cli.inventory))
    expect(sdk.inventory.roles[0]?.origin?.file).toBe(fixture('sdk-urlencoded/get-account-authorization-details.json'))
  })

  it('gives the same inventory on every load (deterministic order)', async () => {
    const a = await loadAccount(ACCOUNT_1)
    const b = await loadAccount(ACCOUNT_1)
    expect(withoutOrigin(b.inventory)).toEqual(withoutOrigin(a.inventory))
    expect(b.inventory.roles.map((r) => r.origin?.pointer)).toEqual(['/RoleDetailList/0', '/RoleDetailList/1', '/RoleDetailList/2', '/RoleDetailList/3'])
  })
})

describe('loadAccount: pages', () => {
  const page1 = fixture('org-snapshot/prod-eu/iam-page-1.json')
  const page2 = fixture('org-snapshot/prod-eu/iam-page-2.json')

  it('merges the pages of one export (IsTruncated/Marker) into one account', async () => {
    const { inventory, errors } = await loadAccount({ accountId: '222222222222', files: [page1, page2] })
    expect(errors).toEqual([])
    expect(inventory.users.map((u) => [u.name, u.origin?.file])).toEqual([['svc-reporting', page1]])
    expect(inventory.groups.map((g) => g.name)).toEqual(['readers'])
    expect(inventory.roles.map((r) => [r.name, r.origin?.file])).toEqual([['github-deploy', page2]])
    expect([...inventory.managedPolicies.keys()]).toEqual(['arn:aws:iam::222222222222:policy/EvalsBedrockAccess'])
    // a single (non-list) Statement is normalised to a list
    expect(inventory.users[0]?.inlinePolicies[0]?.document.statements).toHaveLength(1)
    expect(inventory.sources).toEqual([page1, page2])
  })

  it('reports incomplete-export when the last page is missing, and keeps what the pages hold', async () => {
    const { inventory, errors } = await loadAccount({ accountId: '222222222222', files: [page1] })
    expect(errors).toEqual([
      expect.objectContaining({ code: 'incomplete-export', source: page1, accountId: '222222222222', hint: expect.stringContaining('IsTruncated') }),
    ])
    expect(inventory.users.map((u) => u.name)).toEqual(['svc-reporting'])
  })

  it('treats the CLI’s NextToken (--max-items) as a page that has more to follow', async () => {
    const t = await makeTree({ 'p.json': authDetails('242424242424', ['r'], { NextToken: 'eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==' }) })
    try {
      const { errors } = await loadAccount({ accountId: '242424242424', files: [t.path('p.json')] })
      expect(errors.map((e) => e.code)).toEqual(['incomplete-export'])
    } finally {
      await t.cleanup()
    }
  })

  it('reads the same principal only once when two files of one account overlap', async () => {
    const t = await makeTree({})
    try {
      const copy = t.path('again.json')
      await copyFile(page2, copy)
      const { inventory, errors } = await loadAccount({ accountId: '222222222222', files: [page1, page2, copy] })
      expect(inventory.roles.map((r) => r.origin?.file)).toEqual([page2])
      expect(errors).toEqual([
        expect.objectContaining({ code: 'duplicate-entity', source: copy, subject: 'arn:aws:iam::222222222222:role/github-deploy' }),
      ])
      // the identical managed policy is not a conflict
      expect(inventory.managedPolicies.size).toBe(1)
    } finally {
      await t.cleanup()
    }
  })
})

describe('loadAccount: partition and default version', () => {
  it('takes the partition from the ARNs and keeps it for files without ARNs', async () => {
    const gov = authDetails('252525252525', ['r'])
    const role = (gov.RoleDetailList as Array<Record<string, unknown>>)[0] as Record<string, unknown>
    role.Arn = 'arn:aws-us-gov:iam::252525252525:role/r'
    const t = await makeTree({ '252525252525/iam.json': gov, '252525252525/keys.json': bedrockKeys() })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts).toEqual([{ accountId: '252525252525', files: [t.path('252525252525/iam.json'), t.path('252525252525/keys.json')] }])
      const { inventory, errors } = await loadAccount(plan.accounts[0] ?? { accountId: '', files: [] })
      expect(errors).toEqual([])
      expect(inventory.partition).toBe('aws-us-gov')
      expect(inventory.roles[0]?.partition).toBe('aws-us-gov')
      expect(inventory.apiKeys).toHaveLength(1)
    } finally {
      await t.cleanup()
    }
  })

  it('falls back to DefaultVersionId when no version is flagged IsDefaultVersion', async () => {
    const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] })
    const page = authDetails('262626262626', [], {
      Policies: [
        {
          PolicyName: 'P',
          Arn: 'arn:aws:iam::262626262626:policy/P',
          DefaultVersionId: 'v2',
          PolicyVersionList: [
            { VersionId: 'v1', Document: doc('s3:GetObject') },
            { VersionId: 'v2', Document: doc('bedrock:InvokeModel') },
          ],
        },
      ],
    })
    const t = await makeTree({ 'p.json': page })
    try {
      const { inventory, errors } = await loadAccount({ accountId: '262626262626', files: [t.path('p.json')] })
      expect(errors).toEqual([])
      const p = inventory.managedPolicies.get('arn:aws:iam::262626262626:policy/P')
      expect(p?.defaultVersionId).toBe('v2')
      expect(p?.document.statements[0]?.action).toEqual(['bedrock:InvokeModel'])
    } finally {
      await t.cleanup()
    }
  })

  it('reads a UTF-16 file with a byte order mark (Windows PowerShell 5 redirection)', async () => {
    const text = JSON.stringify(authDetails('272727272727', ['r']), null, 2)
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const t = await makeTree({ 'ps.json': bytes })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts.map((a) => a.accountId)).toEqual(['272727272727'])
      const { inventory, errors } = await loadAccount(plan.accounts[0] ?? { accountId: '', files: [] })
      expect(errors).toEqual([])
      expect(inventory.roles.map((r) => r.name)).toEqual(['r'])
    } finally {
      await t.cleanup()
    }
  })
})

describe('loadAccount: errors never stop the scan', () => {
  const broken = fixture('errors/broken-documents.json')

  it('skips a broken inline policy but keeps its principal and everything else in the file', async () => {
    const { inventory, errors } = await loadAccount({ accountId: '555555555555', files: [broken] })
    const carol = byName(inventory.users, 'carol')
    expect(carol.inlinePolicies.map((p) => p.name)).toEqual(['bedrock-invoke'])
    expect(carol.tags).toEqual([{ key: 'team', value: 'research' }])
    const err = errors.find((e) => e.subject === 'arn:aws:iam::555555555555:user/carol')
    expect(err).toMatchObject({ code: 'invalid-policy-document', source: broken, accountId: '555555555555' })
    expect(err?.message).toContain('"s3-read"')
    expect(err?.message).toContain('/UserDetailList/0/UserPolicyList/1/PolicyDocument')
    expect(err?.message).toContain('line 5, column 3')
    expect(err?.hint).toContain('skipped')
  })

  it('skips a role whose trust policy cannot be read, naming the role and AssumeRolePolicyDocument', async () => {
    const { inventory, errors } = await loadAccount({ accountId: '555555555555', files: [broken] })
    expect(inventory.roles.map((r) => r.name)).toEqual(['summariser'])
    const err = errors.find((e) => e.subject === 'arn:aws:iam::555555555555:role/broken-trust')
    expect(err?.code).toBe('invalid-policy-document')
    expect(err?.message).toContain('AssumeRolePolicyDocument')
    expect(err?.message).toContain('% escape')
  })

  it('skips a broken managed policy or group policy and keeps the rest', async () => {
    const { inventory, errors } = await loadAccount({ accountId: '555555555555', files: [broken] })
    expect([...inventory.managedPolicies.keys()]).toEqual(['arn:aws:iam::555555555555:policy/ReadOnlyBedrock'])
    expect(errors.find((e) => e.subject === 'arn:aws:iam::555555555555:policy/BrokenManaged')?.message).toContain(
      '/Policies/0/PolicyVersionList/0/Document',
    )
    expect(inventory.groups.map((g) => [g.name, g.inlinePolicies.length])).toEqual([['analysts', 0]])
    expect(errors.find((e) => e.subject === 'arn:aws:iam::555555555555:group/analysts')?.message).toContain('"lowercase-effect"')
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill('invalid-policy-document'))
    expect(inventory.sources).toEqual([broken])
  })

  it('reports malformed JSON with file:line:column', async () => {
    const file = fixture('errors/trailing-comma.json')
    const { inventory, errors } = await loadAccount({ accountId: '666666666666', files: [file] })
    expect(errors).toEqual([expect.objectContaining({ code: 'invalid-json', source: file, accountId: '666666666666' })])
    expect(errors[0]?.message).toContain('trailing-comma.json:7:5')
    expect(inventory.users).toEqual([])
    expect(inventory.sources).toEqual([])
  })

  it('says a cut-off file ends early', async () => {
    const file = fixture('errors/cut-off-download.json')
    const { errors } = await loadAccount({ accountId: '111111111111', files: [file, ACCOUNT_1.files[0] ?? ''] })
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toContain('cut-off-download.json:20:26')
    expect(errors[0]?.message).toContain('cut off')
  })

  it('reports valid JSON that is no known export as unrecognised-input, and top-level non-objects too', async () => {
    const t = await makeTree({ 'list.json': '[1, 2, 3]', 'n.json': '42' })
    try {
      const files = [fixture('misleading/iam-users.json'), t.path('list.json'), t.path('n.json'), fixture('misleading/roles.json')]
      const { errors } = await loadAccount({ accountId: '333333333333', files })
      expect(errors.map((e) => [e.code, e.source])).toEqual(files.map((f) => ['unrecognised-input', f]))
      expect(errors[3]?.message).toContain('organizations-accounts')
    } finally {
      await t.cleanup()
    }
  })

  it('reports an unreadable file', async () => {
    const missing = fixture('errors/no-such-file.json')
    const { errors } = await loadAccount({ accountId: '111111111111', files: [missing] })
    expect(errors).toEqual([expect.objectContaining({ code: 'unreadable-file', source: missing })])
  })

  it('skips an entity without a usable Arn', async () => {
    const page = authDetails('282828282828', ['ok'])
    page.UserDetailList = [{ UserName: 'nameless', GroupList: [] }]
    const t = await makeTree({ 'p.json': page })
    try {
      const { inventory, errors } = await loadAccount({ accountId: '282828282828', files: [t.path('p.json')] })
      expect(errors.map((e) => e.code)).toEqual(['invalid-entity'])
      expect(errors[0]?.message).toContain('/UserDetailList/0')
      expect(inventory.roles.map((r) => r.name)).toEqual(['ok'])
    } finally {
      await t.cleanup()
    }
  })

  it('reads a file that was rewritten after planning against its new content', async () => {
    const t = await makeTree({ '292929292929/iam.json': authDetails('292929292929', ['r']) })
    try {
      const plan = await planSnapshot([t.root])
      const original = await readFile(t.path('292929292929/iam.json'), 'utf8')
      await writeFile(t.path('292929292929/iam.json'), original.replaceAll('292929292929', '303030303030'))
      const { errors } = await loadAccount(plan.accounts[0] ?? { accountId: '', files: [] })
      expect(errors.map((e) => e.code)).toEqual(['account-id-conflict'])
    } finally {
      await t.cleanup()
    }
  })
})
