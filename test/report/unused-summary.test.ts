/** Thousands of identical `bedrock-capable-unused` notes: one line per account in text and Markdown, all of them in JSON. */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Finding, ScanReport } from '../../src/model/finding.js'
import { renderReport } from '../../src/report/index.js'
import type { ReportRule } from '../../src/report/report-rule.js'
import { formatText } from '../../src/report/text.js'
import { UNUSED_SUMMARY_THRESHOLD, isUnusedSummary, summariseUnusedNotes } from '../../src/report/unused-summary.js'
import { finding, reportWith, scanDemo } from './helpers.js'

const unused = (account: string, i: number, over: Partial<Finding> = {}): Finding =>
  finding({
    ruleId: 'bedrock-capable-unused',
    severity: 'note',
    message: `Role r${i} can run Bedrock inference but has never been used at all.`,
    subject: { kind: 'role', arn: `arn:aws:iam::${account}:role/r${i}`, name: `r${i}`, accountId: account },
    ...over,
  })

const A = '111111111111'
const B = '222222222222'
const many = (account: string, n: number): Finding[] => Array.from({ length: n }, (_, i) => unused(account, i))

describe('summariseUnusedNotes', () => {
  it('replaces the notes of an account over the threshold by one summary where its first note was', () => {
    const other = finding({ subject: { kind: 'role', arn: `arn:aws:iam::${A}:role/x`, name: 'x', accountId: A } })
    const few = many(B, UNUSED_SUMMARY_THRESHOLD)
    const out = summariseUnusedNotes([other, ...many(A, UNUSED_SUMMARY_THRESHOLD + 1), ...few])
    expect(out[0]).toBe(other)
    const s = out[1]!
    if (!isUnusedSummary(s)) throw new Error('expected a summary')
    expect(s).toMatchObject({ accountId: A, count: UNUSED_SUMMARY_THRESHOLD + 1, examples: ['r0', 'r1', 'r2'] })
    expect(s.findings).toHaveLength(UNUSED_SUMMARY_THRESHOLD + 1)
    // At the threshold an account's notes are still listed one by one.
    expect(out.slice(2)).toEqual(few)
  })

  it('leaves suppressed notes, notes raised to a higher severity and other rules alone', () => {
    const raised = many(A, 20).map((f) => ({ ...f, severity: 'warning' as const }))
    const suppressed = many(B, 20).map((f) => ({ ...f, suppressed: { kind: 'exception' as const, reason: 'r' } }))
    const input = [...raised, ...suppressed]
    expect(summariseUnusedNotes(input)).toEqual(input)
    expect(summariseUnusedNotes(many(A, 20), { threshold: Infinity })).toHaveLength(20)
  })
})

describe('text and Markdown', () => {
  let demo: ScanReport
  let rules: ReportRule[]
  beforeAll(async () => {
    ;({ report: demo, rules } = await scanDemo())
  })

  it('say it once per account, and --verbose lists every note', () => {
    const r = reportWith(demo, [...demo.findings, ...many(A, 300)])
    const text = formatText(r, { color: false })
    expect(text).toContain(`bedrock-capable-unused  account ${A}\n        300 Bedrock-capable principals can run Bedrock inference but have not used it (e.g. r0, r1, r2 and 297 more)`)
    expect(text).not.toContain('role/r299')
    expect(formatText(r, { color: false, verbose: true })).toContain('role/r299')
    const md = renderReport('markdown', r, rules).text
    expect(md).toContain(`- **note** account \`${A}\`: 300 Bedrock-capable principals`)
    expect(md).not.toContain('r299')
    expect(renderReport('json', r, rules).text).toContain('role/r299')
  })
})
