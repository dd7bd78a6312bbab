/**
 * CUR 2.0 at organization scale through Athena (`--cur athena://DATABASE.TABLE?workgroup=W&output=s3://…`):
 * Athena — the engine its users already run over the CUR — does the aggregation (Bedrock usage rows of
 * the period grouped by account, principal and the required `iamPrincipal/` keys) and tagwarden reads
 * only the aggregated rows: `StartQueryExecution`, `GetQueryExecution` until the query is done (with a
 * timeout, and `StopQueryExecution` on Ctrl-C or timeout), then `GetQueryResults` page by page (the
 * first row of the first page is the header). The rows feed the same accumulator as the local readers.
 *
 * Athena writes every query's result to S3 (the workgroup's or `output=` location): the one thing a
 * tagwarden run leaves behind. Import lazily: it loads the AWS SDK.
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsCommandOutput,
  type AthenaClient,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena'
import { ExitCode, TagwardenError } from '../../errors.js'
import { DEFAULT_ATHENA_TIMEOUT_S, ATHENA_PAGE_SIZE, type AthenaTarget } from './athena-sql.js'

export type AthenaSender = Pick<AthenaClient, 'send'>

/** A query that ended without results, or was stopped. */
export class AthenaQueryError extends TagwardenError {
  constructor(
    code: string,
    message: string,
    hint: string,
    readonly queryExecutionId?: string,
  ) {
    super(code, message, hint)
  }
}

/** Ctrl-C while the query ran: it was stopped in Athena; the scan ends with 130. */
export class AthenaInterrupted extends TagwardenError {
  override readonly exitCode = ExitCode.Interrupted
}

export interface AthenaRunOptions {
  /** Between polls: starts here and doubles up to 5 s (default 500 ms). */
  pollMs?: number
  timeoutSeconds?: number
  /** Aborting stops the query in Athena (`StopQueryExecution`). Ctrl-C aborts it when no signal is given. */
  signal?: AbortSignal
  notice?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export interface AthenaRunResult {
  queryExecutionId: string
  dataScannedBytes?: number
  pages: number
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Whether the abort came before `ms` had passed. */
function sleepOrAbort(ms: number, signal: AbortSignal, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(true)
    signal.addEventListener('abort', onAbort, { once: true })
    void sleep(ms).then(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(signal.aborted)
    })
  })
}

/**
 * Runs `sql`, waits for it, and hands every result row (header skipped) to `onRow` as column name →
 * value. Throws `AthenaQueryError` (FAILED, CANCELLED, timeout) or `AthenaInterrupted`.
 */
