/**
 * Phase one of a snapshot scan on worker threads: each account's read + JSON.parse + mapping + analysis
 * (~80 % of a scan) runs in a worker, so both cores work and the parse garbage of a 1.6 MB account stays in
 * a small worker heap; only the compact per-account result comes back (phase-one-wire.ts).
 *
 * Results are handed out in plan order whatever order the workers finish in, so the caller merges them
 * exactly as the in-thread loop would. The accounts sent and not yet handed out are bounded
 * (`perWorker` × workers), so memory stays bounded by a few accounts per worker.
 */
import { availableParallelism } from 'node:os'
import { stat } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import type { PrincipalFacts } from '../analysis/facts.js'
import type { BedrockCapability } from '../iam/capability-types.js'
import type { SnapshotAccountJob } from '../sources/account-source.js'
import type { AccountResult, JobMessage, WireAccount, WorkerReply, WorkerSetup } from './phase-one-wire.js'

/** At most this many workers by default; ≥ 4 gains little (the main thread merges every result). */
export const MAX_DEFAULT_WORKERS = 4
/**
 * Below this many bytes of account files the scan stays in-thread. Workers cost CPU (a cache and a heap per
 * worker, structured clones, twice the background GC): on 2 cores they gave no wall-time gain at 100k
 * principals (158 MB; in-thread 5.9–6.4 s wall / 7.4–7.6 s CPU, 2 workers 6.5–9.4 s / 11.0–12.9 s) but at 1M
 * (1.6 GB) they bound the memory and the time (in-thread 68 s / 1,450 MiB peak RSS, 2 workers 55 s / 828 MiB;
 * docs/performance.md). `--jobs N` chooses for any size.
 */
export const MIN_WORKER_BYTES = 256 * 1024 * 1024
/**
 * A worker's young generation: an account's parse tree (~10 MB of objects per 1.6 MB file) fits and dies
 * there instead of being promoted. Garbage collection per worker on /tmp/org100k: 1.1–1.6 s with the
 * default, 0.7–0.8 s with 64 MB.
 */
const WORKER_YOUNG_GENERATION_MB = 64
/**
 * A worker's old generation: V8 collects a worker's heap only near its limit, which is the main thread's
 * (~4 GiB here) by default, so two workers held ~1.1 GB of garbage and cache at the end of phase one on
 * /tmp/org1m (peak RSS 1,482 MiB). With 256 MB and the worker's smaller cache tables: 868–895 MiB, the same
 * report; 192 MB saved ~50 MiB for ~15 % more CPU (more full collections), 384 MB gained no time. An account
 * too big for it is read again in the main thread (`inThread`), never lost.
 */
export const WORKER_OLD_GENERATION_MB = 256
/** Workers started again after one reached its heap limit; past this many, the rest runs in the main thread. */
const MAX_RESTARTS = 4

/**
 * How many worker threads phase one uses for these jobs: `requested` (`scan --jobs N`) when given —
 * 1 means in-thread — else up to `MAX_DEFAULT_WORKERS` (one per core) when there are several accounts and
 * at least `minBytes` of files. 0 or 1: in-thread.
 */
export async function phaseOneWorkerCount(
  jobs: readonly SnapshotAccountJob[],
  o: { requested?: number | undefined; minBytes?: number; cores?: number } = {},
): Promise<number> {
  if (jobs.length < 2) return 0
  if (o.requested !== undefined) return o.requested <= 1 ? 0 : Math.min(o.requested, jobs.length)
  const cores = o.cores ?? availableParallelism()
  const n = Math.min(MAX_DEFAULT_WORKERS, cores, jobs.length)
  if (n < 2) return 0
  return (await filesReach(jobs, o.minBytes ?? MIN_WORKER_BYTES)) ? n : 0
}

/** Whether the jobs' files add up to `limit` bytes (stops statting once they do). */
async function filesReach(jobs: readonly SnapshotAccountJob[], limit: number): Promise<boolean> {
  let total = 0
  for (const j of jobs) {
    for (const f of j.files) {
      total += await stat(f).then(
        (s) => s.size,
        () => 0,
      )
      if (total >= limit) return true
    }
  }
  return false
}

