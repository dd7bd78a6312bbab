/**
 * The demo organization (examples/demo-org) produces exactly the findings listed in
 * test/fixtures/demo-expected.json: each right/wrong/near-miss principal is described in its README.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../src/config/load.js'
import { RULE_META } from '../src/rules/index.js'
import { runScan } from '../src/pipeline/scan.js'
import { snapshotSource } from '../src/sources/snapshot.js'
import type { ScanReport } from '../src/model/finding.js'

interface Expected {
  mustFlag: Array<{ ruleId: string; principalArn: string; tagKey?: string; why: string }>
  mustPass: Array<{ principalArn: string; why: string }>
  mustNotFlag: Array<{ ruleId: string; principalArn: string; why: string }>
}

const DEMO = fileURLToPath(new URL('../examples/demo-org', import.meta.url))
const expected = JSON.parse(readFileSync(new URL('./fixtures/demo-expected.json', import.meta.url), 'utf8')) as Expected
const key = (ruleId: string, arn: string, tagKey?: string): string => `${ruleId} | ${arn}${tagKey ? ` | ${tagKey}` : ''}`

let report: ScanReport

beforeAll(async () => {
  const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(DEMO, 'tagwarden.yaml')], RULE_META)
  report = await runScan({ config, sources: [snapshotSource([DEMO])], now: new Date('2026-11-26T00:00:00Z') })
})

describe('demo organization', () => {
  it('reads every input without an error', () => {
    expect(report.errors).toEqual([])
    expect(report.summary.accounts.ids).toEqual(['111111111111', '222222222222', '333333333333'])
    expect(report.summary.rulesNotEvaluated).toEqual([])
    // Identity Center included: the permission-set role joins its permission set, whose instance maps team.
    expect(report.summary.notEvaluated).toEqual([])
  })

  it('flags exactly the mustFlag findings', () => {
    // A permission-set finding has no principal: its permission set ARN stands in.
    const actual = report.findings.map((f) => key(f.ruleId, f.principalArn ?? f.subject.arn ?? '', f.subject.tagKey)).sort()
    const wanted = expected.mustFlag.map((e) => key(e.ruleId, e.principalArn, e.tagKey)).sort()
    expect(actual).toEqual(wanted)
    expect(report.findings.every((f) => !f.suppressed)).toBe(true)
  })

  for (const e of expected.mustPass) {
    it(`does not flag ${e.principalArn} (${e.why})`, () => {
      expect(report.findings.filter((f) => f.principalArn === e.principalArn).map((f) => f.ruleId)).toEqual([])
    })
  }

  for (const e of expected.mustNotFlag) {
    it(`does not flag ${e.principalArn} with ${e.ruleId} (${e.why})`, () => {
      expect(report.findings.some((f) => f.ruleId === e.ruleId && f.principalArn === e.principalArn)).toBe(false)
    })
  }

  it('has a principal in mustPass and mustFlag never both', () => {
    const flagged = new Set(expected.mustFlag.map((e) => e.principalArn))
    expect(expected.mustPass.filter((e) => flagged.has(e.principalArn))).toEqual([])
  })
})
