import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Ajv } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ScanReport } from '../../src/model/finding.js'
import { reportRules, type ReportRule } from '../../src/report/report-rule.js'
import {
  FINGERPRINT_KEY,
  githubIngestionProblems,
  renderSarif,
  renderSarifByAccount,
  sarifFindings,
  type SarifLog,
  type SarifOptions,
} from '../../src/report/sarif.js'
import { loadRulesConfig } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { DEMO_INPUTS, GITHUB_SARIF_SCHEMA, HAS_SHARED, OASIS_SARIF_SCHEMA, finding, readJson, reportWith, scanDemo } from './helpers.js'

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default

type Validate = (doc: unknown) => string[]

/** upload-sarif's schema copy (draft 2020-12, with its known `region.properties.anyOf` quirk) and the OASIS errata01 one (draft-04). */
function validators(): { github: Validate; oasis: Validate } {
  const wrap =
    (v: { (d: unknown): boolean; errors?: Array<{ instancePath: string; message?: string }> | null }): Validate =>
    (doc) =>
      v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
  const a2020 = new Ajv2020({ strict: false, allErrors: true, validateSchema: false })
  addFormats(a2020)
  const github = wrap(a2020.compile(readJson(GITHUB_SARIF_SCHEMA) as object))
  // Ajv has no draft-04 mode; this schema uses only draft-04 features that draft-07 reads the same way once `id` is `$id`.
  const oasisSchema = readJson(OASIS_SARIF_SCHEMA) as Record<string, unknown>
  const { $schema: _drop, id, ...rest } = oasisSchema
  const a7 = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  addFormats(a7)
  const oasis = wrap(a7.compile({ ...rest, $id: id as string }))
  return { github, oasis }
}

let demo: ScanReport
let rules: ReportRule[]
let v: { github: Validate; oasis: Validate } | undefined

beforeAll(async () => {
  ;({ report: demo, rules } = await scanDemo())
  if (HAS_SHARED) v = validators()
})

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog
}

/** Every SARIF variant the tool can write, built from the demo plus synthetic subjects it lacks. */
function variants(): Array<[string, string]> {
  const iac = finding({
    ruleId: 'principal-missing-tag',
    subject: { kind: 'role', arn: 'arn:aws:iam::111111111111:role/app', accountId: '111111111111', name: 'app', file: 'infra/app stack.yaml', line: 12, column: 5, logicalId: 'AppRole' },
  })
  const tagKey = finding({ ruleId: 'tag-value-not-allowed', severity: 'note', subject: { kind: 'tag-key', tagKey: 'cost center:a/b' } })
  const account = finding({ ruleId: 'principal-missing-tag', severity: 'warning', subject: { kind: 'account', accountId: '222222222222', name: 'cost-allocation' } })
  const org = finding({ ruleId: 'gateway-direct-invoke', subject: { kind: 'org' } })
  const suppressed = { ...demo.findings[0]!, suppressed: { kind: 'exception' as const, reason: 'migrating in Q3', source: 'tagwarden.yaml:3:5' } }
  const baselined = demo.findings.map((f, i) => ({ ...f, baselineState: i % 2 === 0 ? ('unchanged' as const) : ('new' as const) }))
  const withErrors = reportWith(demo, demo.findings, [{ source: 'x.json', accountId: '111111111111', code: 'bad-json', message: 'Unexpected token' }])
  const mixed = reportWith(demo, [...demo.findings.slice(1), suppressed, iac, tagKey, account, org])
  const out: Array<[string, string]> = [
    ['demo', renderSarif(demo, rules).text],
    ['demo with category', renderSarif(demo, rules, { category: 'tagwarden/prod' }).text],
    ['all subject kinds', renderSarif(mixed, rules, { sourceRoot: '/repo' }).text],
    ['suppressed included', renderSarif(mixed, rules, { includeSuppressed: true }).text],
    ['baseline states', renderSarif(reportWith(demo, baselined), rules).text],
    ['baseline new only', renderSarif(reportWith(demo, baselined), rules, { newOnly: true }).text],
    ['input errors', renderSarif(withErrors, rules).text],
    ['truncated by count', renderSarif(demo, rules, { maxResults: 3 }).text],
    ['no findings', renderSarif(reportWith(demo, []), rules).text],
    ['unknown rule ids', renderSarif(demo, []).text],
  ]
  for (const p of renderSarifByAccount(mixed, rules, { category: 'tw' })) out.push([`split ${p.key}`, p.text])
  return out
}