export interface PhaseOnePoolOptions {
  workers: number
  /** Accounts sent to one worker before it answers: 2 keeps it busy while the pool merges. */
  perWorker?: number
  /** The worker module; tests give a missing one. */
  workerUrl?: URL
  /** A worker's old-generation limit in MB (default `WORKER_OLD_GENERATION_MB`; tests give a tiny one). */
  oldGenerationMb?: number
  /**
   * The accounts of a worker that reached its heap limit, analysed in the main thread (whose heap is not
   * limited by the pool). Without it, such a worker fails the scan like any worker that dies.
   */
  inThread?: (job: SnapshotAccountJob) => Promise<AccountResult>
  /** Said with --debug: a worker reached its limit, accounts redone in the main thread. */
  debug?: (line: string) => void
}

/** A started pool: `run` once, then `close`. */
export interface PhaseOnePool {
  run(jobs: readonly SnapshotAccountJob[]): AsyncGenerator<AccountResult>
  close(): Promise<void>
  /** The most accounts sent and not yet handed out at any moment (bounded by perWorker × workers). */
  readonly maxInFlight: number
}

/**
 * The worker module next to this one: the built `.js` in dist/. When this module runs from the TypeScript
 * sources (vitest, `tsx bench/…`), the `.ts` worker through tsx's loader, registered in the worker itself
 * (Node 20 does not apply a parent's `--import` loader hooks in a worker thread); tsx resolves from the
 * current directory, the repository root there.
 */
