import { describe, expect, it } from 'vitest'
import { loadOrgFiles, planSnapshot } from '../../../src/scanners/snapshot/index.js'
import { fixture, makeTree } from './helpers.js'

function listAccounts(accounts: Array<Record<string, unknown>>, nextToken?: string): Record<string, unknown> {
  return nextToken ? { Accounts: accounts, NextToken: nextToken } : { Accounts: accounts }
}

describe('loadOrgFiles: aws organizations list-accounts', () => {
  it('reads the accounts, preferring State over the retiring Status', async () => {
    const plan = await planSnapshot([fixture('org-snapshot')])
    const { accounts, errors } = await loadOrgFiles(plan)
    expect(errors).toEqual([])
    expect(accounts).toEqual([
      { id: '999999999999', name: 'management', email: 'aws-root@example.com', state: 'ACTIVE' },
      { id: '111111111111', name: 'ml-prod', email: 'ml-prod@example.com', state: 'ACTIVE' },
      // only Status in this (older) record
      { id: '222222222222', name: 'prod-eu', email: 'prod-eu@example.com', state: 'ACTIVE' },
      // Status SUSPENDED, State CLOSED: State wins
      { id: '444444444444', name: 'sandbox-old', email: 'sandbox-old@example.com', state: 'CLOSED' },
    ])
  })

  it('merges pages and lists an account once; upper-cases the state', async () => {
    const t = await makeTree({
      'a.json': listAccounts([{ Id: '121212121212', Name: 'one', Status: 'active' }], 'token-1'),
      'b.json': listAccounts([
        { Id: '121212121212', Name: 'one (again)', State: 'ACTIVE' },
        { Id: '131313131313', Name: 'two', State: 'pending_closure' },
      ]),
    })
    try {
      const { accounts, errors } = await loadOrgFiles({ orgFiles: [t.path('a.json'), t.path('b.json')] })
      expect(errors).toEqual([])
      expect(accounts).toEqual([
        { id: '121212121212', name: 'one', state: 'ACTIVE' },
        { id: '131313131313', name: 'two', state: 'PENDING_CLOSURE' },
      ])
    } finally {
      await t.cleanup()
    }
  })

  it('reports incomplete-export when every saved page has a NextToken', async () => {
    const t = await makeTree({ 'a.json': listAccounts([{ Id: '121212121212', State: 'ACTIVE' }], 'token-1') })
    try {
      const { accounts, errors } = await loadOrgFiles({ orgFiles: [t.path('a.json')] })
      expect(accounts.map((a) => a.id)).toEqual(['121212121212'])
      expect(errors).toEqual([expect.objectContaining({ code: 'incomplete-export', source: t.path('a.json') })])
    } finally {
      await t.cleanup()
    }
  })

  it('skips an account whose Id is not 12 digits, and reports bad or foreign files', async () => {
    const t = await makeTree({
      'a.json': listAccounts([{ Id: '12345', State: 'ACTIVE' }, { Id: '141414141414', State: 'ACTIVE' }]),
      'broken.json': '{"Accounts": [',
    })
    try {
      const files = [t.path('a.json'), t.path('broken.json'), fixture('misleading/accounts.json')]
      const { accounts, errors } = await loadOrgFiles({ orgFiles: files })
      expect(accounts.map((a) => a.id)).toEqual(['141414141414'])
      expect(errors.map((e) => [e.code, e.source])).toEqual([
        ['invalid-entity', t.path('a.json')],
        ['invalid-json', t.path('broken.json')],
        ['unrecognised-input', fixture('misleading/accounts.json')],
      ])
      expect(errors[0]?.message).toContain('/Accounts/0')
      expect(errors[1]?.message).toContain('broken.json:1:15')
    } finally {
      await t.cleanup()
    }
  })
})
