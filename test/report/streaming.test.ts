/**
 * Findings stay small until output, and the JSON and SARIF writers stream: the pieces joined are the
 * bytes `JSON.stringify(…, null, 2)` gives for the same in-memory report, and a finding whose message is
 * rendered on demand serialises exactly like one that stores the rendered string.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Finding, ScanReport } from '../../src/model/finding.js'
import { withFields } from '../../src/model/finding.js'
import { renderReport } from '../../src/report/index.js'
import type { ReportRule } from '../../src/report/report-rule.js'
import { formatJson, jsonChunks } from '../../src/report/json.js'
import { renderSarif } from '../../src/report/sarif.js'
import { lazyMessageFinding } from '../../src/rules/engine.js'
import { rng } from '../../bench/synthetic-org.js'
import { scanDemo } from './helpers.js'

/** The report with every finding turned into a plain object holding its message as a string. */
function materialised(r: ScanReport): ScanReport {
  return { ...r, findings: r.findings.map((f) => JSON.parse(JSON.stringify(f)) as Finding) }
}

/** A random JSON-like value: nested objects and arrays (some longer than a writer block), awkward strings. */
function randomValue(r: () => number, depth: number, long = true): unknown {
  const x = r()
  if (depth > 5 || x < 0.3) {
    const leaves = [null, true, 0, -1.5e-7, 12345678901234, 'plain', 'quote " backslash \\ tab \t newline \n', 'café ✓ \u2028', '', undefined]
    return leaves[Math.floor(r() * leaves.length)]
  }
  if (x < 0.65) {
    // At most one long array on a path, so the value stays small.
    const n = long && r() < 0.3 ? 60 + Math.floor(r() * 100) : Math.floor(r() * 4)
    return Array.from({ length: n }, () => randomValue(r, depth + 1, long && n < 60))
  }
  const o: Record<string, unknown> = {}
  const n = Math.floor(r() * 5)
  for (let i = 0; i < n; i++) o[r() < 0.1 ? String(i) : `k${i}${r() < 0.1 ? ' "odd"' : ''}`] = randomValue(r, depth + 1, long)
  if (r() < 0.1) o.fn = () => 1
  return o
}

describe('jsonChunks', () => {
  it('gives exactly JSON.stringify(value, null, 2) for random nested values, whatever the piece size', () => {
    const r = rng(7)
    for (let i = 0; i < 200; i++) {
      const v = randomValue(r, 0)
      const expected = `${JSON.stringify(v, null, 2) ?? 'null'}\n`
      for (const size of [1, 100, 1 << 20]) expect([...jsonChunks(v, size)].join('')).toBe(expected)
    }
  })

  it('writes a long array nested deep in pieces of bounded size', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: i, text: 'x'.repeat(50) }))
    const value = { runs: [{ tool: { name: 't' }, results: items }] }
    const chunks = [...jsonChunks(value, 10_000)]
    expect(chunks.length).toBeGreaterThan(20)
    for (const c of chunks) expect(c.length).toBeLessThan(10_000 + 64 * 120)
    expect(chunks.join('')).toBe(`${JSON.stringify(value, null, 2)}\n`)
  })
})

describe('findings rendered at output', () => {
  let demo: ScanReport
  let rules: ReportRule[]
  beforeAll(async () => {
    ;({ report: demo, rules } = await scanDemo())
  })

  it('keeps the message out of the finding until it is read, in its usual place', () => {
    const f = demo.findings[0]!
    expect(Object.getOwnPropertyDescriptor(f, 'message')?.get).toBeTypeOf('function')
    expect(Object.keys(f).slice(0, 4)).toEqual(['ruleId', 'severity', 'message', 'messageId'])
    expect(f.message).toMatch(/\S/)
    // A spread copies the rendered string; assigning replaces it.
    expect(Object.getOwnPropertyDescriptor({ ...f }, 'message')?.value).toBe(f.message)
    const copy = withFields(f, { baselineState: 'new' })
    expect(Object.getOwnPropertyDescriptor(copy, 'message')?.get).toBeTypeOf('function')
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...f, baselineState: 'new' }))
    const g = lazyMessageFinding({ ruleId: 'r', severity: 'note' }, 'a {x} b {missing}')
    g.data = { x: 1 }
    expect(g.message).toBe('a 1 b {missing}')
    g.message = 'replaced'
    expect(g.message).toBe('replaced')
    expect(JSON.stringify(g)).toBe('{"ruleId":"r","severity":"note","message":"replaced","data":{"x":1}}')
  })

  it('JSON: the streamed report is byte for byte the JSON.stringify-based one, with messages stored or rendered', () => {
    const expected = formatJson(materialised(demo))
    expect(formatJson(demo)).toBe(expected)
    const out = renderReport('json', demo, rules)
    expect([...out.chunks!].join('')).toBe(expected)
    expect(out.text).toBe(expected)
  })

  it('SARIF: many results stream in bounded pieces, written from the log again on each iteration', () => {
    // 2,000 results: pieces of a block of results each, no string holding the file, the same bytes each time.
    const findings = Array.from({ length: 2000 }, (_, i) => withFields(demo.findings[i % demo.findings.length]!, { fingerprint: i.toString(16).padStart(32, '0') }))
    const r = renderSarif({ ...demo, findings }, rules)
    expect(Array.isArray(r.chunks)).toBe(false)
    const first = [...r.chunks]
    expect(first.length).toBeGreaterThan(50)
    for (const c of first) expect(c.length).toBeLessThan(1 << 17)
    expect(first.join('')).toBe(`${JSON.stringify(r.log, null, 2)}\n`)
    expect([...r.chunks].join('')).toBe(first.join(''))
    expect(r.text).toBe(first.join(''))
    expect(r.results).toBe(2000)
  })

  it('SARIF: the streamed file is byte for byte JSON.stringify of the same log', () => {
    for (const opts of [{}, { includeSuppressed: true, category: 'c' }]) {
      const r = renderSarif(demo, rules, opts)
      expect([...r.chunks].join('')).toBe(`${JSON.stringify(r.log, null, 2)}\n`)
      expect(r.text).toBe(renderSarif(materialised(demo), rules, opts).text)
    }
  })
})
