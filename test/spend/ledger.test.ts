/**
 * The spend ledger: on the demo organization the figures of issue 17 (every unattributed dollar with
 * one cause, owned by one finding), and over randomised bills of the synthetic organization the
 * reconciliation to the cent (largest remainder) whatever the mix of causes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { afterAll, describe, expect, it } from 'vitest'
import { runConfiguredScan } from '../../src/cli/scan-command.js'
import type { Ledger, LedgerCauseEntry } from '../../src/model/ledger.js'
import { LEDGER_CAUSES } from '../../src/model/ledger.js'
import { finishScan, ledgerDetailOf, runPhaseOne } from '../../src/pipeline/scan.js'
import { loadRulesConfig } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { CurSpendAccumulator, emptyStats, toMicro } from '../../src/spend/cur-aggregate.js'
import { apportion } from '../../src/spend/ledger.js'
import { formatMarkdown } from '../../src/report/markdown.js'
import { formatText } from '../../src/report/text.js'
import { reportRules } from '../../src/report/report-rule.js'
import { renderReport } from '../../src/report/index.js'
import { compareFindings } from '../../src/model/fingerprint.js'
import { readingOrder } from '../../src/report/reading-order.js'
import { summariseUnusedNotes } from '../../src/report/unused-summary.js'
import { generateAccount, rng, syntheticAccountId } from '../../bench/synthetic-org.js'
import { loadRuleCase, runRuleCase } from '../../src/testing/rule-cases.js'
import { CASES_DIR, caseFiles } from '../rules/case-files.js'
import type { ScanReport } from '../../src/model/finding.js'

const addFormats = addFormatsModule.default
const REPO = join(import.meta.dirname, '..', '..')
const cents = (x: number) => Math.round(x * 100)
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

/** Every reconciliation the ledger promises, in integer cents. */
function expectReconciles(l: Ledger): void {
  const check = (t: { attributed: number; unattributed: number; misattributed: number; byCause: LedgerCauseEntry[] }, total: number) => {
    expect(cents(t.attributed) + cents(t.unattributed) + cents(t.misattributed)).toBe(cents(total))
    expect(sum(t.byCause.filter((e) => e.bucket === 'unattributed').map((e) => cents(e.amount)))).toBe(cents(t.unattributed))
    expect(sum(t.byCause.filter((e) => e.bucket === 'misattributed').map((e) => cents(e.amount)))).toBe(cents(t.misattributed))
    for (const e of t.byCause) {
      expect(sum(e.principals.map((p) => cents(p.amount)))).toBe(cents(e.amount))
      expect(new Set(e.principals.map((p) => `${p.accountId} ${p.arn}`)).size).toBe(e.principals.length)
      if (['deleted-principal', 'account-not-scanned', 'root-or-unidentified', 'session-tags-not-passed', 'missing-tag', 'tag-added-after-spend'].includes(e.cause)) expect(e.bucket).toBe('unattributed')
      if (e.cause === 'case-drift' || e.cause === 'invalid-value') expect(e.bucket).toBe('misattributed')
    }
    // One entry per (cause, bucket).
    expect(new Set(t.byCause.map((e) => `${e.cause} ${e.bucket}`)).size).toBe(t.byCause.length)
  }
  check(l, l.total)
  for (const k of l.byKey) check(k, l.total)
}

/**
 * Each principal's dollars: every billed line is attributed or has exactly one cause (the first that applies over
 * its keys), and the ledger's per-principal amounts are those lines' sums, rounded (a cent at most). Returns the
 * billed micro-units.
 */
function expectOneCausePerDollar(report: ScanReport): number {
  const l = report.ledger!
  const detail = ledgerDetailOf(report)!
  const truth = new Map<string, number>()
  let micro = 0
  for (const [n, cell] of detail.data.cells.entries()) {
    const v = detail.lines[n]!
    micro += cell.micro
    const causes = v.perKey.filter((k) => k !== undefined)
    if (v.cause === undefined) {
      expect(causes).toEqual([])
      continue
    }
    expect(causes.length).toBeGreaterThan(0)
    expect(v.perKey[v.key!]?.cause).toBe(v.cause)
    // The first that applies: no key's cause comes earlier in the precedence.
    for (const k of causes) expect(LEDGER_CAUSES.indexOf(k!.cause)).toBeGreaterThanOrEqual(LEDGER_CAUSES.indexOf(v.cause))
    // A cause whose bucket follows the line (gateway, API key): unattributed when a key it covers has no value.
    if (v.bucket === 'misattributed') expect(causes.every((k) => k!.cause !== v.cause || k!.bucket === 'misattributed')).toBe(true)
    const w = detail.who[cell.p]!
    const id = `${v.cause} ${v.bucket} ${w.spend.accountId} ${w.arn}`
    truth.set(id, (truth.get(id) ?? 0) + cell.micro)
  }
  expect(cents(l.total)).toBe(Math.round(micro / 1e4))
  const listed = new Map<string, number>(l.byCause.flatMap((e) => e.principals.map((p) => [`${e.cause} ${e.bucket} ${p.accountId} ${p.arn}`, p.amount] as const)))
  expect([...listed.keys()].sort()).toEqual([...truth.keys()].filter((k) => truth.get(k)! > 0).sort())
  for (const [id, m] of truth) if (m > 0) expect(Math.abs(cents(listed.get(id)!) - m / 1e4), id).toBeLessThanOrEqual(1)
  return micro
}

