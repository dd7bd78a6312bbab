/** Shared fixtures for reporter tests: the demo snapshot scanned once per test file, with a fixed clock. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Finding, ScanReport } from '../../src/model/finding.js'
import { runScan } from '../../src/pipeline/scan.js'
import { snapshotSource } from '../../src/pipeline/snapshot-source.js'
import { loadRulesConfig } from '../../src/rules/config.js'
import type { ResolvedConfig } from '../../src/rules/config-types.js'
import { fingerprintOf } from '../../src/rules/fingerprint.js'
import { RULE_META } from '../../src/rules/index.js'
import { reportRules, type ReportRule } from '../../src/report/index.js'

const HERE = dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = resolve(HERE, '../..')
export const DEMO = join(REPO_ROOT, 'examples/demo-org')
export const NOW = new Date('2026-01-01T00:00:00Z')

/** The shared schemas live next to the repository (`../shared`), not in it; absent outside this workspace. */
export const SHARED_SCHEMAS = resolve(REPO_ROOT, '../shared/schemas')
export const GITHUB_SARIF_SCHEMA = join(SHARED_SCHEMAS, 'sarif-schema-2.1.0.github.json')
export const OASIS_SARIF_SCHEMA = join(SHARED_SCHEMAS, 'sarif-schema-2.1.0.oasis.json')
export const HAS_SHARED = existsSync(GITHUB_SARIF_SCHEMA) && existsSync(OASIS_SARIF_SCHEMA)

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}

export async function scanDemo(inputs: string[] = [DEMO], config?: ResolvedConfig): Promise<{ report: ScanReport; rules: ReportRule[]; config: ResolvedConfig }> {
  // cwd: this folder, so a stray tagwarden.yaml elsewhere cannot change the rules under test.
  const cfg = config ?? loadRulesConfig({ builtins: RULE_META, cwd: HERE })
  const report = await runScan({ config: cfg, sources: [snapshotSource(inputs)], now: NOW })
  return { report, rules: reportRules(report, cfg.rules), config: cfg }
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
