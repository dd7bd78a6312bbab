/**
 * The demo organization with its CUR 2.0 export: Cost Explorer, CUR Parquet, CUR CSV and Athena agree on
 * the attributed and unattributed totals; findings carry spend and come costliest gap first; the spend
 * rules report only what no IAM finding explains (a deleted role, a tag added after the spend, a gateway
 * billed through its own sessions). The committed export is what the generator writes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadDemoCostExplorer } from './ce-files.js'
import { groupFromAthenaRow } from '../../src/scanners/cur/athena-sql.js'
import { curSource, parseCurLocation } from '../../src/scanners/cur/source.js'
import { CurSpendAccumulator, emptyStats } from '../../src/spend/cur-aggregate.js'
import type { CurSpendData } from '../../src/spend/cur-model.js'
import { mergeCurIntoSpend, curToSpendData } from '../../src/spend/cur-spend-data.js'
import type { Finding } from '../../src/model/finding.js'
import { demoCurRows, writeDemoExport } from './demo-export.js'
import { aggregateLikeAthena, sums } from './helpers.js'
import { DEMO, scanWithCur } from './pipeline.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { runScan } from '../../src/pipeline/scan.js'
import { RULE_META } from '../../src/rules/index.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { costExplorerFileSource } from '../../src/scanners/cost-explorer/files.js'

const PERIOD = { start: '2026-07-21', end: '2026-08-20' }

async function loadDemo(format: 'parquet' | 'csv'): Promise<CurSpendData> {
  const r = await curSource(parseCurLocation(`${DEMO}/cur/${format}`)).load({ tagKeys: ['team'], period: PERIOD })
  expect(r.errors).toEqual([])
  return r.data!
}

function athenaDemo(): CurSpendData {
  const acc = new CurSpendAccumulator(['team'])
  const agg = aggregateLikeAthena(demoCurRows(), ['team'], PERIOD)
  for (const cells of agg.athena.rows) {
    const g = groupFromAthenaRow(Object.fromEntries(agg.athena.columns.map((c, i) => [c, cells[i] ?? undefined])), ['team'])
    if ('error' in g) throw new Error(g.error)
    acc.add(g)
  }
  return acc.result({ source: { kind: 'cur-athena', location: 'athena://cur.demo' }, period: PERIOD, stats: emptyStats() })
}

/** Per account and team value, to the cent. */
const byValue = (t: { byAccount: Record<string, { byValue: Record<string, number> }> }) =>
  Object.fromEntries(Object.entries(t.byAccount).map(([id, a]) => [id, Object.fromEntries(Object.entries(a.byValue).filter(([, n]) => n !== 0).map(([v, n]) => [v, n.toFixed(2)]))]))

