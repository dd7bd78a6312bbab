/**
 * Stream a `terraform show -json` plan and keep only the top-level members tagwarden reads. Plans of large
 * estates run to tens of megabytes, most of it `prior_state`, `planned_values` and `resource_drift`; those
 * are scanned character by character (checked for JSON syntax, never materialised) and only
 * `format_version`, `terraform_version`, `resource_changes`, `configuration`, `errored` and `complete` are parsed.
 */
import { createReadStream } from 'node:fs'
import { jsonErrorPosition } from '../../../iam/policy-document.js'

export const WANTED_MEMBERS = ['format_version', 'terraform_version', 'resource_changes', 'configuration', 'errored', 'complete'] as const

export type PlanMembers = Partial<Record<(typeof WANTED_MEMBERS)[number], unknown>> & {
  /** Top-level keys seen, wanted or not (to tell a plan from a state file). */
  keys: string[]
}

export type PlanReadResult = { ok: true; members: PlanMembers } | { ok: false; message: string; line?: number; column?: number }

class PlanSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

const WS = new Set([' ', '\t', '\n', '\r'])
const VALUE_CHARS = /[0-9eE+\-.truefalsn]/

/**
 * A single-pass tokenizer over a JSON text arriving in chunks. It tracks nesting, strings and positions;
 * at depth 1 it records member keys and, for wanted members, the raw text of the value.
 */
class TopLevelScanner {
  line = 1
  column = 0
  private depth = 0
  private inString = false
  private escape = false
  private inScalar = false
  private stringBuf: string[] | undefined
  private started = false
  private ended = false
  /** At depth 1: 'key' (expecting a key), 'colon', 'value', 'comma'. */
  private expect: 'key' | 'colon' | 'value' | 'comma' = 'key'
  private currentKey = ''
  private capture: { key: string; parts: string[]; line: number; column: number } | undefined
  private captureStart = -1
  readonly captured: Array<{ key: string; text: string; line: number; column: number }> = []
  readonly keys: string[] = []

  constructor(private readonly wanted: ReadonlySet<string>) {}

  private fail(message: string): never {
    throw new PlanSyntaxError(message, this.line, Math.max(1, this.column))
  }

  push(chunk: string): void {
    this.captureStart = this.capture ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as string
      if (c === '\n') {
        this.line++
        this.column = 0
      } else this.column++
      if (this.inString) {
        if (this.stringBuf) this.stringBuf.push(c)
        if (this.escape) this.escape = false
        else if (c === '\\') this.escape = true
        else if (c === '"') {
          this.inString = false
          if (this.stringBuf && this.depth === 1 && this.expect === 'key') {
            this.stringBuf.pop()
            this.currentKey = JSON.parse(`"${this.stringBuf.join('')}"`) as string
            this.stringBuf = undefined
            this.keys.push(this.currentKey)
            this.expect = 'colon'
          } else if (this.depth === 1) this.endCapture(chunk, i + 1)
        }
        continue
      }
      if (this.inScalar) {
        if (VALUE_CHARS.test(c)) continue
        this.inScalar = false
        if (this.depth === 1) this.endCapture(chunk, i)
      }
      if (WS.has(c)) continue
      if (this.ended) this.fail(`unexpected ${JSON.stringify(c)} after the end of the JSON text`)
      if (!this.started) {
        if (c !== '{') this.fail('a Terraform plan is a JSON object; this text does not start with "{"')
        this.started = true
        this.depth = 1
        this.expect = 'key'
        continue
      }
      if (this.depth === 1) {
        if (this.expect === 'key') {
          if (c === '}' && this.keys.length === 0) {
            this.depth = 0
            this.ended = true
            continue
          }
          if (c !== '"') this.fail(`expected a member name, found ${JSON.stringify(c)}`)
          this.inString = true
          this.stringBuf = []
          continue
        }
        if (this.expect === 'colon') {
          if (c !== ':') this.fail(`expected ":" after "${this.currentKey}"`)
          this.expect = 'value'
          continue
        }
        if (this.expect === 'comma') {
          if (c === ',') {
            this.expect = 'key'
            continue
          }
          if (c === '}') {
            this.depth = 0
            this.ended = true
            continue
          }
          this.fail(`expected "," or "}" after the value of "${this.currentKey}"`)
        }
        // expect === 'value': the member's value starts here.
        if (this.wanted.has(this.currentKey)) {
          this.capture = { key: this.currentKey, parts: [], line: this.line, column: this.column }
          this.captureStart = i
        }
        this.expect = 'comma'
      }
      if (c === '"') {
        this.inString = true
        continue
      }
      if (c === '{' || c === '[') {
        this.depth++
        continue
      }
      if (c === '}' || c === ']') {
        this.depth--
        if (this.depth < 1) this.fail(`unbalanced ${JSON.stringify(c)}`)
        if (this.depth === 1) this.endCapture(chunk, i + 1)
        continue
      }
      if (c === ',' || c === ':') continue
      if (!VALUE_CHARS.test(c)) this.fail(`unexpected character ${JSON.stringify(c)}`)
      this.inScalar = true
    }
    if (this.capture && this.captureStart >= 0) this.capture.parts.push(chunk.slice(this.captureStart))
  }

  private endCapture(chunk: string, end: number): void {
    if (!this.capture) return
    this.capture.parts.push(chunk.slice(Math.max(0, this.captureStart), end))
    this.captured.push({ key: this.capture.key, text: this.capture.parts.join(''), line: this.capture.line, column: this.capture.column })
    this.capture = undefined
    this.captureStart = -1
  }

  finish(): void {
    if (this.inScalar && this.depth === 1) this.endCapture('', 0)
    if (!this.started) this.fail('file is empty')
    if (!this.ended) this.fail('the JSON text ends early (was the file cut off?)')
  }
}

