/**
 * Phase one on worker threads (src/pipeline/phase-one-workers.ts): the same report as in-thread, errors
 * included; a worker that cannot start means in-thread; a worker that dies fails the scan instead of
 * hanging it; the accounts in flight stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { runPhaseOne, runScan, type PhaseOneThreads } from '../../src/pipeline/scan.js'
import { phaseOneWorkerCount } from '../../src/pipeline/phase-one-workers.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { syntheticAccountId, writeSyntheticSnapshot } from '../../bench/synthetic-org.js'

const NOW = new Date('2026-11-26T00:00:00Z')
const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
const demoConfig = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(DEMO, 'tagwarden.yaml')], RULE_META)

/** Two workers even for a small snapshot. */
const FORCED: PhaseOneThreads = { jobs: 2 }

let dir: string
let org: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagwarden-workers-'))
  org = join(dir, 'org')
  await writeSyntheticSnapshot(org, { accounts: 7, principals: 60, seed: 7 })
  // One account with a file that is not JSON, one with a file that is not an AWS export.
  await writeFile(join(org, syntheticAccountId(2), 'broken.json'), '{"UserDetailList": [', 'utf8')
  await writeFile(join(org, syntheticAccountId(4), 'other.json'), '{"hello": 1}', 'utf8')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const scan = (inputs: string[], threads: PhaseOneThreads, c = config) => runScan({ config: c, sources: [snapshotSource(inputs)], now: NOW, threads })

describe('phase one on worker threads', () => {
  it('gives the in-thread report for a synthetic organization, errors of bad files included', async () => {
    const inThread = await scan([org], { jobs: 1 })
    const pooled = await scan([org], FORCED)
    expect(inThread.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['invalid-json', 'unrecognised-input']))
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(inThread))
  })

  it('gives the in-thread report for the demo organization', async () => {
    const inThread = await scan([DEMO], { jobs: 1 }, demoConfig)
    const pooled = await scan([DEMO], { jobs: 3 }, demoConfig)
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(inThread))
  })

  it('builds the same org index, and shares one capability object per distinct result and worker', async () => {
    const a = await runPhaseOne({ config, sources: [snapshotSource([org])], threads: { jobs: 1 } })
    const b = await runPhaseOne({ config, sources: [snapshotSource([org])], threads: FORCED })
    expect(a.threads).toBeUndefined()
    expect(b.threads).toBe(2)
    expect(b.index).toEqual(a.index)
    expect([...b.index.tagKeyVariants.keys()]).toEqual([...a.index.tagKeyVariants.keys()])
    expect(b.facts).toEqual(a.facts)
    const distinct = (facts: typeof a.facts) => new Set(facts.map((f) => f.capability)).size
    expect(distinct(b.facts)).toBeLessThanOrEqual(2 * distinct(a.facts))
  })

  it('keeps at most perWorker × workers accounts in flight', async () => {
    const p = await runPhaseOne({ config, sources: [snapshotSource([org])], threads: { jobs: 2, perWorker: 1 } })
    expect(p.maxInFlight).toBeGreaterThan(0)
    expect(p.maxInFlight).toBeLessThanOrEqual(2)
    expect(p.scanned).toHaveLength(7)
  })

  it('runs in-thread when a worker cannot be started', async () => {
    const missing = new URL('./no-such-worker.js', import.meta.url)
    const said: string[] = []
    const p = await runPhaseOne({ config, sources: [snapshotSource([org])], threads: { ...FORCED, workerUrl: missing, debug: (l) => said.push(l) } })
    expect(said).toEqual(['phase one: worker threads could not start; 7 accounts in the main thread'])
    expect(p.threads).toBeUndefined()
    expect(p.scanned).toHaveLength(7)
  })

  it('fails clearly, without hanging, when a worker dies', async () => {
    const dying = join(dir, 'dying-worker.mjs')
    // Starts like a phase-one worker, then exits on its first account.
    await writeFile(dying, "import { parentPort } from 'node:worker_threads'\nparentPort.postMessage({ type: 'ready' })\nparentPort.on('message', () => process.exit(3))\n")
    const run = runPhaseOne({ config, sources: [snapshotSource([org])], threads: { ...FORCED, workerUrl: new URL(`file://${dying}`) } })
    await expect(run).rejects.toThrow(/phase-one worker thread stopped \(exit code 3\) while reading account \d{12}.*--jobs 1/)
  })

  it('reads the accounts of a worker that reached its heap limit in the main thread: the same report', async () => {
    const hog = join(dir, 'hog-worker.mjs')
    // Starts like a phase-one worker, then allocates until its heap limit on every account it is given.
    await writeFile(hog, "import { parentPort } from 'node:worker_threads'\nparentPort.postMessage({ type: 'ready' })\nconst kept = []\nparentPort.on('message', () => { for (;;) kept.push(new Array(1e5).fill(kept.length)) })\n")
    const said: string[] = []
    const threads: PhaseOneThreads = { ...FORCED, workerUrl: new URL(`file://${hog}`), oldGenerationMb: 16, debug: (l) => said.push(l) }
    const pooled = await runScan({ config, sources: [snapshotSource([org])], now: NOW, threads })
    const inThread = await scan([org], { jobs: 1 })
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(inThread))
    expect(said.filter((l) => /reached its heap limit \(16 MB\)/.test(l)).length).toBeGreaterThan(0)
  })

  it('stays in-thread for small snapshots unless asked', async () => {
    const jobs = Array.from({ length: 3 }, (_, i) => ({ accountId: syntheticAccountId(i), files: [join(org, syntheticAccountId(i), 'get-account-authorization-details.json')] }))
    expect(await phaseOneWorkerCount(jobs, { cores: 2 })).toBe(0)
    expect(await phaseOneWorkerCount(jobs, { cores: 2, minBytes: 1 })).toBe(2)
    expect(await phaseOneWorkerCount(jobs, { cores: 1, minBytes: 1 })).toBe(0)
    expect(await phaseOneWorkerCount(jobs, { cores: 8, minBytes: 1 })).toBe(3)
    expect(await phaseOneWorkerCount(jobs, { requested: 1, minBytes: 1 })).toBe(0)
    expect(await phaseOneWorkerCount(jobs, { requested: 2 })).toBe(2)
    expect(await phaseOneWorkerCount(jobs.slice(0, 1), { requested: 4 })).toBe(0)
  })
})
