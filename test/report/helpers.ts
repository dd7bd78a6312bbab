/** Shared fixtures for reporter tests: the demo snapshot scanned once per test file, with a fixed clock. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Finding, ScanReport } from '../../src/model/finding.js'
import { runScan } from '../../src/pipeline/scan.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { costExplorerFileSource } from '../../src/scanners/cost-explorer/files.js'
import { loadRulesConfig } from '../../src/config/load.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { fingerprintOf } from '../../src/model/fingerprint.js'
import { RULE_META } from '../../src/rules/index.js'
import { reportRules, type ReportRule } from '../../src/report/report-rule.js'

const HERE = dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = resolve(HERE, '../..')
export const DEMO = join(REPO_ROOT, 'examples/demo-org')
export const NOW = new Date('2026-01-01T00:00:00Z')
/**
 * The demo's IAM snapshots and saved Cost Explorer outputs, folder by folder: the reporter tests and their
 * golden files cover these, and do not change when other material (a CUR export, say) is added to the demo.
 */
export const DEMO_INPUTS = ['organization', '111111111111', '222222222222', '333333333333', 'billing'].map((d) => join(DEMO, d))

/** The shared schemas live next to the repository (`../shared`), not in it; absent outside this workspace. */
export const SHARED_SCHEMAS = resolve(REPO_ROOT, '../shared/schemas')
export const GITHUB_SARIF_SCHEMA = join(SHARED_SCHEMAS, 'sarif-schema-2.1.0.github.json')
export const OASIS_SARIF_SCHEMA = join(SHARED_SCHEMAS, 'sarif-schema-2.1.0.oasis.json')
export const HAS_SHARED = existsSync(GITHUB_SARIF_SCHEMA) && existsSync(OASIS_SARIF_SCHEMA)

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}

/**
 * The demo as `tagwarden scan --input` sees it: the IAM snapshots plus the saved Cost Explorer outputs in
 * `billing/`, which add account- and org-level spend findings (subjects without an ARN).
 */
export async function scanDemo(inputs: string[] = DEMO_INPUTS, config?: ResolvedConfig): Promise<{ report: ScanReport; rules: ReportRule[]; config: ResolvedConfig }> {
  // cwd: this folder, so a stray tagwarden.yaml elsewhere cannot change the rules under test.
  const cfg = config ?? loadRulesConfig({ builtins: RULE_META, cwd: HERE })
  const report = await runScan({ config: cfg, sources: [snapshotSource(inputs)], spend: costExplorerFileSource(), now: NOW })
  return { report, rules: reportRules(report, cfg.rules), config: cfg }
}

/** test/fixtures/demo-expected.json, as far as these tests read it. */
interface DemoExpected {
  mustFlag: Array<{ ruleId: string; principalArn: string; tagKey?: string }>
}

/** `rule | subject | tag key` of a finding: the ARN for principals and permission sets, `account:<id>` or `org` for spend subjects. */
export function demoFindingKey(f: Pick<Finding, 'ruleId' | 'subject' | 'principalArn'>): string {
  const s = f.subject
  const who = f.principalArn ?? (s.kind === 'account' ? `account:${s.accountId ?? '?'}` : s.kind === 'org' ? 'org' : s.kind === 'permission-set' ? (s.arn ?? '') : '')
  return `${f.ruleId} | ${who} | ${s.tagKey ?? ''}`
}

/**
 * The findings from `billing/` (saved Cost Explorer outputs, read by `scan --input`): untagged Bedrock spend
 * over the error threshold in 222222222222 and over the warning threshold in 333333333333 and for the
 * organization as a whole (examples/demo-org/README.md). demo-expected.json lists only the IAM findings.
 */
export const DEMO_SPEND_FINDINGS = [
  { key: 'untagged-bedrock-spend | account:222222222222 | team', severity: 'error' },
  { key: 'untagged-bedrock-spend | account:333333333333 | team', severity: 'warning' },
  { key: 'untagged-bedrock-spend | org | team', severity: 'warning' },
] as const

/**
 * The sorted keys (`demoFindingKey`) that `scan --input examples/demo-org` must report: the mustFlag entries
 * of test/fixtures/demo-expected.json plus the spend findings. `demoRules: false` is the bundled rules, which
 * set no allowed values, so `tag-value-not-allowed` (which needs examples/demo-org/tagwarden.yaml) cannot fire.
 * `identityCenter: false`: the inputs leave out `identity-center/` (`DEMO_INPUTS`), so no permission set is judged.
 */
export function expectedDemoKeys(opts: { demoRules: boolean; spend: boolean; identityCenter?: boolean }): string[] {
  const expected = readJson(join(REPO_ROOT, 'test/fixtures/demo-expected.json')) as DemoExpected
  const iam = expected.mustFlag
    .filter((e) => opts.demoRules || e.ruleId !== 'tag-value-not-allowed')
    .filter((e) => opts.identityCenter !== false || e.ruleId !== 'identity-center-session-tags')
  const keys = iam.map((e) => `${e.ruleId} | ${e.principalArn} | ${e.tagKey ?? ''}`)
  if (opts.spend) keys.push(...DEMO_SPEND_FINDINGS.map((e) => e.key))
  return keys.sort()
}

/** A synthetic finding (for edge cases the demo does not contain). */
export function finding(over: Partial<Finding> & Pick<Finding, 'subject'>): Finding {
  const ruleId = over.ruleId ?? 'principal-missing-tag'
  return {
    ruleId,
    severity: 'error',
    message: 'Something is wrong.',
    messageId: 'm',
    data: {},
    evidence: {},
    fingerprint: fingerprintOf(ruleId, over.subject, over.subject.tagKey),
    ...over,
  }
}

/** A report around the given findings, with the demo's summary shape. */
export function reportWith(base: ScanReport, findings: Finding[], errors: ScanReport['errors'] = []): ScanReport {
  return { ...base, findings, errors }
}
