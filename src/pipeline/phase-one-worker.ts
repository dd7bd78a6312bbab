/**
 * A phase-one worker thread: reads, parses, maps and analyses the snapshot accounts the pool sends
 * (phase-one-workers.ts), and posts back only what phase one keeps of each. The parse trees of the
 * accounts' JSON stay garbage in this thread's small heap instead of the main one.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { analyzeAccount } from '../analysis/analyze-account.js'
import { emptyIndex } from '../analysis/org-index.js'
import { PolicyEvalCache } from '../iam/capability.js'
import type { BedrockCapability } from '../iam/capability-types.js'
import { loadSnapshotAccount } from '../sources/snapshot.js'
import type { JobMessage, WireAccount, WireFacts, WorkerReply, WorkerSetup } from './phase-one-wire.js'

const port = parentPort
if (!port) throw new Error('phase-one-worker runs as a worker thread')
const { settings } = workerData as WorkerSetup
const cache = new PolicyEvalCache()
const capabilityIds = new Map<BedrockCapability, number>()
const post = (m: WorkerReply): void => port.postMessage(m)

async function run({ seq, job }: JobMessage): Promise<void> {
  const { inventory, errors: loadErrors } = await loadSnapshotAccount(job)
  const index = emptyIndex()
  const a = analyzeAccount(inventory, { settings, cache, index })
  // Numbered when posted, not while analysing: two accounts in flight interleave at their file reads, and a
  // number must reach the pool in the message that defines it or a later one.
  const capabilities: WireAccount['capabilities'] = []
  for (const f of a.facts) {
    let id = capabilityIds.get(f.capability)
    if (id === undefined) {
      capabilityIds.set(f.capability, (id = capabilityIds.size))
      capabilities.push([id, f.capability])
    }
    ;(f as unknown as WireFacts).capability = id
  }
  const account: WireAccount = {
    accountId: a.accountId,
    loadErrors,
    facts: a.facts as unknown as WireFacts[],
    errors: a.errors,
    counts: a.counts,
    index: { scannedAccounts: index.scannedAccounts, gatewaysByArn: index.gatewaysByArn, gatewaysById: index.gatewaysById, tagKeyVariants: index.tagKeyVariants },
    capabilities,
  }
  if (inventory.notes) account.notes = inventory.notes
  if (inventory.notEvaluated) account.notEvaluated = inventory.notEvaluated
  post({ type: 'done', seq, account })
}

port.on('message', (m: JobMessage) => {
  run(m).catch((e: unknown) => post({ type: 'failed', seq: m.seq, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }))
})
post({ type: 'ready' })
