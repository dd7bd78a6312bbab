/** `tagwarden spend`: the demo's saved outputs in every format, the live path, usage errors and exit codes. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSpendCommand, type SpendCommandInput } from '../../src/cli/spend-command.js'
import { UsageError } from '../../src/errors.js'
import { mermaidPie } from '../../src/report/spend-markdown.js'
import type { KeyView, SpendReport } from '../../src/report/spend-model.js'
import { formatSpendText } from '../../src/report/spend-text.js'
import { ceHarness, fakeCostExplorer, type CeHarness } from './helpers.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const DEMO_RULES = join(DEMO, 'tagwarden.yaml')

async function run(i: Partial<SpendCommandInput>): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runSpendCommand({
    inputs: [],
    format: 'text',
    now: '2026-08-21',
    env: {},
    cwd: tmpdir(),
    color: false,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    ...i,
  })
  return { code, out, err }
}

describe('tagwarden spend --input (the demo)', () => {
  it('text: period, basis, activation, spend by value and by account with the levels reached', async () => {
    const { code, out, err } = await run({ inputs: [DEMO], rules: DEMO_RULES })
    expect(code).toBe(0)
    expect(err).toBe('')
    expect(out).toContain('Bedrock spend, 2026-07-21 to 2026-08-19 (30 days)')
    expect(out).toContain('basis: UnblendedCost, usage only: credits, refunds and taxes excluded (RECORD_TYPE)')
    expect(out).toContain('team  active as `iamPrincipal/team` (activated 2026-05-04, last used 2026-08-19)')
    expect(out).toContain('also listed, not counted: `team` (a resource tag, active), `iamPrincipal/Team` (inactive)')
    expect(out).toMatch(/serach +182\.75 +1\.7% +not an allowed value/)
    expect(out).toMatch(/222222222222 acme-ml-platform +5,723\.50 +3,944\.60 +1,778\.90 +31\.1% +error/)
    expect(out).toMatch(/333333333333 acme-data-science +3,843\.62 +3,331\.25 +512\.37 +13\.3% +warning/)
    expect(out).toMatch(/all accounts +10,807\.30 +8,516\.03 +2,291\.27 +21\.2% +warning/)
  })

  it('markdown: a Mermaid pie per key, activation table and account table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tagwarden-spend-'))
    try {
      const file = join(dir, 'spend.md')
      const { code, out } = await run({ inputs: [DEMO], rules: DEMO_RULES, format: 'markdown', output: file })
      expect(code).toBe(0)
      expect(out).toBe('')
      const md = await readFile(file, 'utf8')
      expect(md).toContain('## tagwarden spend: USD 10,807.30 Bedrock, 21.2% untagged by `team`')
      expect(md).toContain('```mermaid\npie showData title Bedrock spend by team (USD)\n    "data-science" : 3531.10\n')
      expect(md).toContain('    "untagged" : 2291.27\n```')
      expect(md).toContain('| `team` | ✅ active as `iamPrincipal/team`; also listed, not counted:')
      expect(md).toContain('| 222222222222 acme-ml-platform | 5,723.50 | 3,944.60 | 1,778.90 | 31.1% | 🔴 error |')
      expect(md).toContain('| `serach` | 182.75 | 1.7% | ⚠️ not an allowed value |')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('json: the report object with coverage, thresholds and the spend data', async () => {
    const { out } = await run({ inputs: [DEMO], rules: DEMO_RULES, format: 'json' })
    const r = JSON.parse(out) as { kind: string; coverage: { checked: boolean; keys: unknown[] }; spend: { total: number }; keys: Array<{ level?: string; accounts: Array<{ accountId: string; level?: string }> }> }
    expect(r.kind).toBe('tagwarden-spend-report')
    expect(r.coverage.checked).toBe(true)
    expect(r.spend.total).toBe(10807.3)
    expect(r.keys[0]!.level).toBe('warning')
    expect(r.keys[0]!.accounts.map((a) => [a.accountId, a.level ?? ''])).toEqual([
      ['111111111111', ''],
      ['222222222222', 'error'],
      ['333333333333', 'warning'],
    ])
  })

  it('text: tag values, account names and notes from the data are shown with control characters escaped', async () => {
    const { out } = await run({ inputs: [DEMO], rules: DEMO_RULES, format: 'json' })
    const r = JSON.parse(out) as SpendReport
    const evil = 'x\n::error::injected\u001b[2J'
    r.keys[0]!.values[0]!.value = evil
    r.keys[0]!.accounts[0]!.name = evil
    r.spend!.notes = [evil]
    const text = formatSpendText(r)
    expect(text.split('\n').some((l) => l.startsWith('::'))).toBe(false)
    expect(text).not.toContain('\u001b')
    expect(text).toContain('x\\n::error::injected\\x1b[2J')
  })

  it('uses the thresholds of the rules file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tagwarden-spend-'))
    try {
      const rules = join(dir, 'rules.yaml')
      const { writeFile } = await import('node:fs/promises')
      await writeFile(rules, 'version: 1\nrules:\n  untagged-bedrock-spend:\n    options:\n      warning: { percent: 40 }\n      error: { percent: 90 }\n')
      const { out } = await run({ inputs: [DEMO], rules, format: 'json' })
      const r = JSON.parse(out) as { thresholds: unknown; keys: Array<{ level?: string }> }
      expect(r.thresholds).toEqual({ warning: { percent: 40, usd: 100 }, error: { percent: 90, usd: 1000 } })
      expect(r.keys[0]!.level).toBeUndefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('usage errors', () => {
  it('rejects no input, flags without --cost-explorer, both sources, and an input without Cost Explorer output', async () => {
    await expect(run({})).rejects.toThrow(UsageError)
    await expect(run({ inputs: [DEMO], since: '7d' })).rejects.toThrow('--since needs --cost-explorer')
    await expect(run({ inputs: [DEMO], cacheDir: 'x' })).rejects.toThrow('--cache-dir needs --cost-explorer')
    await expect(run({ inputs: [DEMO], costExplorer: true })).rejects.toThrow('give either --input')
    await expect(run({ costExplorer: true, since: 'yesterday' })).rejects.toThrow('--since yesterday is neither a number of days nor a date')
    await expect(run({ inputs: [join(DEMO, '111111111111')] })).rejects.toThrow('no Cost Explorer output in')
  })
})

describe('tagwarden spend --cost-explorer', () => {
  let h: CeHarness
  beforeAll(async () => {
    h = await ceHarness(fakeCostExplorer())
  })
  afterAll(async () => {
    await h.close()
  })

  it('prints the estimate and the cost on stderr, and the report on stdout', async () => {
    h.server.reset()
    const { code, out, err } = await run({ costExplorer: true, live: { client: h.client(), caller: { accountId: h.payer.accountId, arn: h.payer.arn } }, rules: DEMO_RULES })
    expect(code).toBe(0)
    expect(err.split('\n').filter(Boolean)).toEqual([
      expect.stringContaining('tagwarden: Cost Explorer: about 3 billable requests (USD 0.03 at USD 0.01 each)') as string,
      'tagwarden: Cost Explorer: 4 billable requests made (USD 0.04), 0 answered from --cache-dir',
    ])
    expect(out).toContain('source: Cost Explorer API, 4 billable requests (USD 0.04), 0 from the cache')
    expect(out).toContain('left out: Amazon Bedrock AgentCore')
  })

  it('AccessDenied: one clear message, exit 2, or 0 with --allow-partial; the report says spend was not checked', async () => {
    const live = { client: h.client(h.member), caller: { accountId: h.member.accountId, arn: h.member.arn } }
    const denied = await run({ costExplorer: true, live })
    expect(denied.code).toBe(2)
    const errors = denied.err.split('\n').filter((l) => l.startsWith('tagwarden: error:'))
    expect(errors).toEqual([expect.stringContaining(`tagwarden: error: Cost Explorer refused ce:ListCostAllocationTags (AccessDeniedException): the caller (${h.member.arn}) is not the management (payer) account`) as string])
    expect(denied.out).toContain('Bedrock spend: not checked')
    expect(denied.out).toContain('cost-explorer-access-denied')
    expect((await run({ costExplorer: true, live, allowPartial: true })).code).toBe(0)
  })

  it('goes through the read-only guard of the live scanner’s client factory', async () => {
    h.server.reset()
    const { code } = await run({ costExplorer: true, live: { endpoint: h.server.url, region: 'us-east-1', credentials: { accessKeyId: h.payer.accessKeyId, secretAccessKey: h.payer.secretAccessKey }, maxAttempts: 1 } })
    expect(code).toBe(0)
    // The bundled rules require `team` only: one query of two pages.
    expect(h.server.countCalls()).toEqual({ 'sts:GetCallerIdentity': 1, 'ce:ListCostAllocationTags': 1, 'ce:GetDimensionValues': 1, 'ce:GetCostAndUsage': 2 })
  })
})

describe('Mermaid pie', () => {
  it('merges small values into "other", keeps untagged as one slice and strips quotes from labels', () => {
    const values = Array.from({ length: 10 }, (_, i) => ({ value: i === 0 ? 'say "hi"' : `v${i}`, amount: 100 - i, share: 0, untagged: false }))
    const k: KeyView = {
      tagKey: 'team',
      activation: { state: 'active', listed: [], activeLookAlikes: [], inactiveLookAlikes: [] },
      checked: true,
      total: 1000,
      untagged: 50,
      values: [...values, { value: '', amount: 30, share: 0, untagged: true }, { value: ' ', amount: 20, share: 0, untagged: true }],
      accounts: [],
    }
    const pie = mermaidPie(k, 'USD', 4)
    expect(pie).toEqual(['```mermaid', 'pie showData title Bedrock spend by team (USD)', `    "say 'hi'" : 100.00`, '    "v1" : 99.00', '    "v2" : 98.00', '    "other values" : 658.00', '    "untagged" : 50.00', '```'])
  })
})
