/** JSON reporter: the finding contract itself (schemas/report.schema.json). */
import type { ScanReport } from '../model/finding.js'

export function formatJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

/** Elements rendered per JSON.stringify call: few enough to keep pieces small, many enough to be fast. */
const BLOCK = 64
/** `JSON.stringify({ a: [...] }, null, 2)` around the elements. */
const WRAP_HEAD = '{\n  "a": [\n'
const WRAP_TAIL = '\n  ]\n}'

/**
 * The same text as `formatJson`, in pieces of about `chunkChars` characters (a piece may overshoot by one
 * block of 64 array elements): a million-principal scan's report is larger than the longest string V8 can
 * hold (~512 MB), and would double peak memory even when it fits. Large top-level arrays (findings, errors)
 * are rendered a block of elements at a time.
 */
export function* jsonReportChunks(report: ScanReport, chunkChars = 1 << 20): Generator<string> {
  let buf = '{'
  let first = true
  for (const [key, value] of Object.entries(report)) {
    // JSON.stringify leaves out undefined, functions and symbols as object members.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue
    buf += `${first ? '' : ','}\n  ${JSON.stringify(key)}: `
    first = false
    if (Array.isArray(value) && value.length > 0) {
      buf += '[\n'
      for (let i = 0; i < value.length; i += BLOCK) {
        // Wrapped at the depth they have in the report, the elements come out indented as formatJson
        // indents them; only the wrapper's first and last lines are cut off.
        const text = JSON.stringify({ a: value.slice(i, i + BLOCK) }, null, 2)
        buf += (i === 0 ? '' : ',\n') + text.slice(WRAP_HEAD.length, text.length - WRAP_TAIL.length)
        if (buf.length >= chunkChars) {
          yield buf
          buf = ''
        }
      }
      buf += '\n  ]'
    } else {
      buf += (JSON.stringify(value, null, 2) as string).replace(/\n/g, '\n  ')
    }
    if (buf.length >= chunkChars) {
      yield buf
      buf = ''
    }
  }
  buf += first ? '}\n' : '\n}\n'
  yield buf
}
