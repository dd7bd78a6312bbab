/**
 * CUR 2.0 Parquet through hyparquet (pure JS, Snappy built in): the footer first, then one row group at
 * a time and only the columns tagwarden needs, read column-wise and handed to the row consumer row by
 * row. Memory holds one row group's columns, whatever the size of the file; the file itself is read
 * through an `AsyncBuffer` (a local file handle, or ranged S3 GETs).
 */
import { open } from 'node:fs/promises'
import { parquetMetadataAsync, parquetSchema, parquetScan, type AsyncBuffer, type DecodedArray, type FileMetaData, type ParquetParsers } from 'hyparquet'
import { COL, OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from './columns.js'
import { emptyRawRow, type RawRow, type RowConsumer } from './rows.js'

const PARQUET_MAGIC = 'PAR1'

/** Timestamps as ms numbers (no `Date` per row); everything else as hyparquet decodes it. */
const decoder = new TextDecoder()
export const CUR_PARSERS: ParquetParsers = {
  timestampFromMilliseconds: (v) => Number(v),
  timestampFromMicroseconds: (v) => Number(v / 1000n),
  timestampFromNanoseconds: (v) => Number(v / 1_000_000n),
  dateFromDays: (d) => d * 86_400_000,
  stringFromBytes: (b) => b && decoder.decode(b),
  jsonFromBytes: (b) => b && (JSON.parse(decoder.decode(b)) as unknown),
  geometryFromBytes: () => undefined,
  geographyFromBytes: () => undefined,
  uuidFromBytes: () => undefined,
}

/** A local file as an `AsyncBuffer`, read with one file handle (closed by `close`). */
export async function fileAsyncBuffer(path: string): Promise<AsyncBuffer & { close(): Promise<void> }> {
  const fh = await open(path, 'r')
  const { size } = await fh.stat()
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const to = Math.min(end ?? size, size)
      const length = Math.max(0, to - start)
      const buf = new ArrayBuffer(length)
      let off = 0
      while (off < length) {
        const { bytesRead } = await fh.read(new Uint8Array(buf, off, length - off), 0, length - off, start + off)
        if (bytesRead === 0) break
        off += bytesRead
      }
      return buf
    },
    close: () => fh.close(),
  }
}

export interface ParquetFileResult {
  error?: { message: string; missing?: string[] }
}

/** Whether the first four bytes are Parquet's magic. */
export function isParquet(head: Uint8Array): boolean {
  return head.length >= 4 && decoder.decode(head.subarray(0, 4)) === PARQUET_MAGIC
}

/** The footer of a CUR Parquet file and the columns to read from it; an error when it is not one. Never throws. */
export async function parquetColumns(file: AsyncBuffer): Promise<{ error: NonNullable<ParquetFileResult['error']> } | { metadata: FileMetaData; columns: string[] }> {
  if (file.byteLength < 12) return { error: { message: 'this is not a Parquet file (too short)' } }
  const head = new Uint8Array(await file.slice(0, 4))
  const tail = new Uint8Array(await file.slice(file.byteLength - 4, file.byteLength))
  if (!isParquet(head) || !isParquet(tail)) return { error: { message: 'this is not a Parquet file (no PAR1 magic)' } }
  let metadata: FileMetaData
  try {
    metadata = await parquetMetadataAsync(file)
  } catch (e) {
    return { error: { message: `its Parquet footer cannot be read: ${(e as Error).message}` } }
  }
  const present = new Set(parquetSchema(metadata).children.map((c) => c.element.name))
  const missing = REQUIRED_COLUMNS.filter((c) => !present.has(c))
  if (missing.length > 0) return { error: { message: `it has no ${missing.map((c) => `\`${c}\``).join(', ')} column`, missing } }
  return { metadata, columns: [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS.filter((c) => present.has(c))] }
}

/** Reads every row group of one Parquet file into the row consumer. Never throws for bad input. */
export async function readParquet(file: AsyncBuffer, name: string, consumer: RowConsumer, footer?: { metadata: FileMetaData; columns: string[] }): Promise<ParquetFileResult> {
  const checked = footer ?? (await parquetColumns(file))
  if ('error' in checked) return { error: checked.error }
  const { metadata, columns } = checked
  let scan
  try {
    scan = await parquetScan({ file, metadata, columns, parsers: CUR_PARSERS, useOffsetIndex: false })
  } catch (e) {
    return { error: { message: `it cannot be read as Parquet: ${(e as Error).message}` } }
  }
  const row: RawRow = emptyRawRow()
  for (const range of scan.ranges) {
    let data: Record<string, DecodedArray>
    try {
      const read = await Promise.all(columns.map(async (column) => [column, await scan.readColumn({ column, ...range })] as const))
      data = Object.fromEntries(read)
    } catch (e) {
      return { error: { message: `rows ${range.rowStart}–${range.rowEnd - 1} cannot be decoded: ${(e as Error).message}` } }
    }
    const col = (name: string): DecodedArray | undefined => data[name]
    const account = col(COL.account)!
    const principal = col(COL.principal)!
    const productCode = col(COL.productCode)!
    const lineItemType = col(COL.lineItemType)!
    const cost = col(COL.cost)!
    const start = col(COL.start)!
    const tags = col(COL.tags)!
    const currency = col(COL.currency)
    const end = col(COL.end)
    const product = col(COL.product)
    const productName = col(COL.productName)
    const usageType = col(COL.usageType)
    const n = range.rowEnd - range.rowStart
    for (let i = 0; i < n; i++) {
      row.account = account[i]
      row.principal = principal[i]
      row.productCode = productCode[i]
      row.lineItemType = lineItemType[i]
      row.cost = cost[i]
      row.start = start[i]
      row.tags = tags[i]
      row.currency = currency?.[i]
      row.end = end?.[i]
      row.product = product?.[i]
      row.productName = productName?.[i]
      row.usageType = usageType?.[i]
      consumer.consume(row, name, range.rowStart + i)
    }
  }
  return {}
}
