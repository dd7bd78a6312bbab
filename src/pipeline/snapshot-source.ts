/** Adapts the snapshot scanner to the pipeline's streaming `AccountSource`. */
import { loadAccount, loadOrgFiles, planSnapshot, type SnapshotPlan } from '../scanners/snapshot/index.js'
import type { AccountSource } from './scan.js'

export function snapshotSource(inputs: string[]): AccountSource {
  let plan: SnapshotPlan | undefined
  return {
    async prepare(index) {
      plan = await planSnapshot(inputs)
      const org = await loadOrgFiles(plan)
      for (const a of org.accounts) index.accounts.set(a.id, a)
      return { errors: [...plan.errors, ...org.errors] }
    },
    async *accounts() {
      if (!plan) throw new Error('snapshotSource.accounts() called before prepare()')
      for (const entry of plan.accounts) {
        const { inventory, errors } = await loadAccount(entry)
        yield { accountId: entry.accountId, inventory, errors }
      }
    },
    fileCount() {
      return plan?.fileCount ?? 0
    },
  }
}
