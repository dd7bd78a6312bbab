/** IAM Access Advisor for `scan --usage`: job polling, paging, evidence, denial, budget and concurrency. */
import { describe, expect, it } from 'vitest'
import type { IAMClient, ServiceLastAccessed } from '@aws-sdk/client-iam'
import { collectBedrockAccess, evidenceFromServices, UsageBudget } from '../../src/usage/access-advisor.js'

interface Job {
  polls: number
  pages: ServiceLastAccessed[][]
  status?: 'FAILED'
}

/** A fake IAM that answers the two Access Advisor operations from a table of principals. */
function fakeIam(table: Record<string, { services: ServiceLastAccessed[]; inProgressPolls?: number; pageSize?: number; deny?: 'generate' | 'get'; fail?: boolean }>) {
  const calls: string[] = []
  const jobs = new Map<string, Job & { arn: string; inProgress: number }>()
  let open = 0
  let maxOpen = 0
  const send = async (cmd: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    const op = cmd.constructor.name.replace(/Command$/, '')
    calls.push(`${op} ${String(cmd.input.Arn ?? cmd.input.JobId)}${cmd.input.Marker ? ` ${String(cmd.input.Marker)}` : ''}`)
    await new Promise((r) => setTimeout(r, 1))
    if (op === 'GenerateServiceLastAccessedDetails') {
      const arn = String(cmd.input.Arn)
      const spec = table[arn]!
      if (spec.deny === 'generate') throw Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' })
      const size = spec.pageSize ?? 1000
      const pages: ServiceLastAccessed[][] = []
      for (let i = 0; i < spec.services.length; i += size) pages.push(spec.services.slice(i, i + size))
      const id = `job-${arn.split('/').at(-1)}`
      jobs.set(id, { arn, polls: 0, pages: pages.length > 0 ? pages : [[]], inProgress: spec.inProgressPolls ?? 0, ...(spec.fail ? { status: 'FAILED' as const } : {}) })
      open++
      maxOpen = Math.max(maxOpen, open)
      return { JobId: id }
    }
    const job = jobs.get(String(cmd.input.JobId))!
    if (table[job.arn]!.deny === 'get') throw Object.assign(new Error('denied'), { name: 'AccessDenied' })
    if (job.polls++ < job.inProgress) return { JobStatus: 'IN_PROGRESS', JobCreationDate: new Date('2026-11-26T00:00:00Z') }
    if (job.status === 'FAILED') {
      open--
      return { JobStatus: 'FAILED', Error: { Code: 'InternalFailure', Message: 'boom' } }
    }
    const page = Number(cmd.input.Marker ?? 0)
    if (page === job.pages.length - 1) open--
    return {
      JobStatus: 'COMPLETED',
      JobCreationDate: new Date('2026-11-26T00:00:00Z'),
      ServicesLastAccessed: job.pages[page],
      IsTruncated: page < job.pages.length - 1,
      ...(page < job.pages.length - 1 ? { Marker: String(page + 1) } : {}),
    }
  }
  return { iam: { send } as unknown as Pick<IAMClient, 'send'>, calls, maxOpen: () => maxOpen }
}

const svc = (ns: string, last?: string): ServiceLastAccessed => ({ ServiceName: ns, ServiceNamespace: ns, ...(last ? { LastAuthenticated: new Date(last) } : {}) })
const arn = (n: string): string => `arn:aws:iam::111111111111:role/${n}`
const noSleep = async (): Promise<void> => {}

describe('evidenceFromServices', () => {
  it('takes the last Bedrock authentication and the last of any service, with the 400-day window', () => {
    expect(evidenceFromServices([svc('s3', '2026-11-01T00:00:00Z'), svc('bedrock', '2026-10-01T00:00:00Z')], new Date('2026-11-26T00:00:00Z'))).toEqual({
      source: 'access-advisor',
      lastUsed: '2026-10-01T00:00:00.000Z',
      anyServiceLastUsed: '2026-11-01T00:00:00.000Z',
      windowStart: '2025-10-22T00:00:00.000Z',
    })
  })

  it('records no Bedrock use when bedrock is listed without a date, and cannot speak when it is not listed', () => {
    expect(evidenceFromServices([svc('bedrock'), svc('s3')], undefined)).toEqual({ source: 'access-advisor' })
    expect(evidenceFromServices([svc('s3', '2026-11-01T00:00:00Z')], undefined)).toBeUndefined()
  })
})

