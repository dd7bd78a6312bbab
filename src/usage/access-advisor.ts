/**
 * Bedrock use from IAM Access Advisor, for `scan --usage` (live scans only). Per principal:
 * `GenerateServiceLastAccessedDetails` (a report job, SERVICE_LEVEL) and `GetServiceLastAccessedDetails`
 * until the job completes. Only Bedrock-capable principals are asked, a few at a time, and a budget
 * (`--usage-limit N`) caps the number of principals across the whole scan: without `--usage` none of
 * this runs, so the per-account call bound of a plain scan holds.
 *
 * Access Advisor reports, for each service the principal's policies allow, when it last authenticated
 * to it within the tracking period (400 days). `LastAuthenticated` on the `bedrock` namespace counts any
 * Bedrock call, not only inference.
 */
import {
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsCommandOutput,
  type IAMClient,
  type ServiceLastAccessed,
} from '@aws-sdk/client-iam'
import type { ScanErrorEntry } from '../model/finding.js'
import type { BedrockUsageEvidence } from './classify.js'

export const BEDROCK_NAMESPACES: readonly string[] = ['bedrock']
/** Access Advisor's tracking period. */
export const TRACKING_DAYS = 400
const DAY_MS = 86_400_000

/** `--usage-limit N`: principals Access Advisor may still be asked about, shared by every account. */
export class UsageBudget {
  private used = 0
  /** Principals left out because the budget ran out. */
  skipped = 0
  constructor(readonly limit = Infinity) {}

  take(): boolean {
    if (this.used >= this.limit) {
      this.skipped++
      return false
    }
    this.used++
    return true
  }
}

export interface AccessAdvisorOptions {
  accountId: string
  /** Principals asked about at once (default 4): each job is polled, so this bounds the open jobs. */
  concurrency?: number
  budget?: UsageBudget
  /** Delay between polls of one job (default 1 s); `maxPolls` polls at most (default 30), then the principal stays unknown. */
  pollIntervalMs?: number
  maxPolls?: number
  namespaces?: readonly string[]
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>
}

export interface AccessAdvisorResult {
  /** Principal ARN → evidence. Principals without an entry stay `unknown`. */
  evidence: Map<string, BedrockUsageEvidence>
  errors: ScanErrorEntry[]
  /** Principals not asked about because the `--usage-limit` budget ran out. */
  skipped: string[]
}

type IamSender = Pick<IAMClient, 'send'>

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])

function errorCode(e: unknown): string {
  const err = (e ?? {}) as { name?: string; Code?: string; code?: string }
  return err.Code ?? err.name ?? err.code ?? 'unknown-error'
}

function iso(d: Date | string | undefined): string | undefined {
  if (d === undefined) return undefined
  const date = typeof d === 'string' ? new Date(d) : d
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/**
 * Evidence from one completed job's service list. `undefined` when Access Advisor does not list any
 * Bedrock namespace (the policies it reads do not allow Bedrock), so it cannot speak about Bedrock.
 */
export function evidenceFromServices(services: readonly ServiceLastAccessed[], jobCreated: Date | undefined, namespaces: readonly string[] = BEDROCK_NAMESPACES): BedrockUsageEvidence | undefined {
  const bedrock = services.filter((s) => s.ServiceNamespace !== undefined && namespaces.includes(s.ServiceNamespace))
  if (bedrock.length === 0) return undefined
  const last = (list: readonly ServiceLastAccessed[]): string | undefined =>
    list
      .map((s) => iso(s.LastAuthenticated))
      .filter((x): x is string => x !== undefined)
      .sort()
      .at(-1)
  const ev: BedrockUsageEvidence = { source: 'access-advisor' }
  const bedrockLast = last(bedrock)
  if (bedrockLast) ev.lastUsed = bedrockLast
  const anyLast = last(services)
  if (anyLast) ev.anyServiceLastUsed = anyLast
  if (jobCreated) ev.windowStart = new Date(jobCreated.getTime() - TRACKING_DAYS * DAY_MS).toISOString()
  return ev
}

class Denied extends Error {}

async function askOne(iam: IamSender, arn: string, o: Required<Pick<AccessAdvisorOptions, 'pollIntervalMs' | 'maxPolls' | 'sleep' | 'namespaces'>>): Promise<BedrockUsageEvidence | undefined | 'timeout'> {
  let jobId: string | undefined
  try {
    jobId = (await iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: arn, Granularity: 'SERVICE_LEVEL' }))).JobId
  } catch (e) {
    if (ACCESS_DENIED.has(errorCode(e))) throw new Denied('iam:GenerateServiceLastAccessedDetails')
    throw e
  }
  if (!jobId) throw new Error('GenerateServiceLastAccessedDetails returned no JobId')
  for (let poll = 0; poll < o.maxPolls; poll++) {
    if (poll > 0) await o.sleep(o.pollIntervalMs)
    let page: GetServiceLastAccessedDetailsCommandOutput
    try {
      page = await iam.send(new GetServiceLastAccessedDetailsCommand({ JobId: jobId, MaxItems: 1000 }))
    } catch (e) {
      if (ACCESS_DENIED.has(errorCode(e))) throw new Denied('iam:GetServiceLastAccessedDetails')
      throw e
    }
    if (page.JobStatus === 'IN_PROGRESS') continue
    if (page.JobStatus === 'FAILED') throw new Error(`Access Advisor job failed: ${page.Error?.Message ?? page.Error?.Code ?? 'no reason given'}`)
    const services = [...(page.ServicesLastAccessed ?? [])]
    const seen = new Set<string>()
    let marker = page.IsTruncated ? page.Marker : undefined
    // An administrator may be allowed hundreds of services; the Bedrock entry can be on a later page.
    while (marker && !seen.has(marker)) {
      seen.add(marker)
      const next = await iam.send(new GetServiceLastAccessedDetailsCommand({ JobId: jobId, MaxItems: 1000, Marker: marker }))
      services.push(...(next.ServicesLastAccessed ?? []))
      marker = next.IsTruncated ? next.Marker : undefined
    }
    return evidenceFromServices(services, page.JobCreationDate, o.namespaces)
  }
  return 'timeout'
}

