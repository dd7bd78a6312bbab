/**
 * `aws iam get-account-authorization-details` → users, roles, groups and managed policies.
 * Works on one page at a time; pages of one account are merged by calling `read` for each file.
 */
import { PolicyDocumentError } from '../../iam/policy-document.js'
import type { IamGroup, IamRole, IamUser, InlinePolicy, ManagedPolicy, Tag } from '../../model/inventory.js'
import { TAG_KEY_MAX_CHARS, TAG_LIMIT_HINT, TAG_VALUE_MAX_CHARS, tagLimitProblem } from '../../iam/tag-limits.js'
import type { PolicyDocument } from '../../model/policy.js'
import { parseEntityArn } from './account-id.js'
import type { EntityArn } from './account-id.js'
import { HINTS, SnapshotErrorCode, snapshotError } from './errors.js'
import { parseJson } from './read.js'
import { isJsonObject, isTruncatedPage, isoDate } from './recogniser.js'
import type { AccountFileRecogniser, AccountReadContext, FileIdentity, JsonObject } from './recogniser.js'

const DETAIL_LISTS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList'] as const

function list(obj: JsonObject, key: string): unknown[] {
  const v = obj[key]
  return Array.isArray(v) ? v : []
}

function str(obj: JsonObject, key: string): string | undefined {
  const v = obj[key]
  return typeof v === 'string' ? v : undefined
}

function matches(obj: JsonObject): boolean {
  if (DETAIL_LISTS.some((k) => Array.isArray(obj[k]))) return true
  // `Policies` alone is also the shape of `aws iam list-policies` and `aws organizations list-policies`;
  // only authorization details carry the documents (PolicyVersionList).
  const policies = obj.Policies
  return (
    Array.isArray(policies) &&
    policies.length > 0 &&
    policies.every((p) => isJsonObject(p) && Array.isArray(p.PolicyVersionList))
  )
}

function* topLevelArns(obj: JsonObject): Generator<string> {
  for (const key of [...DETAIL_LISTS, 'Policies']) {
    for (const e of list(obj, key)) {
      if (isJsonObject(e) && typeof e.Arn === 'string') yield e.Arn
    }
  }
}

function identity(obj: JsonObject): FileIdentity {
  const accountIds = new Set<string>()
  const partitions = new Set<string>()
  for (const arn of topLevelArns(obj)) {
    const parsed = parseEntityArn(arn)
    if (!parsed) continue
    partitions.add(parsed.partition)
    // AWS managed policies (`arn:aws:iam::aws:policy/…`) exist in every account: they name none.
    if (parsed.account !== 'aws') accountIds.add(parsed.account)
  }
  return { accountIds: [...accountIds].sort(), partitions: [...partitions].sort() }
}

/**
 * Tags of one account, interned: the same few key/value pairs recur on thousands of principals, and kept
 * facts hold their tags until the end of the scan. Tag objects are shared, so treat them as read-only.
 */
const internedTags = new WeakMap<object, Map<string, Tag>>()

function tags(raw: unknown, pointer: string, owner: string, ctx: AccountReadContext): Tag[] {
  if (!Array.isArray(raw)) return []
  let pool = internedTags.get(ctx.inventory)
  if (!pool) internedTags.set(ctx.inventory, (pool = new Map()))
  const out: Tag[] = []
  raw.forEach((t, i) => {
    if (isJsonObject(t) && typeof t.Key === 'string') {
      const value = typeof t.Value === 'string' ? t.Value : ''
      const id = `${t.Key}\u0000${value}`
      let tag = pool.get(id)
      if (!tag) pool.set(id, (tag = { key: t.Key, value }))
      // UTF-16 length bounds the character count: the exact count only for long text.
      const problem = value.length > TAG_VALUE_MAX_CHARS || t.Key.length > TAG_KEY_MAX_CHARS ? tagLimitProblem(tag) : undefined
      if (problem) {
        const message = `${ctx.file}#${pointer}/Tags/${i}: ${problem} (${owner}); it was read as it is.`
        ctx.report(snapshotError(SnapshotErrorCode.InvalidTag, ctx.file, message, TAG_LIMIT_HINT, { accountId: ctx.accountId, subject: owner }))
      }
      out.push(tag)
    }
  })
  return out
}

function attachedArns(raw: unknown): string[] {
  if (!Array.isArray(raw)) return []
  const out: string[] = []
  for (const p of raw) if (isJsonObject(p) && typeof p.PolicyArn === 'string') out.push(p.PolicyArn)
  return out
}

