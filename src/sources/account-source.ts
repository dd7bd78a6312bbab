import type { PrincipalFacts } from '../analysis/facts.js'
import type { OrgIndex } from '../analysis/org-index.js'
import type { IacInputCounts, NotEvaluatedEntry, ScanErrorEntry } from '../model/finding.js'
import type { AccountInventory } from '../model/inventory.js'
import type { AttachedPolicy } from '../model/policy.js'

/**
 * One snapshot account as a job that a worker thread can do on its own (src/pipeline/phase-one-workers.ts):
 * its files and the SCP levels above it, all structured-clone data.
 */
export interface SnapshotAccountJob {
  accountId: string
  files: string[]
  scpLevels?: AttachedPolicy[][]
}

/** A source of accounts for phase one: the snapshot scanner, the live scanner, or IaC. */
export interface AccountSource {
  /** Org-level data (account list, OU paths) and errors, read before the accounts. */
  prepare(index: OrgIndex): Promise<{ errors: ScanErrorEntry[]; notEvaluated?: NotEvaluatedEntry[] }>
  /** Yields one account at a time; the pipeline drops each one after analysing it. */
  accounts(): AsyncIterable<{ inventory?: AccountInventory; accountId: string; errors: ScanErrorEntry[] }>
  /** How many accounts `accounts()` will yield, when known after `prepare` (progress on a terminal). */
  accountTotal?(): number
  /** Number of files read (0 for live sources). */
  fileCount(): number
  /** IaC sources: what was read, recognised and skipped (`summary.inputs.iac`). */
  iacCounts?(): IacInputCounts
  /**
   * `scan --usage`: Bedrock use of the account's Bedrock-capable principals (IAM Access Advisor), set on
   * their `bedrockUsage`; called right after the account is analysed, while its credentials are at hand.
   */
  collectUsage?(accountId: string, principals: PrincipalFacts[]): Promise<ScanErrorEntry[]>
  /** Files recognised but read elsewhere, e.g. saved Cost Explorer outputs (snapshot sources). */
  otherFiles?(): ReadonlyArray<{ file: string; kind: string }>
  /**
   * Snapshot sources, after `prepare`: the accounts `accounts()` would yield, as jobs for worker threads
   * (read + parse + map + analyse off the main thread). Same order as `accounts()`.
   */
  accountJobs?(): SnapshotAccountJob[]
}