/**
 * Read the wanted members of a plan file without holding the rest in memory. Never throws. `wanted: []`
 * only checks the syntax and lists the top-level keys (recognising a file, without materialising its members).
 */
export async function readPlanFile(file: string, wanted: readonly string[] = WANTED_MEMBERS): Promise<PlanReadResult> {
  const scanner = new TopLevelScanner(new Set(wanted))
  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })
    let first = true
    for await (const raw of stream as AsyncIterable<string>) {
      let chunk = raw
      if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
      first = false
      scanner.push(chunk)
    }
    scanner.finish()
  } catch (e) {
    if (e instanceof PlanSyntaxError) return { ok: false, message: e.message, line: e.line, column: e.column }
    const err = e as NodeJS.ErrnoException
    return { ok: false, message: err?.code === 'ENOENT' ? 'file not found' : String(err?.message ?? e) }
  }
  return parseCaptured(scanner)
}

/** Parse a plan held in memory (tests, small inputs). */
export function readPlanText(text: string): PlanReadResult {
  const scanner = new TopLevelScanner(new Set(WANTED_MEMBERS))
  try {
    scanner.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    scanner.finish()
  } catch (e) {
    if (e instanceof PlanSyntaxError) return { ok: false, message: e.message, line: e.line, column: e.column }
    return { ok: false, message: String((e as Error)?.message ?? e) }
  }
  return parseCaptured(scanner)
}

/** JSON-parses the captured top-level members; a broken one is reported at its position in the whole file. */
function parseCaptured(scanner: TopLevelScanner): PlanReadResult {
  const members: PlanMembers = { keys: scanner.keys }
  for (const c of scanner.captured) {
    try {
      ;(members as Record<string, unknown>)[c.key] = JSON.parse(c.text)
    } catch (e) {
      const pos = jsonErrorPosition(c.text, e)
      const line = pos ? c.line + pos.line - 1 : c.line
      // On the member's first line, the error column is relative to where the member starts.
      const column = pos ? (pos.line === 1 ? c.column + pos.column - 1 : pos.column) : c.column
      const message = String((e as Error).message).replace(/ in JSON at position \d+.*$/s, '').replace(/,? ?at position \d+.*$/s, '')
      return { ok: false, message: `invalid JSON in "${c.key}": ${message}`, line, column }
    }
  }
  return { ok: true, members }
}
