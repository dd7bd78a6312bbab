/**
 * Child process of the live benchmark: `scan --org` through tagwarden's live source against the fake AWS
 * (endpoint and caller keys in argv as JSON), with the SDK's own retry back-off. Prints one JSON line.
 */
import { liveSource } from '../../src/sources/live.js'
import { runScan } from '../../src/pipeline/scan.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'

export interface LiveChildInput {
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  concurrency: number
}

export interface LiveChildReport {
  wallSeconds: number
  /** Caller identity and Organizations discovery (accounts, OU paths, SCPs), before any account is read. */
  discoverySeconds: number
  accounts: { scanned: number; failed: number }
  /** Calls per operation (a call is one SDK operation; its retries are counted separately). */
  calls: Record<string, number>
  retries: Record<string, number>
  totalCalls: number
  /** Calls made to read each account (AssumeRole and IAM), from the live source's counter. */
  callsPerAccount: { min: number; max: number; mean: number }
  principals: number
  findings: number
  errors: string[]
}

const input = JSON.parse(process.argv[2] ?? '{}') as LiveChildInput
const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
const live = liveSource({
  org: true,
  endpoint: input.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
  env: {},
  concurrency: input.concurrency,
  quiet: true,
  runId: 'bench',
})
let discoverySeconds = 0
const source: typeof live = {
  ...live,
  async prepare(index) {
    const t = performance.now()
    const r = await live.prepare(index)
    discoverySeconds = (performance.now() - t) / 1000
    return r
  },
}
const started = performance.now()
const report = await runScan({ config, sources: [source], now: new Date('2026-11-26T00:00:00Z') })
const wallSeconds = (performance.now() - started) / 1000
const stats = source.stats()
// Per account: what reading it costs (AssumeRole and IAM); Organizations discovery is counted once, apart.
const perAccount = Object.entries(stats.calls.byAccount)
  .filter(([id]) => /^\d{12}$/.test(id))
  .map(([, ops]) => Object.entries(ops).reduce((n, [op, c]) => (op.startsWith('iam:') || op === 'sts:AssumeRole' ? n + c : n), 0))
const out: LiveChildReport = {
  wallSeconds,
  discoverySeconds,
  accounts: { scanned: stats.accounts.scanned, failed: stats.accounts.failed },
  calls: stats.calls.calls,
  retries: stats.calls.retries,
  totalCalls: stats.calls.total,
  callsPerAccount: {
    min: Math.min(...perAccount),
    max: Math.max(...perAccount),
    mean: perAccount.reduce((a, b) => a + b, 0) / Math.max(1, perAccount.length),
  },
  principals: report.summary.principals.users + report.summary.principals.roles,
  findings: report.findings.length,
  errors: report.errors.map((e) => `${e.code}: ${e.message}`).slice(0, 5),
}
process.stdout.write(`${JSON.stringify(out)}\n`)
