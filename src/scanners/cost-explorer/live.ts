/**
 * The live Cost Explorer path (`--cost-explorer`): from the management (payer) account or a billing
 * account, `ListCostAllocationTags`, `GetDimensionValues` (SERVICE, "Bedrock") and one
 * `GetCostAndUsage` per active required key, every page followed by hand. Each request costs USD 0.01,
 * so the estimate is printed before the first and the exact count and cost after the last; with
 * `--cache-dir` every answer is kept for the day and a re-run makes no request at all.
 *
 * Import this module lazily (only when --cost-explorer is given): it loads the AWS SDK.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  ListCostAllocationTagsCommand,
  type GetCostAndUsageCommandOutput,
  type GetDimensionValuesCommandOutput,
  type ListCostAllocationTagsCommandOutput,
} from '@aws-sdk/client-cost-explorer'
import { TagwardenError } from '../../errors.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import { aggregateCostAndUsage, assembleSpendData, costAllocationTagsFrom, splitBedrockServices, type CostAndUsageAggregate, type CostAndUsagePage, type SpendAssembly } from '../../spend/aggregate.js'
import { COST_EXPLORER_USD_PER_REQUEST } from '../../spend/model.js'
import { periodFromSince } from '../../spend/period.js'
import type { SpendLoadContext, SpendLoadResult, SpendSource } from '../../spend/source.js'
import { activationOf } from '../../spend/tag-keys.js'
import { CallCounter } from '../live/calls.js'
import { ClientFactory, ReadOnlyViolation, type CredentialSource } from '../live/clients.js'
import { Redactor } from '../live/redact.js'
import { defaultCredentials, identifyCaller, resolveRegion } from '../live/session.js'
import { diskCache, type ResponseCache } from './cache.js'
import { CostExplorerErrorCode, costExplorerErrorEntry } from './errors.js'
import { bedrockServicesRequest, costAndUsageRequest, estimateRequests, listCostAllocationTagsRequest, MAX_PAGES_PER_QUERY } from './requests.js'
import type { CostExplorerRequestStats, SpendPeriod } from '../../model/spend.js'

/** What `queryCostExplorer` needs of a client: the real `CostExplorerClient` (tests point it at the fake AWS). */
export type CostExplorerSender = Pick<CostExplorerClient, 'send'>

export type CostExplorerOperation = 'ListCostAllocationTags' | 'GetDimensionValues' | 'GetCostAndUsage'

export interface CostExplorerQueryOptions {
  tagKeys: readonly string[]
  period: SpendPeriod
  cache?: ResponseCache
  /** Lines for stderr: the estimate before the requests, the count and cost after. */
  notice?: (line: string) => void
  callerArn?: string
  redactor?: Redactor
  maxAttempts?: number
}

class PagingError extends TagwardenError {}

function usd(n: number): string {
  return `USD ${n.toFixed(2)}`
}

export function estimateNotice(tagKeys: readonly string[], cached: boolean): string {
  const n = estimateRequests(tagKeys)
  return (
    `tagwarden: Cost Explorer: about ${n} billable request${n === 1 ? '' : 's'} (${usd(n * COST_EXPLORER_USD_PER_REQUEST)} at ${usd(COST_EXPLORER_USD_PER_REQUEST)} each): ` +
    `ListCostAllocationTags, GetDimensionValues and one GetCostAndUsage per tag key (${tagKeys.join(', ') || 'by account only'}); every further result page is one more request` +
    `${cached ? '; answers already in --cache-dir today are free' : ''}`
  )
}

export function spentNotice(stats: CostExplorerRequestStats): string {
  return `tagwarden: Cost Explorer: ${stats.sent} billable request${stats.sent === 1 ? '' : 's'} made (${usd(stats.costUsd)}), ${stats.cached} answered from --cache-dir`
}

