/** What a live scan hands to `collect` (src/snapshot-writer) as it reads: raw outputs, never inventories. */
import type { RawAccountOutputs } from './account.js'
import type { RawIdentityCenter } from '../identity-center/raw.js'
import type { RawOrgOutputs } from './org-model.js'

export interface LiveRecorder {
  /** Once, after org discovery (org scans only), with the accounts in scope. */
  org(raw: RawOrgOutputs, scope: { selected: string[]; skipped: Array<{ id: string; reason: string }> }): Promise<void>
  /** Once per account read successfully (possibly with some optional outputs missing). */
  account(raw: RawAccountOutputs): Promise<void>
  /** Once, when IAM Identity Center was read (or tried: the denial is recorded too). */
  identityCenter?(raw: RawIdentityCenter): Promise<void>
}

