/**
 * Values of a template or plan as far as they are known before deployment. A whole value that is only
 * known at deploy time is an `Unknown`; a string with unknown pieces (`!Sub arn:${AWS::Partition}:…`,
 * Terraform `"${aws_s3_bucket.x.arn}/*"`) keeps its known text and marks each unknown piece in-band with
 * private-use characters, so strings stay strings for every consumer that does not care.
 */

export class Unknown {
  /** What is unknown, as the author wrote it: `AWS::Region`, `parameter Team`, `aws_s3_bucket.data.arn`. */
  readonly what: string
  constructor(what: string) {
    this.what = what.replace(/[\uE010\uE011]/g, '')
  }
}

export type Value = string | number | boolean | null | Unknown | Value[] | { [key: string]: Value }

const OPEN = '\uE010'
const CLOSE = '\uE011'
const PIECE = /\uE010([^\uE011]*)\uE011/g

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown
}

export function isRecord(v: unknown): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown)
}

/** A string piece standing for an unknown value. */
export function unknownPiece(what: string): string {
  return `${OPEN}${what.replace(/[\uE010\uE011]/g, '')}${CLOSE}`
}

export function hasUnknownPiece(s: string): boolean {
  return s.includes(OPEN)
}

/** The unknown pieces of a string, as written (`AWS::Region`…). */
export function unknownPieces(s: string): string[] {
  return [...s.matchAll(PIECE)].map((m) => m[1] ?? '')
}

/** Concatenate known and unknown parts into one string (an `Unknown` part becomes a piece). */
export function concat(parts: readonly Value[]): string {
  return parts.map((p) => (p instanceof Unknown ? unknownPiece(p.what) : scalarText(p))).join('')
}

function scalarText(v: Value): string {
  if (v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

/** Unknown pieces replaced by `*`: the form in which deploy-time values match in ARNs and patterns. */
export function asPattern(s: string): string {
  return s.replace(PIECE, '*')
}

/** Unknown pieces written back as `${…}`, for messages and names. */
export function display(s: string): string {
  return s.replace(PIECE, (_m, what: string) => '${' + what + '}')
}

/** Unknown pieces replaced by `fill(what)`. */
export function substitute(s: string, fill: (what: string) => string): string {
  return s.replace(PIECE, (_m, what: string) => fill(what))
}

/** Every unknown (whole values and string pieces) inside a value, deduplicated, in order. */
export function unknownsIn(v: Value): string[] {
  const out: string[] = []
  const visit = (x: Value): void => {
    if (x instanceof Unknown) out.push(x.what)
    else if (typeof x === 'string') out.push(...unknownPieces(x))
    else if (Array.isArray(x)) x.forEach(visit)
    else if (isRecord(x)) Object.values(x).forEach(visit)
  }
  visit(v)
  return [...new Set(out)]
}

/** A value with every unknown written back as `${…}`, for evidence and notes. */
export function displayValue(v: Value): unknown {
  if (v instanceof Unknown) return '${' + v.what + '}'
  if (typeof v === 'string') return display(v)
  if (Array.isArray(v)) return v.map(displayValue)
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, displayValue(x)]))
  return v
}

/** The value as a list (IAM's "one value or a list"). */
export function asList(v: Value | undefined): Value[] {
  if (v === undefined) return []
  return Array.isArray(v) ? v : [v]
}

/** Plain JSON (from a parsed policy string or a plan) as a Value. */
export function fromJson(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (Array.isArray(v)) return v.map(fromJson)
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, fromJson(x)]))
  return null
}