describe('the demo organization with CUR 2.0', () => {
  it('agrees with Cost Explorer, to the cent, from Parquet, CSV and Athena', async () => {
    const ce = (await loadDemoCostExplorer(`${DEMO}/billing`)).byTag.team!
    const parquet = await loadDemo('parquet')
    const csv = await loadDemo('csv')
    const athena = athenaDemo()
    for (const d of [parquet, csv, athena]) {
      expect(d.total.toFixed(2)).toBe(ce.total.toFixed(2))
      expect(d.unattributed.toFixed(2)).toBe(ce.untagged.toFixed(2))
      expect(byValue(d.byTag.team!)).toEqual(byValue(ce))
    }
    expect(ce.total.toFixed(2)).toBe('10807.30')
    expect(ce.untagged.toFixed(2)).toBe('2291.27')
    expect(sums(csv)).toEqual(sums(parquet))
    expect(sums(athena)).toEqual(sums(parquet))
    expect(csv.principals).toEqual(parquet.principals)
    // The ledger's cells (day × line values, other spellings of the key included) agree on every path.
    const cells = (d: CurSpendData) => d.cells.map((c) => ({ ...c, micro: Math.round(c.micro / 100) }))
    expect(cells(csv)).toEqual(cells(parquet))
    expect(cells(athena)).toEqual(cells(parquet))
    expect(parquet.cells.some((c) => c.caseValues[0] === 'data-science')).toBe(true)
    expect(parquet.modelCells.reduce((n, c) => n + c.micro, 0)).toBe(parquet.cells.reduce((n, c) => n + c.micro, 0))
  })

  it('puts spend on the findings, costliest unattributed first, and raises only what no IAM finding explains', async () => {
    const { findings, summary } = await scanWithCur(await loadDemo('parquet'))
    const line = (f: Finding) => `${f.severity} ${f.ruleId} ${f.subject.name ?? f.subject.tagKey} ${f.spend ? `${f.spend.total.toFixed(2)}/${f.spend.unattributed.toFixed(2)}` : '-'}`
    expect(findings.filter((f) => f.severity === 'error').map(line)).toEqual([
      'error principal-missing-tag ads-ranker-irsa 655.30/655.30',
      'error principal-missing-tag summarizer-ecs-task 620.00/620.00',
      'error gateway-target-session-tags bedrock-shared-invoke 361.80/361.80',
      'error gateway-target-source-identity bedrock-shared-invoke 361.80/361.80',
      'error federated-role-session-tags okta-analysts 192.37/192.37',
      'error principal-unattributed-spend notebook-experiments 141.80/141.80',
      'error principal-missing-tag bob 120.00/120.00',
      'error principal-unattributed-spend alice 500.00/100.00',
      'error principal-missing-tag BedrockAPIKey-7f3k 100.00/100.00',
      'error gateway-direct-invoke legacy-llm-gateway 900.00/0.00',
      'error tag-value-not-allowed search-reranker-lambda 182.75/0.00',
      'error gateway-collapsed-spend llm-gateway-exec 178.20/0.00',
    ])
    const alice = findings.find((f) => f.ruleId === 'principal-unattributed-spend' && f.subject.name === 'alice')!
    expect(alice.messageId).toBe('taggedAfter')
    expect(alice.message).toMatch(/last on 2026-07-31: the tag was added after the spend/)
    const deleted = findings.find((f) => f.subject.name === 'notebook-experiments')!
    expect(deleted).toMatchObject({ messageId: 'deleted', subject: { kind: 'role', arn: 'arn:aws:iam::222222222222:role/notebook-experiments', accountId: '222222222222' } })
    expect(deleted.evidence.sessions).toMatchObject({ count: 2, top: [{ name: 'asmith' }, { name: 'jdoe' }] })
    const collapsed = findings.find((f) => f.ruleId === 'gateway-collapsed-spend')!
    expect(collapsed.message).toMatch(/in 1 session \(ecs-task-51c0aa\)/)
    expect(collapsed.evidence.capableNow).toBe(false)
    // The SSO role is billed through sessions without its path, and matched to it.
    expect(summary).toMatchObject({ total: 10807.3, attributed: 8516.03, unattributed: 2291.27, principals: { billed: 16, matched: 15, unmatched: { deleted: 1 } } })
  })

  it('merges the CUR into Cost Explorer’s spend data without a disagreement note, and stands alone as spend data', async () => {
    const ce = await loadDemoCostExplorer(`${DEMO}/billing`)
    const parquet = await loadDemo('parquet')
    const merged = mergeCurIntoSpend(ce, parquet)
    expect(merged.notes.filter((n) => /disagree/.test(n))).toEqual([])
    expect(merged.byPrincipal?.['arn:aws:iam::333333333333:user/alice']).toEqual({ total: 500, unattributed: 100 })
    const alone = curToSpendData(parquet)
    expect(alone).toMatchObject({ total: 10807.3, source: { kind: 'cur-files' }, period: PERIOD })
    expect(alone.byTag.team?.untagged).toBe(2291.27)
    const off = mergeCurIntoSpend(ce, { ...parquet, byTag: { team: { ...parquet.byTag.team!, untagged: 2000 } } })
    expect(off.notes.join('\n')).toMatch(/`team`: the CUR and Cost Explorer disagree/)
  })

  it('ships the export the generator writes', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tagwarden-demo-cur-'))
    try {
      writeDemoExport(tmp)
      const fresh = await curSource(parseCurLocation(join(tmp, 'parquet'))).load({ tagKeys: ['team'], period: PERIOD })
      expect(fresh.data?.principals).toEqual((await loadDemo('parquet')).principals)
      const manifest = 'acme-bedrock/metadata/BILLING_PERIOD=2026-08/acme-bedrock-Manifest.json'
      expect(readFileSync(join(tmp, 'csv', manifest), 'utf8')).toBe(readFileSync(join(DEMO, 'cur', 'csv', manifest), 'utf8'))
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})

describe('the demo organization with CUR 2.0 and Identity Center, as `npm run demo` scans it', () => {
  it('clears BedrockUsers by its billed sessions, flags BedrockContractors (no spend), and leaves the bill as it was', async () => {
    const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(DEMO, 'tagwarden.yaml')], RULE_META)
    // The saved Cost Explorer outputs set the period (2026-07-21 to 2026-08-19), as they do in `npm run demo`.
    const report = await runScan({ config, sources: [snapshotSource([DEMO])], spend: costExplorerFileSource(), cur: curSource(parseCurLocation(`${DEMO}/cur/parquet`)), now: new Date('2026-08-21T00:00:00Z') })
    expect(report.errors).toEqual([])
    const ic = report.findings.filter((f) => f.ruleId === 'identity-center-session-tags')
    expect(ic.map((f) => [f.severity, f.messageId, f.subject.name, f.spend ?? null])).toEqual([['warning', 'missingExternal', 'BedrockContractors', null]])
    expect(report.summary.notEvaluated).toEqual([])
    // Its role has no Bedrock use yet: a note, the only other finding the new permission set adds.
    expect(report.findings.filter((f) => f.subject.name?.includes('BedrockContractors')).map((f) => `${f.severity} ${f.ruleId}`)).toEqual(['warning identity-center-session-tags', 'note bedrock-capable-unused'])
    // The wrong permission set carries no spend: the ledger is the one without it, to the cent.
    expect(report.ledger).toMatchObject({ total: 10807.3, attributed: 7255.08, unattributed: 2171.27, misattributed: 1380.95 })
    expect(report.ledger?.byCause.find((c) => c.cause === 'session-tags-not-passed')).toMatchObject({ amount: 554.17 })
  })
})
