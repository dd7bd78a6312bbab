import { copyFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadAccount, planSnapshot } from '../../../src/scanners/snapshot/index.js'
import type { SnapshotPlan } from '../../../src/scanners/snapshot/index.js'
import { FIXTURES, authDetails, bedrockKeys, fixture, makeTree } from './helpers.js'

function withoutTrust(role: Record<string, unknown>): Record<string, unknown> {
  const { AssumeRolePolicyDocument: _ignored, ...rest } = role
  return rest
}

const rel = (f: string) => relative(FIXTURES, f).split('\\').join('/')

function summary(plan: SnapshotPlan) {
  return {
    accounts: plan.accounts.map((a) => ({ accountId: a.accountId, files: a.files.map(rel) })),
    orgFiles: plan.orgFiles.map(rel),
    otherFiles: plan.otherFiles.map((o) => ({ file: rel(o.file), kind: o.kind })),
    errors: plan.errors.map((e) => ({ code: e.code, source: rel(e.source) })),
    fileCount: plan.fileCount,
  }
}

describe('planSnapshot: walking and recognition', () => {
  it('walks a folder depth-first in sorted order, skipping non-JSON files', async () => {
    const plan = await planSnapshot([fixture('org-snapshot')])
    expect(summary(plan)).toEqual({
      accounts: [
        {
          accountId: '111111111111',
          files: ['org-snapshot/111111111111/authorization-details.json', 'org-snapshot/111111111111/bedrock-api-keys.json'],
        },
        { accountId: '222222222222', files: ['org-snapshot/prod-eu/iam-page-1.json', 'org-snapshot/prod-eu/iam-page-2.json'] },
      ],
      // list-accounts sits in a folder named after the management account, yet is not that account's data
      orgFiles: ['org-snapshot/999999999999/organizations-list-accounts.json'],
      otherFiles: [],
      errors: [],
      fileCount: 5,
    })
  })

  it('skips node_modules, dot-folders and dot-files but walks the rest in code-unit order', async () => {
    // made at run time: node_modules/ and .tagwarden-cache/ are git-ignored, so they cannot be fixtures
    const role = authDetails('101010101010', ['r'])
    const t = await makeTree({
      'node_modules/pkg/package.json': role,
      '.tagwarden-cache/state.json': role,
      'b/.hidden.json': role,
      'b/Z.json': role,
      'b/a.JSON': role,
      'a.json': role,
      'a/z.json': role,
    })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.errors).toEqual([])
      expect(plan.accounts).toEqual([{ accountId: '101010101010', files: ['a/z.json', 'a.json', 'b/Z.json', 'b/a.JSON'].map(t.path) }])
      expect(plan.fileCount).toBe(4)
    } finally {
      await t.cleanup()
    }
  })

  it('recognises files by content whatever their names say', async () => {
    const plan = await planSnapshot([fixture('misleading')])
    expect(summary(plan)).toEqual({
      accounts: [
        {
          accountId: '333333333333',
          files: ['misleading/accounts.json', 'misleading/acct-333333333333-organization.json'],
        },
      ],
      orgFiles: ['misleading/roles.json'],
      otherFiles: [{ file: 'misleading/authorization-details.json', kind: 'tagwarden-report' }],
      errors: [{ code: 'unrecognised-input', source: 'misleading/iam-users.json' }],
      fileCount: 5,
    })
    const err = plan.errors[0]
    expect(err?.message).toContain('iam-users.json')
    expect(err?.hint).toContain('aws iam get-account-authorization-details')
  })

  it('is deterministic: accounts sorted by ID whatever the input order, the same file listed once', async () => {
    const a = await planSnapshot([fixture('misleading'), fixture('org-snapshot')])
    const b = await planSnapshot([fixture('org-snapshot'), fixture('misleading'), fixture('org-snapshot/prod-eu/iam-page-1.json')])
    expect(a.accounts.map((x) => x.accountId)).toEqual(['111111111111', '222222222222', '333333333333'])
    expect(b.accounts.map((x) => x.accountId)).toEqual(['111111111111', '222222222222', '333333333333'])
    expect(b.accounts[1]?.files.map(rel)).toEqual(['org-snapshot/prod-eu/iam-page-1.json', 'org-snapshot/prod-eu/iam-page-2.json'])
    expect(b.fileCount).toBe(10)
    expect(summary(await planSnapshot([fixture('org-snapshot'), fixture('misleading')]))).toEqual(summary(b))
  })

  it('reads a file given explicitly even without a .json extension', async () => {
    const t = await makeTree({ 'export.txt': authDetails('121212121212', ['r']) })
    try {
      const plan = await planSnapshot([t.path('export.txt')])
      expect(plan.accounts).toEqual([{ accountId: '121212121212', files: [t.path('export.txt')] }])
    } finally {
      await t.cleanup()
    }
  })

  it('reports a missing input as unreadable-file and still plans the others', async () => {
    const plan = await planSnapshot([fixture('does-not-exist'), fixture('misleading/accounts.json')])
    expect(plan.errors).toEqual([
      expect.objectContaining({ code: 'unreadable-file', source: fixture('does-not-exist'), message: expect.stringContaining('not found') }),
    ])
    expect(plan.accounts.map((a) => a.accountId)).toEqual(['333333333333'])
  })

  it('reports malformed JSON without an ARN at planning time, with line:column', async () => {
    const t = await makeTree({ '777777777777/keys.json': '{\n  "ServiceSpecificCredentials": [\n    {"UserName": "x",}\n  ]\n}\n' })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts).toEqual([])
      expect(plan.errors).toHaveLength(1)
      expect(plan.errors[0]).toMatchObject({ code: 'invalid-json', source: t.path('777777777777/keys.json') })
      expect(plan.errors[0]?.message).toContain('keys.json:3:22')
      expect(plan.fileCount).toBe(1)
    } finally {
      await t.cleanup()
    }
  })

  it('still assigns a file whose first ARN lies beyond the sniffed prefix', async () => {
    const big = authDetails('131313131313', ['huge'])
    const role = (big.RoleDetailList as Array<Record<string, unknown>>)[0] as Record<string, unknown>
    const statements = Array.from({ length: 4000 }, (_, i) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${i}/*` }))
    // Key order as the CLI prints it: the documents come before Arn.
    const ordered = { RolePolicyList: [{ PolicyName: 'big', PolicyDocument: { Version: '2012-10-17', Statement: statements } }], ...role }
    const t = await makeTree({ 'big.json': { ...big, RoleDetailList: [ordered] } })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts).toEqual([{ accountId: '131313131313', files: [t.path('big.json')] }])
    } finally {
      await t.cleanup()
    }
  })
})

describe('planSnapshot and loadAccount: account-ID rules', () => {
  it('takes the account from the entities’ ARNs, not from the path', async () => {
    const t = await makeTree({ '222222222222/iam.json': authDetails('141414141414', ['r1']) })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts.map((a) => a.accountId)).toEqual(['141414141414'])
      const loaded = await loadAccount(plan.accounts[0] ?? { accountId: '', files: [] })
      expect(loaded.errors).toEqual([])
      expect(loaded.inventory.roles.map((r) => r.arn)).toEqual(['arn:aws:iam::141414141414:role/r1'])
    } finally {
      await t.cleanup()
    }
  })

  it('ignores ARNs inside policy documents and AWS managed policy ARNs', async () => {
    const doc = authDetails('151515151515', ['cross-account'])
    const role = (doc.RoleDetailList as Array<Record<string, unknown>>)[0] as Record<string, unknown>
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:role/ci' }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::888888888888:role/x' } } }],
    }
    const page = {
      Policies: [
        {
          PolicyName: 'ReadOnlyAccess',
          Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
          DefaultVersionId: 'v1',
          PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
        },
      ],
      // The document comes before the role's own Arn, as in CLI output.
      RoleDetailList: [{ AssumeRolePolicyDocument: trust, ...withoutTrust(role) }],
    }
    const t = await makeTree({ 'x.json': page })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts.map((a) => a.accountId)).toEqual(['151515151515'])
      const loaded = await loadAccount(plan.accounts[0] ?? { accountId: '', files: [] })
      expect(loaded.errors).toEqual([])
      expect([...loaded.inventory.managedPolicies.keys()]).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess'])
    } finally {
      await t.cleanup()
    }
  })

  it.each([
    ['snap/161616161616/keys.json', '161616161616'],
    ['snap/acct-161616161616-keys.json', '161616161616'],
    ['snap/171717171717/acct-161616161616-keys.json', '161616161616'], // the closest segment wins
    ['snap/161616161616/api-keys/bedrock.json', '161616161616'],
  ])('falls back to the 12-digit number nearest the file for outputs without ARNs (%s)', async (path, expected) => {
    const t = await makeTree({ [path]: bedrockKeys() })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.errors).toEqual([])
      expect(plan.accounts).toEqual([{ accountId: expected, files: [t.path(path)] }])
      const loaded = await loadAccount(plan.accounts[0] ?? { accountId: '', files: [] })
      expect(loaded.errors).toEqual([])
      expect(loaded.inventory.apiKeys.map((k) => k.accountId)).toEqual([expected])
    } finally {
      await t.cleanup()
    }
  })

  it('takes the account from a ServiceUserName (`name-at-<account>`) before the path', async () => {
    const keys = {
      ServiceSpecificCredentials: [
        { UserName: 'bob', Status: 'Active', ServiceUserName: 'bob-at-181818181818', CreateDate: '2025-01-01T00:00:00Z', ServiceSpecificCredentialId: 'ACCAEXAMPLECODECOMMIT1', ServiceName: 'codecommit.amazonaws.com' },
      ],
    }
    const t = await makeTree({ '191919191919/keys.json': keys, 'nowhere/keys.json': keys })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts).toEqual([{ accountId: '181818181818', files: [t.path('191919191919/keys.json'), t.path('nowhere/keys.json')] }])
    } finally {
      await t.cleanup()
    }
  })

  it('reports account-id-unknown when neither content nor path names the account', async () => {
    const t = await makeTree({ 'snapshots/bedrock-keys.json': bedrockKeys() })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.accounts).toEqual([])
      expect(plan.errors).toEqual([
        expect.objectContaining({ code: 'account-id-unknown', source: t.path('snapshots/bedrock-keys.json'), hint: expect.stringContaining('12-digit') }),
      ])
    } finally {
      await t.cleanup()
    }
  })

  it('reports account-id-conflict when the nearest path segment holds two account IDs', async () => {
    const t = await makeTree({ 'from-202020202020-to-212121212121.json': bedrockKeys() })
    try {
      const plan = await planSnapshot([t.root])
      expect(plan.errors).toEqual([expect.objectContaining({ code: 'account-id-conflict', message: expect.stringContaining('202020202020, 212121212121') })])
    } finally {
      await t.cleanup()
    }
  })

  it('skips a file whose entities belong to two accounts, with account-id-conflict', async () => {
    const mixed = authDetails('222222222223', ['a'])
    mixed.UserDetailList = [{ UserName: 'u', Arn: 'arn:aws:iam::232323232323:user/u', GroupList: [], Tags: [] }]
    const t = await makeTree({ 'mixed.json': mixed, 'good.json': authDetails('222222222223', ['b']) })
    try {
      const plan = await planSnapshot([t.root])
      const loaded = await Promise.all(plan.accounts.map((a) => loadAccount(a)))
      expect(loaded.flatMap((l) => l.errors)).toEqual([
        expect.objectContaining({ code: 'account-id-conflict', source: t.path('mixed.json'), message: expect.stringContaining('222222222223, 232323232323') }),
      ])
      // nothing of the mixed file is read, the other file of the account is
      expect(loaded.flatMap((l) => l.inventory.users)).toEqual([])
      expect(loaded.flatMap((l) => l.inventory.roles.map((r) => r.name))).toEqual(['b'])
    } finally {
      await t.cleanup()
    }
  })

  it('verifies the planned account after the full parse', async () => {
    const t = await makeTree({})
    try {
      const copy = t.path('copy.json')
      await copyFile(fixture('org-snapshot/prod-eu/iam-page-1.json'), copy)
      const loaded = await loadAccount({ accountId: '111111111111', files: [copy] })
      expect(loaded.errors).toEqual([
        expect.objectContaining({ code: 'account-id-conflict', accountId: '111111111111', message: expect.stringContaining('222222222222') }),
      ])
      expect(loaded.inventory.users).toEqual([])
      expect(loaded.inventory.sources).toEqual([])
    } finally {
      await t.cleanup()
    }
  })
})
