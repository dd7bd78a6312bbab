/**
 * Streaming CSV for CUR 2.0 exports (`.csv`, `.csv.gz`): RFC 4180 fields (quotes, doubled quotes,
 * separators and line breaks inside quotes), records handed over one at a time as the bytes arrive, so
 * memory holds one chunk and one record whatever the size of the file. `tags` and `product` arrive as
 * JSON text, which the row consumer parses only for Bedrock rows.
 */
import { createGunzip } from 'node:zlib'
import { pipeline, Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { COL, REQUIRED_COLUMNS } from './columns.js'
import { emptyRawRow, type RawRow, type RowConsumer } from './rows.js'

/** Called once per record: its fields and the 1-based line it starts on. Return false to stop. */
export type RecordHandler = (fields: string[], line: number) => void

/**
 * Incremental RFC 4180 parser: `push` text as it arrives, `end` when done. A record that is not closed
 * by a line break at the end is still delivered; an unterminated quote is reported through `onError`.
 */
export class CsvParser {
  private fields: string[] = []
  private field = ''
  private inQuotes = false
  /** After a closing quote: only a separator, a line break or another quote may follow. */
  private afterQuote = false
  private line = 1
  private recordLine = 1
  private started = false
  private pendingCR = false

  constructor(
    private readonly onRecord: RecordHandler,
    private readonly onError: (message: string, line: number) => void = () => {},
  ) {}

  push(text: string): void {
    let i = 0
    const n = text.length
    if (this.pendingCR) {
      this.pendingCR = false
      if (n > 0 && text.charCodeAt(0) === 10) i = 1
    }
    while (i < n) {
      if (this.inQuotes) {
        const q = text.indexOf('"', i)
        if (q < 0) {
          this.field += text.slice(i)
          this.countLines(text, i, n)
          return
        }
        this.field += text.slice(i, q)
        this.countLines(text, i, q)
        i = q + 1
        if (i >= n) {
          // A quote at the chunk's end: it closes the field unless the next chunk starts with another quote.
          this.inQuotes = false
          this.afterQuote = true
          return
        }
        if (text.charCodeAt(i) === 34) {
          this.field += '"'
          i++
        } else {
          this.inQuotes = false
          this.afterQuote = true
        }
        continue
      }
      const c = text.charCodeAt(i)
      if (c === 34) {
        if (this.afterQuote) {
          // `""` split across chunks: an escaped quote inside the quoted field.
          this.field += '"'
          this.inQuotes = true
          this.afterQuote = false
          i++
          continue
        }
        if (this.field === '') {
          this.inQuotes = true
          this.started = true
          i++
          continue
        }
      }
      if (c === 44) {
        this.fields.push(this.field)
        this.field = ''
        this.afterQuote = false
        this.started = true
        i++
        continue
      }
      if (c === 10 || c === 13) {
        this.endRecord()
        this.line++
        this.recordLine = this.line
        if (c === 13) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === 10) i++
          } else this.pendingCR = true
        }
        i++
        continue
      }
      // Plain run of characters up to the next special one.
      let j = i + 1
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === 44 || d === 10 || d === 13 || d === 34) break
        j++
      }
      this.field += text.slice(i, j)
      this.afterQuote = false
      this.started = true
      i = j
    }
  }

  end(): void {
    if (this.inQuotes) this.onError('a quoted field is not closed before the end of the file', this.recordLine)
    this.endRecord()
  }

  private countLines(text: string, from: number, to: number): void {
    for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) this.line++
  }

  private endRecord(): void {
    if (!this.started && this.field === '' && this.fields.length === 0) return
    this.fields.push(this.field)
    const fields = this.fields
    this.fields = []
    this.field = ''
    this.started = false
    this.afterQuote = false
    this.inQuotes = false
    this.onRecord(fields, this.recordLine)
  }
}

const GZIP_MAGIC = [0x1f, 0x8b]

