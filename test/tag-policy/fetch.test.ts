/** Live tag policies: which Organizations calls are made, paging, and how failures read. */
import { describe, expect, it } from 'vitest'
import type { OrganizationsClient } from '@aws-sdk/client-organizations'
import { fetchTagPolicies } from '../../src/tag-policy/fetch.js'

type Handler = (op: string, input: Record<string, unknown>) => unknown

function fakeOrg(handler: Handler) {
  const calls: Array<[string, Record<string, unknown>]> = []
  const send = async (cmd: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    const op = cmd.constructor.name.replace(/Command$/, '')
    calls.push([op, cmd.input])
    return handler(op, cmd.input)
  }
  return { org: { send } as unknown as Pick<OrganizationsClient, 'send'>, calls }
}

const content = (key: string) => JSON.stringify({ tags: { [key]: { tag_key: { '@@assign': key } } } })

describe('fetchTagPolicies', () => {
  it('reads one account’s effective tag policy with DescribeEffectivePolicy only', async () => {
    const { org, calls } = fakeOrg(() => ({ EffectivePolicy: { PolicyContent: content('team'), TargetId: '111111111111', PolicyType: 'TAG_POLICY' } }))
    const docs = await fetchTagPolicies(org, { accountId: '111111111111' })
    expect(calls).toEqual([['DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: '111111111111' }]])
    expect(docs).toEqual([{ source: 'effective tag policy of 111111111111', content: content('team'), effective: true }])
  })

  it('lists every tag policy across pages (an empty page with a token included) and describes each, by name', async () => {
    const pages: Record<string, unknown> = {
      '': { Policies: [{ Id: 'p-b', Name: 'zeta' }], NextToken: 't1' },
      t1: { Policies: [], NextToken: 't2' },
      t2: { Policies: [{ Id: 'p-a', Name: 'alpha' }] },
    }
    const { org, calls } = fakeOrg((op, input) => (op === 'ListPolicies' ? pages[String(input.NextToken ?? '')] : { Policy: { Content: content(String(input.PolicyId)) } }))
    const docs = await fetchTagPolicies(org)
    expect(calls.map(([op, input]) => `${op} ${JSON.stringify(input)}`)).toEqual([
      'ListPolicies {"Filter":"TAG_POLICY","MaxResults":20}',
      'ListPolicies {"Filter":"TAG_POLICY","MaxResults":20,"NextToken":"t1"}',
      'ListPolicies {"Filter":"TAG_POLICY","MaxResults":20,"NextToken":"t2"}',
      'DescribePolicy {"PolicyId":"p-a"}',
      'DescribePolicy {"PolicyId":"p-b"}',
    ])
    expect(docs.map((d) => d.source)).toEqual(['tag policy alpha (p-a)', 'tag policy zeta (p-b)'])
  })

  it('describes only the --policy-id policies and refuses an ID the organization does not have', async () => {
    const list = { Policies: [{ Id: 'p-a', Name: 'alpha' }, { Id: 'p-b', Name: 'beta' }] }
    const { org, calls } = fakeOrg((op, input) => (op === 'ListPolicies' ? list : { Policy: { Content: content(String(input.PolicyId)) } }))
    expect((await fetchTagPolicies(org, { policyIds: ['p-b'] })).map((d) => d.source)).toEqual(['tag policy beta (p-b)'])
    expect(calls.filter(([op]) => op === 'DescribePolicy')).toHaveLength(1)
    await expect(fetchTagPolicies(org, { policyIds: ['p-zzz'] })).rejects.toThrow(/no tag policy p-zzz in the organization/)
  })

  it('explains an access denial and an organization without tag policies', async () => {
    const denied = fakeOrg(() => {
      throw Object.assign(new Error('You don’t have permissions'), { name: 'AccessDeniedException' })
    })
    await expect(fetchTagPolicies(denied.org)).rejects.toMatchObject({
      code: 'tag-policy-fetch-failed',
      message: expect.stringMatching(/^organizations:ListPolicies failed: AccessDeniedException/),
      hint: expect.stringContaining('management account or a delegated administrator'),
    })
    await expect(fetchTagPolicies(fakeOrg(() => ({ Policies: [] })).org)).rejects.toThrow(/the organization has no tag policies/)
    const none = fakeOrg(() => {
      throw Object.assign(new Error('no policy'), { name: 'EffectivePolicyNotFoundException' })
    })
    await expect(fetchTagPolicies(none.org, { accountId: '111111111111' })).rejects.toMatchObject({ hint: 'no tag policy applies to that account' })
  })
})
