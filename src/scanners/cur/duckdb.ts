/**
 * The fast path for local CUR 2.0 Parquet: DuckDB (`@duckdb/node-api`, prebuilt binaries shipped in the
 * npm package) reads the files and does the spend ledger's aggregation in SQL, so only aggregated rows
 * cross into JavaScript:
 *
 * - per account and kind of row: row counts (all, Bedrock, Bedrock non-usage), and the span of the usage
 *   rows (the default period);
 * - per billed principal (a session ARN keeps its session), currency and tag values: cost, rows, first
 *   and last day, in the order of each group's first row (what the report's key order follows);
 * - per caller (sessions of a role folded), day and tag values; and per caller, usage type and tag
 *   values: the ledger's integer micro-units, each row rounded on its own as the row reader does.
 *
 * Every decision the row consumer (rows.ts) makes is made here the same way, in SQL: Bedrock product,
 * usage line item, clipping to the period (same formula, same floating-point operations), the required
 * `iamPrincipal/<key>` values and their other spellings, the usage type. The accumulator folds the
 * groups (cur-aggregate.ts `addSpend`, `addCell`, `addModel`). Rows the consumer would skip (no account
 * ID, no cost, no start) are only counted here: the caller then reads the export with hyparquet, whose
 * errors name the row; so does a file whose columns have other types than CUR 2.0 writes.
 *
 * Hardened for hostile input: local files only. Extensions are never installed or loaded, external
 * access is off with exactly the export's files allowed, the paths are quoted literals and never glob
 * patterns, the configuration is locked before the first query, and the temporary folder is our own.
 * Measured in docs/performance.md.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BEDROCK_PRODUCT_CODES, MARKETPLACE_BEDROCK_SUFFIX, USAGE_LINE_ITEM_TYPES } from '../../spend/cur-aggregate.js'
import { COL, PRODUCT_NAME_KEY } from './columns.js'
import { quoteIdent as ident, sqlString } from './sql.js'

/** The part of `@duckdb/node-api` used here (loaded on demand: it is an optional accelerator). */
interface DuckChunk {
  rowCount: number
  getColumns(): unknown[][]
}
interface DuckConnection {
  stream(sql: string): Promise<{ fetchChunk(): Promise<DuckChunk | null> }>
  run(sql: string): Promise<unknown>
  disconnectSync?(): void
}
interface DuckInstance {
  connect(): Promise<DuckConnection>
  closeSync?(): void
}
interface DuckApi {
  DuckDBInstance: { create(path: string, options: Record<string, string>): Promise<DuckInstance> }
}

/** What the rows are for the consumer; only `Included` rows are aggregated beyond a count. */
export const RowKind = {
  /** Not Bedrock: counted, its account seen. */
  Other: 0,
  /** Bedrock, not a usage line item (credits, tax…). */
  NonUsage: 1,
  /** Bedrock usage the row reader would skip (no account ID, no cost, no start): hyparquet reads the export. */
  Invalid: 2,
  /** Bedrock usage outside the period (or before IAM principal data exists). */
  Outside: 3,
  Included: 4,
} as const
export type RowKind = (typeof RowKind)[keyof typeof RowKind]

export interface DuckAggregateOptions {
  tagKeys: readonly string[]
  /** Clip to this period (ms, end exclusive); unset: no clipping, the span is reported. */
  period?: { start: number; end: number }
  /** Without a period: usage before this instant is left out. */
  notBefore?: number
}

/** The aggregated rows, in this order: counts, spend groups (by first row), cells, model cells. */
export interface DuckSink {
  count(kind: RowKind, account: string, rows: number, span?: { first: number; last: number }): void
  spend(g: { account: string; principal: string; currency: string; values: Array<string | undefined>; caseValues: Array<string | undefined>; cost: number; rows: number; firstDay: number; lastDay: number }): void
  cell(account: string, caller: string, day: number, values: string[], caseValues: string[], micro: number): void
  model(account: string, caller: string, usageType: string, values: string[], caseValues: string[], micro: number): void
}

