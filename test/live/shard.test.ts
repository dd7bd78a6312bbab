/**
 * `--shard K/N` splits an org scan across N runs; `merge` combines their aggregates into the report the
 * unsharded scan gives, resolving gateways found in one shard for targets scanned in another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { finishScan, runPhaseOne, runScan } from '../../src/pipeline/scan.js'
import { liveSource } from '../../src/sources/live.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { inShard, parseShard, shardIndexOf, type Shard } from '../../src/scanners/live/shard.js'
import { mergeShards, parseAggregate, runShardScan, type ShardAggregate } from '../../src/pipeline/shard-merge.js'
import { isTagwardenError } from '../../src/errors.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { emptyWorld, type World } from '../support/aws-server/index.js'
import { SYNTHETIC_GATEWAY, SYNTHETIC_MANAGEMENT, syntheticAccountId, syntheticOrg } from '../support/aws-server/fixtures.js'
import { bundledConfig, comparable, liveHarness, NOW, type LiveHarness } from './helpers.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))

describe('shard assignment', () => {
  it('parses 1-based K/N and rejects anything else', () => {
    expect(parseShard('2/4')).toEqual({ k: 2, n: 4 })
    expect(parseShard(' 1 / 1 ')).toEqual({ k: 1, n: 1 })
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2', '1/1001', '-1/2']) {
      expect(() => parseShard(bad), bad).toThrow(/--shard/)
    }
  })

  it('puts each account in exactly one shard, by its ID alone, evenly enough', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => String(300000000000 + i * 7919))
    const n = 4
    const sizes = [0, 0, 0, 0]
    for (const id of ids) {
      const owners = [1, 2, 3, 4].filter((k) => inShard(id, { k, n }))
      expect(owners).toHaveLength(1)
      sizes[shardIndexOf(id, n)]!++
    }
    for (const s of sizes) expect(s).toBeGreaterThan(400)
    // Stable across runs and independent of the other accounts.
    expect(shardIndexOf('111111111111', 4)).toBe(shardIndexOf('111111111111', 4))
    expect([...'0123'].map((d) => shardIndexOf(`11111111111${d}`, 7))).toEqual([...'0123'].map((d) => shardIndexOf(`11111111111${d}`, 7)))
  })
})

describe('phase one + finishScan', () => {
  it('is runScan cut in two (same report)', async () => {
    const config = bundledConfig()
    const whole = await runScan({ config, sources: [snapshotSource([DEMO])], now: NOW })
    const split = finishScan(await runPhaseOne({ config, sources: [snapshotSource([DEMO])] }), config, NOW)
    expect(split).toEqual(whole)
  })
})

describe('sharded live org scans and merge', () => {
  let world: World
  let h: LiveHarness
  let unsharded: Awaited<ReturnType<LiveHarness['scan']>>['report']
  const ACCOUNTS = 20

  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: ACCOUNTS, targetEvery: 3 })
    h = await liveHarness(world, SYNTHETIC_MANAGEMENT)
    unsharded = (await h.scan({ org: true })).report
  })
  afterAll(() => h.close())

  const runShards = async (n: number, config: ResolvedConfig = bundledConfig()) => {
    const out: Array<{ shard: Shard; report: typeof unsharded; aggregate: ShardAggregate }> = []
    for (let k = 1; k <= n; k++) {
      const shard = { k, n }
      const r = await runShardScan({ config, sources: [liveSource(h.options({ org: true, shard }))], now: NOW, shard })
      // Aggregates travel as files between CI jobs.
      out.push({ shard, report: r.report, aggregate: parseAggregate(JSON.stringify(r.aggregate), `shard-${k}.json`) })
    }
    return out
  }

  it('scans every account in exactly one shard', async () => {
    const shards = await runShards(3)
    const seen = shards.flatMap((s) => s.report.summary.accounts.ids).sort()
    expect(seen).toEqual(unsharded.summary.accounts.ids)
  })

  for (const n of [2, 3, 4]) {
    it(`merges ${n} shards into the unsharded scan's findings and summary`, async () => {
      const shards = await runShards(n)
      // The test means something only if some gateway target sits in another shard than the gateway.
      const gatewayShard = shardIndexOf(SYNTHETIC_MANAGEMENT, n)
      const targets = [3, 6, 9, 12, 15, 18].map(syntheticAccountId)
      expect(targets.some((t) => shardIndexOf(t, n) !== gatewayShard)).toBe(true)
      const merged = mergeShards(
        shards.map((s) => s.aggregate),
        bundledConfig(),
        NOW,
      )
      expect(merged.errors).toEqual([])
      expect(comparable(merged.findings)).toEqual(comparable(unsharded.findings))
      expect(merged.summary).toEqual(unsharded.summary)
    })
  }

  it('needs the merge for cross-shard gateways, unless the gateway is declared by ARN', async () => {
    const n = 2
    const gatewayShard = shardIndexOf(SYNTHETIC_MANAGEMENT, n)
    const other = [3, 6, 9, 12, 15, 18].map(syntheticAccountId).find((t) => shardIndexOf(t, n) !== gatewayShard)!
    const k = shardIndexOf(other, n) + 1
    const target = `arn:aws:iam::${other}:role/bedrock-invoke-per-user`
    const rulesOf = (r: typeof unsharded) => r.findings.filter((f) => f.principalArn === target).map((f) => f.ruleId).sort()
    const alone = (await runShards(n))[k - 1]!.report
    // Without the gateway's shard, the target looks like an ordinary untagged role.
    expect(rulesOf(alone)).toContain('principal-missing-tag')
    expect(rulesOf(alone)).not.toContain('gateway-target-source-identity')
    expect(rulesOf(unsharded)).toContain('gateway-target-source-identity')
    // Declared by ARN in the rules file, the gateway is known to every shard up front.
    const base = bundledConfig()
    const declared: ResolvedConfig = { ...base, settings: { ...base.settings, gateways: { ...base.settings.gateways, arns: [SYNTHETIC_GATEWAY] } } }
    const withDecl = (await runShards(n, declared))[k - 1]!.report
    expect(rulesOf(withDecl)).toContain('gateway-target-source-identity')
    expect(rulesOf(withDecl)).not.toContain('principal-missing-tag')
  })

  it('reports a missing shard, and refuses duplicates and other settings', async () => {
    const shards = await runShards(3)
    const partial = mergeShards([shards[0]!.aggregate, shards[2]!.aggregate], bundledConfig(), NOW)
    expect(partial.errors.map((e) => [e.code, e.message])).toEqual([['shard-missing', expect.stringContaining('shard 2/3')]])
    const fail = (f: () => unknown): string => {
      try {
        f()
      } catch (e) {
        return isTagwardenError(e) ? e.code : String(e)
      }
      return 'no error'
    }
    expect(fail(() => mergeShards([shards[0]!.aggregate, shards[0]!.aggregate], bundledConfig(), NOW))).toBe('merge-duplicate-shard')
    const base = bundledConfig()
    const other: ResolvedConfig = { ...base, settings: { ...base.settings, requiredTags: [{ key: 'cost-center' }] as ResolvedConfig['settings']['requiredTags'] } }
    expect(fail(() => mergeShards(shards.map((s) => s.aggregate), other, NOW))).toBe('merge-settings-mismatch')
    expect(fail(() => parseAggregate('{"kind":"something-else"}', 'x.json'))).toBe('merge-input-invalid')
  })
})
