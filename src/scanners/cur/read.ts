/**
 * Reads the planned files of one export (local or S3) into the accumulator, one file at a time, and
 * turns every problem into an `errors[]` entry that names the file: the rest is still read.
 */
import type { AsyncBuffer } from 'hyparquet'
import type { ScanErrorEntry } from '../../model/finding.js'
import { skipRow } from '../../spend/cur-aggregate.js'
import type { CurReadStats } from '../../spend/cur-model.js'
import { missingColumnsHint } from './columns.js'
import { readCsvStream } from './csv.js'
import { CUR_DOC, CurErrorCode, curError, malformedRowsError } from './errors.js'
import type { ExportPlan, PlannedFile } from './export-plan.js'
import { isParquet, parquetColumns, readParquet } from './parquet.js'
import type { RowConsumer } from './rows.js'

/** How the reader gets at a file's bytes: random access (Parquet) or a stream (CSV). */
export interface ExportIo {
  /** How to name a file in messages (the local path, or `s3://bucket/key`). */
  display(f: PlannedFile): string
  head(f: PlannedFile, bytes: number): Promise<Uint8Array>
  buffer(f: PlannedFile): Promise<AsyncBuffer & { close?(): Promise<void> }>
  stream(f: PlannedFile): Promise<AsyncIterable<Uint8Array>>
  /** The file's local path, when it has one (the DuckDB reader reads local files only). */
  localPath?(f: PlannedFile): string
}

/** The plan's own problems: files a manifest lists that are missing, manifests that cannot be read. */
export function planErrors(plan: ExportPlan, display: (key: string) => string): ScanErrorEntry[] {
  const errors: ScanErrorEntry[] = []
  const byManifest = new Map<string, string[]>()
  for (const m of plan.missing) byManifest.set(m.manifest, [...(byManifest.get(m.manifest) ?? []), m.file])
  for (const [manifest, files] of byManifest) {
    errors.push(
      curError(
        CurErrorCode.IncompleteDelivery,
        display(manifest),
        `${display(manifest)} lists ${files.length} data file${files.length === 1 ? '' : 's'} that ${files.length === 1 ? 'is' : 'are'} not in the export (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}): that billing period is incomplete.`,
        'copy the whole export (`aws s3 sync s3://BUCKET/PREFIX/ DIR/`), or point --cur at the S3 prefix itself',
      ),
    )
  }
  for (const b of plan.badManifests) {
    errors.push(curError(CurErrorCode.BadManifest, display(b.key), `${display(b.key)}: not a CUR 2.0 manifest (${b.reason}); its billing period was read without it.`, `keep the Manifest.json files as Data Exports wrote them (${CUR_DOC})`))
  }
  return errors
}

/** Parquet files checked (magic, footer, columns) and left for the DuckDB reader to read together. */
export type ParquetSink = Array<{ path: string; columns: string[] }>

/**
 * Reads one planned file; problems become errors, skipped rows are counted in `stats`. With a sink, a
 * local Parquet file is only checked and added to it (its rows are read later, by DuckDB).
 */
export async function readPlannedFile(f: PlannedFile, io: ExportIo, consumer: RowConsumer, stats: CurReadStats, parquetSink?: ParquetSink): Promise<ScanErrorEntry[]> {
  const name = io.display(f)
  let head: Uint8Array
  try {
    head = await io.head(f, 4)
  } catch (e) {
    return [curError(CurErrorCode.Unreadable, name, `${name}: cannot be read: ${(e as Error).message}.`, 'check that the path exists and is readable (for S3: s3:GetObject on the export prefix)')]
  }
  const parquet = isParquet(head)
  if (f.format === 'parquet' && !parquet) {
    return [curError(CurErrorCode.NotData, name, `${name}: named .parquet but is not a Parquet file (it does not start with PAR1).`, 'remove it from the export folder, or copy the file again: a partial download is not Parquet')]
  }
  const skippedBefore = stats.skippedRows
  const listedBefore = stats.skipped.length
  stats.files++
  let error: { message: string; missing?: string[] } | undefined
  let rowWord: 'line' | 'row' = 'row'
  if (parquet) {
    let buf: (AsyncBuffer & { close?(): Promise<void> }) | undefined
    try {
      buf = await io.buffer(f)
      const footer = await parquetColumns(buf)
      if ('error' in footer) error = footer.error
      else if (parquetSink && io.localPath) parquetSink.push({ path: io.localPath(f), columns: footer.columns })
      else error = (await readParquet(buf, name, consumer, footer)).error
    } catch (e) {
      error = { message: `it cannot be read: ${(e as Error).message}` }
    } finally {
      await buf?.close?.()
    }
  } else {
    rowWord = 'line'
    try {
      const stream = await io.stream(f)
      error = (await readCsvStream(stream, name, consumer, (reason, line) => skipRow(stats, name, reason, line))).error
    } catch (e) {
      error = { message: `it cannot be read: ${(e as Error).message}` }
    }
  }
  const errors: ScanErrorEntry[] = []
  if (error) {
    stats.files--
    if (error.missing) {
      const noPrincipal = error.missing.includes('line_item_iam_principal')
      errors.push(
        curError(
          noPrincipal ? CurErrorCode.NoIamPrincipal : CurErrorCode.MissingColumns,
          name,
          noPrincipal
            ? `${name}: no \`line_item_iam_principal\` column, so Bedrock spend cannot be tied to IAM principals; the file was skipped.`
            : `${name}: ${error.message}; the file was skipped.`,
          missingColumnsHint(error.missing),
        ),
      )
    } else {
      errors.push(curError(CurErrorCode.NotData, name, `${name}: ${error.message}; the file was skipped.`, 'give --cur the CUR 2.0 export (Parquet, CSV or CSV.gz files as Data Exports wrote them), or remove other files from that folder'))
    }
  }
  const skipped = stats.skippedRows - skippedBefore
  if (skipped > 0) errors.push(malformedRowsError(name, stats.skipped.slice(listedBefore), skipped, rowWord))
  return errors
}
