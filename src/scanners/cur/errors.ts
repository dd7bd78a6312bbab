/** The CUR reader's `errors[]` entries: each names the file (and rows) and says how to fix the input. */
import type { ScanErrorEntry } from '../../model/finding.js'
import type { SkippedRow } from '../../spend/cur-model.js'

export const CurErrorCode = {
  /** A file that is neither Parquet nor CSV (or a `.parquet` that is not Parquet). */
  NotData: 'cur-not-data',
  /** No `line_item_iam_principal`: the export was made without IAM principal data. */
  NoIamPrincipal: 'cur-no-iam-principal',
  MissingColumns: 'cur-missing-columns',
  Unreadable: 'cur-unreadable',
  /** Rows that could not be used; the rest of the file was read. */
  MalformedRows: 'cur-malformed-rows',
  /** A manifest lists files that are not there. */
  IncompleteDelivery: 'cur-incomplete-delivery',
  BadManifest: 'cur-bad-manifest',
  NoData: 'cur-no-data',
  S3: 'cur-s3-error',
  AthenaFailed: 'cur-athena-failed',
  AthenaTimeout: 'cur-athena-timeout',
  AthenaCancelled: 'cur-athena-cancelled',
  AthenaError: 'cur-athena-error',
} as const

export const CUR_DOC = 'docs/cur.md'

export function curError(code: string, source: string, message: string, hint: string): ScanErrorEntry {
  return { source, code, message, hint }
}

/** One entry per file with skipped rows: how many, and the first ones with their reason. */
export function malformedRowsError(file: string, rows: readonly SkippedRow[], count: number, rowWord: 'line' | 'row'): ScanErrorEntry {
  const listed = rows.slice(0, 5).map((r) => `${r.row !== undefined ? `${rowWord} ${r.row}` : 'a row'}: ${r.reason}`)
  const more = count > listed.length ? `; ${count - listed.length} more` : ''
  const which = listed.length > 0 ? ` (${listed.join('; ')}${more})` : ''
  return curError(
    CurErrorCode.MalformedRows,
    file,
    `${file}: ${count} row${count === 1 ? '' : 's'} could not be read and ${count === 1 ? 'was' : 'were'} skipped${which}; the rest of the file was read, so the spend figures are incomplete.`,
    'export the billing period again (Data Exports re-delivers it), or fix the rows by hand; a CUR written by AWS has none of these',
  )
}
