/**
 * Amazon Athena (awsJson1_1, `X-Amz-Target: AmazonAthena.<Op>`, signing name `athena`): the query
 * lifecycle — `StartQueryExecution` (QUEUED), `GetQueryExecution` (RUNNING, then SUCCEEDED or FAILED
 * after a few polls), `StopQueryExecution` (CANCELLED), and `GetQueryResults` paged with `NextToken`
 * (`MaxResults` ≤ 1,000; the first row of the first page holds the column names). The fake runs no SQL:
 * `answer` decides each query's outcome from its text.
 *
 * Not part of the default service set: `startAwsServer(world, { services: [athenaService(fake)] })`.
 */
import { randomUUID } from 'node:crypto'
import type { OperationHandler, ServiceDefinition } from '../index.js'
import { page } from '../paginate.js'
import { AwsFault, json11Protocol, type Params } from '../protocols.js'

export type AthenaAnswer = { columns: string[]; rows: Array<Array<string | null>> } | { fail: string; errorType?: number }

export interface FakeAthenaExecution {
  id: string
  sql: string
  database?: string
  catalog?: string
  workgroup: string
  output?: string
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'
  polls: number
  answer: AthenaAnswer
}

export interface FakeAthena {
  answer: (sql: string) => AthenaAnswer
  /** `GetQueryExecution` calls that still answer QUEUED/RUNNING (default 2). */
  pollsBeforeDone?: number
  /** Never finishes on its own (timeouts, Ctrl-C). */
  hang?: boolean
  /** Workgroups with their own output location; others need `ResultConfiguration.OutputLocation`. */
  workgroupOutputs?: Record<string, string>
  /** Rows per `GetQueryResults` page at most (default 1,000, as Athena). */
  pageSize?: number
  executions: Map<string, FakeAthenaExecution>
}

export function emptyAthena(answer: FakeAthena['answer']): FakeAthena {
  return { answer, executions: new Map() }
}

function invalid(message: string): AwsFault {
  return new AwsFault('InvalidRequestException', message)
}

function executionOf(a: FakeAthena, p: Params): FakeAthenaExecution {
  const id = p.QueryExecutionId
  if (typeof id !== 'string' || id === '') throw invalid('QueryExecutionId is required')
  const e = a.executions.get(id)
  if (!e) throw invalid(`QueryExecution ${id} was not found`)
  return e
}

function athenaHandlers(a: FakeAthena): Record<string, OperationHandler> {
  return {
    StartQueryExecution: (p) => {
      if (typeof p.QueryString !== 'string' || p.QueryString === '') throw invalid('QueryString is required')
      const ctx = (p.QueryExecutionContext ?? {}) as { Database?: string; Catalog?: string }
      const rc = (p.ResultConfiguration ?? {}) as { OutputLocation?: string }
      const workgroup = typeof p.WorkGroup === 'string' ? p.WorkGroup : 'primary'
      const output = rc.OutputLocation ?? a.workgroupOutputs?.[workgroup]
      if (!output) throw invalid('No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.')
      const id = randomUUID()
      a.executions.set(id, { id, sql: p.QueryString, workgroup, output, state: 'QUEUED', polls: 0, answer: a.answer(p.QueryString), ...(ctx.Database ? { database: ctx.Database } : {}), ...(ctx.Catalog ? { catalog: ctx.Catalog } : {}) })
      return { QueryExecutionId: id }
    },
    GetQueryExecution: (p) => {
      const e = executionOf(a, p)
      if (e.state === 'QUEUED' || e.state === 'RUNNING') {
        e.polls++
        if (a.hang || e.polls <= (a.pollsBeforeDone ?? 2)) e.state = e.polls === 1 ? 'QUEUED' : 'RUNNING'
        else e.state = 'fail' in e.answer ? 'FAILED' : 'SUCCEEDED'
      }
      const done = e.state === 'SUCCEEDED' || e.state === 'FAILED' || e.state === 'CANCELLED'
      return {
        QueryExecution: {
          QueryExecutionId: e.id,
          Query: e.sql,
          StatementType: 'DML',
          ResultConfiguration: { OutputLocation: `${e.output}${e.output?.endsWith('/') ? '' : '/'}${e.id}.csv` },
          QueryExecutionContext: { ...(e.database ? { Database: e.database } : {}), ...(e.catalog ? { Catalog: e.catalog } : {}) },
          Status: {
            State: e.state,
            SubmissionDateTime: new Date('2026-08-20T10:00:00Z'),
            ...(done ? { CompletionDateTime: new Date('2026-08-20T10:00:09Z') } : {}),
            ...(e.state === 'FAILED' && 'fail' in e.answer ? { StateChangeReason: e.answer.fail, AthenaError: { ErrorCategory: 2, ErrorType: e.answer.errorType ?? 1006, Retryable: false, ErrorMessage: e.answer.fail } } : {}),
            ...(e.state === 'CANCELLED' ? { StateChangeReason: 'Query was cancelled by the user' } : {}),
          },
          Statistics: { DataScannedInBytes: 123_456_789, EngineExecutionTimeInMillis: 8_400 },
          WorkGroup: e.workgroup,
        },
      }
    },
    StopQueryExecution: (p) => {
      const e = executionOf(a, p)
      if (e.state === 'QUEUED' || e.state === 'RUNNING') e.state = 'CANCELLED'
      return {}
    },
    GetQueryResults: (p) => {
      const e = executionOf(a, p)
      if (e.state !== 'SUCCEEDED') throw invalid(`Query has not yet finished. Current state: ${e.state}`)
      if ('fail' in e.answer) throw invalid('Query did not succeed')
      const { columns, rows } = e.answer
      const all = [columns, ...rows].map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) }))
      const size = p.MaxResults === undefined ? undefined : Math.min(Number(p.MaxResults), a.pageSize ?? 1000)
      const pg = page(all, { token: p.NextToken, size, defaultSize: a.pageSize ?? 1000, maxSize: 1000, tokenError: 'InvalidRequestException' })
      return {
        ResultSet: {
          Rows: pg.items,
          ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ CatalogName: 'hive', SchemaName: '', TableName: '', Name, Label: Name, Type: 'varchar', Precision: 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true })) },
        },
        UpdateCount: 0,
        ...(pg.next ? { NextToken: pg.next } : {}),
      }
    },
  }
}

export function athenaService(a: FakeAthena): ServiceDefinition {
  return {
    signingName: 'athena',
    protocol: json11Protocol({ targetPrefix: 'AmazonAthena' }),
    accessDeniedCode: 'AccessDeniedException',
    invalidTokenCode: 'UnrecognizedClientException',
    expiredTokenCode: 'ExpiredTokenException',
    handlers: athenaHandlers(a),
  }
}
