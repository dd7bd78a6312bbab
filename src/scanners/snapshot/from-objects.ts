/**
 * The snapshot scanner's mapping for outputs that are already in memory (the live scanner's API
 * responses): the same recognisers and the same `read` functions as `loadAccount`, minus the file I/O,
 * so a live scan and a scan of the files `collect` wrote build identical inventories.
 */
import { parsePolicyDocument } from '../../iam/policy-document.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import { emptyAccount, type AccountInventory } from '../../model/inventory.js'
import type { PolicyDocument } from '../../model/policy.js'
import { HINTS, SnapshotErrorCode, snapshotError } from './errors.js'
import { DEFAULT_RECOGNISERS } from './index.js'
import { recognise, type AccountReadContext, type JsonObject, type SnapshotRecogniser } from './recogniser.js'

export interface RawOutput {
  /** Where the output came from, used as the "file" in origins and errors (e.g. `aws:111111111111/iam:GetAccountAuthorizationDetails#1`). */
  source: string
  /** The parsed response, JSON-shaped (timestamps as strings), without SDK metadata. */
  output: unknown
}

/** `parsePolicyDocument` memoised on the raw form, as `loadAccount` does: roles share few trust policies. */
function memoisedPolicyParser(): (raw: unknown) => PolicyDocument {
  const memo = new Map<string, PolicyDocument | Error>()
  return (raw) => {
    const key = typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null ? JSON.stringify(raw) : undefined
    if (key === undefined) return parsePolicyDocument(raw)
    let hit = memo.get(key)
    if (hit === undefined) {
      try {
        hit = parsePolicyDocument(raw)
      } catch (e) {
        hit = e instanceof Error ? e : new Error(String(e))
      }
      memo.set(key, hit)
    }
    if (hit instanceof Error) throw hit
    return hit
  }
}

/**
 * One account's inventory from its API outputs (pages of `GetAccountAuthorizationDetails`,
 * `ListServiceSpecificCredentials`…). Outputs that name another account or no known kind are reported
 * and skipped; bad documents are reported by the recognisers exactly as for files.
 */
export function inventoryFromOutputs(
  accountId: string,
  outputs: readonly RawOutput[],
  options: { recognisers?: readonly SnapshotRecogniser[]; partition?: string } = {},
): { inventory: AccountInventory; errors: ScanErrorEntry[] } {
  const recognisers = options.recognisers ?? DEFAULT_RECOGNISERS
  const inventory = emptyAccount(accountId, options.partition)
  const errors: ScanErrorEntry[] = []
  const report = (e: ScanErrorEntry) => errors.push(e.accountId === undefined ? { ...e, accountId } : e)
  const parsePolicy = memoisedPolicyParser()
  const seen = new Set<string>()

  for (const { source, output } of outputs) {
    const rec = recognise(output, recognisers)
    if (!rec || rec.scope !== 'account') {
      report(
        snapshotError(
          SnapshotErrorCode.UnrecognisedInput,
          source,
          `${source}: not a recognised account output${rec ? ` (it is ${rec.kind})` : ''}.`,
          HINTS.unrecognised,
        ),
      )
      continue
    }
    const obj = output as JsonObject
    const id = rec.identity(obj)
    const foreign = id.accountIds.filter((a) => a !== accountId)
    if (foreign.length > 0) {
      report(
        snapshotError(
          SnapshotErrorCode.AccountIdConflict,
          source,
          `${source}: read for account ${accountId} but its entities belong to ${foreign.join(', ')}; the output was skipped.`,
          HINTS.accountConflict,
        ),
      )
      continue
    }
    const partition = id.partitions[0]
    if (id.partitions.length === 1 && partition !== undefined) inventory.partition = partition
    const ctx: AccountReadContext = { file: source, accountId, inventory, report, parsePolicy, seen }
    rec.read(obj, ctx)
    inventory.sources.push(source)
  }
  return { inventory, errors }
}
