/**
 * Where a finding "is", for formats that need a file location (SARIF, GitHub annotations, JUnit).
 *
 * GitHub code scanning rejects a whole SARIF upload when any result has no location, an empty
 * `artifactLocation.uri`, or a URI with a scheme other than `file` (an ARN as URI is read as scheme
 * `arn` and rejected). Live and snapshot findings have no source file, so each gets a deterministic,
 * made-up, repository-relative path from one grammar:
 *
 * ```
 * location      = iac-location | pseudo-path
 * iac-location  = <template path relative to the repository root>      region: the resource's line/column
 * pseudo-path   = "aws/" account "/iam/" ("user" | "role") "/" iam-path name           IAM users and roles
 *               | "aws/" account "/identity-center/permission-set/" name               Identity Center permission sets
 *               | "aws/" account "/iam/user/" iam-path user-name "/api-key/" key-id    Bedrock API keys
 *               | "aws/" account "/billing/" rule-id [ "/" name ]                      account-level subjects
 *               | "aws/org/tags/" tag-key                                              tag keys (org-wide)
 *               | "aws/org/" rule-id [ "/" name ]                                      other org-level subjects
 * account       = 12-digit account ID, or "unknown-account" when the subject names none
 * iam-path      = the IAM path without its leading "/" ("" for "/", "service-role/" for "/service-role/")
 * ```
 *
 * Pseudo-paths always start with `aws/`, have `region.startLine: 1`, and carry the ARN (when there is
 * one) in `logicalLocations[].fullyQualifiedName`. Every segment is percent-encoded except RFC 3986
 * path characters (`A-Za-z0-9-._~!$&'()*+,;=@`), so IAM names (`+=,.@_-`) stay readable while `:`,
 * spaces, `/` inside a tag key, `#` and `?` cannot turn into a scheme, a fragment or extra segments.
 * The same subject always yields the same path: GitHub matches alerts across uploads by it, and a
 * path that changes between runs would close and reopen every alert.
 */
import { parseArn } from '../iam/arn.js'
import type { Finding, Subject } from '../model/finding.js'

export interface LogicalLocation {
  name: string
  fullyQualifiedName: string
  kind: string
}

export interface FindingLocation {
  /** Repository-relative URI (or a `file://` URI for a template outside the source root). */
  uri: string
  startLine: number
  startColumn?: number
  /** True when `uri` names a real file (IaC); false for the pseudo-paths of live/snapshot subjects. */
  isFile: boolean
  logical?: LogicalLocation
}

export interface LocationOptions {
  /** Absolute repository root: absolute template paths under it become relative. */
  sourceRoot?: string
}

