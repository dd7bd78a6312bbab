import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyBaseline } from '../../src/baseline/apply.js'
import { runBaselineCreate, runDiff } from '../../src/cli/baseline-command.js'
import { diffReports, formatDiffMarkdown } from '../../src/baseline/diff.js'
import { createBaseline, formatBaseline, parseBaseline, readBaselineFile } from '../../src/baseline/file.js'
import { parseReport } from '../../src/baseline/read-report.js'
import { runScanCommand, type ScanCommandInput } from '../../src/cli/scan-command.js'
import { UsageError } from '../../src/errors.js'
import type { ScanReport } from '../../src/model/finding.js'
import type { SarifLog } from '../../src/report/sarif.js'
import { DEMO, DEMO_INPUTS, REPO_ROOT, readJson, scanDemo } from '../report/helpers.js'

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default

const NOW = '2026-01-01'
let dir: string
let demo: ScanReport

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tagwarden-baseline-'))
  ;({ report: demo } = await scanDemo())
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `scan` in-process with stdout/stderr captured. */
async function scan(i: Partial<ScanCommandInput> & { inputs: string[] }): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runScanCommand({
    format: 'json',
    failOn: 'error',
    now: NOW,
    cwd: dir,
    env: {},
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ...i,
  })
  return { code, stdout, stderr }
}

const usageCode = async (p: Promise<unknown> | (() => unknown)): Promise<string | undefined> => {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    if (e instanceof UsageError) return e.code
    throw e
  }
  return undefined
}

/** A copy of the demo where one more untagged Bedrock role exists and summarizer-ecs-task is gone. */
function changedDemo(): string {
  const copy = join(dir, 'changed-demo')
  for (const d of DEMO_INPUTS) cpSync(d, join(copy, relative(DEMO, d)), { recursive: true })
  const page = join(copy, '222222222222/get-account-authorization-details-page2.json')
  const data = JSON.parse(readFileSync(page, 'utf8')) as { RoleDetailList: Array<Record<string, unknown>> }
  const template = data.RoleDetailList.find((r) => r.RoleName === 'summarizer-ecs-task')!
  data.RoleDetailList = data.RoleDetailList.filter((r) => r !== template)
  data.RoleDetailList.push({ ...template, RoleName: 'translator-ecs-task', RoleId: 'AROANEWROLE000000001', Arn: 'arn:aws:iam::222222222222:role/translator-ecs-task' })
  writeFileSync(page, JSON.stringify(data, null, 2))
  return copy
}

describe('baseline file', () => {
  it('lists active findings only, sorted, with rule and subject for humans', () => {
    const sup = { ...demo.findings[0]!, suppressed: { kind: 'exception' as const, reason: 'r' } }
    const b = createBaseline({ ...demo, findings: [...demo.findings.slice(1).reverse(), sup] }, 'scan')
    expect(b.findings).toHaveLength(demo.findings.length - 1)
    expect(b.findings.map((e) => e.fingerprint)).not.toContain(sup.fingerprint)
    const keys = b.findings.map((e) => `${e.ruleId} ${e.subject}`)
    expect(keys).toEqual([...keys].sort())
    expect(b.findings.find((e) => e.subject === 'arn:aws:iam::333333333333:user/bob' && e.ruleId === 'principal-missing-tag')).toMatchObject({ accountId: '333333333333', tagKey: 'team' })
    expect(createBaseline({ ...demo, findings: [...demo.findings].reverse() }, 'scan')).toEqual(createBaseline(demo, 'scan'))
  })

  it('round-trips and rejects files that are not baselines', () => {
    const b = createBaseline(demo, 'results.json')
    expect(parseBaseline(formatBaseline(b), 'b.json')).toEqual(b)
    const bad = (text: string): string | undefined => {
      try {
        parseBaseline(text, 'b.json')
      } catch (e) {
        return (e as UsageError).code
      }
      return undefined
    }
    expect(bad('{')).toBe('baseline-invalid')
    expect(bad('[]')).toBe('baseline-invalid')
    expect(bad(JSON.stringify({ ...b, tool: 'other' }))).toBe('baseline-invalid')
    expect(bad(JSON.stringify({ ...b, version: 2 }))).toBe('baseline-version')
    expect(bad(JSON.stringify({ ...b, findings: [{ fingerprint: 'short', ruleId: 'x' }] }))).toBe('baseline-invalid')
    expect(() => readBaselineFile(join(dir, 'missing.json'))).toThrow(/cannot read baseline/)
  })
})

