/**
 * The two per-principal spend rules on the demo organization's IAM with hand-made CUR groups: every
 * cause of unexplained unattributed spend, the thresholds, and the IAM findings that explain spend
 * (which then carry it instead of a second finding).
 */
import { describe, expect, it } from 'vitest'
import { CurSpendAccumulator, emptyStats } from '../../src/spend/cur-aggregate.js'
import type { CurGroup, CurSpendData } from '../../src/spend/cur-model.js'
import { compareBySpend, formatFindingSpend, principalSpendLine } from '../../src/spend/principal-enrich.js'
import type { Finding } from '../../src/model/finding.js'
import { joinPrincipalSpend } from '../../src/spend/principal-join.js'
import { demoConfig, scanWithCur } from './pipeline.js'

const PERIOD = { start: '2026-07-21', end: '2026-08-20' }
const A2 = '222222222222'

function curOf(groups: Array<Partial<CurGroup> & Pick<CurGroup, 'principal' | 'cost'>>): CurSpendData {
  const acc = new CurSpendAccumulator(['team'])
  for (const g of groups) acc.add({ accountId: A2, currency: 'USD', values: [undefined], rows: 1, first: '2026-08-01', last: '2026-08-01', ...g })
  return acc.result({ source: { kind: 'cur-files', location: 'test' }, period: PERIOD, stats: emptyStats() })
}

const spendFindings = (findings: Finding[]) =>
  findings.filter((f) => f.ruleId === 'principal-unattributed-spend' || f.ruleId === 'gateway-collapsed-spend').map((f) => `${f.severity} ${f.messageId} ${f.subject.kind}:${f.subject.name ?? ''}@${f.subject.accountId ?? ''}`)

