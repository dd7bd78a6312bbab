/** Shared set-up of the live tests: a fake AWS on 127.0.0.1, scans through the real pipeline, and the offline oracle. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScan } from '../../src/pipeline/scan.js'
import { liveSource, type LiveScanOptions, type LiveSource } from '../../src/sources/live.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import type { Finding, ScanReport } from '../../src/model/finding.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { addUserCredentials, startAwsServer, type AwsServer, type FakePrincipal, type World } from '../support/aws-server/index.js'
import { writeWorldSnapshot } from '../support/aws-server/fixtures.js'
import { isAllowedOperation } from '../../src/scanners/live/allowlist.js'

export const NOW = new Date('2026-11-26T00:00:00Z')

export function bundledConfig(): ResolvedConfig {
  return loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
}

export interface LiveHarness {
  server: AwsServer
  caller: FakePrincipal
  options(extra?: Partial<LiveScanOptions>): LiveScanOptions
  scan(extra?: Partial<LiveScanOptions>, config?: ResolvedConfig): Promise<{ report: ScanReport; source: LiveSource }>
  close(): Promise<void>
}

/** Starts the fake AWS on `world` with a caller (an IAM user) in `callerAccount`. */
export async function liveHarness(world: World, callerAccount: string): Promise<LiveHarness> {
  const server = await startAwsServer(world)
  const caller = addUserCredentials(world, callerAccount)
  const options = (extra: Partial<LiveScanOptions> = {}): LiveScanOptions => ({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey },
    env: {},
    retryBaseDelayMs: 2,
    maxAttempts: 4,
    quiet: true,
    runId: 'test',
    ...extra,
  })
  return {
    server,
    caller,
    options,
    async scan(extra = {}, config = bundledConfig()) {
      const source = liveSource(options(extra))
      const report = await runScan({ config, sources: [source], now: NOW })
      return { report, source }
    },
    async close() {
      await server.close()
      assertReadOnly(server)
    }
  }
}

const SDK_SERVICE: Record<string, string> = { iam: 'IAM', sts: 'STS', organizations: 'Organizations', sso: 'SSOAdmin' }

/** Every request the fake AWS received is on the read-only allowlist (checked when each harness closes). */
export function assertReadOnly(server: AwsServer): void {
  const off = server.calls.filter((c) => !isAllowedOperation(SDK_SERVICE[c.service] ?? c.service, c.operation))
  if (off.length > 0) throw new Error(`operations outside the read-only allowlist were called: ${off.map((c) => `${c.service}:${c.operation}`).join(', ')}`)
  // Unknown or expired keys are test scenarios; a bad or missing signature never is.
  const unsigned = server.rejected.filter((r) => !/^(unknown access key|expired credentials)$/.test(r.reason))
  if (unsigned.length > 0) throw new Error(`the fake AWS rejected requests: ${JSON.stringify(unsigned)}`)
}

/** The offline result on the same data: the world written as CLI snapshot files and scanned. */
export async function offlineScan(world: World, accountIds?: string[], config = bundledConfig()): Promise<ScanReport> {
  const dir = await mkdtemp(join(tmpdir(), 'tagwarden-oracle-'))
  try {
    await writeWorldSnapshot(world, dir, accountIds)
    return await runScan({ config, sources: [snapshotSource([dir])], now: NOW })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Findings without anything that names where the data was read from. */
export function comparable(findings: readonly Finding[]): unknown[] {
  return findings.map((f) => ({ ...f, subject: { ...f.subject, file: undefined, line: undefined, column: undefined } }))
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tagwarden-live-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
