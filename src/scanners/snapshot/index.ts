/**
 * The offline snapshot scanner: raw AWS CLI / SDK JSON files → one `AccountInventory` at a time.
 *
 * Memory stays bounded by one account: `planSnapshot` assigns files to accounts from their first bytes
 * (no full parse when an IAM ARN is found there), then the caller runs `loadAccount` per account, analyses
 * the inventory and drops it before loading the next. Bad input never throws; it becomes a `ScanErrorEntry`.
 */
import pLimit from 'p-limit'
import { CUR_RECOGNISERS } from '../cur/recognisers.js'
import { parsePolicyDocument } from '../../iam/policy-document.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import { emptyAccount } from '../../model/inventory.js'
import type { AccountInventory, OrgAccount } from '../../model/inventory.js'
import type { PolicyDocument } from '../../model/policy.js'
import { accountIdFromPath, sniffEntityAccount } from './account-id.js'
import { authorizationDetailsRecogniser } from './auth-details.js'
import { HINTS, SnapshotErrorCode, formatPosition, snapshotError } from './errors.js'
import { orgAccountsRecogniser, tagwardenReportRecogniser } from './org-accounts.js'
import { parseJson, readPrefix, readText } from './read.js'
import { recognise } from './recogniser.js'
import type { AccountFileRecogniser, AccountReadContext, JsonObject, SnapshotRecogniser } from './recogniser.js'
import { serviceCredentialsRecogniser } from './service-credentials.js'
import { COST_EXPLORER_RECOGNISERS } from '../cost-explorer/recognisers.js'
import { IDENTITY_CENTER_RECOGNISERS } from '../identity-center/recognisers.js'
import { walkInputs } from './walk.js'

export type {
  AccountFileRecogniser,
  AccountReadContext,
  FileIdentity,
  JsonObject,
  OrgFileRecogniser,
  OrgReadContext,
  OtherFileRecogniser,
  SnapshotRecogniser,
} from './recogniser.js'
export { isJsonObject, isTruncatedPage } from './recogniser.js'
export { SnapshotErrorCode } from './errors.js'
export { accountIdFromPath, parseEntityArn } from './account-id.js'
export { BEDROCK_SERVICE_NAME } from './service-credentials.js'

export interface SnapshotSource {
  /** A file. */
  path: string
}

export interface SnapshotPlan {
  /** Sorted by account ID; each account's files in walk order. */
  accounts: Array<{ accountId: string; files: string[] }>
  /** Organization-wide files (list-accounts), for `loadOrgFiles`. */
  orgFiles: string[]
  /** Files recognised by an `other`-scope recogniser: known, not read by this scanner. */
  otherFiles: Array<{ file: string; kind: string }>
  errors: ScanErrorEntry[]
  /** JSON files found under the inputs (including the ones that produced errors). */
  fileCount: number
}

export interface SnapshotOptions {
  /** First match wins. Defaults to `DEFAULT_RECOGNISERS`; extend with `[...DEFAULT_RECOGNISERS, mine]`. */
  recognisers?: readonly SnapshotRecogniser[]
}

export const DEFAULT_RECOGNISERS: readonly SnapshotRecogniser[] = [
  authorizationDetailsRecogniser,
  serviceCredentialsRecogniser,
  orgAccountsRecogniser,
  tagwardenReportRecogniser,
  // Saved `aws ce` outputs: listed in `plan.otherFiles`, read by the spend source (src/scanners/cost-explorer).
  ...COST_EXPLORER_RECOGNISERS,
  ...CUR_RECOGNISERS,
  // Saved `aws sso-admin` outputs: read by src/scanners/identity-center/load.ts.
  ...IDENTITY_CENTER_RECOGNISERS,
]

/** Enough for the first entity of any realistic export; larger prefixes only cost I/O. */
const SNIFF_BYTES = 256 * 1024
const PLAN_CONCURRENCY = 8

type Parsed = { ok: true; obj: unknown } | { ok: false; error: ScanErrorEntry }

function readError(file: string, message: string): ScanErrorEntry {
  const hint = /too large/.test(message) ? HINTS.tooLarge : HINTS.unreadable
  return snapshotError(SnapshotErrorCode.UnreadableFile, file, `${file}: ${message}.`, hint)
}

function parseFileText(file: string, text: string): Parsed {
  const parsed = parseJson(text)
  if (parsed.ok) return { ok: true, obj: parsed.value }
  return {
    ok: false,
    error: snapshotError(
      SnapshotErrorCode.InvalidJson,
      file,
      `${formatPosition(file, parsed.line, parsed.column)}: not valid JSON: ${parsed.message}.`,
      HINTS.invalidJson(file),
    ),
  }
}

