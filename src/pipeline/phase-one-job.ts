/**
 * One snapshot account of phase one, read and analysed into what phase one keeps of it (`AccountResult`):
 * the body of a phase-one worker thread (phase-one-worker.ts), and what the pool runs in the main thread
 * for an account a worker could not finish (its heap limit reached: phase-one-workers.ts).
 */
import { analyzeAccount, type AccountAnalysisSettings } from '../analysis/analyze-account.js'
import { emptyIndex } from '../analysis/org-index.js'
import type { PolicyEvalCache } from '../iam/capability.js'
import { loadSnapshotAccount } from '../sources/snapshot.js'
import type { SnapshotAccountJob } from '../sources/account-source.js'
import type { AccountResult } from './phase-one-wire.js'

export async function analyseAccountJob(job: SnapshotAccountJob, settings: AccountAnalysisSettings, cache: PolicyEvalCache): Promise<AccountResult> {
  const { inventory, errors: loadErrors } = await loadSnapshotAccount(job)
  // A fresh index per account: its contribution is merged in plan order by the caller.
  const index = emptyIndex()
  const a = analyzeAccount(inventory, { settings, cache, index })
  const account: AccountResult = {
    accountId: a.accountId,
    loadErrors,
    facts: a.facts,
    errors: a.errors,
    counts: a.counts,
    index: { scannedAccounts: index.scannedAccounts, gatewaysByArn: index.gatewaysByArn, gatewaysById: index.gatewaysById, tagKeyVariants: index.tagKeyVariants },
  }
  if (inventory.notes) account.notes = inventory.notes
  if (inventory.notEvaluated) account.notEvaluated = inventory.notEvaluated
  return account
}
