/**
 * The rule test-case format and its runner, shared by the project's own rule tests and by
 * `tagwarden rules test DIR` for users' custom rules.
 *
 * A case is one YAML (or JSON) file:
 *
 *   description: flags an untagged Lambda role
 *   rules:                # optional: rules-file content, layered over the bundled defaults
 *     tags: { required: [{ key: team }] }
 *   only: [principal-missing-tag]   # rule IDs under test; findings of other rules are ignored
 *   inputs:               # raw AWS CLI JSON, written to a temporary folder and scanned
 *     - path: 111111111111/auth.json
 *       content: { RoleDetailList: [ … ], UserDetailList: [], GroupDetailList: [], Policies: [] }
 *   expect:               # exactly these findings (of the rules in `only`), in any order
 *     - { ruleId: principal-missing-tag, subject: 'arn:aws:iam::111111111111:role/x', tagKey: team }
 *     # optional per finding: messageId, severity, messageIncludes: [text], suppressed: true|false
 *   expectErrors: [invalid-policy-document]   # optional: error codes that must be reported
 *   cur: cur/                   # optional: a CUR 2.0 export among the inputs (as `scan --cur`), e.g. a CSV file
 *   iac: [template.yaml]        # optional: inputs read as infrastructure as code (as `scan --iac`), not as snapshots
 *
 * `subject` is the principal ARN (or the subject identity for non-principal findings). A finding reported
 * twice (same rule, subject and message data) fails the case whatever it expects.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { loadRulesConfigFromFiles, BUNDLED_RULES_PATH } from '../config/load.js'
import { RULE_META } from '../rules/index.js'
import { subjectIdentity } from '../model/fingerprint.js'
import { runScan } from '../pipeline/scan.js'
import { snapshotSource } from '../sources/snapshot.js'
import { costExplorerFileSource } from '../scanners/cost-explorer/files.js'
import type { Finding, ScanReport, Severity } from '../model/finding.js'

export interface ExpectedFinding {
  ruleId: string
  subject: string
  tagKey?: string
  /** The message template the finding must use (checked when given). */
  messageId?: string
  /** The severity the finding must have (checked when given). */
  severity?: Severity
  /** Substrings the message must contain. */
  messageIncludes?: string[]
  suppressed?: boolean
}

export interface RuleCase {
  file: string
  description: string
  rules?: Record<string, unknown>
  only: string[]
  inputs: Array<{ path: string; content: unknown }>
  expect: ExpectedFinding[]
  expectErrors?: string[]
  now?: string
  /** Path (inside `inputs`) of a CUR 2.0 export, read as `scan --cur`. */
  cur?: string
  /** Paths (inside `inputs`) read as IaC (`scan --iac`): CloudFormation, cdk.out, Terraform plan JSON. */
  iac?: string[]
}

export interface CaseResult {
  case: RuleCase
  passed: boolean
  problems: string[]
  report?: ScanReport
}

export function loadRuleCase(file: string): RuleCase {
  const raw = parseYaml(readFileSync(file, 'utf8')) as Partial<RuleCase> | null
  if (!raw || typeof raw !== 'object') throw new Error(`${file}: a rule case must be a YAML mapping`)
  if (!Array.isArray(raw.inputs) || raw.inputs.length === 0) throw new Error(`${file}: \`inputs\` must list at least one input file`)
  if (!Array.isArray(raw.expect)) throw new Error(`${file}: \`expect\` must be a list (use [] for "no findings")`)
  const only = raw.only ? (Array.isArray(raw.only) ? raw.only : [raw.only as unknown as string]) : [...new Set(raw.expect.map((e) => e.ruleId))]
  if (only.length === 0) throw new Error(`${file}: say which rules are under test with \`only:\``)
  return { file, description: raw.description ?? basename(file), only, inputs: raw.inputs, expect: raw.expect, ...(raw.rules ? { rules: raw.rules } : {}), ...(raw.expectErrors ? { expectErrors: raw.expectErrors } : {}), ...(raw.now ? { now: raw.now } : {}), ...(raw.cur ? { cur: raw.cur } : {}), ...(raw.iac ? { iac: raw.iac } : {}) }
}

function key(ruleId: string, subject: string, tagKey?: string): string {
  return `${ruleId} | ${subject}${tagKey ? ` | ${tagKey}` : ''}`
}