async function readAndParse(file: string): Promise<Parsed> {
  const read = await readText(file)
  if (!read.ok) return { ok: false, error: readError(file, read.message) }
  return parseFileText(file, read.text)
}

function unrecognised(file: string, detail = ''): ScanErrorEntry {
  return snapshotError(
    SnapshotErrorCode.UnrecognisedInput,
    file,
    `${file}: not a recognised AWS export${detail}.`,
    HINTS.unrecognised,
  )
}

type Classified =
  | { kind: 'account'; file: string; accountId: string }
  | { kind: 'org'; file: string }
  | { kind: 'other'; file: string; recogniser: string }
  | { kind: 'error'; error: ScanErrorEntry }

/** Where a file without a usable content identity belongs, from its path. */
function accountFromPath(file: string): { accountId: string } | { error: ScanErrorEntry } {
  const fromPath = accountIdFromPath(file)
  if (fromPath.kind === 'found') return { accountId: fromPath.accountId }
  if (fromPath.kind === 'ambiguous') {
    return {
      error: snapshotError(
        SnapshotErrorCode.AccountIdConflict,
        file,
        `${file}: the file names no account and its path segment "${fromPath.segment}" holds several account IDs (${fromPath.candidates.join(', ')}).`,
        HINTS.accountUnknown,
      ),
    }
  }
  return {
    error: snapshotError(
      SnapshotErrorCode.AccountIdUnknown,
      file,
      `${file}: the file names no account (no IAM ARN) and its path holds no 12-digit account ID.`,
      HINTS.accountUnknown,
    ),
  }
}

function conflictError(file: string, ids: readonly string[], what = 'account IDs'): ScanErrorEntry {
  return snapshotError(
    SnapshotErrorCode.AccountIdConflict,
    file,
    `${file}: its entities belong to several ${what} (${ids.join(', ')}); the file was skipped.`,
    HINTS.accountConflict,
  )
}

async function classify(file: string, recognisers: readonly SnapshotRecogniser[]): Promise<Classified> {
  const sniffs = recognisers.flatMap((r) => (r.scope === 'account' && r.sniff ? [r.sniff] : []))
  const cheap = (text: string) => (sniffs.some((re) => re.test(text)) ? sniffEntityAccount(text) : undefined)

  const prefix = await readPrefix(file, SNIFF_BYTES)
  if (!prefix.ok) return { kind: 'error', error: readError(file, prefix.message) }
  let hit = cheap(prefix.text)
  if (hit) return { kind: 'account', file, accountId: hit.accountId }

  let text = prefix.text
  if (!prefix.complete) {
    const full = await readText(file)
    if (!full.ok) return { kind: 'error', error: readError(file, full.message) }
    text = full.text
    hit = cheap(text)
    if (hit) return { kind: 'account', file, accountId: hit.accountId }
  }

  // No IAM ARN: typically small outputs (credentials, account lists), so a full parse is cheap here.
  const parsed = parseFileText(file, text)
  if (!parsed.ok) return { kind: 'error', error: parsed.error }
  const rec = recognise(parsed.obj, recognisers)
  if (!rec) return { kind: 'error', error: unrecognised(file) }
  if (rec.scope === 'org') return { kind: 'org', file }
  if (rec.scope === 'other') return { kind: 'other', file, recogniser: rec.kind }
  const id = rec.identity(parsed.obj as JsonObject)
  if (id.accountIds.length > 1) return { kind: 'error', error: conflictError(file, id.accountIds) }
  const only = id.accountIds[0]
  if (only !== undefined) return { kind: 'account', file, accountId: only }
  const fromPath = accountFromPath(file)
  return 'error' in fromPath ? { kind: 'error', error: fromPath.error } : { kind: 'account', file, accountId: fromPath.accountId }
}