describe('applyBaseline', () => {
  it('marks findings new or unchanged and lists fixed entries only where this scan could see them', () => {
    const b = createBaseline(demo, 'scan')
    b.findings.push(
      { fingerprint: 'a'.repeat(32), ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::111111111111:role/gone', accountId: '111111111111' },
      { fingerprint: 'b'.repeat(32), ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::999999999999:role/other', accountId: '999999999999' },
      { fingerprint: 'c'.repeat(32), ruleId: 'gateway-direct-invoke', subject: 'arn:aws:iam::111111111111:role/gw', accountId: '111111111111' },
    )
    const dropped = demo.findings[0]!
    b.findings = b.findings.filter((e) => e.fingerprint !== dropped.fingerprint)
    const r = applyBaseline(demo, b, 'b.json', { evaluatedRules: new Set(['principal-missing-tag', 'federated-role-session-tags']) })
    expect(r.findings.filter((f) => f.baselineState === 'new').map((f) => f.fingerprint)).toEqual([dropped.fingerprint])
    expect(r.summary.baseline).toMatchObject({ file: 'b.json', new: 1, unchanged: demo.findings.length - 1 })
    // 999… was not scanned; gateway-direct-invoke did not run: neither can be called fixed.
    expect(r.summary.baseline!.fixed).toEqual([{ fingerprint: 'a'.repeat(32), ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::111111111111:role/gone' }])
    expect(demo.findings[0]!.baselineState).toBeUndefined()
  })
})

describe('gate with a baseline (end to end)', () => {
  it('baseline create, then a scan with one new finding fails only for that one', async () => {
    const results = join(dir, 'results.json')
    const first = await scan({ inputs: DEMO_INPUTS, output: results })
    expect(first.code).toBe(1)
    const all = (readJson(results) as ScanReport).findings.length
    // Every demo finding but one stays: summarizer-ecs-task's is fixed, translator-ecs-task's is new.
    const kept = all - 1
    expect(all).toBeGreaterThan(1)

    let err = ''
    expect(await runBaselineCreate({ from: results, inputs: [], output: join(dir, 'baseline.json'), stderr: (s) => (err += s) })).toBe(0)
    expect(err).toContain(`baseline with ${all} finding(s) written`)
    const baseline = join(dir, 'baseline.json')

    const same = await scan({ inputs: DEMO_INPUTS, baseline, output: join(dir, 'same.json') })
    expect(same.code).toBe(0)
    expect(same.stderr).toContain(`${all} unchanged, 0 fixed`)

    const changed = changedDemo()
    const out = await scan({
      inputs: [changed],
      baseline,
      format: 'github',
      extraOutputs: { json: 'changed.json', sarif: 'changed.sarif', markdown: 'changed.md', junit: 'changed.xml' },
    })
    expect(out.code).toBe(1)
    const report = readJson(join(dir, 'changed.json')) as ScanReport
    const fresh = report.findings.filter((f) => f.baselineState === 'new')
    expect(fresh.map((f) => [f.ruleId, f.subject.arn])).toEqual([['principal-missing-tag', 'arn:aws:iam::222222222222:role/translator-ecs-task']])
    expect(report.findings.filter((f) => f.baselineState === 'unchanged')).toHaveLength(kept)
    expect(report.summary.baseline!.fixed.map((e) => e.subject)).toEqual(['arn:aws:iam::222222222222:role/summarizer-ecs-task'])
    expect(out.stderr).toContain('fixed: principal-missing-tag  arn:aws:iam::222222222222:role/summarizer-ecs-task')

    // Only the new finding is annotated; SARIF keeps the rest as unchanged (dropping them would close their alerts).
    // (The demo without sso-admin outputs also leaves its permission-set roles not evaluated: one notice says so.)
    const annotations = out.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('::notice title=tagwarden%3A not evaluated::'))
    expect(annotations).toHaveLength(1)
    expect(annotations[0]).toContain('translator-ecs-task')
    const sarif = readJson(join(dir, 'changed.sarif')) as SarifLog
    const states = sarif.runs[0]!.results.map((r) => r.baselineState)
    expect(states.filter((s) => s === 'new')).toHaveLength(1)
    expect(states.filter((s) => s === 'unchanged')).toHaveLength(kept)
    expect(readFileSync(join(dir, 'changed.md'), 'utf8')).toContain(`1 new, ${kept} unchanged, 1 fixed`)
    expect(readFileSync(join(dir, 'changed.xml'), 'utf8')).toMatch(/failures="1"/)

    // The JSON with a baseline still satisfies the published report schema.
    const ajv = new Ajv({ strict: false, allErrors: true })
    addFormats(ajv)
    const validate = ajv.compile(readJson(join(REPO_ROOT, 'schemas/report.schema.json')) as object)
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)

    // --sarif-new-only keeps just the new one.
    await scan({ inputs: [changed], baseline, extraOutputs: { sarif: 'new-only.sarif' }, output: join(dir, 'x.json'), sarif: { newOnly: true } })
    expect((readJson(join(dir, 'new-only.sarif')) as SarifLog).runs[0]!.results).toHaveLength(1)
  })

  it('baseline create from a scan equals the one from its JSON result', async () => {
    const results = join(dir, 'r2.json')
    await scan({ inputs: DEMO_INPUTS, output: results })
    let fromScan = ''
    let fromJson = ''
    await runBaselineCreate({ inputs: DEMO_INPUTS, output: '-', now: NOW, stdout: (s) => (fromScan += s), stderr: () => undefined })
    await runBaselineCreate({ from: results, inputs: [], output: '-', stdout: (s) => (fromJson += s), stderr: () => undefined })
    const strip = (t: string): unknown => ({ ...(JSON.parse(t) as object), source: undefined })
    expect(strip(fromScan)).toEqual(strip(fromJson))
  })

  it('refuses to make a baseline from nothing or from both sources', async () => {
    expect(await usageCode(runBaselineCreate({ inputs: [], output: '-' }))).toBe('baseline-no-source')
    expect(await usageCode(runBaselineCreate({ from: 'a.json', inputs: ['x'], output: '-' }))).toBe('baseline-from-and-input')
    expect(await usageCode(runBaselineCreate({ from: join(REPO_ROOT, 'package.json'), inputs: [], output: '-' }))).toBe('report-invalid')
  })
})

describe('gate flags', () => {
  it('--fail-on-rule fails on that rule whatever --fail-on says; --skip-rule removes a rule everywhere', async () => {
    const all = await scan({ inputs: DEMO_INPUTS, failOn: 'never' })
    expect(all.code).toBe(0)
    expect((await scan({ inputs: DEMO_INPUTS, failOn: 'never', failOnRules: ['federated-role-session-name'] })).code).toBe(1)
    // Skip every rule with an error finding: the gate passes, and those rules' warnings (untagged-bedrock-spend has both) go too.
    const findings = (JSON.parse(all.stdout) as ScanReport).findings
    const errorRules = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.ruleId))]
    expect(errorRules).toEqual(expect.arrayContaining(['principal-missing-tag', 'untagged-bedrock-spend']))
    expect(findings.some((f) => f.ruleId === 'untagged-bedrock-spend' && f.severity === 'warning')).toBe(true)
    const skipped = await scan({ inputs: DEMO_INPUTS, skipRules: errorRules })
    expect(skipped.code).toBe(0)
    const r = JSON.parse(skipped.stdout) as ScanReport
    const rest = new Set(findings.map((f) => f.ruleId).filter((id) => !errorRules.includes(id)))
    expect(rest.size).toBeGreaterThan(0)
    expect(new Set(r.findings.map((f) => f.ruleId))).toEqual(rest)
    expect(r.findings).toHaveLength(findings.filter((f) => rest.has(f.ruleId)).length)
  })

  it('rejects unknown rule IDs, output collisions and SARIF flags without SARIF before scanning', async () => {
    expect(await usageCode(scan({ inputs: DEMO_INPUTS, skipRules: ['principal-missing-tags'] }))).toBe('unknown-rule')
    expect(await usageCode(scan({ inputs: DEMO_INPUTS, failOnRules: ['nope'] }))).toBe('unknown-rule')
    expect(await usageCode(scan({ inputs: DEMO_INPUTS, output: 'a.json', extraOutputs: { sarif: 'a.json' } }))).toBe('output-collision')
    expect(await usageCode(scan({ inputs: DEMO_INPUTS, sarif: { category: 'x' } }))).toBe('sarif-flag-without-sarif')
    expect(await usageCode(scan({ inputs: DEMO_INPUTS, extraOutputs: { sarif: 's.sarif' }, sarif: { newOnly: true } }))).toBe('sarif-new-only-without-baseline')
    expect(await usageCode(scan({ inputs: DEMO_INPUTS, baseline: join(dir, 'none.json') }))).toBe('baseline-unreadable')
  })

  it('splits SARIF per account into a folder', async () => {
    const out = await scan({ inputs: DEMO_INPUTS, output: join(dir, 'split.json'), extraOutputs: { sarif: 'split' }, sarif: { splitByAccount: true, category: 'audit' } })
    expect(out.code).toBe(1)
    for (const key of ['111111111111', '222222222222', '333333333333', 'org']) {
      const log = readJson(join(dir, 'split', `tagwarden-${key}.sarif`)) as SarifLog
      expect(log.runs[0]!.automationDetails).toEqual({ id: `audit/${key}/` })
    }
  })
})