export interface DuckReader {
  /** Reads the files (in this order) into `sink`. Throws when DuckDB cannot read them as CUR 2.0. */
  aggregate(paths: readonly string[], opts: DuckAggregateOptions, sink: DuckSink): Promise<void>
  close(): void
}

/** Characters DuckDB's file readers treat as glob syntax: such a path is left to hyparquet. */
const GLOB_CHARS = /[*?[\]{}]/


/** What `String.prototype.trim` removes (WhiteSpace and LineTerminator), for DuckDB's `trim(s, chars)`. */
const JS_WHITESPACE = sqlString('\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff')

/**
 * `line_item_iam_principal` of a role session, with the session name replaced, for the per-day ledger
 * cells (sessions of one role are one caller there). Only names of IAM's and STS's own characters are
 * folded, so `callerOf` reads the folded ARN as the same role; anything else stays as it is.
 */
const sessionFold = (principal: string): string =>
  `regexp_replace(${principal}, '^arn:(aws[a-z-]*):sts:([a-z0-9-]*):([0-9]{12}):assumed-role/([\\w+=,.@-]+)/[\\w+=,.@-]+$', 'arn:\\1:sts:\\2:\\3:assumed-role/\\4/-')`

/** Column types this reader knows how to read exactly as hyparquet does; anything else goes to hyparquet. */
const TEXT = /^VARCHAR$/
const TYPES: Record<string, RegExp> = {
  [COL.account]: TEXT,
  [COL.principal]: TEXT,
  [COL.productCode]: TEXT,
  [COL.lineItemType]: TEXT,
  [COL.cost]: /^(DOUBLE|FLOAT)$/,
  [COL.start]: /^TIMESTAMP(_MS| WITH TIME ZONE)?$/,
  [COL.end]: /^TIMESTAMP(_MS| WITH TIME ZONE)?$/,
  [COL.tags]: /^MAP\(VARCHAR, VARCHAR\)$/,
  [COL.product]: /^MAP\(VARCHAR, VARCHAR\)$/,
  [COL.productName]: TEXT,
  [COL.currency]: TEXT,
  [COL.usageType]: TEXT,
}

/** GROUPING(principal, caller, day, usage_type) of each grouping set: a bit set per column left out. */
const SET_COUNTS = 0b1111
const SET_SPEND = 0b0111
const SET_CELLS = 0b1001
const SET_MODELS = 0b1010

/**
 * The aggregation query. `columns` are the CUR columns the files have (others are NULL). Pure, so the
 * tests can look at it; every literal in it is quoted.
 */
