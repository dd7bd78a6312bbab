/**
 * A phase-one worker thread: reads, parses, maps and analyses the snapshot accounts the pool sends
 * (phase-one-workers.ts), and posts back only what phase one keeps of each. The parse trees of the
 * accounts' JSON stay garbage in this thread's small heap instead of the main one.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { PolicyEvalCache } from '../iam/capability.js'
import type { BedrockCapability } from '../iam/capability-types.js'
import { analyseAccountJob } from './phase-one-job.js'
import type { JobMessage, WireAccount, WireFacts, WorkerReply, WorkerSetup } from './phase-one-wire.js'

const port = parentPort
if (!port) throw new Error('phase-one-worker runs as a worker thread')
const { settings } = workerData as WorkerSetup
/**
 * Smaller tables than the main thread's: the worker's heap is limited (phase-one-workers.ts), and across
 * accounts only the AWS managed policies repeat (each account's own documents name its account ID). With the
 * default sizes a worker's cache grew to several hundred MB over 500 accounts of /tmp/org1m; with 2,000/20,000
 * the workers re-analysed more (1M: 58–68 s CPU against 46–62 s with these, peak RSS 825–834 against 868–895 MiB).
 */
const cache = new PolicyEvalCache({ maxDocuments: 10_000, maxCombinations: 10_000, maxQueries: 100_000, maxTerms: 100_000 })
/**
 * Weak: a capability object the cache evicted and nothing else holds may go (the main thread keeps its copy);
 * a Map kept every one the worker ever sent, tens of thousands per worker at 1M principals.
 */
const capabilityIds = new WeakMap<BedrockCapability, number>()
let nextCapabilityId = 0
const post = (m: WorkerReply): void => port.postMessage(m)

async function run({ seq, job }: JobMessage): Promise<void> {
  const a = await analyseAccountJob(job, settings, cache)
  // Numbered when posted: a number must reach the pool in the message that defines it or a later one.
  const capabilities: WireAccount['capabilities'] = []
  for (const f of a.facts) {
    let id = capabilityIds.get(f.capability)
    if (id === undefined) {
      capabilityIds.set(f.capability, (id = nextCapabilityId++))
      capabilities.push([id, f.capability])
    }
    ;(f as unknown as WireFacts).capability = id
  }
  post({ type: 'done', seq, account: { ...(a as unknown as WireAccount), capabilities } })
}

// One account at a time: the pool sends the next before this one is done so the worker never waits for the
// main thread, but two accounts read at once keep two parse trees alive in a heap with a limit.
let queue: Promise<void> = Promise.resolve()
port.on('message', (m: JobMessage) => {
  queue = queue.then(() => run(m)).catch((e: unknown) => post({ type: 'failed', seq: m.seq, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }))
})
post({ type: 'ready' })
