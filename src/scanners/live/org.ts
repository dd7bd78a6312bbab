/**
 * Org discovery for `--org`: the account list (ListAccounts, ≤ 20 a page, every NextToken followed),
 * the filters (`--accounts`, `--exclude-accounts`, `--ou` recursive, `--shard`), each account's OU path
 * (ListParents, cached per OU) and the service control policies.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import pLimit from 'p-limit'
import type { ScanErrorEntry } from '../../model/finding.js'
import { inShard, formatShard, type Shard } from './shard.js'
import { awsErrorCode, awsErrorEntry, awsErrorMessage, isAccessDenied, LiveErrorCode, LiveScanError } from './errors.js'
import { buildOrgModel, emptyRawOrg, ouPathOf, SCP_TYPE, type OrgModel, type RawOrgOutputs } from './org-model.js'
import { allPages, jsonShape } from './pages.js'
import type { Redactor } from './redact.js'

/** Organizations pages hold at most 20 items. */
const ORG_PAGE_SIZE = 20
/** Organizations has low request-rate limits; the per-account fan-out is kept below the scan's. */
const ORG_CONCURRENCY = 4

export interface OrgScope {
  accounts?: string[]
  excludeAccounts?: string[]
  ous?: string[]
  shard?: Shard
  readScps: boolean
}

export interface OrgDiscovery {
  raw: RawOrgOutputs
  model: OrgModel
  /** Accounts to scan, sorted. */
  selected: string[]
  /** Accounts of the organization that are not scanned, and why. */
  skipped: Array<{ id: string; reason: string }>
  errors: ScanErrorEntry[]
  /** Things to say once on stderr (e.g. SCPs could not be read). */
  notices: string[]
}

interface DiscoveryContext {
  callerArn: string
  maxAttempts: number
  redactor: Redactor
  concurrency: number
}

function fatal(e: unknown, operation: string, ctx: DiscoveryContext): LiveScanError {
  const code = awsErrorCode(e)
  if (code === 'AWSOrganizationsNotInUseException') {
    return new LiveScanError(
      LiveErrorCode.NotInOrganization,
      `--org: the caller's account is not a member of an AWS Organization (${operation} answered ${code})`,
      'drop --org to scan only this account',
    )
  }
  if (isAccessDenied(code)) {
    return new LiveScanError(
      LiveErrorCode.OrgAccessDenied,
      `--org: ${operation} was denied for ${ctx.callerArn} (${code}): ${awsErrorMessage(e, ctx.redactor)}`,
      'run from the management account or a delegated administrator for AWS Organizations with organizations:ListAccounts ' +
        '(see docs/iam/tagwarden-audit-policy.json), or drop --org to scan only the caller’s account',
    )
  }
  const entry = awsErrorEntry(e, { operation, maxAttempts: ctx.maxAttempts }, ctx.redactor)
  return new LiveScanError(code, entry.message, entry.hint)
}

