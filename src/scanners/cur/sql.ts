/** SQL literals for the queries tagwarden writes (Athena in athena-sql.ts, DuckDB in duckdb.ts): every value is quoted. */

/** A string literal: `'it''s'`. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** A quoted identifier: `"a""b"`. */
export const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`