function defaultWorker(): { url: URL | string; eval?: true } {
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./phase-one-worker.js', import.meta.url) }
  const source = new URL('./phase-one-worker.ts', import.meta.url).href
  return { url: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`, eval: true }
}

interface Slot {
  worker: Worker
  /** seq → account ID of the accounts sent to it and not answered. */
  pending: Map<number, string>
  /** The capability objects this worker numbered (phase-one-wire.ts). */
  capabilities: BedrockCapability[]
  onReply: (m: WorkerReply) => void
  /** The worker failed or exited; `outOfMemory`: it reached its heap limit. Called once. */
  onLost: (why: string, outOfMemory: boolean) => void
  lost: boolean
  /** Started and handed to the run (`attach`): only then is it sent accounts. */
  attached: boolean
}

/**
 * Starts `workers` threads and waits until each has loaded its modules. Undefined when one cannot be
 * started (module missing, thread refused): the caller runs phase one in-thread instead.
 */
export async function startPhaseOnePool(setup: WorkerSetup, o: PhaseOnePoolOptions): Promise<PhaseOnePool | undefined> {
  const { url, eval: isEval } = o.workerUrl ? { url: o.workerUrl } : defaultWorker()
  const perWorker = Math.max(1, o.perWorker ?? 2)
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: o.oldGenerationMb ?? WORKER_OLD_GENERATION_MB }
  const slots: Slot[] = []
  /** A worker that has loaded its modules, or undefined when it cannot be started. */
  const startSlot = async (): Promise<Slot | undefined> => {
    let worker: Worker
    try {
      worker = new Worker(url, { workerData: setup, ...(isEval ? { eval: true } : {}), resourceLimits })
    } catch {
      return undefined
    }
    return new Promise<Slot | undefined>((resolve) => {
      // One set of listeners for the worker's life (removing a Worker's listeners can unref it): until the
      // run starts they say whether it came up, then they hand over to the run.
      const slot: Slot = {
        worker,
        pending: new Map(),
        capabilities: [],
        lost: false,
        attached: false,
        onReply: (m) => resolve(m.type === 'ready' ? slot : undefined),
        onLost: () => resolve(undefined),
      }
      slots.push(slot)
      const lose = (why: string, outOfMemory: boolean): void => {
        if (slot.lost) return
        slot.lost = true
        slot.onLost(why, outOfMemory)
      }
      worker.on('message', (m: WorkerReply) => slot.onReply(m))
      worker.on('error', (e: Error) => lose(e.message, (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'))
      worker.on('exit', (code: number) => lose(`exit code ${code}`, false))
    })
  }
  const started = await Promise.all(Array.from({ length: o.workers }, startSlot))
  const close = async (): Promise<void> => {
    for (const s of slots) {
      s.onReply = () => {}
      s.onLost = () => {}
    }
    await Promise.all(slots.map((s) => s.worker.terminate()))
  }
  if (started.some((slot) => !slot)) {
    await close()
    return undefined
  }

  let maxInFlight = 0
  async function* run(jobs: readonly SnapshotAccountJob[]): AsyncGenerator<AccountResult> {
    const done = new Map<number, AccountResult>()
    let failure: Error | undefined
    let wake: (() => void) | undefined
    const signal = (): void => {
      const w = wake
      wake = undefined
      w?.()
    }
    let next = 0
    let handedOut = 0
    let restarts = 0
    let starting = 0
    /** Accounts of workers that reached their heap limit, analysed one after another in the main thread. */
    let inThreadQueue = Promise.resolve()
    const window = perWorker * o.workers
    const fail = (e: Error): void => {
      failure ??= e
      signal()
    }
    const redoInThread = (seqs: readonly number[]): void => {
      inThreadQueue = inThreadQueue.then(async () => {
        for (const seq of seqs) {
          if (failure) return
          try {
            done.set(seq, await o.inThread!(jobs[seq]!))
          } catch (e) {
            fail(e instanceof Error ? e : new Error(String(e)))
          }
          signal()
        }
      })
    }
    const dispatch = (): void => {
      while (!failure && next < jobs.length && next - handedOut < window) {
        // Not a restarted worker still starting: if it never comes up, accounts sent to it would wait forever.
        const live = slots.filter((s) => s.attached && !s.lost)
        if (live.length === 0) {
          // Every worker reached its limit and none may start again: the rest in the main thread.
          if (starting > 0) return
          const seq = next++
          redoInThread([seq])
          maxInFlight = Math.max(maxInFlight, next - handedOut)
          continue
        }
        const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
        if (slot.pending.size >= perWorker) return
        const job = jobs[next]!
        slot.pending.set(next, job.accountId)
        const m: JobMessage = { seq: next, job }
        slot.worker.postMessage(m)
        next++
        maxInFlight = Math.max(maxInFlight, next - handedOut)
      }
    }
    const attach = (slot: Slot): void => {
      slot.attached = true
      slot.onReply = (m) => {
        if (m.type === 'ready') return
        const accountId = slot.pending.get(m.seq)
        slot.pending.delete(m.seq)
        if (m.type === 'failed') {
          fail(new Error(`phase one of account ${accountId ?? '?'} failed in a worker thread: ${m.message}`))
          return
        }
        done.set(m.seq, restore(m.account, slot))
        dispatch()
        signal()
      }
      slot.onLost = (why, outOfMemory) => {
        const seqs = [...slot.pending.keys()]
        slot.pending.clear()
        if (outOfMemory && o.inThread) {
          // An account too big for a worker's heap: the main thread reads it, and a fresh worker takes over.
          o.debug?.(`phase one: a worker thread reached its heap limit (${resourceLimits.maxOldGenerationSizeMb} MB) with account ${seqs.map((q) => jobs[q]!.accountId).join(', ') || '(none)'}; read in the main thread`)
          redoInThread(seqs)
          if (restarts < MAX_RESTARTS) {
            restarts++
            starting++
            void startSlot().then((fresh) => {
              starting--
              if (fresh) attach(fresh)
              dispatch()
              signal()
            })
          }
          dispatch()
          return
        }
        fail(
          new Error(
            `a phase-one worker thread stopped (${why})${seqs.length > 0 ? ` while reading account ${seqs.map((q) => jobs[q]!.accountId).join(', ')}` : ''}; \`--jobs 1\` reads the accounts in the main thread`,
          ),
        )
      }
    }
    for (const slot of slots) attach(slot)
    try {
      dispatch()
      while (handedOut < jobs.length) {
        const r = done.get(handedOut)
        if (r) {
          done.delete(handedOut)
          handedOut++
          dispatch()
          yield r
          continue
        }
        if (failure) throw failure
        await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      for (const slot of slots) {
        slot.onReply = () => {}
        slot.onLost = () => {}
      }
      await inThreadQueue
    }
  }
  return {
    run,
    close,
    get maxInFlight() {
      return maxInFlight
    },
  }
}

/** A worker's account with its capability numbers replaced by the objects (one per distinct capability). */
function restore(account: WireAccount, slot: Slot): AccountResult {
  for (const [id, c] of account.capabilities) slot.capabilities[id] = c
  for (const f of account.facts) (f as unknown as PrincipalFacts).capability = slot.capabilities[f.capability]!
  const { capabilities: _ids, ...rest } = account
  return rest as unknown as AccountResult
}