export async function runRuleCase(c: RuleCase, opts: { baseRulesFiles?: string[] } = {}): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tagwarden-case-'))
  try {
    const inputDir = join(dir, 'input')
    for (const input of c.inputs) {
      const target = join(inputDir, input.path)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, typeof input.content === 'string' ? input.content : JSON.stringify(input.content, null, 2))
    }
    const files = [BUNDLED_RULES_PATH, ...(opts.baseRulesFiles ?? [])]
    if (c.rules) {
      const rulesFile = join(dir, 'rules.json')
      writeFileSync(rulesFile, JSON.stringify({ version: 1, ...c.rules }))
      files.push(rulesFile)
    }
    const config = loadRulesConfigFromFiles(files, RULE_META)
    const curModule = c.cur !== undefined ? await import('../scanners/cur/source.js') : undefined
    const cur = curModule && c.cur !== undefined ? curModule.curSource(curModule.parseCurLocation(join(inputDir, c.cur))) : undefined
    const iacPaths = (c.iac ?? []).map((p) => join(inputDir, p))
    const { iacSource } = iacPaths.length > 0 ? await import('../sources/iac.js') : { iacSource: undefined }
    const snapshotFiles = c.inputs.filter((x) => !(c.iac ?? []).includes(x.path) && x.path.endsWith('.json')).map((x) => join(inputDir, x.path))
    const sources = [
      ...(snapshotFiles.length > 0 || iacPaths.length === 0 ? [snapshotSource(iacPaths.length === 0 ? [inputDir] : snapshotFiles)] : []),
      ...(iacSource ? [iacSource(iacPaths, { basePath: inputDir, requiredTagKeys: config.settings.requiredTags.map((t) => t.key) })] : []),
    ]
    const report = await runScan({
      config,
      ...(cur ? { cur } : {}),
      sources,
      spend: costExplorerFileSource(),
      now: new Date(c.now ? `${c.now}T00:00:00Z` : '2026-11-26T00:00:00Z'),
    })
    const problems = compareFindings(c, report.findings)
    const codes = report.errors.map((e) => e.code)
    for (const code of c.expectErrors ?? []) if (!codes.includes(code)) problems.push(`expected an error with code ${code}; got ${codes.join(', ') || 'none'}`)
    if (!c.expectErrors) for (const e of report.errors) problems.push(`unexpected error ${e.code}: ${e.message}`)
    return { case: c, passed: problems.length === 0, problems, report }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** What is wrong with `findings` (of a scan of the case's inputs) against what the case expects; [] when it passes. */
export function compareFindings(c: RuleCase, findings: Finding[]): string[] {
  const problems: string[] = []
  const actual = findings.filter((f) => c.only.includes(f.ruleId))
  const times = new Map<string, number>()
  for (const f of actual) {
    const data = JSON.stringify(Object.entries(f.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    const k = `${key(f.ruleId, subjectIdentity(f.subject), f.subject.tagKey)} | ${data}`
    times.set(k, (times.get(k) ?? 0) + 1)
  }
  for (const [k, n] of times) if (n > 1) problems.push(`duplicated finding (${n} times): ${k}`)
  const byKey = new Map(actual.map((f) => [key(f.ruleId, subjectIdentity(f.subject), f.subject.tagKey), f]))
  const expectedKeys = new Set<string>()
  for (const e of c.expect) {
    const k = key(e.ruleId, e.subject, e.tagKey)
    expectedKeys.add(k)
    const f = byKey.get(k)
    if (!f) {
      problems.push(`missing finding: ${k}`)
      continue
    }
    if (e.messageId !== undefined && f.messageId !== e.messageId) problems.push(`finding ${k}: expected messageId ${e.messageId}; got ${f.messageId}`)
    if (e.severity !== undefined && f.severity !== e.severity) problems.push(`finding ${k}: expected severity ${e.severity}; got ${f.severity}`)
    for (const s of e.messageIncludes ?? []) if (!f.message.includes(s)) problems.push(`finding ${k}: message does not contain "${s}": ${f.message}`)
    if (e.suppressed !== undefined && Boolean(f.suppressed) !== e.suppressed) problems.push(`finding ${k}: expected suppressed=${e.suppressed}`)
  }
  for (const [k] of byKey) if (!expectedKeys.has(k)) problems.push(`unexpected finding: ${k}`)
  return problems
}
