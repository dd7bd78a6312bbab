/**
 * `aws organizations list-accounts` (and `list-accounts-for-parent`, same shape) → the accounts that the
 * organization expects to be scanned.
 */
import type { OrgAccount } from '../../model/inventory.js'
import { HINTS, SnapshotErrorCode, snapshotError } from './errors.js'
import { isJsonObject, isTruncatedPage } from './recogniser.js'
import type { JsonObject, OrgFileRecogniser, OrgReadContext, OtherFileRecogniser } from './recogniser.js'

function accounts(obj: JsonObject): unknown[] {
  return Array.isArray(obj.Accounts) ? obj.Accounts : []
}

function matches(obj: JsonObject): boolean {
  return Array.isArray(obj.Accounts) && obj.Accounts.every((a) => isJsonObject(a) && typeof a.Id === 'string')
}

function read(obj: JsonObject, ctx: OrgReadContext): OrgAccount[] {
  const out: OrgAccount[] = []
  accounts(obj).forEach((a, i) => {
    if (!isJsonObject(a)) return
    const id = a.Id
    if (typeof id !== 'string' || !/^\d{12}$/.test(id)) {
      ctx.report(
        snapshotError(
          SnapshotErrorCode.InvalidEntity,
          ctx.file,
          `${ctx.file}#/Accounts/${i}: account Id ${JSON.stringify(id)} is not a 12-digit AWS account ID; it was skipped.`,
          HINTS.invalidOrgEntity,
        ),
      )
      return
    }
    const account: OrgAccount = { id }
    if (typeof a.Name === 'string') account.name = a.Name
    if (typeof a.Email === 'string') account.email = a.Email
    // `Status` is retired on 2026-09-09 in favour of `State`; older exports only have `Status`.
    const state = typeof a.State === 'string' ? a.State : typeof a.Status === 'string' ? a.Status : undefined
    if (state !== undefined) account.state = state.toUpperCase()
    out.push(account)
  })
  return out
}

export const orgAccountsRecogniser: OrgFileRecogniser = {
  kind: 'organizations-accounts',
  scope: 'org',
  matches,
  truncated: isTruncatedPage,
  read,
}

/** tagwarden's own `--format json` report, often written next to the snapshot it came from. */
export const tagwardenReportRecogniser: OtherFileRecogniser = {
  kind: 'tagwarden-report',
  scope: 'other',
  matches: (obj) => typeof obj.schemaVersion === 'string' && isJsonObject(obj.tool) && obj.tool.name === 'tagwarden',
}