/**
 * The reason a document could not be read, with its line:column when the JSON itself is broken.
 * Node 20's JSON.parse omits the offset for some errors ("Unexpected token ']'"), so when the
 * `PolicyDocumentError` carries no position it is recomputed from the decoded text.
 */
function describePolicyError(e: unknown, raw: unknown): string {
  if (!(e instanceof PolicyDocumentError)) {
    // e.g. a RangeError from a pathologically nested document: still a property of the input, not a bug.
    return String((e as Error)?.message ?? e)
  }
  let pos = e.line !== undefined && e.column !== undefined ? { line: e.line, column: e.column } : undefined
  if (!pos && typeof raw === 'string' && /not valid JSON/.test(e.message)) {
    const text = decodedPolicyText(raw)
    const parsed = text === undefined ? undefined : parseJson(text)
    if (parsed && !parsed.ok && parsed.line !== undefined && parsed.column !== undefined) {
      pos = { line: parsed.line, column: parsed.column }
    }
  }
  const message = e.message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
  return pos ? `${message} (line ${pos.line}, column ${pos.column} of the decoded document)` : message
}

/** The JSON text `parsePolicyDocument` would parse, for locating errors only. */
function decodedPolicyText(raw: string): string | undefined {
  const trimmed = raw.trim()
  if (trimmed.startsWith('{')) return trimmed
  try {
    return decodeURIComponent(trimmed.replace(/\+/g, '%20'))
  } catch {
    return undefined
  }
}

type EntityKind = 'user' | 'role' | 'group'

/**
 * One entity's ARN checked against the file's account. Entities with a missing or foreign ARN cannot be
 * attributed and are skipped (the file-level identity check has already ruled out foreign accounts).
 */
function entityArn(
  e: JsonObject,
  kind: EntityKind,
  pointer: string,
  ctx: AccountReadContext,
): { arn: string; parsed: EntityArn } | undefined {
  const arn = str(e, 'Arn')
  const parsed = arn === undefined ? undefined : parseEntityArn(arn)
  if (arn === undefined || !parsed || parsed.type !== kind || parsed.account !== ctx.accountId) {
    ctx.report(
      snapshotError(
        SnapshotErrorCode.InvalidEntity,
        ctx.file,
        `${ctx.file}#${pointer}: ${kind} has ${arn === undefined ? 'no Arn' : `an unexpected Arn ${JSON.stringify(arn)}`}; it was skipped.`,
        HINTS.invalidEntity,
        { accountId: ctx.accountId, ...(arn !== undefined ? { subject: arn } : {}) },
      ),
    )
    return undefined
  }
  if (ctx.seen.has(arn)) {
    ctx.report(
      snapshotError(
        SnapshotErrorCode.DuplicateEntity,
        ctx.file,
        `${ctx.file}#${pointer}: ${arn} was already read from another file or page of account ${ctx.accountId}; this copy was ignored.`,
        HINTS.duplicate,
        { accountId: ctx.accountId, subject: arn },
      ),
    )
    return undefined
  }
  ctx.seen.add(arn)
  return { arn, parsed }
}

/** Inline policies; a broken one is reported and left out, the others are kept. */
function inlinePolicies(raw: unknown, owner: string, pointer: string, ctx: AccountReadContext): InlinePolicy[] {
  if (!Array.isArray(raw)) return []
  const out: InlinePolicy[] = []
  raw.forEach((p, i) => {
    if (!isJsonObject(p)) return
    const name = typeof p.PolicyName === 'string' ? p.PolicyName : `#${i}`
    try {
      out.push({ name, document: ctx.parsePolicy(p.PolicyDocument) })
    } catch (e) {
      ctx.report(
        snapshotError(
          SnapshotErrorCode.InvalidPolicyDocument,
          ctx.file,
          `${ctx.file}#${pointer}/${i}/PolicyDocument: inline policy "${name}" of ${owner} cannot be read: ` +
            `${describePolicyError(e, p.PolicyDocument)}. The policy was skipped; the rest of ${owner} was read.`,
          HINTS.invalidPolicy,
          { accountId: ctx.accountId, subject: owner },
        ),
      )
    }
  })
  return out
}

const USER_KEYS = { name: 'UserName', id: 'UserId', inlinePolicies: 'UserPolicyList' }
const ROLE_KEYS = { name: 'RoleName', id: 'RoleId', inlinePolicies: 'RolePolicyList' }

