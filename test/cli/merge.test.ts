/**
 * `tagwarden merge` end to end: shard aggregates of the demo organization (phase one of each shard's
 * accounts), merged by the CLI (in-process), give the findings of one unsharded scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { runScan } from '../../src/pipeline/scan.js'
import { runShardScan } from '../../src/pipeline/shard-merge.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import type { ScanReport } from '../../src/model/finding.js'
import { runCli } from './run-cli.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const NOW = new Date('2026-11-26T00:00:00Z')
let dir: string
let unsharded: ScanReport

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tw-merge-'))
  const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
  // Each "shard" reads a disjoint part of the organization, as --shard K/N does for live scans.
  const parts = [['111111111111', 'organization'], ['222222222222'], ['333333333333']]
  for (const [k, folders] of parts.entries()) {
    const { aggregate } = await runShardScan({ config, sources: [snapshotSource(folders.map((f) => join(DEMO, f)))], now: NOW, shard: { k: k + 1, n: parts.length } })
    writeFileSync(join(dir, `shard-${k + 1}.json`), JSON.stringify(aggregate))
  }
  unsharded = await runScan({ config, sources: [snapshotSource(['111111111111', '222222222222', '333333333333', 'organization'].map((f) => join(DEMO, f)))], now: NOW })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tagwarden merge', () => {
  it('merges three shard aggregates into the findings of one scan, with scan-like outputs and exit code', async () => {
    const r = await runCli(['merge', join(dir, 'shard-1.json'), join(dir, 'shard-2.json'), join(dir, 'shard-3.json'), '--format', 'json', '--now', '2026-11-26'])
    expect(r.status).toBe(1)
    const merged = JSON.parse(r.stdout) as ScanReport
    expect(merged.errors).toEqual([])
    expect(merged.findings.map((f) => f.fingerprint).sort()).toEqual(unsharded.findings.map((f) => f.fingerprint).sort())
    // The cross-account gateway target (gateway in 111…, target in 222…) is resolved across shards.
    expect(merged.findings.some((f) => f.ruleId === 'gateway-target-session-tags')).toBe(true)
  })

  it('reports a missing shard as an incomplete result (exit 2)', async () => {
    const r = await runCli(['merge', join(dir, 'shard-1.json'), join(dir, 'shard-3.json'), '--format', 'json', '--now', '2026-11-26'])
    expect(r.status).toBe(2)
    expect((JSON.parse(r.stdout) as ScanReport).errors.map((e) => e.code)).toContain('shard-missing')
  })

  it('rejects a file that is not an aggregate with a usage error', async () => {
    const bad = join(dir, 'not-an-aggregate.json')
    writeFileSync(bad, '{"hello": 1}')
    const r = await runCli(['merge', bad])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/not a tagwarden shard aggregate/)
  })
})