export async function discoverOrg(org: OrganizationsClient, scope: OrgScope, ctx: DiscoveryContext): Promise<OrgDiscovery> {
  const raw = emptyRawOrg()
  const errors: ScanErrorEntry[] = []
  const notices: string[] = []
  const skipped: OrgDiscovery['skipped'] = []

  try {
    raw.describeOrganization = jsonShape(await org.send(new DescribeOrganizationCommand({})))
  } catch (e) {
    // Any member may call DescribeOrganization; if even that fails the account list below says why.
    if (awsErrorCode(e) === 'AWSOrganizationsNotInUseException') throw fatal(e, 'organizations:DescribeOrganization', ctx)
  }
  try {
    raw.listAccounts = (
      await allPages(
        (NextToken) => org.send(new ListAccountsCommand({ MaxResults: ORG_PAGE_SIZE, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.NextToken,
      )
    ).map(jsonShape)
  } catch (e) {
    throw fatal(e, 'organizations:ListAccounts', ctx)
  }
  try {
    raw.listRoots = (await allPages((NextToken) => org.send(new ListRootsCommand(NextToken ? { NextToken } : {})), (p) => p.NextToken)).map(jsonShape)
  } catch (e) {
    errors.push(awsErrorEntry(e, { operation: 'organizations:ListRoots', maxAttempts: ctx.maxAttempts }, ctx.redactor))
  }

  let { model } = buildOrgModel(raw, 'aws organizations')
  const known = new Set(model.accounts.map((a) => a.id))
  let candidates = model.accounts
    .filter((a) => {
      const state = a.state ?? 'ACTIVE'
      if (state !== 'ACTIVE') skipped.push({ id: a.id, reason: `state ${state}` })
      return state === 'ACTIVE'
    })
    .map((a) => a.id)
  if (scope.accounts && scope.accounts.length > 0) {
    const wanted = new Set(scope.accounts)
    for (const id of scope.accounts) {
      if (!known.has(id)) {
        errors.push({
          source: 'aws organizations:ListAccounts',
          accountId: id,
          code: LiveErrorCode.AccountNotInOrg,
          message: `--accounts names ${id}, which is not an account of the organization`,
          hint: 'check the account ID; `aws organizations list-accounts` lists the members',
        })
      }
    }
    candidates = candidates.filter((id) => {
      if (!wanted.has(id)) skipped.push({ id, reason: 'not in --accounts' })
      return wanted.has(id)
    })
  }
  if (scope.excludeAccounts && scope.excludeAccounts.length > 0) {
    const excluded = new Set(scope.excludeAccounts)
    candidates = candidates.filter((id) => {
      if (excluded.has(id)) skipped.push({ id, reason: 'in --exclude-accounts' })
      return !excluded.has(id)
    })
  }

  // OU paths: ListParents for each account, then each OU up to the root, each ID asked once.
  const asked = new Map<string, Promise<void>>()
  const limit = pLimit(Math.max(1, Math.min(ORG_CONCURRENCY, ctx.concurrency)))
  let parentsError: unknown
  const parentOf = (childId: string): Promise<void> => {
    let p = asked.get(childId)
    if (!p) {
      // The recursion to the parent happens outside the limiter: a slot waiting on a queued task would deadlock.
      p = limit(async (): Promise<string | undefined> => {
        if (parentsError !== undefined) return undefined
        try {
          const out = await org.send(new ListParentsCommand({ ChildId: childId }))
          raw.listParents.push({ childId, output: jsonShape(out) })
          return out.Parents?.[0]?.Id
        } catch (e) {
          parentsError ??= e
          return undefined
        }
      }).then((parent) => (parent && !parent.startsWith('r-') ? parentOf(parent) : undefined))
      asked.set(childId, p)
    }
    return p
  }
  const readPaths = async (ids: string[]): Promise<boolean> => {
    await Promise.all(ids.map(parentOf))
    model = buildOrgModel(raw, 'aws organizations').model
    return parentsError === undefined
  }

  if (scope.ous && scope.ous.length > 0) {
    if (!(await readPaths(candidates))) throw fatal(parentsError, 'organizations:ListParents', ctx)
    const ous = scope.ous
    const under = (id: string): boolean => {
      const path = ouPathOf(model, id) ?? []
      return ous.some((ou) => path.includes(ou))
    }
    for (const ou of ous) {
      if (!candidates.some((id) => (ouPathOf(model, id) ?? []).includes(ou))) notices.push(`--ou ${ou}: no ACTIVE account of the organization is under it`)
    }
    candidates = candidates.filter((id) => {
      if (!under(id)) skipped.push({ id, reason: 'not under --ou' })
      return under(id)
    })
  }
  if (scope.shard) {
    const shard = scope.shard
    candidates = candidates.filter((id) => {
      if (!inShard(id, shard)) skipped.push({ id, reason: `in another shard than ${formatShard(shard)}` })
      return inShard(id, shard)
    })
  }
  if (!scope.ous || scope.ous.length === 0) {
    if (!(await readPaths(candidates))) {
      const code = awsErrorCode(parentsError)
      notices.push(
        `organizations:ListParents failed (${code}): OU paths are unknown, so rule scopes by OU match nothing and service control policies are not applied`,
      )
      raw.listParents = []
      model = buildOrgModel(raw, 'aws organizations').model
    }
  }

  if (scope.readScps && model.scpEnabled) {
    const ok = await readScps(org, raw, limit)
    if (!ok.ok) {
      notices.push(`service control policies could not be read (${ok.operation} answered ${ok.code}); Bedrock access is evaluated without them`)
      raw.listPolicies = []
      raw.describePolicy = []
      raw.listTargetsForPolicy = []
    }
  }
  raw.listParents.sort((a, b) => a.childId.localeCompare(b.childId))
  const built = buildOrgModel(raw, 'aws organizations')
  model = built.model
  errors.push(...built.errors)
  if (model.scpEnabled && scope.readScps && !model.scps && model.scpsUnavailable && !notices.some((n) => n.startsWith('service control policies'))) {
    notices.push(`${model.scpsUnavailable}; Bedrock access is evaluated without service control policies`)
  }
  return { raw, model, selected: [...candidates].sort(), skipped, errors, notices }
}

class StepFailure {
  constructor(
    readonly operation: string,
    readonly error: unknown,
  ) {}
}

async function step<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw new StepFailure(operation, e)
  }
}

async function readScps(
  org: OrganizationsClient,
  raw: RawOrgOutputs,
  limit: ReturnType<typeof pLimit>,
): Promise<{ ok: true } | { ok: false; operation: string; code: string }> {
  try {
    const pages = await step('organizations:ListPolicies', () =>
      allPages(
        (NextToken) => org.send(new ListPoliciesCommand({ Filter: SCP_TYPE, MaxResults: ORG_PAGE_SIZE, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.NextToken,
      ),
    )
    raw.listPolicies = pages.map(jsonShape)
    const ids = pages.flatMap((p) => p.Policies ?? []).flatMap((p) => (p.Id ? [p.Id] : []))
    await Promise.all(
      ids.map((PolicyId) =>
        limit(async () => {
          const described = await step('organizations:DescribePolicy', () => org.send(new DescribePolicyCommand({ PolicyId })))
          raw.describePolicy.push(jsonShape(described))
          const targets = await step('organizations:ListTargetsForPolicy', () =>
            allPages(
              (NextToken) => org.send(new ListTargetsForPolicyCommand({ PolicyId, MaxResults: ORG_PAGE_SIZE, ...(NextToken ? { NextToken } : {}) })),
              (p) => p.NextToken,
            ),
          )
          for (const t of targets) raw.listTargetsForPolicy.push({ policyId: PolicyId, output: jsonShape(t) })
        }),
      ),
    )
    // Responses arrive in completion order; keep the raw record in a stable order (sort is stable, so
    // the pages of one policy stay in order).
    raw.describePolicy.sort((a, b) => policyIdOf(a).localeCompare(policyIdOf(b)))
    raw.listTargetsForPolicy.sort((a, b) => a.policyId.localeCompare(b.policyId))
    return { ok: true }
  } catch (e) {
    if (e instanceof StepFailure) return { ok: false, operation: e.operation, code: awsErrorCode(e.error) }
    throw e
  }
}

function policyIdOf(d: unknown): string {
  const pol = (d as { Policy?: { PolicySummary?: { Id?: string } } })?.Policy
  return pol?.PolicySummary?.Id ?? ''
}