/** What users and roles share: everything but the kind-specific fields. */
type PrincipalFields = Omit<IamUser, 'kind' | 'groups'>

/**
 * The fields users and roles share, in the order the report has always listed them, assigned one by one:
 * building a `common` object and spreading it into the principal (and spreading `{ id }`, `{ createDate }`…)
 * copied every field of 100k principals twice (readRole + common were 2.6 % of a 100k scan's CPU profile).
 * The caller assigns its own fields next, so the property order is unchanged.
 */
function principalFields<K extends 'user' | 'role'>(
  kind: K,
  e: JsonObject,
  found: { arn: string; parsed: EntityArn },
  keys: { name: string; id: string; inlinePolicies: string },
  pointer: string,
  ctx: AccountReadContext,
): PrincipalFields & { kind: K } {
  const { arn, parsed } = found
  const boundary = isJsonObject(e.PermissionsBoundary) ? str(e.PermissionsBoundary, 'PermissionsBoundaryArn') : undefined
  const id = str(e, keys.id)
  const p: Partial<PrincipalFields> & { kind: K } = {
    kind,
    accountId: ctx.accountId,
    partition: parsed.partition,
    arn,
    name: str(e, keys.name) ?? parsed.name,
    path: str(e, 'Path') ?? parsed.path,
  }
  if (id !== undefined) p.id = id
  p.tags = tags(e.Tags, pointer, arn, ctx)
  p.attachedPolicyArns = attachedArns(e.AttachedManagedPolicies)
  if (boundary !== undefined) p.permissionsBoundaryArn = boundary
  const createDate = isoDate(e.CreateDate)
  if (createDate !== undefined) p.createDate = createDate
  p.origin = { file: ctx.file, pointer }
  p.inlinePolicies = inlinePolicies(e[keys.inlinePolicies], arn, `${pointer}/${keys.inlinePolicies}`, ctx)
  return p as PrincipalFields & { kind: K }
}

function readUser(e: JsonObject, pointer: string, ctx: AccountReadContext): void {
  const found = entityArn(e, 'user', pointer, ctx)
  if (!found) return
  const groups = list(e, 'GroupList').filter((g): g is string => typeof g === 'string')
  const user: IamUser = Object.assign(principalFields('user', e, found, USER_KEYS, pointer, ctx), { groups })
  ctx.inventory.users.push(user)
}

function readRole(e: JsonObject, pointer: string, ctx: AccountReadContext): void {
  const found = entityArn(e, 'role', pointer, ctx)
  if (!found) return
  let trustPolicy: PolicyDocument | undefined
  if (e.AssumeRolePolicyDocument !== undefined) {
    try {
      trustPolicy = ctx.parsePolicy(e.AssumeRolePolicyDocument)
    } catch (err) {
      // Without its trust policy a role would look unreachable and silently pass every rule; leave it out.
      ctx.report(
        snapshotError(
          SnapshotErrorCode.InvalidPolicyDocument,
          ctx.file,
          `${ctx.file}#${pointer}/AssumeRolePolicyDocument: AssumeRolePolicyDocument of ${found.arn} cannot be read: ` +
            `${describePolicyError(err, e.AssumeRolePolicyDocument)}. The role was skipped; the rest of the file was read.`,
          HINTS.invalidPolicy,
          { accountId: ctx.accountId, subject: found.arn },
        ),
      )
      return
    }
  }
  const role: IamRole = principalFields('role', e, found, ROLE_KEYS, pointer, ctx)
  if (trustPolicy) role.trustPolicy = trustPolicy
  if (isJsonObject(e.RoleLastUsed)) {
    // `{}` is meaningful: IAM tracked the role and saw no use within its 400-day window.
    const lastUsed: NonNullable<IamRole['lastUsed']> = {}
    const date = isoDate(e.RoleLastUsed.LastUsedDate)
    if (date !== undefined) lastUsed.date = date
    const region = str(e.RoleLastUsed, 'Region')
    if (region !== undefined) lastUsed.region = region
    role.lastUsed = lastUsed
  }
  ctx.inventory.roles.push(role)
}

function readGroup(e: JsonObject, pointer: string, ctx: AccountReadContext): void {
  const found = entityArn(e, 'group', pointer, ctx)
  if (!found) return
  const group: IamGroup = {
    accountId: ctx.accountId,
    arn: found.arn,
    name: str(e, 'GroupName') ?? found.parsed.name,
    path: str(e, 'Path') ?? found.parsed.path,
    inlinePolicies: inlinePolicies(e.GroupPolicyList, found.arn, `${pointer}/GroupPolicyList`, ctx),
    attachedPolicyArns: attachedArns(e.AttachedManagedPolicies),
  }
  ctx.inventory.groups.push(group)
}

