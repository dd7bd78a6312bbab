/**
 * The chunked JSON report: the same bytes as `formatJson`, in bounded pieces, so a million-principal
 * report never has to exist as one string.
 */
import { describe, expect, it } from 'vitest'
import { formatJson, jsonReportChunks } from '../../src/report/json.js'
import type { Finding, ScanReport } from '../../src/model/finding.js'

function finding(i: number): Finding {
  return {
    ruleId: 'principal-missing-tag',
    severity: 'error',
    message: `Role r-${i} lacks \`team\`:\nline two with "quotes", a tab\t and unicode café ✓`,
    messageId: 'missing',
    data: { name: `r-${i}` },
    subject: { kind: 'role', arn: `arn:aws:iam::111111111111:role/r-${i}`, name: `r-${i}`, accountId: '111111111111' },
    evidence: { grants: [{ policy: 'inline:p', statement: 'Statement[0]', actions: ['bedrock:InvokeModel'] }], empty: [], nested: { deep: { list: [1, 2, { x: null }] } } },
    fingerprint: `fp${i}`,
    principalArn: `arn:aws:iam::111111111111:role/r-${i}`,
    fix: `{\n  "Effect": "Allow"\n}`,
  } as unknown as Finding
}

function report(findings: Finding[], extra: Record<string, unknown> = {}): ScanReport {
  return {
    schemaVersion: '1.0',
    tool: { name: 'tagwarden', version: '0.0.0' },
    generatedAt: '2026-11-26T00:00:00.000Z',
    findings,
    summary: { accounts: { scanned: 1, ids: ['111111111111'] }, notes: [] },
    errors: [{ source: 'x.json', code: 'invalid-json', message: 'bad\nfile' }],
    ...extra,
  } as unknown as ScanReport
}

describe('jsonReportChunks', () => {
  it.each([
    ['many findings', report(Array.from({ length: 50 }, (_, i) => finding(i)))],
    ['no findings', report([])],
    ['undefined and function members left out, as JSON.stringify does', report([finding(1)], { absent: undefined, fn: () => 1 })],
    ['an empty report', {} as ScanReport],
    // Arrays longer than a block (16 elements) at every depth the writer walks: the cut-off wrappers.
    ['a long findings array, written in blocks', report(Array.from({ length: 1000 }, (_, i) => finding(i)))],
    [
      'long arrays nested two and three deep',
      report([finding(1)], {
        nested: { rows: Array.from({ length: 40 }, (_, i) => ({ i, s: `v\n${i}`, l: [i, { z: [] }] })), deeper: { list: Array.from({ length: 33 }, (_, i) => [i, `x${i}`]) } },
        strings: Array.from({ length: 17 }, (_, i) => `s${i}`),
      }),
    ],
  ])('gives exactly the text of formatJson: %s', (_name, r) => {
    for (const size of [1, 64, 4096, 1 << 20]) expect([...jsonReportChunks(r, size)].join('')).toBe(formatJson(r))
  })

  it('keeps every piece near the requested size instead of building the whole report', () => {
    const r = report(Array.from({ length: 1000 }, (_, i) => finding(i)))
    const chunks = [...jsonReportChunks(r, 2000)]
    expect(chunks.length).toBeGreaterThan(10)
    // A piece is given out as soon as it reaches the size: it overshoots by at most one block of 16 findings.
    for (const c of chunks) expect(c.split('"ruleId"').length - 1).toBeLessThanOrEqual(16)
  })
})
