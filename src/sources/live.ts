/**
 * The live scanner as an `AccountSource`: the caller's account, or every account of an AWS Organization
 * entered through an audit role, read concurrently and yielded one at a time in account-ID order.
 *
 * Import this module lazily (only when a live scan runs): it loads the AWS SDK.
 */
import { randomBytes } from 'node:crypto'
import { SSOAdminClient } from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import { addIdentityCenter, type OrgIndex } from '../analysis/org-index.js'
import type { ScanErrorEntry } from '../model/finding.js'
import type { AccountInventory } from '../model/inventory.js'
import { assumeAuditRole, collectAccount, inventoryFromRaw, roleArnFor } from '../scanners/live/account.js'
import { CallCounter, type CallStats } from '../scanners/live/calls.js'
import { ClientFactory, ReadOnlyViolation, type ClientSettings, type CredentialSource } from '../scanners/live/clients.js'
import { awsErrorEntry } from '../scanners/live/errors.js'
import { buildIdentityCenter } from '../scanners/identity-center/raw.js'
import { readIdentityCenter } from '../scanners/live/identity-center.js'
import { discoverOrg, type OrgDiscovery } from '../scanners/live/org.js'
import { ouPathOf, scpLevelsFor } from '../scanners/live/org-model.js'
import { createProgress, NO_PROGRESS, type Progress } from '../scanners/live/progress.js'
import type { LiveRecorder } from '../scanners/live/recorder.js'
import { Redactor } from '../scanners/live/redact.js'
import { defaultCredentials, identifyCaller, resolveRegion, type Caller } from '../scanners/live/session.js'
import type { AccountSource } from './account-source.js'
import { collectBedrockAccess, UsageBudget } from '../usage/access-advisor.js'
import type { Shard } from '../scanners/live/shard.js'

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole'
export const DEFAULT_CONCURRENCY = 8
export const DEFAULT_MAX_ATTEMPTS = 5

export interface LiveScanOptions {
  /** Scan the whole Organization (else only the caller's account). */
  org?: boolean
  accounts?: string[]
  excludeAccounts?: string[]
  /** OU IDs (`ou-…`); accounts anywhere below them are scanned. */
  ous?: string[]
  roleName?: string
  externalId?: string
  profile?: string
  region?: string
  concurrency?: number
  maxAttempts?: number
  shard?: Shard
  /** Read and apply service control policies (default true). */
  scps?: boolean
  /** `--usage`: ask IAM Access Advisor when each Bedrock-capable principal last used Bedrock. */
  usage?: boolean
  /** `--usage-limit N`: principals asked about at most, across the whole scan. */
  usageLimit?: number
  /** Part of the AssumeRole session name `tagwarden-<runId>`; random by default. */
  runId?: string
  /** No progress bar. */
  quiet?: boolean
  /** Where the progress bar goes (default stderr; only drawn on a TTY). */
  progressStream?: NodeJS.WriteStream
  /** `--debug`: one line per AWS call, credentials never included. */
  debug?: (line: string) => void
  /** Said once each (SCPs unreadable, an empty --ou…); the CLI prints them on stderr. */
  onNotice?: (message: string) => void
  /** IAM Identity Center's Region (default: the scan's Region). */
  ssoRegion?: string
  /** Read Identity Center in this account (its delegated administrator) through --role-name; default the caller's account. */
  ssoAccount?: string
  /** `collect`: receives every raw output. */
  recorder?: LiveRecorder
  // Advanced and tests.
  /** Send every request to this endpoint (tests: the local fake AWS). */
  endpoint?: string
  /** Instead of the default credential chain. */
  credentials?: CredentialSource
  /** Where HTTPS_PROXY, NO_PROXY, AWS_CA_BUNDLE, AWS_REGION are read (default process.env). */
  env?: Record<string, string | undefined>
  /** Retry backoff base in ms (default: the SDK's). */
  retryBaseDelayMs?: number
  requestTimeoutMs?: number
  /** `--usage`: delay between polls of one Access Advisor report (default 1 s); tests set it low. */
  usagePollIntervalMs?: number
}

export interface LiveScanStats {
  runId: string
  mode: 'account' | 'org'
  region?: string
  caller?: Caller
  accounts: { planned: number; scanned: number; failed: number; skipped: Array<{ id: string; reason: string }> }
  calls: CallStats
  notices: string[]
}

export interface LiveSource extends AccountSource {
  stats(): LiveScanStats
}

type AccountResult = { accountId: string; inventory?: AccountInventory; errors: ScanErrorEntry[] }