function defaultVersion(e: JsonObject): { document: unknown; versionId?: string; index: number } | undefined {
  const versions = list(e, 'PolicyVersionList')
  const defaultId = str(e, 'DefaultVersionId')
  let index = versions.findIndex((v) => isJsonObject(v) && v.IsDefaultVersion === true)
  if (index < 0 && defaultId !== undefined) index = versions.findIndex((v) => isJsonObject(v) && v.VersionId === defaultId)
  const v = versions[index]
  if (!isJsonObject(v)) return undefined
  const versionId = str(v, 'VersionId') ?? defaultId
  return { document: v.Document, index, ...(versionId !== undefined ? { versionId } : {}) }
}

function readManagedPolicy(e: JsonObject, pointer: string, ctx: AccountReadContext): void {
  const arn = str(e, 'Arn')
  const parsed = arn === undefined ? undefined : parseEntityArn(arn)
  if (arn === undefined || !parsed || parsed.type !== 'policy' || (parsed.account !== 'aws' && parsed.account !== ctx.accountId)) {
    ctx.report(
      snapshotError(
        SnapshotErrorCode.InvalidEntity,
        ctx.file,
        `${ctx.file}#${pointer}: managed policy has ${arn === undefined ? 'no Arn' : `an unexpected Arn ${JSON.stringify(arn)}`}; it was skipped.`,
        HINTS.invalidEntity,
        { accountId: ctx.accountId, ...(arn !== undefined ? { subject: arn } : {}) },
      ),
    )
    return
  }
  const version = defaultVersion(e)
  let document: PolicyDocument
  try {
    if (!version) throw new PolicyDocumentError('no default version in PolicyVersionList')
    document = ctx.parsePolicy(version.document)
  } catch (err) {
    const at = version ? `${pointer}/PolicyVersionList/${version.index}/Document` : `${pointer}/PolicyVersionList`
    ctx.report(
      snapshotError(
        SnapshotErrorCode.InvalidPolicyDocument,
        ctx.file,
        `${ctx.file}#${at}: managed policy ${arn} cannot be read: ${describePolicyError(err, version?.document)}. ` +
          'The policy was skipped, so principals that attach it are evaluated without it.',
        HINTS.invalidPolicy,
        { accountId: ctx.accountId, subject: arn },
      ),
    )
    return
  }
  const existing = ctx.inventory.managedPolicies.get(arn)
  if (existing) {
    if (existing.document.hash !== document.hash) {
      ctx.report(
        snapshotError(
          SnapshotErrorCode.DuplicateEntity,
          ctx.file,
          `${ctx.file}#${pointer}: managed policy ${arn} was already read with a different default version; this copy was ignored.`,
          HINTS.duplicate,
          { accountId: ctx.accountId, subject: arn },
        ),
      )
    }
    return
  }
  const policy: ManagedPolicy = { arn, name: str(e, 'PolicyName') ?? parsed.name, document }
  if (version?.versionId !== undefined) policy.defaultVersionId = version.versionId
  ctx.inventory.managedPolicies.set(arn, policy)
}

function read(obj: JsonObject, ctx: AccountReadContext): void {
  list(obj, 'GroupDetailList').forEach((e, i) => {
    if (isJsonObject(e)) readGroup(e, `/GroupDetailList/${i}`, ctx)
  })
  list(obj, 'UserDetailList').forEach((e, i) => {
    if (isJsonObject(e)) readUser(e, `/UserDetailList/${i}`, ctx)
  })
  list(obj, 'RoleDetailList').forEach((e, i) => {
    if (isJsonObject(e)) readRole(e, `/RoleDetailList/${i}`, ctx)
  })
  list(obj, 'Policies').forEach((e, i) => {
    if (isJsonObject(e)) readManagedPolicy(e, `/Policies/${i}`, ctx)
  })
}

export const authorizationDetailsRecogniser: AccountFileRecogniser = {
  kind: 'iam-authorization-details',
  scope: 'account',
  sniff: /"(?:UserDetailList|GroupDetailList|RoleDetailList|Policies)"\s*:/,
  matches,
  identity,
  truncated: isTruncatedPage,
  read,
}