describe('SARIF against the schemas upload-sarif and OASIS enforce', () => {
  it.skipIf(!HAS_SHARED)('every variant validates against the GitHub (2020-12) and OASIS (draft-04) schemas', () => {
    for (const [name, text] of variants()) {
      expect({ name, errors: v!.github(parse(text)) }).toEqual({ name, errors: [] })
      expect({ name, errors: v!.oasis(parse(text)) }).toEqual({ name, errors: [] })
    }
  })

  it.skipIf(!HAS_SHARED)('the validators do reject what upload-sarif rejects (so the test above can fail)', () => {
    const log = parse(renderSarif(demo, rules).text)
    ;(log.runs[0]!.results[0] as unknown as { level: string }).level = 'critical'
    expect(v!.github(log).join()).toMatch(/level/)
    expect(v!.oasis(log).join()).toMatch(/level/)
  })
})

describe('GitHub ingestion rules the schema does not express', () => {
  it('holds for every variant', () => {
    for (const [name, text] of variants()) expect({ name, problems: githubIngestionProblems(parse(text)) }).toEqual({ name, problems: [] })
  })

  it('flags each way GitHub rejects a whole upload', () => {
    const base = (): SarifLog => parse(renderSarif(demo, rules).text)
    const cases: Array<[string, (l: SarifLog) => void, RegExp]> = [
      ['no locations', (l) => delete (l.runs[0]!.results[0] as { locations?: unknown }).locations, /no physical location/],
      ['empty locations', (l) => (l.runs[0]!.results[0]!.locations = []), /no physical location/],
      ['empty uri', (l) => (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = ''), /uri is empty/],
      ['ARN as uri', (l) => (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'arn:aws:iam::111111111111:role/x'), /scheme "arn"/],
      ['https uri', (l) => (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'https://example.com/x'), /scheme "https"/],
      ['space in uri', (l) => (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'a b.yaml'), /whitespace/],
      ['line 0', (l) => (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0), /startLine/],
      ['bad level', (l) => ((l.runs[0]!.results[0] as unknown as { level: string }).level = 'high'), /level/],
      ['security-severity not a number', (l) => (l.runs[0]!.tool.driver.rules[0]!.properties['security-severity'] = 'high'), /security-severity/],
      ['security-severity as number', (l) => (l.runs[0]!.tool.driver.rules[0]!.properties['security-severity'] = 5), /security-severity/],
      ['missing help', (l) => ((l.runs[0]!.tool.driver.rules[0] as unknown as { help: unknown }).help = undefined), /help\.text/],
      ['long description', (l) => (l.runs[0]!.tool.driver.rules[0]!.fullDescription.text = 'x'.repeat(1025)), /longer than 1024/],
      ['too many tags', (l) => (l.runs[0]!.tool.driver.rules[0]!.properties.tags = Array.from({ length: 21 }, (_, i) => `t${i}`)), /tags exceed/],
      ['dangling ruleIndex', (l) => (l.runs[0]!.results[0]!.ruleIndex = 99), /ruleIndex/],
      ['duplicate category', (l) => l.runs.push(l.runs[0]!), /category/],
      ['bad line hash', (l) => (l.runs[0]!.results[0]!.partialFingerprints.primaryLocationLineHash = 'xyz'), /primaryLocationLineHash/],
    ]
    for (const [name, mutate, re] of cases) {
      const log = base()
      mutate(log)
      expect({ name, problems: githubIngestionProblems(log).join('\n') }).toEqual({ name, problems: expect.stringMatching(re) })
    }
  })
})