/**
 * Asks Access Advisor about each principal (call it with the Bedrock-capable ones only) using the
 * account's IAM client. Failures become `errors[]` entries; a denied call stops the account's remaining
 * requests, since every other principal would be denied the same way.
 */
export async function collectBedrockAccess(iam: IamSender, principals: ReadonlyArray<{ arn: string }>, opts: AccessAdvisorOptions): Promise<AccessAdvisorResult> {
  const o = {
    pollIntervalMs: opts.pollIntervalMs ?? 1000,
    maxPolls: opts.maxPolls ?? 30,
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    namespaces: opts.namespaces ?? BEDROCK_NAMESPACES,
  }
  const result: AccessAdvisorResult = { evidence: new Map(), errors: [], skipped: [] }
  const queue = principals.map((p) => p.arn)
  let denied = false
  const source = `live ${opts.accountId} IAM Access Advisor`
  const worker = async (): Promise<void> => {
    for (let arn = queue.shift(); arn !== undefined && !denied; arn = queue.shift()) {
      // The budget is taken only when a principal is really asked about: after a denial, the account's
      // remaining principals must not use up what other accounts could still be asked.
      if (opts.budget && !opts.budget.take()) {
        result.skipped.push(arn)
        continue
      }
      try {
        const ev = await askOne(iam, arn, o)
        if (ev === 'timeout') {
          result.errors.push({ source, accountId: opts.accountId, subject: arn, code: 'access-advisor-timeout', message: `IAM Access Advisor did not finish the report for ${arn} after ${o.maxPolls} polls; its Bedrock use stays unknown`, hint: 'rerun later, or raise the poll limit' })
        } else if (ev) result.evidence.set(arn, ev)
      } catch (e) {
        if (e instanceof Denied) {
          if (!denied) {
            denied = true
            result.errors.push({ source, accountId: opts.accountId, subject: arn, code: 'access-advisor-denied', message: `${e.message} was denied in account ${opts.accountId}; Bedrock use of its principals stays unknown`, hint: 'grant iam:GenerateServiceLastAccessedDetails and iam:GetServiceLastAccessedDetails to the audit role, or scan without --usage' })
          }
          return
        }
        result.errors.push({ source, accountId: opts.accountId, subject: arn, code: 'access-advisor-failed', message: `IAM Access Advisor failed for ${arn}: ${errorCode(e)}: ${(e as Error)?.message ?? String(e)}`, hint: 'its Bedrock use stays unknown; rerun to retry' })
      }
    }
  }
  const n = Math.max(1, Math.min(opts.concurrency ?? 4, queue.length))
  await Promise.all(Array.from({ length: n }, worker))
  return result
}