export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(3).toString('hex')}`
}

export function liveSource(opts: LiveScanOptions): LiveSource {
  const runId = opts.runId ?? newRunId()
  const counter = new CallCounter()
  const redactor = new Redactor()
  const notices: string[] = []
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY)
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
  const roleName = opts.roleName ?? DEFAULT_ROLE_NAME
  const env = opts.env ?? process.env
  const debug = opts.debug ? (line: string) => opts.debug?.(redactor.redact(line)) : undefined
  const stats: LiveScanStats = {
    runId,
    mode: opts.org ? 'org' : 'account',
    accounts: { planned: 0, scanned: 0, failed: 0, skipped: [] },
    calls: counter.snapshot(),
    notices,
  }
  let factory: ClientFactory | undefined
  let caller: Caller | undefined
  let baseCredentials: CredentialSource | undefined
  let discovery: OrgDiscovery | undefined
  let selected: string[] = []
  // --usage: an account's credentials are kept until its principals have been asked about.
  const usageCredentials = new Map<string, CredentialSource>()
  const usageBudget = opts.usage ? new UsageBudget(opts.usageLimit ?? Infinity) : undefined

  const notice = (m: string): void => {
    notices.push(m)
    opts.onNotice?.(m)
  }

  /** Credentials in `accountId`: the caller's own account as is, any other through the audit role. */
  const enter = async (accountId: string): Promise<{ credentials: CredentialSource } | { error: ScanErrorEntry } | { fatal: unknown }> => {
    const f = factory!
    const who = caller!
    if (accountId === who.accountId) return { credentials: baseCredentials! }
    try {
      // Counted under the target account: the call is part of reading it.
      const assumed = await assumeAuditRole(f.sts(baseCredentials!, accountId), {
        partition: who.partition,
        accountId,
        roleName,
        sessionName: `tagwarden-${runId}`.slice(0, 64),
        ...(opts.externalId !== undefined ? { externalId: opts.externalId } : {}),
      })
      redactor.add(assumed.secretAccessKey, assumed.sessionToken)
      return { credentials: assumed }
    } catch (e) {
      if (e instanceof ReadOnlyViolation) return { fatal: e }
      const roleArn = roleArnFor({ partition: who.partition, accountId, roleName })
      const error = awsErrorEntry(
        e,
        { operation: 'sts:AssumeRole', accountId, subject: roleArn, callerArn: who.arn, roleName, externalIdGiven: opts.externalId !== undefined, maxAttempts },
        redactor,
      )
      return { error }
    }
  }

  const scanOne = async (accountId: string): Promise<AccountResult | { fatal: unknown }> => {
    const f = factory!
    const who = caller!
    try {
      const entered = await enter(accountId)
      if ('fatal' in entered) return entered
      if ('error' in entered) return { accountId, errors: [entered.error] }
      const credentials = entered.credentials
      const collected = await collectAccount(f.iam(credentials, accountId), { accountId, maxAttempts, redactor })
      if (!collected.raw) return { accountId, errors: collected.errors }
      // Only for an account that yields an inventory: the pipeline asks about no other, so no other would let go of them.
      if (usageBudget) usageCredentials.set(accountId, credentials)
      const { inventory, errors } = inventoryFromRaw(collected.raw, who.partition)
      const levels = discovery ? scpLevelsFor(discovery.model, accountId) : undefined
      if (levels) inventory.scpLevels = levels
      try {
        await opts.recorder?.account(collected.raw)
      } catch (e) {
        // A snapshot that silently lacks an account would be worse than no snapshot.
        return { fatal: e }
      }
      return { accountId, inventory, errors: [...collected.errors, ...errors] }
    } catch (e) {
      if (e instanceof ReadOnlyViolation) return { fatal: e }
      const code = (e as { code?: string })?.code ?? 'internal-error'
      return {
        accountId,
        errors: [
          {
            source: `account ${accountId}`,
            accountId,
            code,
            message: redactor.redact(`reading account ${accountId} failed: ${(e as Error)?.message ?? String(e)}`),
            hint: 'run again with --debug; if it persists, please report it',
          },
        ],
      }
    }
  }

  /**
   * IAM Identity Center, read once with the caller's credentials (or the audit role of `--sso-account`) in
   * `--sso-region`. Never an error that fails the scan: a denial or an empty Region is "not captured".
   */
  const identityCenter = async (index: OrgIndex): Promise<ScanErrorEntry[]> => {
    const f = factory!
    const who = caller!
    const region = opts.ssoRegion ?? stats.region ?? 'us-east-1'
    if (opts.shard) {
      addIdentityCenter(index, { instances: [], notCaptured: { reason: 'IAM Identity Center is not read by a --shard scan: scan without --shard (or collect once) to check permission sets', source: 'identity-center' } })
      return []
    }
    const ssoAccount = opts.ssoAccount ?? who.accountId
    const entered = await enter(ssoAccount)
    if ('fatal' in entered) throw entered.fatal
    if ('error' in entered) return [{ ...entered.error, hint: `--sso-account ${ssoAccount}: ${entered.error.hint ?? ''}` }]
    const credentials = entered.credentials
    const sso = f.client(SSOAdminClient, 'SSOAdmin', 'sso', credentials, ssoAccount, region)
    const raw = await readIdentityCenter(sso, { region, redactor })
    await opts.recorder?.identityCenter?.(raw)
    const built = buildIdentityCenter(raw)
    if (!built.data.notCaptured && built.data.instances.length === 0) {
      built.data.notCaptured = {
        reason: `no IAM Identity Center instance is visible to ${who.arn} in ${region}: if your instance is in another Region, pass --sso-region; run from the management account or Identity Center's delegated administrator (--sso-account)`,
        source: `aws sso-admin (${region})`,
      }
    }
    addIdentityCenter(index, built.data)
    return built.errors
  }

  return {
    async prepare(index: OrgIndex) {
      const region = await resolveRegion(opts.region, opts.profile, env)
      stats.region = region
      const settings: ClientSettings = {
        region,
        maxAttempts,
        env,
        counter,
        redactor,
        ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
        ...(opts.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: opts.retryBaseDelayMs } : {}),
        ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
        ...(debug ? { debug } : {}),
      }
      factory = new ClientFactory(settings)
      try {
        baseCredentials = opts.credentials ?? defaultCredentials({ region, ...(opts.profile ? { profile: opts.profile } : {}) }, redactor)
        if (typeof baseCredentials === 'object') redactor.add(baseCredentials.secretAccessKey, baseCredentials.sessionToken)
        caller = await identifyCaller({ sts: factory.sts(baseCredentials, 'caller') }, redactor)
        stats.caller = caller
        debug?.(`caller ${caller.arn} (account ${caller.accountId}, partition ${caller.partition}), region ${region}`)
        if (!opts.org) {
          selected = [caller.accountId]
          stats.accounts.planned = 1
          return { errors: await identityCenter(index) }
        }
        discovery = await discoverOrg(
          factory.organizations(baseCredentials, caller.accountId),
          {
            ...(opts.accounts ? { accounts: opts.accounts } : {}),
            ...(opts.excludeAccounts ? { excludeAccounts: opts.excludeAccounts } : {}),
            ...(opts.ous ? { ous: opts.ous } : {}),
            ...(opts.shard ? { shard: opts.shard } : {}),
            readScps: opts.scps ?? true,
          },
          { callerArn: caller.arn, maxAttempts, redactor, concurrency },
        )
        for (const n of discovery.notices) notice(n)
        selected = discovery.selected
        stats.accounts.planned = selected.length
        stats.accounts.skipped = discovery.skipped
        const inScope = new Set(selected)
        // Only accounts in scope count as "not covered" when they fail; filtered-out ones were left out on purpose.
        for (const a of discovery.model.accounts) if (inScope.has(a.id)) index.accounts.set(a.id, a)
        for (const id of selected) {
          const path = ouPathOf(discovery.model, id)
          if (path) index.ouPaths.set(id, path)
        }
        await opts.recorder?.org(discovery.raw, { selected, skipped: discovery.skipped })
        return { errors: [...discovery.errors, ...(await identityCenter(index))] }
      } catch (e) {
        factory.destroy()
        throw e
      }
    },

    async *accounts() {
      if (!factory || !caller) throw new Error('liveSource.accounts() called before prepare()')
      const limit = pLimit(concurrency)
      const progress: Progress = opts.org ? createProgress({ quiet: opts.quiet ?? false, ...(opts.progressStream ? { stream: opts.progressStream } : {}) }) : NO_PROGRESS
      // Up to two windows of accounts are in flight or waiting to be consumed: memory stays bounded while
      // a slow account does not stall the others. Results are yielded in account-ID order.
      const window = concurrency * 2
      const pending: Array<Promise<AccountResult | { fatal: unknown }>> = []
      let next = 0
      const fill = (consumed: number): void => {
        while (next < selected.length && next - consumed < window) {
          const id = selected[next++]!
          pending.push(
            limit(() => scanOne(id)).then((r) => {
              if (!('fatal' in r)) progress.tick(r.inventory !== undefined)
              return r
            }),
          )
        }
      }
      progress.start(selected.length)
      try {
        for (let i = 0; i < selected.length; i++) {
          fill(i)
          const r = await pending[i]!
          if ('fatal' in r) throw r.fatal
          if (r.inventory) stats.accounts.scanned++
          else stats.accounts.failed++
          yield r
        }
      } finally {
        progress.stop()
        limit.clearQueue()
        factory.destroy()
        stats.calls = counter.snapshot()
      }
    },

    fileCount() {
      return 0
    },

    async collectUsage(accountId, principals) {
      const credentials = usageCredentials.get(accountId)
      usageCredentials.delete(accountId)
      if (!usageBudget || !credentials || !factory || principals.length === 0) return []
      const before = usageBudget.skipped
      const result = await collectBedrockAccess(factory.iam(credentials, accountId), principals, {
        accountId,
        budget: usageBudget,
        ...(opts.usagePollIntervalMs !== undefined ? { pollIntervalMs: opts.usagePollIntervalMs } : {}),
      })
      for (const p of principals) {
        const ev = result.evidence.get(p.arn)
        if (ev) p.bedrockUsage = [ev]
      }
      if (usageBudget.skipped > 0 && before === 0) notice(`--usage-limit ${opts.usageLimit} reached: the Bedrock use of further principals stays unknown`)
      return result.errors
    },

    stats() {
      stats.calls = counter.snapshot()
      return stats
    },
  }
}
