/** JSON reporter: the finding contract itself (schemas/report.schema.json). */
import type { ScanReport } from '../model/finding.js'

export function formatJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

/**
 * Elements rendered per JSON.stringify call: few enough to keep pieces small, many enough to be fast. 16, not 64:
 * a fresh long `JSON.stringify` result behaves as a rope in V8: cutting the wrapper off a 64-finding block (~150 KB)
 * flattened it at a cost of about 40 % of the report write (10k finding-heavy findings, 29.5 MB: 0.55–0.60 s
 * written with blocks of 64, 0.31–0.34 s with 16, the same as without the cut; docs/performance.md).
 */
const BLOCK = 16
/** Containers down to this depth are written member by member; deeper ones with one JSON.stringify. */
const MAX_DEPTH = 4

/** `[` lines around elements nested `depth` containers deep, as `JSON.stringify(…, null, 2)` indents them. */
function wrapper(depth: number): { head: string; tail: string } {
  let head = ''
  let tail = ''
  for (let i = 0; i < depth; i++) {
    head += `${'  '.repeat(i)}[\n`
    tail = `\n${'  '.repeat(i)}]${tail}`
  }
  return { head, tail }
}

/** What `JSON.stringify` leaves out as an object member (and writes as `null` in an array). */
const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol'

/**
 * `JSON.stringify(value, null, 2)` in pieces of about `chunkChars` characters (a piece may overshoot by
 * one block of array elements): objects and arrays near the top are written member by member, and
 * long arrays a block of elements at a time, so neither the whole text nor a copy of a long array ever
 * exists at once. A million-principal report is larger than the longest string V8 can hold (~512 MB).
 * The bytes are exactly `JSON.stringify`'s: tests compare them.
 */
export function* jsonChunks(value: unknown, chunkChars = 1 << 20): Generator<string> {
  let buf = ''
  const wrappers: Array<{ head: string; tail: string }> = []
  // Each call appends `v` as it appears `depth` containers deep (its own first line unindented).
  function* put(v: unknown, depth: number): Generator<string> {
    const nested = depth < MAX_DEPTH && v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function'
    if (!nested) {
      const text = JSON.stringify(v, null, 2) as string | undefined
      buf += depth === 0 || text === undefined ? (text ?? 'null') : text.replace(/\n/g, `\n${'  '.repeat(depth)}`)
      return
    }
    const inner = '  '.repeat(depth + 1)
    if (Array.isArray(v)) {
      if (v.length === 0) {
        buf += '[]'
        return
      }
      buf += '[\n'
      if (v.length > BLOCK) {
        // Wrapped in as many arrays as the elements have containers around them, the elements come out
        // indented exactly as in the whole text; only the wrapper's first and last lines are cut off.
        const w = (wrappers[depth + 1] ??= wrapper(depth + 1))
        for (let i = 0; i < v.length; i += BLOCK) {
          let block: unknown = v.slice(i, i + BLOCK)
          for (let d = 0; d < depth; d++) block = [block]
          const text = JSON.stringify(block, null, 2)
          buf += (i === 0 ? '' : ',\n') + text.slice(w.head.length, text.length - w.tail.length)
          if (buf.length >= chunkChars) {
            yield buf
            buf = ''
          }
        }
      } else {
        for (let i = 0; i < v.length; i++) {
          buf += (i === 0 ? '' : ',\n') + inner
          const e = v[i]
          if (omitted(e)) buf += 'null'
          else yield* put(e, depth + 1)
        }
      }
      buf += `\n${'  '.repeat(depth)}]`
    } else {
      let first = true
      for (const [key, member] of Object.entries(v)) {
        if (omitted(member)) continue
        buf += `${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `
        first = false
        yield* put(member, depth + 1)
        if (buf.length >= chunkChars) {
          yield buf
          buf = ''
        }
      }
      buf += first ? '{}' : `\n${'  '.repeat(depth)}}`
    }
  }
  yield* put(value, 0)
  buf += '\n'
  yield buf
}

/** The same text as `formatJson`, in pieces (see `jsonChunks`). */
export function jsonReportChunks(report: ScanReport, chunkChars = 1 << 20): Generator<string> {
  return jsonChunks(report, chunkChars)
}
