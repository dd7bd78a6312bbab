/**
 * `tagwarden merge` end to end: shard aggregates of the demo organization (phase one of each shard's
 * accounts), merged by the CLI (in-process), give the findings of one unsharded scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUNDLED_RULES_PATH, loadRulesConfig, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { runConfiguredScan } from '../../src/cli/scan-command.js'
import { RULE_META } from '../../src/rules/index.js'
import { runScan } from '../../src/pipeline/scan.js'
import { runShardScan } from '../../src/pipeline/shard-merge.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import type { ScanReport } from '../../src/model/finding.js'
import { REPO, runCli } from './run-cli.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

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

describe('tagwarden merge --cur', () => {
  const rules = join(DEMO, 'tagwarden.yaml')
  const cur = join(DEMO, 'cur/parquet')
  // The IAM side of the demo (Identity Center included); the saved Cost Explorer outputs are left out of the
  // single scan because merge reads none, and they would clip the CUR to their period.
  const iam = [['111111111111', 'organization', 'identity-center'], ['222222222222'], ['333333333333']]
  let shardFiles: string[]
  let single: ScanReport

  beforeAll(async () => {
    const config = loadRulesConfig({ builtins: RULE_META, rulesPath: rules })
    shardFiles = []
    for (const [k, folders] of iam.entries()) {
      const { aggregate } = await runShardScan({ config, sources: [snapshotSource(folders.map((f) => join(DEMO, f)))], now: NOW, shard: { k: k + 1, n: iam.length } })
      shardFiles.push(join(dir, `cur-shard-${k + 1}.json`))
      writeFileSync(shardFiles[k]!, JSON.stringify(aggregate))
    }
    single = (await runConfiguredScan({ inputs: iam.flat().map((f) => join(DEMO, f)), cur, rules, now: NOW.toISOString(), cwd: REPO })).report
  })

  it('computes the ledger over the merged shards: the single scan’s, to the cent, in a schema-valid report', async () => {
    const r = await runCli(['merge', ...shardFiles, '--cur', cur, '--rules', rules, '--format', 'json', '--fail-on', 'never', '--now', NOW.toISOString()])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const merged = JSON.parse(r.stdout) as ScanReport
    expect(merged.errors).toEqual([])
    expect(single.ledger).toBeDefined()
    expect(merged.ledger).toEqual(single.ledger)
    // The accounts of every shard are known, so nothing is booked to account-not-scanned.
    expect(merged.ledger!.byCause.map((c) => c.cause)).not.toContain('account-not-scanned')
    expect(merged.findings.map((f) => [f.fingerprint, f.spend?.recoverable ?? null]).sort()).toEqual(single.findings.map((f) => [f.fingerprint, f.spend?.recoverable ?? null]).sort())
    // Identity Center travels in the aggregate, so the merged summary equals the single scan's.
    expect(merged.summary).toEqual(single.summary)
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')) as object)
    expect(validate(merged), ajv.errorsText(validate.errors)).toBe(true)
  })

  it('a shard alone would book the other shards’ accounts as not scanned, which is why --shard refuses --cur', async () => {
    const config = loadRulesConfig({ builtins: RULE_META, rulesPath: rules })
    const { mergeShards, parseAggregate } = await import('../../src/pipeline/shard-merge.js')
    const { curSourceFromFlag } = await import('../../src/cli/scan-command.js')
    const curLoad = await (await curSourceFromFlag(cur, { stderr: () => {} }))!.load({ tagKeys: config.settings.requiredTags.map((t) => t.key), now: NOW })
    const alone = mergeShards([parseAggregate(readFileSync(shardFiles[0]!, 'utf8'), 'shard-1.json')].map((a) => ({ ...a, shard: '1/1' })), config, NOW, curLoad)
    expect(alone.ledger!.total).toBe(single.ledger!.total)
    expect(alone.ledger!.byCause.find((c) => c.cause === 'account-not-scanned')?.amount ?? 0).toBeGreaterThan(0)
    const r = await runCli(['scan', '--org', '--shard', '1/3', '--cur', cur, '--now', NOW.toISOString()])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--cur cannot be combined with --shard/)
    const ce = await runCli(['scan', '--org', '--shard', '1/3', '--cost-explorer', '--now', NOW.toISOString()])
    expect(ce.status).toBe(2)
    expect(ce.stderr).toMatch(/--cost-explorer cannot be combined with --shard/)
  })

  it('validates --cur before reading any shard', async () => {
    const r = await runCli(['merge', join(dir, 'no-such-shard.json'), '--cur', 'ftp://x/y'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/unknown scheme/)
  })
})