export function aggregateSql(from: string, columns: ReadonlySet<string>, opts: DuckAggregateOptions): string {
  const col = (c: string): string => (columns.has(c) ? ident(c) : 'NULL')
  const list = (xs: readonly string[]): string => xs.map(sqlString).join(', ')
  const code = ident(COL.productCode)
  const bedrockCode = (c: string): string => `coalesce(${c} IN (${list(BEDROCK_PRODUCT_CODES)}), false)`
  // As the consumer: the flat product name; without one, and only for a non-Bedrock code, the product map's.
  const productMap = columns.has(COL.product) ? `${ident(COL.product)}[${sqlString(PRODUCT_NAME_KEY)}]` : 'NULL'
  const name = `CASE WHEN ${bedrockCode(code)} THEN ${col(COL.productName)} ELSE coalesce(${col(COL.productName)}, ${productMap}) END`
  const keys = opts.tagKeys.map((k) => `iamPrincipal/${k}`)
  const lower = keys.map((k) => k.toLowerCase())
  // `v.trim() === ''`; the Unicode trim only for a value that starts with white space (it is slow).
  // (AND and OR evaluate both sides for every row; CASE only its branch.)
  const blank = (v: string): string => `(CASE WHEN ${v} IS NULL OR ${v} = '' THEN true WHEN contains(${JS_WHITESPACE}, left(${v}, 1)) THEN trim(${v}, ${JS_WHITESPACE}) = '' ELSE false END)`
  // The exact key's value; when it has none, another spelling's: the first such key in code-point
  // order. The consumer looks a spelling up under the first required key with that lower case only.
  const exact = keys.map((k, i) => ({ name: `v${i}`, expr: `tags[${sqlString(k)}]` }))
  const other = keys.map((k, i) => ({
    name: `c${i}`,
    expr:
      lower.indexOf(lower[i]!) === i
        ? `CASE WHEN ${blank(exact[i]!.expr)} THEN list_sort(list_filter(map_entries(tags), lambda x: lower(x.key) = ${sqlString(lower[i]!)} AND x.key <> ${sqlString(k)} AND NOT ${blank('x.value')}))[1].value END`
        : 'NULL',
  }))
  const tagColumns = [...exact, ...other]
  const p = opts.period
  // clipCost() in SQL, operation for operation; `e` is the start when the row has no end.
  const clipped = p
    ? `CASE WHEN NOT (e > s) THEN (CASE WHEN s >= ${p.start} AND s < ${p.end} THEN cost ELSE 0 END)
        WHEN least(e, ${p.end}) <= greatest(s, ${p.start}) THEN 0
        WHEN greatest(s, ${p.start}) = s AND least(e, ${p.end}) = e THEN cost
        ELSE cost * CAST(least(e, ${p.end}) - greatest(s, ${p.start}) AS DOUBLE) / CAST(e - s AS DOUBLE) END`
    : 'cost'
  const outside = p ? `clipped = 0 AND NOT (s >= ${p.start} AND s < ${p.end})` : opts.notBefore !== undefined ? `s < ${opts.notBefore}` : 'false'
  // Each step a subquery of the one before (DuckDB merges them): the row's values, what kind of row it
  // is, the values each output groups by, then the outputs. Every grouping is small (accounts, billed
  // principals, callers × days), so memory does not grow with the rows.
  const base = [
    `SELECT ${col(COL.account)} AS account, ${col(COL.principal)} AS principal, ${col(COL.currency)} AS currency, ${col(COL.usageType)} AS usage_type,`,
    `  ${code} AS code, ${name} AS name, ${ident(COL.lineItemType)} AS line_type, CAST(${ident(COL.cost)} AS DOUBLE) AS cost,`,
    `  epoch_ms(${ident(COL.start)}) AS s, ${columns.has(COL.end) ? `coalesce(epoch_ms(${ident(COL.end)}), epoch_ms(${ident(COL.start)}))` : `epoch_ms(${ident(COL.start)})`} AS e,`,
    `  file_index * 1099511627776 + file_row_number AS pos, ${ident(COL.tags)} AS tags`,
    `FROM ${from}`,
  ].join('\n')
  // `name.trimEnd().endsWith(suffix)`; the Unicode trim only for a name that ends with white space.
  const suffix = sqlString(MARKETPLACE_BEDROCK_SUFFIX)
  const flagged = [
    `SELECT *, ${bedrockCode('code')} OR coalesce(CASE WHEN ends_with(name, ${suffix}) THEN true WHEN contains(${JS_WHITESPACE}, right(name, 1)) THEN ends_with(rtrim(name, ${JS_WHITESPACE}), ${suffix}) ELSE false END, false) AS bedrock,`,
    `  coalesce(line_type IN (${list(USAGE_LINE_ITEM_TYPES)}), false) AS usage`,
    `FROM (${base})`,
  ].join('\n')
  // The rows the consumer would skip, in its words: no account ID, a cost that is not a number, no start.
  const invalid = `NOT coalesce(regexp_full_match(account, '[0-9]{12}'), false) OR cost IS NULL OR NOT isfinite(cost) OR s IS NULL`
  const checked = `SELECT *, CASE WHEN bedrock AND usage THEN ${invalid} ELSE false END AS invalid FROM (${flagged})`
  const clippedRows = `SELECT *, CASE WHEN bedrock AND usage AND NOT invalid THEN ${clipped} END AS clipped FROM (${checked})`
  const kinded = `SELECT *, CASE WHEN NOT bedrock THEN ${RowKind.Other} WHEN NOT usage THEN ${RowKind.NonUsage} WHEN invalid THEN ${RowKind.Invalid} WHEN ${outside} THEN ${RowKind.Outside} ELSE ${RowKind.Included} END AS kind FROM (${clippedRows})`
  const inc = (x: string): string => `CASE WHEN kind = ${RowKind.Included} THEN ${x} END`
  // Math.round(clipped * 1e6) per row (ties towards +∞), as toMicro() in the row reader.
  const micro = `CASE WHEN clipped * 1e6 - floor(clipped * 1e6) >= 0.5 THEN ceil(clipped * 1e6) ELSE floor(clipped * 1e6) END`
  // The values each output groups by, Bedrock usage in the period only; then all outputs in one pass.
  const grouped = [
    'SELECT kind, account,',
    `  ${inc("coalesce(principal, '')")} AS principal, ${inc(sessionFold("coalesce(principal, '')"))} AS caller,`,
    `  ${inc(`coalesce(nullif(currency, ''), 'USD')`)} AS currency,`,
    `  ${inc(`coalesce(nullif(usage_type, ''), nullif(name, ''), nullif(code, ''), '')`)} AS usage_type,`,
    `  ${inc('s // 86400000')} AS day, ${inc('sign(clipped)')} AS sgn,`,
    ...tagColumns.map((c) => `  ${inc(c.expr)} AS ${c.name},`),
    `  clipped, CAST(${inc(micro)} AS BIGINT) AS micro, pos, ${inc('s')} AS span_first, ${inc('CASE WHEN e > s THEN e ELSE s END')} AS span_last`,
    `FROM (${kinded})`,
  ].join('\n')
  const tagKey = tagColumns.map((c) => `, ${c.name}`).join('')
  return [
    `SELECT CAST(GROUPING(principal, caller, day, usage_type) AS INTEGER) AS grouping_set, kind, account, principal, caller, currency, usage_type, CAST(day AS DOUBLE) AS day${tagKey},`,
    '  CAST(count(*) AS DOUBLE) AS n, fsum(clipped) AS cost, CAST(sum(micro) AS DOUBLE) AS micro, min(pos) AS first,',
    '  CAST(min(day) AS DOUBLE) AS first_day, CAST(max(day) AS DOUBLE) AS last_day, CAST(min(span_first) AS DOUBLE) AS span_first, CAST(max(span_last) AS DOUBLE) AS span_last',
    `FROM (${grouped})`,
    'GROUP BY GROUPING SETS (',
    '  (kind, account),',
    `  (kind, account, principal, currency${tagKey}, sgn),`,
    `  (kind, account, caller, day${tagKey}),`,
    `  (kind, account, caller, usage_type${tagKey})`,
    ')',
    // Counts and spend in the order of each group's first row (the report's key order follows it).
    `ORDER BY grouping_set IN (${SET_CELLS}, ${SET_MODELS}), first`,
  ].join('\n')
}