describe('SARIF results', () => {
  it('has one run with every finding, one physical location each, ARN in logical location and message', () => {
    const log = parse(renderSarif(demo, rules).text)
    expect(log.runs).toHaveLength(1)
    const results = log.runs[0]!.results
    expect(results).toHaveLength(demo.findings.length)
    // The demo has every kind of live subject: principals, API keys, an org-wide tag key, and spend per account and org-wide.
    expect(new Set(results.map((r) => r.properties?.subjectKind))).toEqual(new Set(['user', 'role', 'api-key', 'tag-key', 'account', 'org']))
    for (const r of results) {
      expect(r.locations).toHaveLength(1)
      const loc = r.locations[0]!
      const uri = loc.physicalLocation.artifactLocation.uri
      expect(loc.physicalLocation.region.startLine).toBe(1)
      const props = r.properties as { subjectKind: string; accountId?: string; arn?: string; tagKey?: string }
      const logical = loc.logicalLocations?.[0]?.fullyQualifiedName
      switch (props.subjectKind) {
        case 'user':
        case 'role':
        case 'api-key': {
          expect(uri).toMatch(/^aws\/\d{12}\/iam\/(user|role)\/[^:\s]+$/)
          // `aws/<account>/iam/<type>/<path><name>`, plus `/api-key/<id>` for a key: the ARN's resource, segment for segment.
          const resource = props.arn!.split(':')[5]!
          expect(uri.startsWith(`aws/${props.accountId!}/iam/${resource}`)).toBe(true)
          expect(logical).toMatch(/^arn:aws:iam::\d{12}:(user|role)\//)
          expect(logical).toBe(props.arn)
          expect(r.message.text).toContain(logical)
          break
        }
        case 'tag-key':
          expect(uri).toBe(`aws/org/tags/${props.tagKey!}`)
          expect(logical).toBe(`tag-key/${props.tagKey!}`)
          break
        case 'account':
          expect(uri).toBe(`aws/${props.accountId!}/billing/${r.ruleId}`)
          expect(props.accountId).toMatch(/^\d{12}$/)
          expect(logical).toBe(`account/${props.accountId!}`)
          break
        case 'org':
          expect(uri).toBe(`aws/org/${r.ruleId}`)
          expect(props.accountId).toBeUndefined()
          break
        default:
          throw new Error(`unexpected subject kind ${props.subjectKind}`)
      }
    }
  })

  it('carries the finding fingerprint and a synthetic primaryLocationLineHash for live findings only', () => {
    const iac = finding({ subject: { kind: 'iac-resource', file: 'infra/stack.yaml', line: 7, logicalId: 'Role' } })
    const log = parse(renderSarif(reportWith(demo, [demo.findings[0]!, iac]), rules).text)
    const [live, file] = log.runs[0]!.results
    expect(live!.partialFingerprints[FINGERPRINT_KEY]).toBe(demo.findings[0]!.fingerprint)
    expect(live!.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/)
    expect(file!.partialFingerprints[FINGERPRINT_KEY]).toBe(iac.fingerprint)
    expect(file!.partialFingerprints.primaryLocationLineHash).toBeUndefined()
    expect(file!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'infra/stack.yaml' }, region: { startLine: 7 } })
  })

  it('gives distinct line hashes to distinct findings on the same principal', () => {
    const hashes = parse(renderSarif(demo, rules).text).runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash)
    expect(new Set(hashes).size).toBe(hashes.length)
  })

  it('is byte-identical across runs and across input order', async () => {
    const again = await scanDemo()
    const reversed = await scanDemo([...DEMO_INPUTS].reverse())
    const a = renderSarif(demo, rules).text
    expect(renderSarif(again.report, again.rules).text).toBe(a)
    expect(renderSarif(reversed.report, reversed.rules).text).toBe(a)
  })

  it('leaves suppressed findings out unless asked, then marks them', () => {
    const sup = { ...demo.findings[0]!, suppressed: { kind: 'exception' as const, reason: 'owned by the platform team until June' } }
    const r = reportWith(demo, [sup, ...demo.findings.slice(1)])
    expect(parse(renderSarif(r, rules).text).runs[0]!.results.map((x) => x.partialFingerprints[FINGERPRINT_KEY])).not.toContain(sup.fingerprint)
    const kept = parse(renderSarif(r, rules, { includeSuppressed: true }).text).runs[0]!.results.find((x) => x.partialFingerprints[FINGERPRINT_KEY] === sup.fingerprint)
    expect(kept?.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'owned by the platform team until June' }])
  })

  it('keeps baselined findings as unchanged, or drops them with newOnly', () => {
    const [first, ...others] = demo.findings
    const r = reportWith(demo, [{ ...first!, baselineState: 'new' }, ...others.map((f) => ({ ...f, baselineState: 'unchanged' as const }))])
    const all = parse(renderSarif(r, rules).text).runs[0]!.results
    expect(all.map((x) => x.baselineState)).toEqual(r.findings.map((f) => f.baselineState))
    const fresh = parse(renderSarif(r, rules, { newOnly: true }).text).runs[0]!.results
    expect(fresh.map((x) => x.partialFingerprints[FINGERPRINT_KEY])).toEqual([first!.fingerprint])
  })

  it('sets the category as automationDetails.id, only when asked', () => {
    expect(parse(renderSarif(demo, rules).text).runs[0]!.automationDetails).toBeUndefined()
    expect(parse(renderSarif(demo, rules, { category: 'tagwarden/prod' }).text).runs[0]!.automationDetails).toEqual({ id: 'tagwarden/prod/' })
    expect(parse(renderSarif(demo, rules, { category: 'x/' }).text).runs[0]!.automationDetails).toEqual({ id: 'x/' })
  })

  it('records input errors as notifications and marks the run unsuccessful', () => {
    const r = reportWith(demo, demo.findings, [{ source: 'a.json', code: 'bad-json', message: 'Unexpected token' }])
    const inv = parse(renderSarif(r, rules).text).runs[0]!.invocations[0]!
    expect(inv.executionSuccessful).toBe(false)
    expect(inv.toolExecutionNotifications?.[0]).toEqual({ level: 'error', message: { text: 'bad-json: Unexpected token' } })
  })

  it('records what was not evaluated as note notifications (at most 100, then how many more), the run still successful', () => {
    const base = reportWith(demo, [])
    const entries = Array.from({ length: 102 }, (_, i) => ({ file: `t${i}.yaml`, resource: 'R', reason: 'Custom::X is not modelled' }))
    const inv = parse(renderSarif({ ...base, summary: { ...base.summary, notEvaluated: entries } }, rules).text).runs[0]!.invocations[0]!
    expect(inv.executionSuccessful).toBe(true)
    const notes = inv.toolExecutionNotifications ?? []
    expect(notes).toHaveLength(101)
    expect(notes[0]).toEqual({ level: 'note', message: { text: 'not evaluated: t0.yaml R: Custom::X is not modelled' } })
    expect(notes[100]).toEqual({ level: 'note', message: { text: 'not evaluated: 2 more entries in summary.notEvaluated of the JSON output' } })
    const none = parse(renderSarif({ ...base, summary: { ...base.summary, notEvaluated: [] } }, rules).text).runs[0]!.invocations[0]!
    expect(none.toolExecutionNotifications).toBeUndefined()
  })
})

