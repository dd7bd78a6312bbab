/**
 * The extension point of the snapshot scanner: a file is read by the first recogniser whose `matches`
 * accepts its parsed JSON. Recognition is by content only; file names mean nothing.
 */
import type { ScanErrorEntry } from '../../model/finding.js'
import type { AccountInventory, OrgAccount } from '../../model/inventory.js'
import type { PolicyDocument } from '../../model/policy.js'
import { isObject } from '../../util/json.js'

export type JsonObject = Record<string, unknown>

/** What a file says about its own account, from the ARNs of its top-level entities (or similar). */
export interface FileIdentity {
  /** Distinct 12-digit account IDs; more than one is an `account-id-conflict`. */
  accountIds: string[]
  /** Distinct partitions (`aws`, `aws-us-gov`, `aws-cn`…) seen in those ARNs. */
  partitions: string[]
}

export interface AccountReadContext {
  file: string
  accountId: string
  inventory: AccountInventory
  report(entry: ScanErrorEntry): void
  /** `parsePolicyDocument`, memoised per account; throws `PolicyDocumentError`. */
  parsePolicy(raw: unknown): PolicyDocument
  /** ARNs of users, roles, groups and credentials IDs already read for this account (pages, duplicates). */
  seen: Set<string>
}

export interface OrgReadContext {
  file: string
  report(entry: ScanErrorEntry): void
}

interface RecogniserBase {
  /** Stable name, e.g. `iam-authorization-details`. */
  kind: string
  matches(obj: JsonObject): boolean
}

/** Files that belong to one account and feed its `AccountInventory`. */
export interface AccountFileRecogniser extends RecogniserBase {
  scope: 'account'
  /**
   * Optional cheap test on the first bytes of the file. When it matches and the text holds a top-level
   * `"Arn": "arn:…:iam::<account>:…"`, planning assigns the file to that account without parsing it.
   */
  sniff?: RegExp
  identity(obj: JsonObject): FileIdentity
  /** True when the file is one page of a listing that has more pages (IsTruncated/Marker/NextToken). */
  truncated(obj: JsonObject): boolean
  read(obj: JsonObject, ctx: AccountReadContext): void
}

/** Organization-wide files (account lists). */
export interface OrgFileRecogniser extends RecogniserBase {
  scope: 'org'
  truncated(obj: JsonObject): boolean
  read(obj: JsonObject, ctx: OrgReadContext): OrgAccount[]
}

/** Files that are known but read elsewhere (tagwarden's own outputs, manifests…): listed, never an error. */
export interface OtherFileRecogniser extends RecogniserBase {
  scope: 'other'
}

export type SnapshotRecogniser = AccountFileRecogniser | OrgFileRecogniser | OtherFileRecogniser

export function isJsonObject(v: unknown): v is JsonObject {
  return isObject(v)
}

export function recognise(obj: unknown, recognisers: readonly SnapshotRecogniser[]): SnapshotRecogniser | undefined {
  if (!isJsonObject(obj)) return undefined
  return recognisers.find((r) => r.matches(obj))
}

/** IsTruncated (raw API), Marker without IsTruncated, or the CLI's NextToken (`--max-items`). */
export function isTruncatedPage(obj: JsonObject): boolean {
  if (obj.IsTruncated === true) return true
  if (obj.IsTruncated === undefined && typeof obj.Marker === 'string' && obj.Marker !== '') return true
  return typeof obj.NextToken === 'string' && obj.NextToken !== ''
}

/**
 * Timestamps as ISO 8601 UTC whatever the exporter printed (CLI v1 `…Z`, CLI v2 `…+00:00`, JS SDK
 * `….000Z`, boto3 `str()` `… 09:15:42+00:00`), so equal snapshots give equal inventories.
 */
const UTC_DATE_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3})\d*)?(?:Z|\+00:00)$/

export function isoDate(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  // Fast path for the UTC forms every exporter uses; Date.parse is slow enough to show at scale.
  const m = UTC_DATE_RE.exec(raw)
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(3, '0')}Z`
  let text = raw.trim().replace(/^(\d{4}-\d\d-\d\d) /, '$1T')
  // Without a zone Date.parse would use the machine's local time; AWS timestamps are UTC.
  if (/T[\d:.]+$/.test(text)) text += 'Z'
  const t = Date.parse(text)
  return Number.isNaN(t) ? raw : new Date(t).toISOString()
}