/** DuckDB, or undefined when the native module is not available on this platform. */
export async function openDuckReader(): Promise<DuckReader | undefined> {
  let api: DuckApi
  try {
    api = (await import('@duckdb/node-api')) as unknown as DuckApi
  } catch {
    return undefined
  }
  const temp = mkdtempSync(join(tmpdir(), 'tagwarden-duckdb-'))
  let instance: DuckInstance | undefined
  const close = (con?: DuckConnection): void => {
    try {
      con?.disconnectSync?.()
      instance?.closeSync?.()
    } finally {
      instance = undefined
    }
  }
  try {
    // Created here so that a platform without the native module falls back before any file is read.
    instance = await api.DuckDBInstance.create(':memory:', settings(temp))
  } catch {
    rmSync(temp, { recursive: true, force: true })
    return undefined
  }
  return {
    async aggregate(paths, opts, sink) {
      if (paths.some((p) => GLOB_CHARS.test(p))) throw new Error('a path has glob characters')
      if (!instance) throw new Error('closed')
      const con = await instance.connect()
      try {
        // Only these files, from here on; nothing can change that afterwards.
        await con.run(`SET allowed_paths = [${paths.map(sqlString).join(', ')}]`)
        await con.run(`SET allowed_directories = [${sqlString(temp)}]`)
        await con.run('SET enable_external_access = false')
        await con.run('SET lock_configuration = true')
        const from = `read_parquet([${paths.map(sqlString).join(', ')}], file_row_number = true, union_by_name = true, hive_partitioning = false)`
        const columns = await describe(con, from)
        await read(con, aggregateSql(from, columns, opts), opts.tagKeys.length, sink)
      } finally {
        close(con)
      }
    },
    close() {
      try {
        close()
      } finally {
        rmSync(temp, { recursive: true, force: true })
      }
    },
  }
}

