/** JSON reporter: the finding contract itself (schemas/report.schema.json). */
import { isBigIntObject, isBooleanObject, isBoxedPrimitive, isNumberObject, isStringObject } from 'node:util/types'
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
/**
 * A block's text at least this long is handed out as a piece of its own instead of being appended to the
 * pending piece: appending made a rope that the writer flattened again (a second copy of every byte), and
 * 1 MB pieces were allocated outside V8's young generation, so the write of the 100k finding-heavy report
 * (289 MB) ran a full mark of the scan's heap: 2.2–2.4 s CPU with 1 MB pieces (1.1–1.5 s of it GC),
 * 1.5–1.9 s with each block its own piece (0.35–0.5 s GC), peak RSS 630 → 430 MB (bench/phases.ts-like
 * write after the scan, load 9–10 on 2 cores).
 */
const OWN_PIECE_CHARS = 4096

/**
 * `[` lines around elements nested `depth` containers deep, as `JSON.stringify(…, null, 2)` indents them;
 * `afterZero`: where the text after a first element `0` begins (at the `,` before the next element).
 */
function wrapper(depth: number): { head: string; tail: string; afterZero: number } {
  let head = ''
  let tail = ''
  for (let i = 0; i < depth; i++) {
    head += `${'  '.repeat(i)}[\n`
    tail = `\n${'  '.repeat(i)}]${tail}`
  }
  return { head, tail, afterZero: head.length + 2 * depth + 1 }
}

/**
 * What a member or element serialises as, after `toJSON(key)` and unboxing (the first steps of
 * SerializeJSONProperty, ECMA-262 25.5.2.2); `undefined` when `JSON.stringify` leaves it out (an object
 * member) or writes `null` (an array element): `undefined`, a function, a symbol.
 */
function resolve(value: unknown, key: string): unknown {
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') value = (toJSON as (k: string) => unknown).call(value, key)
  }
  if (typeof value === 'object' && value !== null && isBoxedPrimitive(value)) {
    // Number, String, Boolean and BigInt objects stand for their primitive (a Symbol object stays an object).
    if (isNumberObject(value)) return Number(value)
    if (isStringObject(value)) return String(value)
    if (isBooleanObject(value)) return Boolean.prototype.valueOf.call(value)
    if (isBigIntObject(value)) return BigInt.prototype.valueOf.call(value)
  }
  return typeof value === 'function' || typeof value === 'symbol' ? undefined : value
}

/** Whether `JSON.stringify` would call `toJSON` on a value (it passes the key, which a block of a long array would get wrong). */
const hasToJSON = (v: unknown): boolean =>
  ((typeof v === 'object' && v !== null) || typeof v === 'bigint') && typeof (v as { toJSON?: unknown }).toJSON === 'function'

/**
 * `JSON.stringify(value, null, 2)` in pieces of about `chunkChars` characters (a piece may overshoot by
 * one block of array elements): objects and arrays near the top are written member by member, and
 * long arrays a block of elements at a time, so neither the whole text nor a copy of a long array ever
 * exists at once. A million-principal report is larger than the longest string V8 can hold (~512 MB).
 * A block's text of `OWN_PIECE_CHARS` or more is a piece of its own. The bytes are exactly
 * `JSON.stringify`'s (tests compare them); a value it leaves out entirely (`undefined`) is written `null`.
 */
export function* jsonChunks(value: unknown, chunkChars = 1 << 20): Generator<string> {
  let buf = ''
  const wrappers: Array<{ head: string; tail: string; afterZero: number }> = []
  // Each call appends `v` (resolved, not left out) as it appears `depth` containers deep (its own first
  // line unindented). `whole`: false for an object that a `toJSON` returned and that has a `toJSON` of its
  // own, which `JSON.stringify(v)` would call again: it is written member by member at any depth.
  function* put(v: unknown, depth: number, whole = true): Generator<string> {
    const nested = (depth < MAX_DEPTH || (whole === false && hasToJSON(v))) && v !== null && typeof v === 'object'
    if (!nested) {
      const text = JSON.stringify(v, null, 2) as string
      buf += depth === 0 ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`)
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
          // Each element read once (as JSON.stringify reads it); after the first block the element before
          // is stringified too, as `0`, and cut off after the `0`: the piece then begins with the `,\n` and
          // indentation between elements, so it is handed out as it is instead of being joined to a
          // separator (a copy of the whole block).
          const end = Math.min(v.length, i + BLOCK)
          const from = i === 0 ? 0 : 1
          const elements: unknown[] = new Array(end - i + from)
          if (from === 1) elements[0] = 0
          let exact = true
          for (let j = i; j < end; j++) {
            const e = v[j]
            elements[j - i + from] = e
            if (hasToJSON(e)) exact = false
          }
          if (!exact) {
            // An element with `toJSON` is given its own index as the key: this block element by element.
            for (let j = i; j < end; j++) {
              buf += `${j === 0 ? '' : ',\n'}${inner}`
              const raw = elements[j - i + from]
              const e = resolve(raw, String(j))
              if (e === undefined) buf += 'null'
              else yield* put(e, depth + 1, !hasToJSON(raw))
            }
          } else {
            let block: unknown = elements
            for (let d = 0; d < depth; d++) block = [block]
            const text = JSON.stringify(block, null, 2)
            const piece = text.slice(from === 0 ? w.head.length : w.afterZero, text.length - w.tail.length)
            if (piece.length < OWN_PIECE_CHARS) buf += piece
            else {
              if (buf.length > 0) yield buf
              buf = ''
              yield piece
            }
          }
          if (buf.length >= chunkChars) {
            yield buf
            buf = ''
          }
        }
      } else {
        for (let i = 0; i < v.length; i++) {
          buf += (i === 0 ? '' : ',\n') + inner
          const raw = v[i]
          const e = resolve(raw, String(i))
          if (e === undefined) buf += 'null'
          else yield* put(e, depth + 1, !hasToJSON(raw))
        }
      }
      buf += `\n${'  '.repeat(depth)}]`
    } else {
      let first = true
      for (const key of Object.keys(v)) {
        const raw = (v as Record<string, unknown>)[key]
        const member = resolve(raw, key)
        if (member === undefined) continue
        buf += `${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `
        first = false
        yield* put(member, depth + 1, !hasToJSON(raw))
        if (buf.length >= chunkChars) {
          yield buf
          buf = ''
        }
      }
      buf += first ? '{}' : `\n${'  '.repeat(depth)}}`
    }
  }
  const top = resolve(value, '')
  if (top === undefined) buf += 'null'
  else yield* put(top, 0, !hasToJSON(value))
  buf += '\n'
  yield buf
}

/** The same text as `formatJson`, in pieces (see `jsonChunks`). */
export function jsonReportChunks(report: ScanReport, chunkChars = 1 << 20): Generator<string> {
  return jsonChunks(report, chunkChars)
}