describe('SARIF rules', () => {
  it('describes every configured rule with the fields GitHub reads', () => {
    const driver = parse(renderSarif(demo, rules).text).runs[0]!.tool.driver
    expect(driver.rules.map((r) => r.id)).toEqual([...RULE_META.keys()])
    for (const r of driver.rules) {
      const meta = RULE_META.get(r.id)!
      expect(r.shortDescription.text).toBe(meta.summary)
      expect(r.fullDescription.text).toContain(meta.rationale.slice(0, 40))
      expect(r.help.markdown).toContain('## Why it matters for Bedrock cost attribution')
      expect(r.help.markdown).toContain('## How to fix')
      expect(r.helpUri).toBe(`https://github.com/tagwarden/tagwarden/blob/main/docs/rules/${r.id}.md`)
      expect(r.defaultConfiguration.level).toBe(meta.defaultSeverity)
      expect(r.properties.tags).toEqual(expect.arrayContaining(meta.tags))
      expect(r.properties.precision).toBe(meta.precision)
    }
    const key = driver.rules.find((r) => r.id === 'bedrock-api-key-long-term')!
    expect(key.properties['security-severity']).toBe('5.0')
    expect(key.properties.tags).toContain('security')
    expect(driver.rules.find((r) => r.id === 'principal-missing-tag')!.properties['security-severity']).toBeUndefined()
  })

  it('points every result at its rule by ruleIndex', () => {
    const run = parse(renderSarif(demo, rules).text).runs[0]!
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId)
  })

  it('emits custom rules from the configuration, described by their base rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwarden-sarif-'))
    try {
      const file = join(dir, 'tagwarden.yaml')
      writeFileSync(file, 'version: 1\ncustom:\n  - id: prod-team-tag\n    extends: principal-missing-tag\n    severity: warning\n')
      const config = loadRulesConfig({ builtins: RULE_META, rulesPath: file })
      const { report } = await scanDemo(undefined, config)
      const log = parse(renderSarif(report, reportRules(report, config.rules)).text)
      const run = log.runs[0]!
      const custom = run.tool.driver.rules.find((r) => r.id === 'prod-team-tag')
      expect(custom).toBeDefined()
      expect(custom!.defaultConfiguration.level).toBe('warning')
      expect(custom!.helpUri).toMatch(/principal-missing-tag\.md$/)
      expect(custom!.fullDescription.text).toMatch(/instance of principal-missing-tag/)
      expect(run.results.filter((r) => r.ruleId === 'prod-team-tag').length).toBeGreaterThan(0)
      expect(githubIngestionProblems(log)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('GitHub limits', () => {
  it('keeps the most severe results within the per-run limit, with a warning and a notification', () => {
    // A limit one above the number of errors: every error is kept, then only the first warning.
    const errors = demo.findings.filter((f) => f.severity === 'error').length
    const limit = errors + 1
    expect(demo.findings.filter((f) => f.severity === 'warning').length).toBeGreaterThan(1)
    const out = renderSarif(demo, rules, { maxResults: limit })
    const run = out.log.runs[0]!
    expect(run.results).toHaveLength(limit)
    expect(run.results.map((r) => r.level)).toEqual([...Array<string>(errors).fill('error'), 'warning'])
    expect(run.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(sarifFindings(demo.findings).slice(0, limit).map((f) => f.fingerprint))
    expect(out.results).toBe(limit)
    expect(out.truncated).toBe(demo.findings.length - limit)
    expect(out.warnings.join()).toMatch(new RegExp(`${demo.findings.length} results exceed GitHub's limit of ${limit}`))
    const left = `left out ${demo.findings.length - limit} of ${demo.findings.length} results`
    expect(run.invocations[0]!.toolExecutionNotifications?.filter((n) => n.message.text.includes(left))).toHaveLength(1)
    expect(githubIngestionProblems(out.log)).toEqual([])
  })

  it('drops results until the gzipped file fits, never writing an oversized file', () => {
    const full = renderSarif(demo, rules)
    const fullSize = gzipSync(full.text).length
    const opts: SarifOptions = { maxGzipBytes: fullSize - 200 }
    const out = renderSarif(demo, rules, opts)
    expect(gzipSync(out.text).length).toBeLessThanOrEqual(fullSize - 200)
    expect(out.results).toBeLessThan(demo.findings.length)
    expect(out.results).toBeGreaterThan(0)
    expect(out.warnings.join()).toMatch(/gzipped limit/)
    expect(githubIngestionProblems(out.log)).toEqual([])
  })
})

describe('SARIF split per account', () => {
  it('writes one run per account plus org, each with its own category, and all findings once', () => {
    const org = finding({ ruleId: 'tag-value-not-allowed', subject: { kind: 'tag-key', tagKey: 'team' } })
    const r = reportWith(demo, [...demo.findings, org])
    const parts = renderSarifByAccount(r, rules, { category: 'tw' })
    expect(parts.map((p) => p.key)).toEqual(['111111111111', '222222222222', '333333333333', 'org'])
    const cats = parts.map((p) => p.log.runs[0]!.automationDetails!.id)
    expect(cats).toEqual(['tw/111111111111/', 'tw/222222222222/', 'tw/333333333333/', 'tw/org/'])
    const fps = parts.flatMap((p) => p.log.runs[0]!.results.map((x) => x.partialFingerprints[FINGERPRINT_KEY]))
    expect(fps.sort()).toEqual(r.findings.map((f) => f.fingerprint).sort())
    for (const p of parts) for (const res of p.log.runs[0]!.results) expect(res.properties?.accountId ?? 'org').toBe(p.key)
  })
})

describe('golden file', () => {
  it('demo SARIF matches the committed golden file', async () => {
    // A golden file refreshed from a scan with input errors would pin those errors (and this machine's paths).
    expect(demo.errors).toEqual([])
    await expect(renderSarif(demo, rules).text).toMatchFileSnapshot('./__golden__/demo.sarif')
  })
})