function settings(temp: string): Record<string, string> {
  return {
    // Never fetch or load extensions: Parquet is built in, and nothing else is needed.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    extension_directory: join(temp, 'extensions'),
    temp_directory: join(temp, 'spill'),
    // Groups are independent of row order (the query orders what needs an order); keeping it costs memory.
    preserve_insertion_order: 'false',
    memory_limit: '1GB',
  }
}

/** The CUR columns the files have, checked against the types the reader handles exactly; throws otherwise. */
async function describe(con: DuckConnection, from: string): Promise<Set<string>> {
  const out = new Set<string>()
  const result = await con.stream(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`)
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const [names, types] = chunk.getColumns() as [string[], string[]]
    for (let i = 0; i < chunk.rowCount; i++) {
      const expected = TYPES[names[i]!]
      if (!expected) continue
      if (!expected.test(types[i]!)) throw new Error(`column ${names[i]} is ${types[i]}`)
      out.add(names[i]!)
    }
  }
  return out
}

async function read(con: DuckConnection, sql: string, keys: number, sink: DuckSink): Promise<void> {
  const result = await con.stream(sql)
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const c = chunk.getColumns()
    const [set, kind, account, principal, caller, currency, usageType, day] = c as [number[], RowKind[], Array<string | null>, string[], string[], string[], string[], number[]]
    const v = c.slice(8, 8 + keys) as Array<Array<string | null>>
    const cv = c.slice(8 + keys, 8 + 2 * keys) as Array<Array<string | null>>
    const [n, cost, micro, , firstDay, lastDay, spanFirst, spanLast] = c.slice(8 + 2 * keys) as [number[], number[], number[], unknown, number[], number[], Array<number | null>, Array<number | null>]
    for (let i = 0; i < chunk.rowCount; i++) {
      const g = set[i]
      const acct = account[i] ?? ''
      if (g === SET_COUNTS) {
        const first = spanFirst[i]
        const last = spanLast[i]
        sink.count(kind[i]!, acct, n[i]!, typeof first === 'number' && typeof last === 'number' ? { first, last } : undefined)
      } else if (kind[i] !== RowKind.Included) {
        // The other kinds of rows have no principal, day or tag values: only their counts matter.
        continue
      } else if (g === SET_SPEND) {
        const values = v.map((x) => x[i] ?? undefined)
        const caseValues = cv.map((x) => x[i] ?? undefined)
        sink.spend({ account: acct, principal: principal[i]!, currency: currency[i]!, values, caseValues, cost: cost[i]!, rows: n[i]!, firstDay: firstDay[i]!, lastDay: lastDay[i]! })
      } else if (g === SET_CELLS || g === SET_MODELS) {
        const values = v.map((x) => x[i] ?? '')
        const caseValues = cv.map((x) => x[i] ?? '')
        if (g === SET_CELLS) sink.cell(acct, caller[i]!, day[i]!, values, caseValues, micro[i]!)
        else sink.model(acct, caller[i]!, usageType[i]!, values, caseValues, micro[i]!)
      }
    }
  }
}