const KEEP = /[A-Za-z0-9\-._~!$&'()*+,;=@]/

/** Percent-encodes one path segment, keeping RFC 3986 `pchar`s except `:` (a `:` in the first segment reads as a scheme). */
export function encodeSegment(s: string): string {
  let out = ''
  for (const ch of s) {
    if (KEEP.test(ch)) out += ch
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function encodePath(segments: string[]): string {
  return segments.map(encodeSegment).join('/')
}

/** The location of a finding: its template for IaC subjects, else the pseudo-path of its subject. */
export function findingLocation(f: Pick<Finding, 'ruleId' | 'subject'>, opts: LocationOptions = {}): FindingLocation {
  const s = f.subject
  if (s.file) return fileLocation(s, s.file, opts)
  return { uri: pseudoPath(f.ruleId, s), startLine: 1, isFile: false, ...logicalOf(s) }
}

function logicalOf(s: Subject): { logical?: LogicalLocation } {
  if (s.arn) return { logical: { name: s.kind === 'api-key' ? (s.name ?? s.arn) : (s.name ?? parseArn(s.arn)?.resourceName ?? s.arn), fullyQualifiedName: s.arn, kind: 'resource' } }
  if (s.kind === 'tag-key' && s.tagKey !== undefined) return { logical: { name: s.tagKey, fullyQualifiedName: `tag-key/${s.tagKey}`, kind: 'object' } }
  if (s.accountId) return { logical: { name: s.name ?? s.accountId, fullyQualifiedName: `account/${s.accountId}${s.name ? `/${s.name}` : ''}`, kind: 'namespace' } }
  return {}
}

function fileLocation(s: Subject, file: string, opts: LocationOptions): FindingLocation {
  const loc: FindingLocation = { uri: fileUri(file, opts.sourceRoot), startLine: s.line !== undefined && s.line >= 1 ? s.line : 1, isFile: true }
  if (s.column !== undefined && s.column >= 1) loc.startColumn = s.column
  const fq = s.constructPath ?? s.address ?? s.logicalId
  if (fq) loc.logical = { name: s.logicalId ?? s.address ?? fq, fullyQualifiedName: fq, kind: 'resource' }
  else if (s.arn) loc.logical = { name: s.name ?? s.arn, fullyQualifiedName: s.arn, kind: 'resource' }
  return loc
}

/** A template path as a repository-relative URI (POSIX separators, no `./`, segments encoded). */
export function fileUri(file: string, sourceRoot?: string): string {
  let p = file.replace(/\\/g, '/')
  const root = sourceRoot?.replace(/\\/g, '/').replace(/\/+$/, '')
  if (root && p.startsWith(`${root}/`)) p = p.slice(root.length + 1)
  if (p.startsWith('/')) return `file://${encodePath(p.split('/'))}`
  const segments = p.split('/').filter((seg) => seg !== '' && seg !== '.')
  return encodePath(segments)
}

/** The pseudo-path of a subject that has no source file (see the grammar above). */
export function pseudoPath(ruleId: string, s: Subject): string {
  const account = s.accountId ?? (s.arn ? parseArn(s.arn)?.accountId : undefined) ?? 'unknown-account'
  switch (s.kind) {
    case 'user':
    case 'role':
      return encodePath(['aws', account, 'iam', s.kind, ...principalPath(s, s.kind)])
    case 'api-key':
      return encodePath(['aws', account, 'iam', 'user', ...principalPath(s, 'user'), 'api-key', s.name ?? 'unknown'])
    case 'permission-set':
      // The ARN names the instance, not its owner: the owner account comes with the subject.
      return encodePath(['aws', s.accountId ?? 'unknown-account', 'identity-center', 'permission-set', s.name ?? 'unknown'])
    case 'tag-key':
      return encodePath(['aws', 'org', 'tags', s.tagKey ?? s.name ?? 'unknown'])
    case 'account':
      return encodePath(['aws', account, 'billing', ruleId, ...(s.name ? [s.name] : [])])
    case 'org':
    case 'iac-resource':
      // An IaC resource without a file should not happen; keep it inside the grammar rather than drop it.
      return encodePath(['aws', 'org', ruleId, ...(s.name ?? s.address ?? s.logicalId ? [(s.name ?? s.address ?? s.logicalId)!] : [])])
  }
}

/** IAM path segments plus the name, from the ARN when there is one (`role/a/b/Name` → `a`, `b`, `Name`). */
function principalPath(s: Subject, type: 'user' | 'role'): string[] {
  const parsed = s.arn ? parseArn(s.arn) : undefined
  if (parsed && parsed.resourceType === type) {
    const dirs = parsed.path.split('/').filter((x) => x !== '')
    return [...dirs, parsed.resourceName]
  }
  return [s.kind === 'api-key' ? 'unknown' : (s.name ?? 'unknown')]
}

/** A one-line human label for a finding's subject: the ARN, the template position, or the tag key/account. */
export function subjectLabel(s: Subject): string {
  if (s.file) return `${s.file}${s.line ? `:${s.line}` : ''}${s.logicalId ? ` ${s.logicalId}` : s.address ? ` ${s.address}` : ''}`
  if (s.kind === 'api-key' && s.arn) return `${s.arn} (API key ${s.name ?? '?'})`
  if (s.kind === 'account' && s.accountId) return `account ${s.accountId}${s.name ? ` ${s.name}` : ''}${s.tagKey ? ` (${s.tagKey})` : ''}`
  if (s.kind === 'org' && !s.arn) return `organization${s.tagKey ? ` (${s.tagKey})` : ''}`
  return s.arn ?? (s.tagKey !== undefined ? `tag key ${s.tagKey}` : s.accountId ? `account ${s.accountId}${s.name ? ` ${s.name}` : ''}` : (s.name ?? s.kind))
}