/** Walk the inputs and assign each file to an account, cheaply. Never throws for bad input. */
export async function planSnapshot(inputs: string[], options: SnapshotOptions = {}): Promise<SnapshotPlan> {
  const recognisers = options.recognisers ?? DEFAULT_RECOGNISERS
  const walked = await walkInputs(inputs)
  const limit = pLimit(PLAN_CONCURRENCY)
  const classified = await Promise.all(walked.files.map((f) => limit(() => classify(f, recognisers))))

  const byAccount = new Map<string, string[]>()
  const plan: SnapshotPlan = { accounts: [], orgFiles: [], otherFiles: [], errors: [...walked.errors], fileCount: walked.files.length }
  for (const c of classified) {
    if (c.kind === 'error') plan.errors.push(c.error)
    else if (c.kind === 'org') plan.orgFiles.push(c.file)
    else if (c.kind === 'other') plan.otherFiles.push({ file: c.file, kind: c.recogniser })
    else {
      const files = byAccount.get(c.accountId)
      if (files) files.push(c.file)
      else byAccount.set(c.accountId, [c.file])
    }
  }
  plan.accounts = [...byAccount.keys()].sort().map((accountId) => ({ accountId, files: byAccount.get(accountId) ?? [] }))
  return plan
}

/** Per-kind page bookkeeping: a listing whose every saved page says "more follows" lacks its last page. */
class PageTracker {
  private readonly pages = new Map<string, { files: string[]; truncated: number }>()
  add(kind: string, file: string, truncated: boolean): void {
    const p = this.pages.get(kind) ?? { files: [], truncated: 0 }
    p.files.push(file)
    if (truncated) p.truncated++
    this.pages.set(kind, p)
  }
  incomplete(): Array<{ kind: string; files: string[] }> {
    return [...this.pages].filter(([, p]) => p.truncated === p.files.length).map(([kind, p]) => ({ kind, files: p.files }))
  }
}

function incompleteError(kind: string, files: string[], accountId?: string): ScanErrorEntry {
  const first = files[0] ?? ''
  return snapshotError(
    SnapshotErrorCode.IncompleteExport,
    first,
    `${kind} export${accountId ? ` of account ${accountId}` : ''} is incomplete: every saved page (${files.join(', ')}) ` +
      'says more pages follow (IsTruncated/Marker/NextToken), and the last page is missing.',
    HINTS.incomplete,
    accountId !== undefined ? { accountId } : {},
  )
}

/** The organization's account list from the plan's org files (pages merged, first listing of an ID wins). */
export async function loadOrgFiles(
  plan: Pick<SnapshotPlan, 'orgFiles'>,
  options: SnapshotOptions = {},
): Promise<{ accounts: OrgAccount[]; errors: ScanErrorEntry[] }> {
  const recognisers = options.recognisers ?? DEFAULT_RECOGNISERS
  const accounts: OrgAccount[] = []
  const errors: ScanErrorEntry[] = []
  const seen = new Set<string>()
  const pages = new PageTracker()
  for (const file of plan.orgFiles) {
    const parsed = await readAndParse(file)
    if (!parsed.ok) {
      errors.push(parsed.error)
      continue
    }
    const rec = recognise(parsed.obj, recognisers)
    if (!rec || rec.scope !== 'org') {
      errors.push(unrecognised(file, rec ? ` of organization data (it is ${rec.kind})` : ''))
      continue
    }
    const obj = parsed.obj as JsonObject
    pages.add(rec.kind, file, rec.truncated(obj))
    for (const a of rec.read(obj, { file, report: (e) => errors.push(e) })) {
      if (seen.has(a.id)) continue
      seen.add(a.id)
      accounts.push(a)
    }
  }
  for (const { kind, files } of pages.incomplete()) errors.push(incompleteError(kind, files))
  return { accounts, errors }
}

/** FNV-1a over a string, continuing from `h`. */
function hashText(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h
}

/** An order-sensitive hash of a JSON value, computed without building its text. */
function jsonHash(v: unknown, h: number): number {
  if (typeof v === 'string') return hashText(v, Math.imul(h ^ 0x22, 16777619))
  if (Array.isArray(v)) {
    h = Math.imul(h ^ 0x5b, 16777619)
    for (const x of v) h = jsonHash(x, h)
    return Math.imul(h ^ 0x5d, 16777619)
  }
  if (typeof v === 'object' && v !== null) {
    h = Math.imul(h ^ 0x7b, 16777619)
    for (const k of Object.keys(v)) h = jsonHash((v as Record<string, unknown>)[k], hashText(k, h))
    return Math.imul(h ^ 0x7d, 16777619)
  }
  return hashText(String(v), Math.imul(h ^ 0x23, 16777619))
}

/** Deep equality of JSON values, key order included (as JSON.stringify would compare them). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string
    if (k !== kb[i] || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}

/**
 * `parsePolicyDocument` memoised on the raw form: roles of one account share few distinct trust policies.
 * Strings are keyed by their text; objects (AWS CLI output) by a structural hash checked with deep equality,
 * which spares building a JSON text for every document of every principal.
 */