describe('collectBedrockAccess', () => {
  it('polls each job until it completes, follows its pages, and returns evidence per principal', async () => {
    const admin = Array.from({ length: 5 }, (_, i) => svc(`svc${i}`, '2026-06-01T00:00:00Z'))
    const { iam, calls } = fakeIam({
      [arn('used')]: { services: [svc('bedrock', '2026-11-20T00:00:00Z')], inProgressPolls: 2 },
      [arn('admin')]: { services: [...admin, svc('bedrock')], pageSize: 2 },
    })
    const r = await collectBedrockAccess(iam, [{ arn: arn('used') }, { arn: arn('admin') }], { accountId: '111111111111', sleep: noSleep, concurrency: 1 })
    expect(r.errors).toEqual([])
    expect(r.evidence.get(arn('used'))).toMatchObject({ lastUsed: '2026-11-20T00:00:00.000Z' })
    expect(r.evidence.get(arn('admin'))).toEqual({ source: 'access-advisor', anyServiceLastUsed: '2026-06-01T00:00:00.000Z', windowStart: '2025-10-22T00:00:00.000Z' })
    expect(calls).toEqual([
      `GenerateServiceLastAccessedDetails ${arn('used')}`,
      'GetServiceLastAccessedDetails job-used',
      'GetServiceLastAccessedDetails job-used',
      'GetServiceLastAccessedDetails job-used',
      `GenerateServiceLastAccessedDetails ${arn('admin')}`,
      'GetServiceLastAccessedDetails job-admin',
      'GetServiceLastAccessedDetails job-admin 1',
      'GetServiceLastAccessedDetails job-admin 2',
    ])
  })

  it('keeps at most `concurrency` jobs open at once', async () => {
    const table = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [arn(`r${i}`), { services: [svc('bedrock')], inProgressPolls: 1 }]))
    const fake = fakeIam(table)
    const r = await collectBedrockAccess(fake.iam, Object.keys(table).map((a) => ({ arn: a })), { accountId: '111111111111', sleep: noSleep, concurrency: 3 })
    expect(r.evidence.size).toBe(10)
    expect(fake.maxOpen()).toBe(3)
  })

  it('stops asking in an account after a denied call and reports it once with the permissions to grant', async () => {
    const table = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [arn(`r${i}`), { services: [svc('bedrock')], deny: 'generate' as const }]))
    const fake = fakeIam(table)
    const r = await collectBedrockAccess(fake.iam, Object.keys(table).map((a) => ({ arn: a })), { accountId: '111111111111', sleep: noSleep, concurrency: 1 })
    expect(r.evidence.size).toBe(0)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ code: 'access-advisor-denied', accountId: '111111111111', hint: expect.stringContaining('iam:GetServiceLastAccessedDetails') })
    expect(fake.calls).toHaveLength(1)
  })

  it('reports a failed job and a job that never finishes, and goes on with the others', async () => {
    const { iam } = fakeIam({
      [arn('failed')]: { services: [], fail: true },
      [arn('slow')]: { services: [svc('bedrock')], inProgressPolls: 99 },
      [arn('fine')]: { services: [svc('bedrock', '2026-11-01T00:00:00Z')] },
    })
    const r = await collectBedrockAccess(iam, [{ arn: arn('failed') }, { arn: arn('slow') }, { arn: arn('fine') }], { accountId: '111111111111', sleep: noSleep, maxPolls: 3, concurrency: 1 })
    expect(r.errors.map((e) => [e.code, e.subject])).toEqual([
      ['access-advisor-failed', arn('failed')],
      ['access-advisor-timeout', arn('slow')],
    ])
    expect([...r.evidence.keys()]).toEqual([arn('fine')])
  })

  it('shares the --usage-limit budget across accounts and lists who was skipped', async () => {
    const budget = new UsageBudget(3)
    const table = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [arn(n), { services: [svc('bedrock')] }]))
    const first = await collectBedrockAccess(fakeIam(table).iam, [{ arn: arn('a') }, { arn: arn('b') }], { accountId: '111111111111', sleep: noSleep, budget })
    const second = fakeIam(table)
    const r = await collectBedrockAccess(second.iam, [{ arn: arn('c') }, { arn: arn('d') }], { accountId: '222222222222', sleep: noSleep, budget })
    expect(first.evidence.size).toBe(2)
    expect([...r.evidence.keys()]).toEqual([arn('c')])
    expect(r.skipped).toEqual([arn('d')])
    expect(budget.skipped).toBe(1)
    expect(second.calls.some((c) => c.includes(arn('d')))).toBe(false)
  })
})