/** Queries Cost Explorer for the spend of `period`; never throws for AWS failures (they become one `errors[]` entry). */
export async function queryCostExplorer(client: CostExplorerSender, o: CostExplorerQueryOptions): Promise<SpendLoadResult> {
  const stats: CostExplorerRequestStats = { sent: 0, cached: 0, costUsd: 0, byOperation: {} }
  const notes: string[] = []
  const opStats = (name: string) => (stats.byOperation[name] ??= { sent: 0, cached: 0 })
  let current: CostExplorerOperation = 'ListCostAllocationTags'

  const call = async <T extends object>(operation: CostExplorerOperation, request: object, send: () => Promise<T>): Promise<T> => {
    current = operation
    const hit = await o.cache?.get(operation, request)
    if (hit !== undefined) {
      stats.cached++
      opStats(operation).cached++
      return hit as T
    }
    stats.sent++
    opStats(operation).sent++
    stats.costUsd = Math.round(stats.sent * COST_EXPLORER_USD_PER_REQUEST * 100) / 100
    const { $metadata: _meta, ...response } = (await send()) as T & { $metadata?: unknown }
    try {
      await o.cache?.put(operation, request, response)
    } catch (e) {
      notes.push(`could not write --cache-dir: ${(e as Error).message}; the next run will ask AWS again`)
    }
    return response as T
  }

  /** Every page of one query; a page token that repeats or a runaway page count stops it (each page costs money). */
  const allPages = async <R extends object, P extends object>(
    operation: CostExplorerOperation,
    build: (token?: string) => R,
    send: (request: R) => Promise<P>,
    tokenOf: (page: P) => string | undefined,
  ): Promise<P[]> => {
    const out: P[] = []
    const tokens = new Set<string>()
    let token: string | undefined
    for (;;) {
      if (out.length >= MAX_PAGES_PER_QUERY) {
        throw new PagingError(CostExplorerErrorCode.TooManyPages, `ce:${operation} returned more than ${MAX_PAGES_PER_QUERY} pages; tagwarden stopped following them to limit the cost`, 'pick a shorter --since')
      }
      const request = build(token)
      const page = await call(operation, request, () => send(request))
      out.push(page)
      token = tokenOf(page)
      if (!token) return out
      if (tokens.has(token)) throw new PagingError(CostExplorerErrorCode.TooManyPages, `ce:${operation} returned the same page token twice`, 'run again; if it persists, please report it')
      tokens.add(token)
    }
  }

  o.notice?.(estimateNotice(o.tagKeys, o.cache !== undefined))
  try {
    const tagPages = await allPages(
      'ListCostAllocationTags',
      listCostAllocationTagsRequest,
      (r) => client.send(new ListCostAllocationTagsCommand(r)) as Promise<ListCostAllocationTagsCommandOutput>,
      (p) => p.NextToken,
    )
    const costAllocationTags = costAllocationTagsFrom(tagPages as Array<{ CostAllocationTags?: Array<Record<string, unknown>> }>)
    const dvPages = await allPages(
      'GetDimensionValues',
      (t) => bedrockServicesRequest(o.period, t),
      (r) => client.send(new GetDimensionValuesCommand(r)) as Promise<GetDimensionValuesCommandOutput>,
      (p) => p.NextPageToken,
    )
    const services = splitBedrockServices(dvPages.flatMap((p) => (p.DimensionValues ?? []).map((d) => d.Value ?? '')))
    const active = o.tagKeys.map((k) => activationOf(k, costAllocationTags)).filter((a) => a.state === 'active')
    const query = (costKey: string | undefined): Promise<CostAndUsageAggregate> =>
      allPages(
        'GetCostAndUsage',
        (t) => costAndUsageRequest(o.period, services.included, costKey, t),
        (r) => client.send(new GetCostAndUsageCommand(r)) as Promise<GetCostAndUsageCommandOutput>,
        (p) => p.NextPageToken,
      ).then((pages) => aggregateCostAndUsage(pages as CostAndUsagePage[]))

    const byTag: SpendAssembly['byTag'] = []
    let accountsOnly: CostAndUsageAggregate | undefined
    if (services.included.length === 0) {
      notes.push('Cost Explorer lists no Bedrock service with spend in the period, so no spend was queried')
      for (const a of active) byTag.push({ tagKey: a.tagKey, costKey: a.costKey!, aggregate: aggregateCostAndUsage([]) })
    } else {
      // An inactive key would put all spend in its untagged bucket: it is not queried (cost-tag-inactive reports it).
      for (const a of active) byTag.push({ tagKey: a.tagKey, costKey: a.costKey!, aggregate: await query(a.costKey) })
      if (active.length === 0) accountsOnly = await query(undefined)
    }
    o.notice?.(spentNotice(stats))
    const assembly: SpendAssembly = { source: { kind: 'cost-explorer-api' }, period: o.period, services, costAllocationTags, byTag, notes, requests: stats }
    if (accountsOnly) assembly.accountsOnly = accountsOnly
    return { data: assembleSpendData(assembly), errors: [] }
  } catch (e) {
    if (e instanceof ReadOnlyViolation) throw e
    o.notice?.(spentNotice(stats))
    const entry: ScanErrorEntry =
      e instanceof PagingError
        ? { source: `aws ce:${current}`, code: e.code, message: `${e.message}. Spend was not checked; the IAM findings stand.`, ...(e.hint ? { hint: e.hint } : {}) }
        : costExplorerErrorEntry(e, `ce:${current}`, {
            ...(o.callerArn ? { callerArn: o.callerArn } : {}),
            ...(o.redactor ? { redactor: o.redactor } : {}),
            ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
          })
    return { errors: [entry], reason: `Cost Explorer failed (${entry.code}): ${entry.message}` }
  }
}