function memoisedPolicyParser(): (raw: unknown) => PolicyDocument {
  const byText = new Map<string, PolicyDocument | Error>()
  const byHash = new Map<number, Array<{ raw: unknown; doc: PolicyDocument | Error }>>()
  const parse = (raw: unknown): PolicyDocument | Error => {
    try {
      return parsePolicyDocument(raw)
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e))
    }
  }
  const lookup = (raw: unknown): PolicyDocument | Error => {
    if (typeof raw === 'string') {
      let hit = byText.get(raw)
      if (hit === undefined) byText.set(raw, (hit = parse(raw)))
      return hit
    }
    const h = jsonHash(raw, 0x811c9dc5)
    let bucket = byHash.get(h)
    if (!bucket) byHash.set(h, (bucket = []))
    for (const e of bucket) if (jsonEqual(e.raw, raw)) return e.doc
    const doc = parse(raw)
    bucket.push({ raw, doc })
    return doc
  }
  return (raw) => {
    if (typeof raw !== 'string' && (typeof raw !== 'object' || raw === null)) return parsePolicyDocument(raw)
    const hit = lookup(raw)
    if (hit instanceof Error) throw hit
    return hit
  }
}

/**
 * Fully parse one account's files and merge them (pages, credentials) into one inventory. Each file's
 * account is re-checked against its content; a file that disagrees is skipped with an error.
 */
export async function loadAccount(
  entry: { accountId: string; files: string[] },
  options: SnapshotOptions = {},
): Promise<{ inventory: AccountInventory; errors: ScanErrorEntry[] }> {
  const recognisers = options.recognisers ?? DEFAULT_RECOGNISERS
  const { accountId } = entry
  const inventory = emptyAccount(accountId)
  const errors: ScanErrorEntry[] = []
  const withAccount = (e: ScanErrorEntry): ScanErrorEntry => (e.accountId === undefined ? { ...e, accountId } : e)
  const report = (e: ScanErrorEntry) => errors.push(withAccount(e))
  const parsePolicy = memoisedPolicyParser()
  const seen = new Set<string>()
  const pages = new PageTracker()
  let partitionFrom: string | undefined

  for (const file of entry.files) {
    const parsed = await readAndParse(file)
    if (!parsed.ok) {
      report(parsed.error)
      continue
    }
    const rec = recognise(parsed.obj, recognisers)
    if (!rec || rec.scope !== 'account') {
      report(unrecognised(file, rec ? ` of account data (it is ${rec.kind})` : ''))
      continue
    }
    const accountRec: AccountFileRecogniser = rec
    const obj = parsed.obj as JsonObject
    const id = accountRec.identity(obj)
    if (id.accountIds.length > 1) {
      report(conflictError(file, id.accountIds))
      continue
    }
    let fileAccount = id.accountIds[0]
    if (fileAccount === undefined) {
      const fromPath = accountFromPath(file)
      if ('accountId' in fromPath) fileAccount = fromPath.accountId
      else if (fromPath.error.code === SnapshotErrorCode.AccountIdUnknown) fileAccount = accountId // taken on the caller's word
      else {
        report(fromPath.error)
        continue
      }
    }
    if (fileAccount !== accountId) {
      report(
        snapshotError(
          SnapshotErrorCode.AccountIdConflict,
          file,
          `${file}: planned for account ${accountId} but its content belongs to account ${fileAccount}; the file was skipped.`,
          HINTS.accountConflict,
        ),
      )
      continue
    }
    if (id.partitions.length > 1) {
      report(conflictError(file, id.partitions, 'partitions'))
      continue
    }
    const partition = id.partitions[0]
    if (partition !== undefined) {
      if (partitionFrom !== undefined && partition !== inventory.partition) {
        report(
          snapshotError(
            SnapshotErrorCode.AccountIdConflict,
            file,
            `${file}: its ARNs are in partition ${partition} but ${partitionFrom} put account ${accountId} in ${inventory.partition}; the file was skipped.`,
            HINTS.accountConflict,
          ),
        )
        continue
      }
      inventory.partition = partition
      partitionFrom = file
    }
    const ctx: AccountReadContext = { file, accountId, inventory, report, parsePolicy, seen }
    accountRec.read(obj, ctx)
    pages.add(accountRec.kind, file, accountRec.truncated(obj))
    inventory.sources.push(file)
  }
  for (const { kind, files } of pages.incomplete()) errors.push(incompleteError(kind, files, accountId))
  return { inventory, errors }
}
