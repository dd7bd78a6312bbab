/**
 * File reading for the snapshot scanner: text decoding (UTF-8, and the UTF-16 that Windows PowerShell 5
 * writes for `aws … > file.json`), cheap prefix reads for planning, and JSON parsing that reports
 * line:column instead of throwing.
 */
import { jsonErrorPosition } from '../../iam/policy-document.js'
import { findJsonErrorOffset, offsetToLineColumn as lineColumn } from '../../util/json-error.js'
import { openNonBlocking } from '../../util/read-file.js'

export { findJsonErrorOffset }

export type ReadResult = { ok: true; text: string } | { ok: false; message: string }

export type ParseResult = { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number }

/** Decode file bytes, honouring a UTF-8 or UTF-16 byte order mark. */
export function decodeText(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(buf.subarray(2))
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(buf.subarray(2))
  }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.toString('utf8', 3)
  return b.toString('utf8')
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  if (err?.code === 'ENOENT') return 'file not found'
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied'
  if (err?.code === 'EISDIR') return 'is a directory'
  if (err?.code === 'ERR_STRING_TOO_LONG' || /string longer than/i.test(String(err?.message))) {
    return 'file is too large to read as one JSON text (about 512 MB is the limit)'
  }
  return String(err?.message ?? e)
}

/** Whole file as text. Never throws. */
export async function readText(file: string): Promise<ReadResult> {
  let handle
  try {
    // Non-blocking and regular files only: a FIFO would block the open, /dev/zero never end.
    handle = await openNonBlocking(file)
    if (!(await handle.stat()).isFile()) return { ok: false, message: 'not a regular file' }
    return { ok: true, text: decodeText(await handle.readFile()) }
  } catch (e) {
    return { ok: false, message: describeFsError(e) }
  } finally {
    await handle?.close()
  }
}

/**
 * The first `maxBytes` of a file as text, and whether that was the whole file. A multi-byte character
 * cut at the end decodes to U+FFFD, which is harmless for the key/ARN sniffing this is used for.
 */
export async function readPrefix(
  file: string,
  maxBytes: number,
): Promise<{ ok: true; text: string; complete: boolean } | { ok: false; message: string }> {
  let handle
  try {
    handle = await openNonBlocking(file)
    const st = await handle.stat()
    if (!st.isFile()) return { ok: false, message: 'not a regular file' }
    const size = st.size
    const length = Math.min(size, maxBytes)
    const buf = Buffer.alloc(length)
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await handle.read(buf, filled, length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return { ok: true, text: decodeText(buf.subarray(0, filled)), complete: filled >= size }
  } catch (e) {
    return { ok: false, message: describeFsError(e) }
  } finally {
    await handle?.close()
  }
}


/** JSON.parse that returns the error with a 1-based line:column instead of throwing. */
export function parseJson(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    const raw = String((e as Error)?.message ?? e)
    if (text.trim() === '') return { ok: false, message: 'file is empty', ...lineColumn(text, text.length) }
    let offset: number | undefined
    let pos = jsonErrorPosition(text, e)
    if (!pos) {
      offset = findJsonErrorOffset(text)
      if (offset !== undefined) pos = lineColumn(text, offset)
    } else {
      const m = /position (\d+)/.exec(raw)
      if (m) offset = Number(m[1])
    }
    // Drop V8's offset and its echo of the surrounding text: the position is reported as line:column.
    const message = raw
      .replace(/,? ?(in JSON )?at position \d+( \(line \d+ column \d+\))?/, '')
      .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
      .trim()
    // A text that breaks off at its very end is almost always a cut-off export or download.
    const cutOff = offset !== undefined && offset >= text.trimEnd().length
    return { ok: false, message: cutOff ? `${message} (the text ends early: was the file cut off?)` : message, ...(pos ?? {}) }
  }
}