describe('the ledger of the demo organization', async () => {
  const { report, config } = await runConfiguredScan({ inputs: ['examples/demo-org'], cur: 'examples/demo-org/cur/parquet', rules: 'examples/demo-org/tagwarden.yaml', now: '2026-08-21T00:00:00Z', cwd: REPO })
  const l = report.ledger!

  it('splits USD 10,807.30 into attributed, unattributed and misattributed, each dollar with one cause', () => {
    expect(l).toMatchObject({ currency: 'USD', period: { start: '2026-07-21', end: '2026-08-20' }, total: 10807.3, attributed: 7255.08, unattributed: 2171.27, misattributed: 1380.95 })
    const by = Object.fromEntries(l.byCause.map((e) => [`${e.cause}/${e.bucket}`, e.amount]))
    expect(by).toEqual({
      'deleted-principal/unattributed': 141.8,
      'gateway-collapsed/misattributed': 1078.2,
      'session-tags-not-passed/unattributed': 554.17,
      'api-key-user/unattributed': 100,
      // bob's line carries the team under `iamPrincipal/Team`: booked, to the wrong key.
      'api-key-user/misattributed': 120,
      'missing-tag/unattributed': 1275.3,
      'tag-added-after-spend/unattributed': 100,
      'invalid-value/misattributed': 182.75,
    })
    expectReconciles(l)
    expectOneCausePerDollar(report)
    expect(l.byKey).toHaveLength(1)
    expect(l.byKey[0]).toMatchObject({ tagKey: 'team', attributed: 7255.08, unattributed: 2171.27, misattributed: 1380.95 })
  })

  it('gives each cause to its owning finding: recoverable spend adds up to the gap, never counting a dollar twice', () => {
    const rec = (rule: string, name: string) => report.findings.find((f) => f.ruleId === rule && f.principalArn?.endsWith(name))?.spend
    // The analyst's double count: four principals have two findings each; only one owns the dollars.
    expect(rec('federated-role-session-tags', 'okta-analysts')).toMatchObject({ recoverable: 192.37, cause: 'session-tags-not-passed' })
    expect(rec('federated-role-session-name', 'okta-analysts')).toMatchObject({ unattributed: 192.37, recoverable: 0 })
    expect(rec('gateway-target-session-tags', 'bedrock-shared-invoke')?.recoverable).toBe(361.8)
    expect(rec('gateway-target-source-identity', 'bedrock-shared-invoke')?.recoverable).toBe(0)
    expect(rec('bedrock-api-key-long-term', 'user/bob')).toMatchObject({ recoverable: 120, cause: 'api-key-user' })
    expect(rec('principal-missing-tag', 'user/bob')?.recoverable).toBe(0)
    expect(rec('gateway-direct-invoke', 'legacy-llm-gateway')).toMatchObject({ recoverable: 900, cause: 'gateway-collapsed' })
    expect(rec('tag-value-not-allowed', 'search-reranker-lambda')).toMatchObject({ recoverable: 182.75, cause: 'invalid-value' })
    expect(rec('principal-unattributed-spend', 'user/alice')).toMatchObject({ recoverable: 100, cause: 'tag-added-after-spend' })
    const recoverable = sum(report.findings.map((f) => cents(f.spend?.recoverable ?? 0)))
    expect(recoverable).toBe(cents(l.unattributed) + cents(l.misattributed))
    for (const e of l.byCause) {
      expect(e.findings.length, e.cause).toBeGreaterThan(0)
      for (const fp of e.findings) expect(report.findings.find((f) => f.fingerprint === fp)?.spend?.cause).toBe(e.cause)
    }
  })

  it('carries the views the spend and HTML reports show: accounts, days, teams by account and model, top principals', () => {
    expect(sum(l.byAccount.map((a) => cents(a.total)))).toBe(cents(l.total))
    expect(l.byAccount.find((a) => a.accountId === '111111111111')).toMatchObject({ misattributed: 1078.2 })
    expect(l.daily).toHaveLength(30)
    expect(Math.abs(sum(l.daily.map((d) => cents(d.attributed + d.unattributed + d.misattributed))) - cents(l.total))).toBeLessThanOrEqual(l.daily.length * 3)
    const search = l.teams.find((t) => t.tagKey === 'team' && t.value === 'search')!
    expect(search).toMatchObject({ bucket: 'attributed', amount: 2411.5 })
    expect(Object.keys(search.byModel)).toContain('USE1-Claude4.6Sonnet-input-tokens')
    expect(l.teams.find((t) => t.value === null && t.bucket === 'misattributed')?.amount).toBe(1380.95)
    expect(l.topPrincipals[0]).toMatchObject({ arn: 'arn:aws:iam::222222222222:role/chat-backend-lambda', total: 2100, attributed: 2100 })
    expect(l.topPrincipals.find((p) => p.arn.endsWith('role/legacy-llm-gateway'))).toMatchObject({ misattributed: 900, cause: 'gateway-collapsed' })
  })

  it('leads the Markdown and text reports: ledger by cause, a spend column, findings by severity then recoverable spend', () => {
    const md = formatMarkdown(report, reportRules(report, config.rules))
    expect(md).toContain('### Spend ledger')
    expect(md).toContain('USD 10,807.30: 7,255.08 attributed (67.1%), 2,171.27 unattributed (20.1%), 1,380.95 misattributed (12.8%).')
    expect(md).toContain('| `missing-tag` principal not tagged | unattributed | USD 1,275.30 | 2 | 2 |')
    expect(md).toContain('| Severity | Rule | Subject | Spend | Finding |')
    // Per-rule counts by severity (the old table said `untagged-bedrock-spend | error | 3` for one error and two warnings).
    const active = report.findings.filter((f) => !f.suppressed)
    for (const id of new Set(active.map((f) => f.ruleId))) {
      const n = (sev: string) => active.filter((f) => f.ruleId === id && f.severity === sev).length
      expect(md, id).toMatch(new RegExp(`^\\| \\[\`${id}\`\\]\\([^)]*\\) \\| ${n('error')} \\| ${n('warning')} \\| ${n('note')} \\|`, 'm'))
    }
    expect(active.filter((f) => f.ruleId === 'untagged-bedrock-spend').map((f) => f.severity).sort()).toEqual(['error', 'warning', 'warning'])
    const top = md.split('### Top findings')[1]!.split('\n').filter((l) => l.startsWith('| error') || l.startsWith('| warning'))
    expect(top[0]).toContain('`gateway-direct-invoke`')
    expect(top[0]).toContain('USD 900.00 recoverable')
    expect(top[1]).toContain('ads-ranker-irsa')
    const text = formatText(report, { color: false })
    expect(text).toMatch(/ledger {7}USD 10,807\.30: 7,255\.08 attributed .*largest causes: principal not tagged 1,275\.30/)
    const errors = text.split('\n').filter((l) => l.startsWith('error'))
    expect(errors[0]).toContain('gateway-direct-invoke')
    expect(text).toContain('fixing this recovers USD 655.30')
  })

  it('orders findings by severity then recoverable spend in Markdown and HTML; JSON and SARIF keep the report order', () => {
    const rules = reportRules(report, config.rules)
    const active = report.findings.filter((f) => !f.suppressed)
    const reading = summariseUnusedNotes(readingOrder(active))
    // The orders differ on the demo, so the test means something.
    expect(readingOrder(active).map((f) => f.fingerprint)).not.toEqual(active.map((f) => f.fingerprint))
    expect((JSON.parse(renderReport('json', report, rules).text) as { findings: Array<{ fingerprint: string }> }).findings.map((f) => f.fingerprint)).toEqual(report.findings.map((f) => f.fingerprint))
    const sarif = JSON.parse(renderReport('sarif', report, rules).text) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> }
    // SARIF keeps its own stable order (severity, rule, account, subject), not the spend order.
    expect(sarif.runs[0]!.results.map((r) => r.partialFingerprints['tagwarden/v1'])).toEqual([...active].sort(compareFindings).map((f) => f.fingerprint))
    const html = renderReport('html', report, rules).text
    expect([...html.matchAll(/<tr data-rule="([^"]+)"/g)].map((m) => m[1])).toEqual(reading.map((x) => x.ruleId))
    const md = renderReport('markdown', report, rules).text.split('### Top findings')[1]!
    const mdRules = [...md.matchAll(/^\| (?:error|warning|note) \| `([^`]+)`/gm)].map((m) => m[1])
    // Markdown's own order breaks ties (its usual order was by rule).
    expect(mdRules).toEqual(readingOrder(active, compareFindings).map((f) => f.ruleId).slice(0, mdRules.length))
    expect(mdRules.length).toBe(10)
  })

  it('validates against schemas/report.schema.json (1.1: ledger, spend.recoverable, spend.cause)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')) as object)
    expect(validate(JSON.parse(JSON.stringify(report))), ajv.errorsText(validate.errors)).toBe(true)
    const schema = JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')) as { $defs: { ledgerCause: { enum: string[] } } }
    expect(schema.$defs.ledgerCause.enum).toEqual([...LEDGER_CAUSES])
  })

  it('is absent without CUR data, and the summary says why', async () => {
    const { report: r } = await runConfiguredScan({ inputs: ['examples/demo-org'], rules: 'examples/demo-org/tagwarden.yaml', now: '2026-08-21T00:00:00Z', cwd: REPO })
    expect(r.ledger).toBeUndefined()
    expect(r.summary.spend?.ledgerReason).toMatch(/CUR 2\.0/)
  })
})

describe('the rule cases with a CUR export (held out from the demo)', async () => {
  const cases = caseFiles().map((f) => loadRuleCase(f)).filter((c) => c.cur !== undefined)
  it('are there', () => expect(cases.length).toBeGreaterThanOrEqual(5))
  for (const c of cases) {
    it(`${relative(CASES_DIR, c.file)}: the ledger reconciles, each dollar with one cause`, async () => {
      const report = (await runRuleCase(c)).report!
      expect(report.ledger).toBeDefined()
      expectReconciles(report.ledger!)
      expectOneCausePerDollar(report)
    })
  }
})

describe('largest remainder', () => {
  it('hands out the cents so the parts add up to the whole', () => {
    expect(apportion(100, [333_333, 333_333, 333_334])).toEqual([33, 33, 34])
    expect(apportion(3, [5_000, 5_000, 5_000, 5_000])).toEqual([1, 1, 1, 0])
    expect(apportion(0, [])).toEqual([])
    expect(sum(apportion(1001, [12_345_678, 23_456, 5_432_109]))).toBe(1001)
  })
})

describe('randomised bills over the synthetic organization', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tagwarden-ledger-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const ACCOUNTS = 2
  for (let i = 0; i < ACCOUNTS; i++) {
    const a = generateAccount({ accounts: ACCOUNTS, principals: 40, seed: 7 }, i)
    mkdirSync(join(dir, a.id), { recursive: true })
    writeFileSync(join(dir, a.id, 'get-account-authorization-details.json'), JSON.stringify(a.details))
    writeFileSync(join(dir, a.id, 'list-service-specific-credentials.json'), JSON.stringify(a.credentials))
  }
  writeFileSync(join(dir, 'tagwarden.yaml'), 'version: 1\ntags:\n  required:\n    - key: team\n      allowedValues: [search, ads, platform, data, ml]\n    - key: cost-center\n')
  const config = loadRulesConfig({ builtins: RULE_META, rulesPath: join(dir, 'tagwarden.yaml') })
  const TEAMS = ['search', 'ads', 'platform', 'data', 'ml', 'payments', 'serach', ' ', '']

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`reconciles to the cent (seed ${seed})`, async () => {
      const p1 = await runPhaseOne({ config, sources: [snapshotSource([dir])] })
      const r = rng(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
      const callers = [
        ...p1.facts.map((f) => (f.kind === 'user' ? f.arn : `arn:aws:sts::${f.accountId}:assumed-role/${f.name}/s-${Math.floor(r() * 5)}`)),
        `arn:aws:sts::${syntheticAccountId(0)}:assumed-role/deleted-role/x`,
        `arn:aws:iam::${syntheticAccountId(1)}:user/gone`,
        'arn:aws:sts::999999999999:assumed-role/elsewhere/y',
        `arn:aws:iam::${syntheticAccountId(0)}:root`,
        '',
      ]
      const acc = new CurSpendAccumulator(['team', 'cost-center'])
      let micro = 0
      for (let n = 0; n < 400; n++) {
        const principal = pick(callers)
        const team = pick(TEAMS)
        const cost = Math.round(r() * 50_000_000) / 1_000_000
        micro += toMicro(cost)
        const day = `2026-07-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`
        acc.add({
          accountId: principal.split(':')[4] || syntheticAccountId(0),
          principal,
          currency: 'USD',
          values: [team === '' ? undefined : team, r() < 0.7 ? String(1000 + Math.floor(r() * 5)) : undefined],
          caseValues: [team === '' && r() < 0.5 ? 'search' : undefined, undefined],
          usageType: pick(['USE1-Claude-input-tokens', 'USE1-Claude-output-tokens', 'USE1-Titan-embeddings']),
          cost,
          rows: 1,
          first: day,
          last: day,
        })
      }
      const cur = acc.result({ source: { kind: 'cur-files', location: dir }, period: { start: '2026-07-01', end: '2026-07-29' }, stats: emptyStats() })
      const report = finishScan(p1, config, new Date('2026-08-01T00:00:00Z'), undefined, undefined, { data: cur, errors: [] })
      const l = report.ledger!
      expect(cents(l.total)).toBe(Math.round(micro / 1e4))
      expectReconciles(l)
      expect(l.byKey.map((k) => k.tagKey)).toEqual(['team', 'cost-center'])
      // Recovered spend never counts a dollar twice (each finding rounds its own share: at most a cent each).
      const owners = report.findings.filter((f) => (f.spend?.recoverable ?? 0) > 0)
      expect(sum(owners.map((f) => cents(f.spend!.recoverable!)))).toBeLessThanOrEqual(cents(l.unattributed) + cents(l.misattributed) + owners.length)
      // Several causes are exercised.
      expect(new Set(l.byCause.map((e) => e.cause)).size).toBeGreaterThanOrEqual(4)
      expect(expectOneCausePerDollar(report)).toBe(micro)
    })
  }
})

describe('spend --cur', () => {
  const run = async (format: 'json' | 'csv' | 'text', extra: { inputs?: string[] } = {}) => {
    const { runSpendCommand } = await import('../../src/cli/spend-command.js')
    let out = ''
    const code = await runSpendCommand({ inputs: extra.inputs ?? ['examples/demo-org'], cur: 'examples/demo-org/cur/parquet', rules: 'examples/demo-org/tagwarden.yaml', format, now: '2026-08-21T00:00:00Z', cwd: REPO, stdout: (s) => void (out += s), stderr: () => {} })
    return { code, out }
  }

  it('carries the ledger in JSON (schemas/spend-report.schema.json, sharing $defs/ledger) and the tables in text', async () => {
    const { code, out } = await run('json')
    expect(code).toBe(0)
    const report = JSON.parse(out) as { ledger: Ledger }
    expect(report.ledger).toMatchObject({ total: 10807.3, unattributed: 2171.27, misattributed: 1380.95 })
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    ajv.addSchema(JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')) as object, 'report.schema.json')
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas/spend-report.schema.json'), 'utf8')) as object)
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true)
    const text = (await run('text')).out
    for (const t of ['team × account', 'team × model', 'Top principals', 'Daily trend']) expect(text).toContain(t)
  })

  it('writes CSV one row per principal, key and day that adds up to the ledger, neutralising formulas', async () => {
    const { out } = await run('csv')
    const [head, ...rows] = out.trimEnd().split('\n')
    expect(head).toBe('date,account_id,principal_arn,principal_kind,tag_key,tag_value,cause,amount,currency')
    expect(sum(rows.map((r) => cents(Number(r.split(',').at(-2)))))).toBe(cents(10807.3))
    const causes = new Map<string, number>()
    for (const r of rows) {
      const c = r.split(',')
      causes.set(c[6]!, (causes.get(c[6]!) ?? 0) + cents(Number(c[7])))
    }
    expect(causes.get('missing-tag')).toBe(127530)
    const { csvCell } = await import('../../src/spend/ledger.js')
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"')
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2')).toBe("'-2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('search')).toBe('search')
  })

  it('without IAM snapshots says every unexplained dollar is account-not-scanned', async () => {
    const { out } = await run('json', { inputs: [] })
    const l = (JSON.parse(out) as { ledger: Ledger }).ledger
    expectReconciles(l)
    expect(l.notes.join(' ')).toMatch(/no IAM snapshot/)
    expect(l.byCause.every((e) => e.cause === 'account-not-scanned' || e.cause === 'root-or-unidentified')).toBe(true)
  })
})