describe('principal-unattributed-spend', () => {
  it('names each cause: account not scanned, session tags overriding the role’s, no principal, root', async () => {
    const cur = curOf([
      { accountId: '444444444444', principal: 'arn:aws:sts::444444444444:assumed-role/sandbox-runner/job-1', cost: 300 },
      // chat-backend-lambda carries team=search; one session passed a blank team between attributed days.
      { principal: `arn:aws:sts::${A2}:assumed-role/chat-backend-lambda/fn`, cost: 800, values: ['search'], first: '2026-07-22', last: '2026-08-19' },
      { principal: `arn:aws:sts::${A2}:assumed-role/chat-backend-lambda/batch-override`, cost: 200, values: [' '], first: '2026-08-05', last: '2026-08-06' },
      { principal: '', cost: 150 },
      { principal: `arn:aws:iam::${A2}:root`, cost: 120 },
    ])
    const { findings } = await scanWithCur(cur)
    expect(spendFindings(findings)).toEqual([
      'error accountNotScanned role:sandbox-runner@444444444444',
      'error sessionOverride role:chat-backend-lambda@222222222222',
      'error noPrincipal account:no-principal@222222222222',
      'error root account:root@222222222222',
    ])
    const override = findings.find((f) => f.messageId === 'sessionOverride')!
    expect(override.message).toMatch(/Sessions: batch-override \(USD 200\.00\)/)
    expect(override.message).toMatch(/USD 200\.00 of its Bedrock spend \(20\.0% of USD 1,000\.00/)
  })

  it('follows the thresholds: nothing below the warning level, a warning between, an error above; options override', async () => {
    const cur = curOf([
      { accountId: '444444444444', principal: 'arn:aws:iam::444444444444:user/tiny', cost: 5 },
      { accountId: '444444444444', principal: 'arn:aws:iam::444444444444:user/mid', cost: 60 },
      { accountId: '444444444444', principal: 'arn:aws:iam::444444444444:user/big', cost: 100 },
    ])
    expect(spendFindings((await scanWithCur(cur)).findings)).toEqual(['error accountNotScanned user:big@444444444444', 'warning accountNotScanned user:mid@444444444444'])
    const config = demoConfig()
    const inst = config.rules.find((r) => r.id === 'principal-unattributed-spend')!
    inst.options = { warning: { percent: 0, usd: 1 }, error: { percent: 50, usd: 1000 } }
    expect(spendFindings((await scanWithCur(cur, { config })).findings)).toEqual([
      'warning accountNotScanned user:big@444444444444',
      'warning accountNotScanned user:mid@444444444444',
      'warning accountNotScanned user:tiny@444444444444',
    ])
  })

  it('leaves spend an IAM finding explains to that finding, which carries it', async () => {
    const cur = curOf([{ principal: `arn:aws:sts::${A2}:assumed-role/summarizer-ecs-task/t1`, cost: 500 }])
    const { findings } = await scanWithCur(cur)
    expect(spendFindings(findings)).toEqual([])
    const f = findings.find((x) => x.ruleId === 'principal-missing-tag' && x.subject.name === 'summarizer-ecs-task') as Finding
    expect(f.spend).toEqual({ total: 500, unattributed: 500, currency: 'USD', period: PERIOD })
    expect(formatFindingSpend(f.spend!)).toBe('Bedrock spend USD 500.00, all unattributed (2026-07-21 to 2026-08-19)')
  })
})

describe('gateway-collapsed-spend', () => {
  it('reports a declared gateway billed through its own sessions unless gateway-direct-invoke already does', async () => {
    const cur = curOf([
      { accountId: '111111111111', principal: 'arn:aws:sts::111111111111:assumed-role/llm-gateway-exec/task-1', cost: 40, values: ['platform'] },
      { accountId: '111111111111', principal: 'arn:aws:sts::111111111111:assumed-role/legacy-llm-gateway/task-2', cost: 90, values: ['platform'] },
    ])
    const { findings } = await scanWithCur(cur)
    expect(spendFindings(findings)).toEqual(['error collapsed role:llm-gateway-exec@111111111111'])
    expect((findings.find((f) => f.ruleId === 'gateway-direct-invoke') as Finding).spend?.total).toBe(90)
  })
})

describe('the CUR ↔ IAM join and the order', () => {
  it('joins on account and name (a session ARN has no path; names are unique whatever their case), never on the ARN', async () => {
    const { p1 } = await scanWithCur(curOf([]))
    const cur = curOf([
      { accountId: '333333333333', principal: 'arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_BedrockUsers_0123456789abcdef/jwu@acme.example', cost: 1 },
      { accountId: '333333333333', principal: 'arn:aws:iam::333333333333:user/ALICE', cost: 1 },
      { principal: 'arn:aws:sts::222222222222:assumed-role/chat-backend-lambda/x', cost: 1 },
    ])
    const join = joinPrincipalSpend(cur.principals, p1.facts, p1.index.scannedAccounts)
    expect([...join.byFact.keys()].sort()).toEqual([
      'arn:aws:iam::222222222222:role/chat-backend-lambda',
      'arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BedrockUsers_0123456789abcdef',
      'arn:aws:iam::333333333333:user/alice',
    ])
  })

  it('orders by severity, then unattributed, then total spend; findings without spend last', () => {
    const f = (severity: 'error' | 'warning', ruleId: string, spend?: [number, number]): Finding => ({
      ruleId,
      severity,
      message: '',
      messageId: 'm',
      data: {},
      subject: { kind: 'role', name: ruleId },
      evidence: {},
      fingerprint: ruleId.padEnd(32, '0'),
      ...(spend ? { spend: { total: spend[0], unattributed: spend[1], currency: 'USD', period: PERIOD } } : {}),
    })
    const list = [f('warning', 'w-big', [900, 900]), f('error', 'e-none'), f('error', 'e-small', [100, 10]), f('error', 'e-big', [50, 50]), f('error', 'e-total', [500, 10])]
    expect(list.sort(compareBySpend).map((x) => x.ruleId)).toEqual(['e-big', 'e-total', 'e-small', 'e-none', 'w-big'])
  })

  it('sums up attributed and unattributed spend in one line', async () => {
    const { summary } = await scanWithCur(curOf([{ principal: `arn:aws:sts::${A2}:assumed-role/summarizer-ecs-task/t1`, cost: 500 }, { principal: `arn:aws:sts::${A2}:assumed-role/chat-backend-lambda/x`, cost: 1500, values: ['search'] }]))
    expect(principalSpendLine(summary)).toBe('USD 2,000.00 Bedrock 2026-07-21 to 2026-08-19: USD 1,500.00 attributed, USD 500.00 unattributed (25.0%); 2 billed principals (1 with unattributed spend); 1 finding carries spend')
  })
})