export interface CostExplorerLiveOptions {
  /** `--since`: `30d` (default) or a start date. */
  since?: string
  /** `--cache-dir`. */
  cacheDir?: string
  profile?: string
  region?: string
  maxAttempts?: number
  notice?: (line: string) => void
  debug?: (line: string) => void
  // Advanced and tests.
  /** Send every request here (tests: the fake AWS). */
  endpoint?: string
  credentials?: CredentialSource
  env?: Record<string, string | undefined>
  retryBaseDelayMs?: number
  /** A ready client: no credential chain, no GetCallerIdentity. */
  client?: CostExplorerSender
  /** Who is asking, when known (the live scan's caller): scopes the cache and names the caller in errors. */
  caller?: { accountId: string; arn: string }
}

/** `--cost-explorer` as a spend source. The period is taken from `--since` relative to the scan's clock. */
export function costExplorerLiveSource(opts: CostExplorerLiveOptions): SpendSource {
  return {
    kind: 'cost-explorer-api',
    async load(ctx: SpendLoadContext): Promise<SpendLoadResult> {
      const period = periodFromSince(opts.since, ctx.now)
      const redactor = new Redactor()
      const maxAttempts = opts.maxAttempts ?? 5
      let client = opts.client
      let caller = opts.caller
      let factory: ClientFactory | undefined
      try {
        if (!client) {
          const env = opts.env ?? process.env
          const region = await resolveRegion(opts.region, opts.profile, env)
          factory = new ClientFactory({
            region,
            maxAttempts,
            env,
            counter: new CallCounter(),
            redactor,
            ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
            ...(opts.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: opts.retryBaseDelayMs } : {}),
            ...(opts.debug ? { debug: (l: string) => opts.debug?.(redactor.redact(l)) } : {}),
          })
          const credentials = opts.credentials ?? defaultCredentials({ region, ...(opts.profile ? { profile: opts.profile } : {}) }, redactor)
          if (typeof credentials === 'object') redactor.add(credentials.secretAccessKey, credentials.sessionToken)
          if (!caller) {
            try {
              const who = await identifyCaller(factory.clients(credentials, 'caller'), redactor)
              caller = { accountId: who.accountId, arn: who.arn }
            } catch (e) {
              if (!(e instanceof TagwardenError)) throw e
              const entry: ScanErrorEntry = { source: 'aws sts:GetCallerIdentity', code: e.code, message: `${e.message}. Spend was not checked; the IAM findings stand.`, ...(e.hint ? { hint: e.hint } : {}) }
              return { errors: [entry], reason: `no AWS credentials for Cost Explorer (${e.code})` }
            }
          }
          client = factory.client(CostExplorerClient, 'CostExplorer', 'ce', credentials, caller.accountId)
        }
        const cache = opts.cacheDir !== undefined ? diskCache(opts.cacheDir, { now: ctx.now, ...(caller ? { scope: caller.accountId } : {}) }) : undefined
        return await queryCostExplorer(client, {
          tagKeys: ctx.tagKeys,
          period,
          maxAttempts,
          redactor,
          ...(cache ? { cache } : {}),
          ...(opts.notice ? { notice: opts.notice } : {}),
          ...(caller ? { callerArn: caller.arn } : {}),
        })
      } finally {
        factory?.destroy()
      }
    },
  }
}
