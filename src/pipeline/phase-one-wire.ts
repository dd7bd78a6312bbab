/**
 * The messages between the phase-one worker pool (phase-one-workers.ts) and its worker threads
 * (phase-one-worker.ts). Everything here is structured-clone data.
 *
 * Capabilities travel by id: the policy evaluation cache returns one object per distinct result, shared by
 * thousands of facts in every account. A worker numbers each distinct capability object and sends it once,
 * with the first account that uses it; facts carry the number, and the pool puts the one object it keeps per
 * worker back. Sharing within one account (trust policy documents, memoised per account) survives on its
 * own: structured clone keeps the identity of objects within one message.
 */
import type { AccountAnalysisSettings } from '../analysis/analyze-account.js'
import type { PrincipalFacts } from '../analysis/facts.js'
import type { OrgIndex } from '../analysis/org-index.js'
import type { BedrockCapability } from '../iam/capability-types.js'
import type { NotEvaluatedEntry, ScanErrorEntry } from '../model/finding.js'
import type { SnapshotAccountJob } from '../sources/account-source.js'

/** `workerData` of a phase-one worker. */
export interface WorkerSetup {
  settings: AccountAnalysisSettings
}

/** Pool → worker: one account to read and analyse; `seq` is its position in the plan. */
export interface JobMessage {
  seq: number
  job: SnapshotAccountJob
}

/** What one account adds to the org index (a worker fills a fresh index per account). */
export type IndexContribution = Pick<OrgIndex, 'scannedAccounts' | 'gatewaysByArn' | 'gatewaysById' | 'tagKeyVariants'>

/** A fact whose capability is the number of its capability object (see `WireAccount.capabilities`). */
export type WireFacts = Omit<PrincipalFacts, 'capability'> & { capability: number }

/** One account, read and analysed: everything phase one keeps of it, in the order phase one adds it. */
export interface AccountResult<F = PrincipalFacts> {
  accountId: string
  /** Errors of reading the account's files (before the analysis's own). */
  loadErrors: ScanErrorEntry[]
  notes?: string[]
  notEvaluated?: NotEvaluatedEntry[]
  facts: F[]
  errors: ScanErrorEntry[]
  counts: { users: number; roles: number; skippedServiceLinked: number }
  index: IndexContribution
}

export interface WireAccount extends AccountResult<WireFacts> {
  /** Capability objects first used by this account, with their numbers. */
  capabilities: Array<[number, BedrockCapability]>
}

/** Worker → pool. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; seq: number; account: WireAccount }
  | { type: 'failed'; seq: number; message: string }