/** Whether the first bytes are gzip's. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]
}

export interface CsvFileResult {
  /** Set when the file could not be used at all (no header, missing columns, broken gzip). */
  error?: { message: string; hint?: string; missing?: string[] }
}

/** Column positions of the header, or the required columns that are missing. */
export function headerIndex(header: readonly string[]): { index: Record<string, number>; missing: string[] } {
  const index: Record<string, number> = {}
  for (const [i, h] of header.entries()) {
    const name = h.replace(/^\uFEFF/, '').trim()
    if (!(name in index)) index[name] = i
  }
  return { index, missing: REQUIRED_COLUMNS.filter((c) => !(c in index)) }
}

/**
 * Reads one CSV (or gzip-compressed CSV) stream into the row consumer. The stream is decompressed when
 * its first bytes are gzip's, whatever the name says. Rows with the wrong number of fields are skipped
 * and counted; the rest of the file is still read.
 */
export async function readCsvStream(source: AsyncIterable<Uint8Array>, file: string, consumer: RowConsumer, skip: (reason: string, line: number) => void): Promise<CsvFileResult> {
  let header: { index: Record<string, number>; width: number } | undefined
  let fatal: CsvFileResult['error']
  const row: RawRow = emptyRawRow()
  const at = (fields: string[], col: string): string | undefined => {
    const i = header?.index[col]
    return i === undefined ? undefined : fields[i]
  }
  const parser = new CsvParser(
    (fields, line) => {
      if (fatal) return
      if (!header) {
        const h = headerIndex(fields)
        if (h.missing.length > 0) {
          fatal = { message: `the header lacks ${h.missing.map((c) => `\`${c}\``).join(', ')}`, missing: h.missing }
          return
        }
        header = { index: h.index, width: fields.length }
        return
      }
      if (fields.length !== header.width) {
        if (fields.length === 1 && fields[0] === '') return
        skip(`${fields.length} fields where the header has ${header.width}`, line)
        return
      }
      row.account = at(fields, COL.account)
      row.principal = at(fields, COL.principal)
      row.productCode = at(fields, COL.productCode)
      row.lineItemType = at(fields, COL.lineItemType)
      row.cost = at(fields, COL.cost)
      row.currency = at(fields, COL.currency)
      row.start = at(fields, COL.start)
      row.end = at(fields, COL.end)
      row.tags = at(fields, COL.tags)
      row.product = at(fields, COL.product)
      row.productName = at(fields, COL.productName)
      row.usageType = at(fields, COL.usageType)
      consumer.consume(row, file, line)
    },
    (message, line) => skip(message, line),
  )

  const decoder = new StringDecoder('utf8')
  let first = true
  let input: AsyncIterable<Uint8Array>
  const iterator = source[Symbol.asyncIterator]()
  const head = await iterator.next()
  if (head.done) return { error: { message: 'the file is empty' } }
  const chunk0 = head.value
  if (isGzip(chunk0)) {
    const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator }
    const gunzip = createGunzip()
    const raw = Readable.from((async function* () {
      yield chunk0
      yield* rest
    })())
    // pipeline, not pipe: a failing download must fail the read, not leave it waiting.
    input = pipeline(raw, gunzip, () => {})
  } else {
    input = (async function* () {
      yield chunk0
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value
    })()
  }
  try {
    for await (const chunk of input) {
      let text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      if (first) {
        first = false
        if (text.includes('\u0000')) return { error: { message: 'this is not a CSV file (it holds binary data)' } }
      }
      if (text.length > 0) parser.push(text)
      text = ''
      if (fatal) break
    }
    if (!fatal) {
      parser.push(decoder.end())
      parser.end()
    }
  } catch (e) {
    return { error: { message: `it could not be decompressed or read: ${(e as Error).message}` } }
  }
  if (fatal) return { error: fatal }
  if (!header) return { error: { message: 'the file has no header line' } }
  return {}
}