describe('diff', () => {
  it('reports new, fixed and still-open findings by fingerprint', async () => {
    const changed = changedDemo()
    const before = join(dir, 'before.json')
    const after = join(dir, 'after.json')
    await scan({ inputs: DEMO_INPUTS, output: before })
    await scan({ inputs: [changed], output: after })
    const d = diffReports(parseReport(readFileSync(before, 'utf8'), before), parseReport(readFileSync(after, 'utf8'), after))
    expect(d.added.map((f) => f.subject.arn)).toEqual(['arn:aws:iam::222222222222:role/translator-ecs-task'])
    expect(d.fixed.map((f) => f.subject.arn)).toEqual(['arn:aws:iam::222222222222:role/summarizer-ecs-task'])
    // Everything else is still open, spend and org-wide findings included.
    const open = (readJson(before) as ScanReport).findings.length - 1
    expect(d.open).toHaveLength(open)
    expect(d.open.map((f) => f.subject.kind)).toEqual(expect.arrayContaining(['account', 'org', 'tag-key']))
    const md = formatDiffMarkdown(d)
    expect(md).toContain(`| 1 | 1 | ${open} |`)
    expect(md).toContain('| [`principal-missing-tag`](https://github.com/tagwarden/tagwarden/blob/main/docs/rules/principal-missing-tag.md) | 1 | 1 | 3 |')
    expect(md).toContain('<details open>\n<summary>New findings (1)</summary>')

    let text = ''
    expect(runDiff({ old: before, new: after, format: 'text', stdout: (s) => (text += s) })).toBe(0)
    expect(text).toContain(`new 1, fixed 1, still open ${open}`)
    expect(runDiff({ old: before, new: after, format: 'json', failOnNew: true, stdout: () => undefined })).toBe(1)
    expect(runDiff({ old: after, new: after, format: 'markdown', failOnNew: true, stdout: () => undefined })).toBe(0)
    let json = ''
    runDiff({ old: before, new: after, format: 'json', stdout: (s) => (json += s) })
    expect((JSON.parse(json) as { counts: unknown }).counts).toEqual({ new: 1, fixed: 1, open })
  })

  it('ignores suppressed findings on both sides', () => {
    const sup = demo.findings.map((f, i) => (i === 0 ? { ...f, suppressed: { kind: 'exception' as const, reason: 'r' } } : f))
    const d = diffReports(demo, { ...demo, findings: sup })
    expect(d.fixed).toHaveLength(1)
    expect(d.added).toHaveLength(0)
  })

  it('rejects files that are not JSON results, naming SARIF when it sees one', () => {
    expect(() => parseReport('{"version":"2.1.0","runs":[]}', 'x.sarif')).toThrow(/looks like SARIF/)
    expect(() => parseReport('{"schemaVersion":"1.0","findings":[{}],"summary":{}}', 'x.json')).toThrow(/findings\[0\]/)
  })
})