export async function runAthenaQuery(client: AthenaSender, target: AthenaTarget, sql: string, onRow: (row: Record<string, string | undefined>) => void, o: AthenaRunOptions = {}): Promise<AthenaRunResult> {
  const sleep = o.sleep ?? defaultSleep
  const now = o.now ?? Date.now
  const controller = new AbortController()
  const signal = o.signal ?? controller.signal
  const onSigint = (): void => controller.abort()
  if (!o.signal) process.once('SIGINT', onSigint)
  try {
    const input: StartQueryExecutionCommandInput = {
      QueryString: sql,
      QueryExecutionContext: { Database: target.database, ...(target.catalog ? { Catalog: target.catalog } : {}) },
      ...(target.output ? { ResultConfiguration: { OutputLocation: target.output } } : {}),
      ...(target.workgroup ? { WorkGroup: target.workgroup } : {}),
    }
    const started = await client.send(new StartQueryExecutionCommand(input))
    const id = started.QueryExecutionId
    if (!id) throw new AthenaQueryError('cur-athena-error', 'Athena StartQueryExecution returned no QueryExecutionId', 'run again; if it persists, please report it')
    o.notice?.(`tagwarden: Athena query ${id} started on ${target.database}.${target.table}${target.workgroup ? ` (workgroup ${target.workgroup})` : ''}; its result is written to ${target.output ?? "the workgroup's output location"}`)
    const deadline = now() + (o.timeoutSeconds ?? target.timeoutSeconds ?? DEFAULT_ATHENA_TIMEOUT_S) * 1000
    let wait = o.pollMs ?? 500
    let scanned: number | undefined
    const stop = async (): Promise<void> => {
      try {
        await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
      } catch {
        // The query may have ended meanwhile; nothing else to do.
      }
    }
    for (;;) {
      const q = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution
      const state = q?.Status?.State
      scanned = q?.Statistics?.DataScannedInBytes ?? scanned
      if (state === 'SUCCEEDED') break
      if (state === 'FAILED') {
        const reason = q?.Status?.AthenaError?.ErrorMessage ?? q?.Status?.StateChangeReason ?? 'no reason given'
        throw new AthenaQueryError('cur-athena-failed', `Athena query ${id} FAILED: ${reason}`, athenaHint(reason), id)
      }
      if (state === 'CANCELLED') {
        throw new AthenaQueryError('cur-athena-cancelled', `Athena query ${id} was CANCELLED${q?.Status?.StateChangeReason ? `: ${q.Status.StateChangeReason}` : ''}`, 'run the scan again; someone (or a workgroup limit) stopped the query', id)
      }
      if (now() >= deadline) {
        await stop()
        throw new AthenaQueryError(
          'cur-athena-timeout',
          `Athena query ${id} did not finish within ${o.timeoutSeconds ?? target.timeoutSeconds ?? DEFAULT_ATHENA_TIMEOUT_S} s (last state ${state ?? 'unknown'}); it was stopped`,
          'raise the limit with `&timeout=SECONDS` in --cur, or partition the CUR table by billing period so less is scanned',
          id,
        )
      }
      if (await sleepOrAbort(Math.min(wait, Math.max(0, deadline - now())), signal, sleep)) {
        await stop()
        throw new AthenaInterrupted('interrupted', `interrupted: Athena query ${id} was stopped`, 'nothing was left running')
      }
      wait = Math.min(wait * 2, 5000)
    }
    let token: string | undefined
    let pages = 0
    let names: string[] | undefined
    const tokens = new Set<string>()
    do {
      const page: GetQueryResultsCommandOutput = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: ATHENA_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }))
      const rows = page.ResultSet?.Rows ?? []
      names ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? '')
      // The first row of the first page repeats the column names.
      const from = pages === 0 ? 1 : 0
      names ??= rows[0]?.Data?.map((d) => d.VarCharValue ?? '') ?? []
      for (const r of rows.slice(from)) {
        const out: Record<string, string | undefined> = {}
        for (const [i, d] of (r.Data ?? []).entries()) out[names[i] ?? `col_${i}`] = d.VarCharValue
        onRow(out)
      }
      pages++
      token = page.NextToken
      if (token && tokens.has(token)) throw new AthenaQueryError('cur-athena-error', `Athena GetQueryResults returned the same NextToken twice for ${id}`, 'run again; if it persists, please report it', id)
      if (token) tokens.add(token)
    } while (token)
    return { queryExecutionId: id, ...(scanned !== undefined ? { dataScannedBytes: scanned } : {}), pages }
  } finally {
    if (!o.signal) process.removeListener('SIGINT', onSigint)
  }
}

function athenaHint(reason: string): string {
  if (/TABLE_NOT_FOUND|does not exist|not found/i.test(reason)) return 'check DATABASE.TABLE in --cur (the Glue catalog of the scan’s region), see docs/cur.md'
  if (/COLUMN_NOT_FOUND|cannot be resolved/i.test(reason)) return 'the table lacks a CUR 2.0 column tagwarden needs (line_item_iam_principal, tags, product…): recreate it over an export with IAM principal data, see docs/cur.md'
  if (/AccessDenied|Access Denied|permission/i.test(reason)) return 'the caller needs athena:*QueryExecution/GetQueryResults, glue:GetTable and s3 read on the CUR and write on the output location (docs/cur.md)'
  return 'see the query in the Athena console (its ID is in the message), docs/cur.md'
}
