/**
 * IAM wildcard patterns: `*` matches any sequence (also across `:` and `/`), `?` matches exactly one character.
 *
 * Three public questions on plain string patterns, each O(|a|·|b|) at worst (no backtracking regexes):
 * - `globMatch`: does a pattern match a concrete string (an action name)?
 * - `globIntersects`: do two patterns share at least one string?
 * - `globCovers`: is every string of one pattern also matched by another (sound, not complete)?
 *
 * Resource ARNs are not plain strings to IAM: a wildcard in the partition, service, region or account field
 * stays inside that field. `compileResourcePattern` compiles them that way (with colon-free wildcard classes),
 * and the exact set engine (`findWitness` / `satisfiable`) answers "is there one ARN in every clause of a
 * formula built from unions and complements of patterns?" with an on-the-fly product of the patterns'
 * automata. So "Allow `*` minus Deny `arn:aws:bedrock:*:*:foundation-model/anthropic.*`" is decided exactly
 * instead of by pairwise heuristics.
 *
 * Patterns are compiled once and cached: the analysis asks the same questions for up to a million principals.
 */

export interface GlobOptions {
  /** IAM matches action names case-insensitively; resource ARNs are case-sensitive. */
  caseInsensitive?: boolean
}

/** Element kinds of a compiled pattern. The `…_NO_COLON` kinds are the wildcards of ARN fields. */
export const EL_LITERAL = 0
export const EL_ONE = 1
export const EL_STAR = 2
export const EL_ONE_NO_COLON = 3
export const EL_STAR_NO_COLON = 4

const COLON = 58

export interface Glob {
  /** The pattern text (for `arnServiceUniverse`, a readable description). */
  readonly source: string
  readonly caseInsensitive: boolean
  /** One entry per element; literals carry their (folded) UTF-16 code in `codes`. */
  readonly kinds: Uint8Array
  readonly codes: Uint16Array
  readonly hasWildcard: boolean
  /** `universalFrom[p]` = 1 when elements p…end are all unrestricted stars (and there is at least one). */
  readonly universalFrom: Uint8Array
  /** Literal/`?` runs between unrestricted stars, for fast `globMatch`; undefined when colon classes are used. */
  readonly segments?: readonly string[]
  /** Direct matcher for patterns that have no `segments` (ARN-structured patterns and universes). */
  readonly test?: (value: string) => boolean
}

const MAX_CACHE = 50_000

/**
 * Insertion-ordered map that drops its oldest quarter when full: bounded memory, amortised O(1) per operation.
 * (Evicting one entry at a time would walk the deleted slots at the front of V8's table on every insert.)
 */
export class FifoCache<K, V> {
  private readonly map = new Map<K, V>()
  private readonly max: number
  constructor(max: number) {
    this.max = Math.max(1, max)
  }
  get(key: K): V | undefined {
    return this.map.get(key)
  }
  set(key: K, value: V): void {
    if (this.map.size >= this.max && !this.map.has(key)) {
      let drop = Math.max(1, this.max >> 2)
      for (const k of this.map.keys()) {
        this.map.delete(k)
        if (--drop === 0) break
      }
    }
    this.map.set(key, value)
  }
  get size(): number {
    return this.map.size
  }
  clear(): void {
    this.map.clear()
  }
}

/**
 * Compiled patterns, one table per kind and keyed by the pattern itself: a key built by concatenation
 * (`'i' + pattern`) is a new string whose hash V8 computes on every lookup, and lookups happen for every
 * action, resource, trust statement and gateway pattern of a million principals.
 */
const compiledExact = new FifoCache<string, Glob>(MAX_CACHE)
const compiledFolded = new FifoCache<string, Glob>(MAX_CACHE)
const compiledResources = new FifoCache<string, Glob>(MAX_CACHE)

function fold(s: string, ci: boolean): string {
  return ci ? s.toLowerCase() : s
}

function buildGlob(
  source: string,
  kinds: number[],
  codes: number[],
  ci: boolean,
  segments?: string[],
  test?: (value: string) => boolean,
): Glob {
  const n = kinds.length
  const universalFrom = new Uint8Array(n + 1)
  let allStars = true
  for (let p = n - 1; p >= 0; p--) {
    allStars = allStars && kinds[p] === EL_STAR
    universalFrom[p] = allStars ? 1 : 0
  }
  const glob: Glob = {
    source,
    caseInsensitive: ci,
    kinds: Uint8Array.from(kinds),
    codes: Uint16Array.from(codes),
    hasWildcard: kinds.some((k) => k !== EL_LITERAL),
    universalFrom,
    ...(segments ? { segments } : {}),
    ...(test ? { test } : {}),
  }
  return glob
}

/** Compile (and cache) a user pattern. Consecutive `*` collapse into one, which matches the same strings. */
export function compileGlob(pattern: string, opts: GlobOptions = {}): Glob {
  const ci = opts.caseInsensitive === true
  const compiled = ci ? compiledFolded : compiledExact
  const hit = compiled.get(pattern)
  if (hit) return hit
  const text = fold(pattern, ci)
  const kinds: number[] = []
  const codes: number[] = []
  const segments: string[] = []
  let seg = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 42 /* * */) {
      segments.push(seg)
      seg = ''
      if (kinds[kinds.length - 1] === EL_STAR) continue
      kinds.push(EL_STAR)
      codes.push(0)
    } else if (c === 63 /* ? */) {
      seg += '?'
      kinds.push(EL_ONE)
      codes.push(0)
    } else {
      seg += text[i]
      kinds.push(EL_LITERAL)
      codes.push(c)
    }
  }
  segments.push(seg)
  const glob = buildGlob(pattern, kinds, codes, ci, segments)
  compiled.set(pattern, glob)
  return glob
}

/** Appends the elements of one wildcard text; `noColon` makes `*`/`?` unable to produce a colon. */
function pushElements(text: string, noColon: boolean, kinds: number[], codes: number[]): void {
  const star = noColon ? EL_STAR_NO_COLON : EL_STAR
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 42 /* * */) {
      if (kinds[kinds.length - 1] === star) continue
      kinds.push(star)
      codes.push(0)
    } else if (c === 63 /* ? */) {
      kinds.push(noColon ? EL_ONE_NO_COLON : EL_ONE)
      codes.push(0)
    } else {
      kinds.push(EL_LITERAL)
      codes.push(c)
    }
  }
}

/**
 * `arn:partition:service:region:account:resource` → its six fields, the resource keeping any further colons
 * (Bedrock model ids contain one: `anthropic.claude-v2:1`). Undefined for anything with fewer than 5 colons.
 */
export function splitArn(value: string): string[] | undefined {
  const out: string[] = []
  let from = 0
  for (let i = 0; i < 5; i++) {
    const colon = value.indexOf(':', from)
    if (colon < 0) return undefined
    out.push(value.slice(from, colon))
    from = colon + 1
  }
  out.push(value.slice(from))
  return out
}

const ARN_HEAD = /^arn:/i

/** Literal text (no wildcard meaning for `*` or `?`). */
function pushLiteral(text: string, kinds: number[], codes: number[]): void {
  for (let i = 0; i < text.length; i++) {
    kinds.push(EL_LITERAL)
    codes.push(text.charCodeAt(i))
  }
}

/**
 * Compile a `Resource`/`NotResource` entry the way IAM reads ARNs: field by field. The wildcards of the
 * partition, service, region and account fields stay inside their field; only the resource part may span
 * colons. The four leading fields are compared in lower case, as real ARNs spell them. Anything that is not an
 * ARN (`*`) is a plain wildcard pattern.
 *
 * A pattern with fewer than six segments (`arn:aws:bedrock:*`, `arn:*`) follows the IAM User Guide: "If the *
 * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 * Its trailing `*` spans the remaining segments; without one it matches no ARN (every ARN has six segments).
 * In a full six-segment pattern a field's trailing `*` is kept inside its field: spanning a colon there could
 * only re-align the remaining fields onto colons inside a resource ID, which no well-formed ARN offers, and over
 * the SAR's free-form ID placeholders it would invent matches (`arn:aws:bedrock:*:*:knowledge-base/*` "matching"
 * a foundation model whose ID contains `:knowledge-base/`).
 */
export function compileResourcePattern(pattern: string): Glob {
  const hit = compiledResources.get(pattern)
  if (hit) return hit
  if (!ARN_HEAD.test(pattern)) {
    const plain = compileGlob(pattern)
    compiledResources.set(pattern, plain)
    return plain
  }
  const parts = pattern.split(':')
  const kinds: number[] = []
  const codes: number[] = []
  pushElements('arn:', false, kinds, codes)
  if (parts.length < 6) {
    const fields = parts.slice(1).map((f) => f.toLowerCase())
    fields.forEach((f, i) => {
      if (i > 0) pushElements(':', false, kinds, codes)
      const last = i === fields.length - 1
      if (last && f.endsWith('*')) {
        pushElements(f.replace(/\*+$/, ''), true, kinds, codes)
        kinds.push(EL_STAR)
        codes.push(0)
      } else pushElements(f, true, kinds, codes)
    })
    const short: Glob = buildGlob(pattern, kinds, codes, false, undefined, (value) => simulateGlob(short, value))
    compiledResources.set(pattern, short)
    return short
  }
  const fields = parts.slice(1, 5).map((f) => f.toLowerCase())
  const resource = parts.slice(5).join(':')
  for (const f of fields) {
    pushElements(f, true, kinds, codes)
    pushElements(':', false, kinds, codes)
  }
  pushElements(resource, false, kinds, codes)
  const fieldGlobs = fields.map((f) => compileGlob(f))
  const resourceGlob = compileGlob(resource)
  const test = (value: string): boolean => {
    const v = splitArn(value)
    if (!v || v[0] !== 'arn') return false
    for (let i = 0; i < 4; i++) {
      const field = v[i + 1] as string
      if (!matchGlob(fieldGlobs[i] as Glob, field)) return false
    }
    return matchGlob(resourceGlob, v[5] as string)
  }
  const glob = buildGlob(pattern, kinds, codes, false, undefined, test)
  compiledResources.set(pattern, glob)
  return glob
}

const formats = new Map<string, Glob>()

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * Every ARN of one SAR resource type, e.g. `arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}`:
 * the partition `partition` (any non-empty word when undefined), `${Region}` any colon-free text including none
 * (system-tool ARNs have no Region, and global inference profiles route to Region-less model ARNs), `${Account}`
 * twelve colon-free characters, fixed text as written (foundation models belong to no account: that field stays empty), the resource
 * placeholders colon-free except the last one, which may hold colons (`anthropic.claude-v2:1`).
 */
export function arnFormatUniverse(format: string, partition?: string): Glob {
  const key = `${partition ?? ''}\u0000${format}`
  const hit = formats.get(key)
  if (hit) return hit
  const fields = splitArn(format)
  if (!fields || fields[0] !== 'arn') throw new Error(`not an ARN format: ${format}`)
  const kinds: number[] = []
  const codes: number[] = []
  let re = '^arn:'
  pushLiteral('arn:', kinds, codes)
  if (partition !== undefined) {
    pushLiteral(partition, kinds, codes)
    re += escapeRe(partition)
  } else {
    kinds.push(EL_ONE_NO_COLON, EL_STAR_NO_COLON)
    codes.push(0, 0)
    re += '[^:]+'
  }
  const resource = fields[5] ?? ''
  const lastVar = resource.lastIndexOf('${')
  for (let f = 2; f <= 5; f++) {
    const text = fields[f] ?? ''
    pushLiteral(':', kinds, codes)
    re += ':'
    let from = 0
    for (const m of text.matchAll(/\$\{[^}]*\}/g)) {
      const at = m.index
      const lit = text.slice(from, at)
      pushLiteral(lit, kinds, codes)
      re += escapeRe(lit)
      from = at + m[0].length
      if (m[0] === '${Account}') {
        // Twelve characters, like every account ID: a free-length placeholder could swallow the fixed text of
        // a pattern's later fields and so "match" ARNs no account has.
        for (let i = 0; i < 12; i++) {
          kinds.push(EL_ONE_NO_COLON)
          codes.push(0)
        }
        re += '[^:]{12}'
        continue
      }
      const spans = f === 5 && at === lastVar
      kinds.push(spans ? EL_STAR : EL_STAR_NO_COLON)
      codes.push(0)
      re += spans ? '[\\s\\S]*' : '[^:]*'
    }
    const tail = text.slice(from)
    pushLiteral(tail, kinds, codes)
    re += escapeRe(tail)
  }
  const regex = new RegExp(`${re}$`)
  const glob = buildGlob(partition ? `${format} (${partition})` : format, kinds, codes, false, undefined, (v) => regex.test(v))
  formats.set(key, glob)
  return glob
}

let wildcardOnly: Glob | undefined

/**
 * The resource of a request for an action without resource types. The SAR: "If the column is empty, then the
 * action does not support resource-level permissions and you must specify all resources ("*") in your policy."
 * It is modelled as the literal string `*`: `Resource: "*"` matches it, no ARN pattern does, and a `NotResource`
 * list of ARNs leaves it in.
 */
export function wildcardResourceUniverse(): Glob {
  wildcardOnly ??= buildGlob('*', [EL_LITERAL], [42], false, undefined, (v) => v === '*')
  return wildcardOnly
}

const universes = new Map<string, Glob>()

/**
 * Every resource ARN of one service: `arn:<partition>:<service>:<region>:<account>:<resource>`, the first four
 * fields colon-free. With `partition` undefined the partition is any non-empty word, so
 * `arn:aws-eusc:bedrock:…` counts but `arn:aws:s3:::bucket/x:bedrock:y` does not.
 */
export function arnServiceUniverse(service: string, partition?: string): Glob {
  const key = `${partition ?? ''}\u0000${service}`
  const hit = universes.get(key)
  if (hit) return hit
  const kinds: number[] = []
  const codes: number[] = []
  pushElements('arn:', false, kinds, codes)
  if (partition !== undefined) {
    pushElements(partition, false, kinds, codes)
  } else {
    kinds.push(EL_ONE_NO_COLON, EL_STAR_NO_COLON)
    codes.push(0, 0)
  }
  pushElements(`:${service}:`, false, kinds, codes)
  pushElements('*:*:', true, kinds, codes)
  pushElements('*', false, kinds, codes)
  const test = (value: string): boolean => {
    const v = splitArn(value)
    if (!v || v[0] !== 'arn' || v[2] !== service) return false
    const p = v[1] as string
    if (partition !== undefined ? p !== partition : p === '') return false
    return true
  }
  const source = `arn:${partition ?? '<partition>'}:${service}:<region>:<account>:*`
  const glob = buildGlob(source, kinds, codes, false, undefined, test)
  universes.set(key, glob)
  return glob
}

/** `?`-aware comparison of one segment against `value` at `pos`. */
function segmentAt(seg: string, value: string, pos: number): boolean {
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i)
    if (c !== 63 && c !== value.charCodeAt(pos + i)) return false
  }
  return true
}

function findSegment(seg: string, value: string, from: number, lastStart: number): number {
  if (seg.indexOf('?') < 0) {
    const at = value.indexOf(seg, from)
    return at >= 0 && at <= lastStart ? at : -1
  }
  for (let q = from; q <= lastStart; q++) if (segmentAt(seg, value, q)) return q
  return -1
}

/**
 * Match with the segments between stars: prefix and suffix are anchored, middle segments are found leftmost.
 * Leftmost placement is optimal because every segment has a fixed length, so no backtracking is needed.
 */
function matchSegments(segs: readonly string[], value: string): boolean {
  const first = segs[0] ?? ''
  if (segs.length === 1) return value.length === first.length && segmentAt(first, value, 0)
  const last = segs[segs.length - 1] ?? ''
  if (value.length < first.length + last.length) return false
  if (!segmentAt(first, value, 0) || !segmentAt(last, value, value.length - last.length)) return false
  let pos = first.length
  const end = value.length - last.length
  for (let i = 1; i < segs.length - 1; i++) {
    const seg = segs[i] ?? ''
    if (seg === '') continue
    const at = findSegment(seg, value, pos, end - seg.length)
    if (at < 0) return false
    pos = at + seg.length
  }
  return true
}

function elementAccepts(kind: number, code: number, c: number): boolean {
  switch (kind) {
    case EL_LITERAL:
      return code === c
    case EL_ONE_NO_COLON:
    case EL_STAR_NO_COLON:
      return c !== COLON
    default:
      return true
  }
}

/** Match an already compiled pattern against a concrete string. */
export function matchGlob(glob: Glob, value: string): boolean {
  const v = fold(value, glob.caseInsensitive)
  if (glob.segments) return matchSegments(glob.segments, v)
  if (glob.test) return glob.test(v)
  return simulateGlob(glob, v)
}

/**
 * Match by running the pattern's automaton: the semantics `satisfiable` reasons with. Slower than
 * `matchGlob`'s direct matchers; exported so tests can check that both agree.
 */
export function simulateGlob(glob: Glob, value: string): boolean {
  const v = fold(value, glob.caseInsensitive)
  let set = closure(glob, [0])
  for (let i = 0; i < v.length && set.length > 0; i++) set = step(glob, set, v.charCodeAt(i))
  return set.includes(glob.kinds.length)
}

/** Does `pattern` match `value`? `*` = any sequence, `?` = one character. */
export function globMatch(pattern: string, value: string, opts: GlobOptions = {}): boolean {
  return matchGlob(compileGlob(pattern, opts), value)
}

function isStar(kind: number | undefined): boolean {
  return kind === EL_STAR || kind === EL_STAR_NO_COLON
}

/** Character classes of two single-character elements share a character. */
function classesMeet(ka: number, ca: number, kb: number, cb: number): boolean {
  if (ka === EL_LITERAL) return elementAccepts(kb, cb, ca)
  if (kb === EL_LITERAL) return elementAccepts(ka, ca, cb)
  return true // any/any, any/no-colon and no-colon/no-colon all share e.g. 'a'
}

const intersectCache = new FifoCache<string, boolean>(MAX_CACHE)

/**
 * Do the two compiled patterns share a string? Dynamic programming over (i, j) = "a[0..i) and b[0..j) can
 * produce the same prefix". A star either stops (skip it) or swallows one character the other side produces.
 * Two stars never need to emit the same character together: deleting that character from the witness keeps
 * both matching.
 */
export function globsIntersect(a: Glob, b: Glob): boolean {
  const n = a.kinds.length
  const m = b.kinds.length
  const w = m + 1
  const reach = new Uint8Array((n + 1) * w)
  reach[0] = 1
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (!reach[i * w + j]) continue
      if (i === n && j === m) return true
      const ka = a.kinds[i]
      const kb = b.kinds[j]
      const starA = i < n && isStar(ka)
      const starB = j < m && isStar(kb)
      if (starA) reach[(i + 1) * w + j] = 1
      if (starB) reach[i * w + j + 1] = 1
      if (i < n && j < m && ka !== undefined && kb !== undefined) {
        const ca = a.codes[i] ?? 0
        const cb = b.codes[j] ?? 0
        if (!starA && !starB) {
          if (classesMeet(ka, ca, kb, cb)) reach[(i + 1) * w + j + 1] = 1
        } else if (starA && !starB) {
          if (classesMeet(ka, ca, kb, cb)) reach[i * w + j + 1] = 1
        } else if (starB && !starA) {
          if (classesMeet(ka, ca, kb, cb)) reach[(i + 1) * w + j] = 1
        }
      }
    }
  }
  return reach[n * w + m] === 1
}

/** Do patterns `a` and `b` share at least one string? */
export function globIntersects(a: string, b: string, opts: GlobOptions = {}): boolean {
  const key = `${opts.caseInsensitive ? 'i' : 's'}${a}\u0000${b}`
  const hit = intersectCache.get(key)
  if (hit !== undefined) return hit
  const result = globsIntersect(compileGlob(a, opts), compileGlob(b, opts))
  intersectCache.set(key, result)
  return result
}

/** Can the single-character element `general[i]` (not a star) produce everything the token `specific[j]` can? */
function consumesToken(gk: number, gc: number, sk: number, sc: number): boolean {
  if (isStar(sk)) return false
  switch (gk) {
    case EL_ONE:
      return true
    case EL_LITERAL:
      return sk === EL_LITERAL && gc === sc
    default: // EL_ONE_NO_COLON
      return sk === EL_LITERAL ? sc !== COLON : sk === EL_ONE_NO_COLON
  }
}

/** Can a star of `general` of kind `gk` absorb the token `specific[j]` (whatever it produces)? */
function starAbsorbs(gk: number, sk: number, sc: number): boolean {
  if (gk === EL_STAR) return true
  // a colon-free star absorbs only tokens that can never produce a colon
  return sk === EL_LITERAL ? sc !== COLON : sk === EL_ONE_NO_COLON || sk === EL_STAR_NO_COLON
}

/**
 * Sound inclusion test: read `specific` as a sequence of tokens (a literal, a `?`, a `*`) and ask whether
 * `general` matches that token string, where `general`'s `?` takes any one non-star token, its literals take
 * equal literals and only its stars may take `specific`'s stars (colon-free stars only colon-free tokens).
 * Dynamic programming over (i, j), O(|general|·|specific|), no backtracking.
 */
export function globCoversCompiled(general: Glob, specific: Glob): boolean {
  const n = general.kinds.length
  const m = specific.kinds.length
  const w = m + 1
  const reach = new Uint8Array((n + 1) * w)
  reach[0] = 1
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (!reach[i * w + j]) continue
      if (i === n) continue
      const gk = general.kinds[i] ?? EL_LITERAL
      if (isStar(gk)) {
        reach[(i + 1) * w + j] = 1 // the star stops here
        if (j < m && starAbsorbs(gk, specific.kinds[j] ?? EL_LITERAL, specific.codes[j] ?? 0)) reach[i * w + j + 1] = 1
      } else if (j < m) {
        const sk = specific.kinds[j] ?? EL_LITERAL
        if (consumesToken(gk, general.codes[i] ?? 0, sk, specific.codes[j] ?? 0)) reach[(i + 1) * w + j + 1] = 1
      }
    }
  }
  return reach[n * w + m] === 1
}

const coversCache = new FifoCache<string, boolean>(MAX_CACHE)

/**
 * Is every string matched by `specific` also matched by `general`? Sound: `true` is always right; `false` may
 * be returned for some exotic true cases (`?*` does cover `*?`, this says no). Use `satisfiable` for exact set
 * questions.
 */
export function globCovers(general: string, specific: string, opts: GlobOptions = {}): boolean {
  const key = `${opts.caseInsensitive ? 'i' : 's'}${general}\u0000${specific}`
  const hit = coversCache.get(key)
  if (hit !== undefined) return hit
  const result = globCoversCompiled(compileGlob(general, opts), compileGlob(specific, opts))
  coversCache.set(key, result)
  return result
}

// ---------------------------------------------------------------------------------------------------------
// Exact set engine
// ---------------------------------------------------------------------------------------------------------

/** A set of strings: the union of `globs`, or (negated) everything that none of them matches. */
export interface PatternSet {
  readonly negated: boolean
  readonly globs: readonly Glob[]
}

/** A disjunction of pattern sets. An empty clause is unsatisfiable. */
export type Clause = readonly PatternSet[]

/** Add the positions reachable by letting stars match the empty string. `positions` need not be sorted. */
function closure(glob: Glob, positions: readonly number[]): number[] {
  const n = glob.kinds.length
  const mark = new Uint8Array(n + 1)
  for (const p of positions) mark[p] = 1
  const out: number[] = []
  for (let p = 0; p <= n; p++) {
    if (!mark[p]) continue
    out.push(p)
    if (p < n && isStar(glob.kinds[p])) mark[p + 1] = 1
  }
  return out
}

function step(glob: Glob, set: readonly number[], c: number): number[] {
  const n = glob.kinds.length
  const next: number[] = []
  for (const p of set) {
    if (p === n) continue
    const k = glob.kinds[p] ?? EL_LITERAL
    if (!elementAccepts(k, glob.codes[p] ?? 0, c)) continue
    next.push(isStar(k) ? p : p + 1)
  }
  return next.length === 0 ? next : closure(glob, next)
}

export interface SatisfiableOptions {
  /** Maximum number of product states to explore before giving up (the answer is then `undefined`). */
  budget?: number
}

/**
 * A string that satisfies every clause (a clause is satisfied when the string is in at least one of its
 * pattern sets), or `null` when there is none. Cheap exact shortcuts first, then a breadth-first search over
 * the product of all the patterns' automata, which finds a shortest witness. Characters that occur in no
 * pattern behave alike, so one fresh character (U+E000 or the next unused one) stands for all of them.
 *
 * Returns `undefined` when the search budget runs out; callers decide which answer is the safe one.
 */
export function findWitness(clauses: readonly Clause[], opts: SatisfiableOptions = {}): string | null | undefined {
  if (clauses.some((c) => c.length === 0)) return null
  const quick = quickAnswer(clauses)
  if (quick !== undefined) return quick
  return search(clauses, opts.budget ?? 20_000)
}

/** `findWitness` as a yes/no answer (`undefined` = budget exhausted). */
export function satisfiable(clauses: readonly Clause[], opts: SatisfiableOptions = {}): boolean | undefined {
  const w = findWitness(clauses, opts)
  return w === undefined ? undefined : w !== null
}

/** A character no user pattern contains (policy variables use U+E001), standing for "anything else". */
const FILLER = '\uE000'
const FILLS = ['', FILLER] as const

function clauseAccepts(clause: Clause, value: string): boolean {
  for (const set of clause) {
    const inSet = set.globs.some((g) => matchGlob(g, value))
    if (inSet !== set.negated) return true
  }
  return false
}

/** Replace every `?` by a filler character and every `*` by `fill`: a concrete member of the pattern. */
function buildInstance(glob: Glob, fill: string): string {
  let out = ''
  for (let i = 0; i < glob.kinds.length; i++) {
    const k = glob.kinds[i]
    if (k === EL_LITERAL) out += String.fromCharCode(glob.codes[i] ?? 0)
    else if (isStar(k)) out += fill
    else out += FILLER
  }
  return out
}

/**
 * `buildInstance` with stars left empty ([0]) or filled ([1]), per compiled pattern: the same patterns recur in
 * thousands of questions, and building an ARN one character at a time made `quickAnswer` the largest
 * allocator of a 100k scan (7 % of the bytes).
 */
const instances = new WeakMap<Glob, [string | undefined, string | undefined]>()

function instantiate(glob: Glob, fill: '' | typeof FILLER): string {
  let pair = instances.get(glob)
  if (!pair) instances.set(glob, (pair = [undefined, undefined]))
  const slot = fill === '' ? 0 : 1
  return (pair[slot] ??= buildInstance(glob, fill))
}

/**
 * Cheap exact answers for the shapes the capability analysis asks most: a clause that lists concrete ARNs
 * (check each), a concrete member of one of the patterns that happens to satisfy everything (a witness), or a
 * positive clause each of whose patterns is provably excluded by another clause. `undefined` = search needed.
 */
function quickAnswer(clauses: readonly Clause[]): string | null | undefined {
  for (const clause of clauses) {
    const only = clause.length === 1 ? clause[0] : undefined
    if (only && !only.negated && only.globs.every((g) => !g.hasWildcard)) {
      for (const g of only.globs) {
        const value = g.segments?.[0] ?? instantiate(g, '')
        if (clauses.every((c) => clauseAccepts(c, value))) return value
      }
      return null
    }
  }
  const positives: Glob[] = []
  for (const clause of clauses) {
    for (const set of clause) if (!set.negated) for (const g of set.globs) if (positives.length < 32) positives.push(g)
  }
  for (const g of positives) {
    for (const fill of FILLS) {
      const value = instantiate(g, fill)
      if (clauses.every((c) => clauseAccepts(c, value))) return value
    }
  }
  // Patterns every solution must match (single positive pattern clauses, e.g. the service universe).
  const forced = clauses.flatMap((c) => {
    const only = c.length === 1 ? c[0] : undefined
    return only && !only.negated && only.globs.length === 1 ? only.globs : []
  })
  const excluded = (a: Glob, own: Clause): boolean =>
    clauses.some((other) => {
      if (other === own) return false
      if (other.every((set) => !set.negated)) {
        return other.every((set) => set.globs.every((c) => !globsIntersect(a, c)))
      }
      if (other.every((set) => set.negated)) {
        return other.every((set) =>
          set.globs.some((d) => globCoversCompiled(d, a) || forced.some((q) => globCoversCompiled(d, q))),
        )
      }
      return false
    })
  for (const clause of clauses) {
    if (clause.every((set) => !set.negated) && clause.every((set) => set.globs.every((a) => excluded(a, clause)))) {
      return null
    }
  }
  return undefined
}

/** The product search alone, without the shortcuts of `findWitness` (exported so tests can cross-check them). */
export function searchWitness(clauses: readonly Clause[], budget = 20_000): string | null | undefined {
  return clauses.some((c) => c.length === 0) ? null : search(clauses, budget)
}

function search(clauses: readonly Clause[], budget: number): string | null | undefined {
  const globs: Glob[] = []
  const ids = new Map<Glob, number>()
  const idOf = (g: Glob): number => {
    let id = ids.get(g)
    if (id === undefined) {
      id = globs.length
      globs.push(g)
      ids.set(g, id)
    }
    return id
  }
  const cls = clauses.map((c) => c.map((ps) => ({ negated: ps.negated, ids: ps.globs.map(idOf) })))

  const used = new Set<number>([COLON])
  for (const g of globs) {
    for (let i = 0; i < g.kinds.length; i++) if (g.kinds[i] === EL_LITERAL) used.add(g.codes[i] ?? 0)
  }
  let fresh = 0xe000
  while (used.has(fresh)) fresh++
  /**
   * Only the literals at the current positions (and `:` for the colon classes) can tell two characters apart
   * in this state; every other character leads to the same successor as `fresh`.
   */
  const lettersAt = (state: readonly number[][]): number[] => {
    const out = new Set<number>([fresh])
    state.forEach((set, g) => {
      const glob = globs[g] as Glob
      for (const p of set) {
        const k = glob.kinds[p]
        if (k === EL_LITERAL) out.add(glob.codes[p] ?? 0)
        else if (k === EL_ONE_NO_COLON || k === EL_STAR_NO_COLON) out.add(COLON)
      }
    })
    return [...out]
  }

  const accepting = new Uint8Array(globs.length)
  const universal = new Uint8Array(globs.length)
  const dead = new Uint8Array(globs.length)

  /** 1 = every clause holds now, -1 = some clause can never hold again, 0 = keep searching. */
  const judge = (state: readonly number[][]): number => {
    for (let g = 0; g < globs.length; g++) {
      const set = state[g] ?? []
      const glob = globs[g] as Glob
      dead[g] = set.length === 0 ? 1 : 0
      accepting[g] = set.length > 0 && set[set.length - 1] === glob.kinds.length ? 1 : 0
      universal[g] = set.some((p) => glob.universalFrom[p] === 1) ? 1 : 0
    }
    let allNow = true
    for (const clause of cls) {
      let now = false
      let possible = false
      for (const lit of clause) {
        if (lit.negated) {
          const anyAccept = lit.ids.some((id) => accepting[id] === 1)
          const anyUniversal = lit.ids.some((id) => universal[id] === 1)
          if (!anyAccept) now = true
          if (!anyUniversal) possible = true
        } else {
          if (lit.ids.some((id) => accepting[id] === 1)) now = true
          if (lit.ids.some((id) => dead[id] === 0)) possible = true
        }
      }
      if (!possible) return -1
      if (!now) allNow = false
    }
    return allNow ? 1 : 0
  }

  const keyOf = (state: readonly number[][]): string => state.map((s) => s.join(',')).join('|')
  const start = globs.map((g) => closure(g, [0]))
  const first = judge(start)
  if (first !== 0) return first === 1 ? '' : null
  const seen = new Set<string>([keyOf(start)])
  let frontier: Array<{ state: number[][]; text: string }> = [{ state: start, text: '' }]
  while (frontier.length > 0) {
    const nextFrontier: typeof frontier = []
    for (const { state, text } of frontier) {
      for (const c of lettersAt(state)) {
        const next = state.map((set, g) => step(globs[g] as Glob, set, c))
        const verdict = judge(next)
        if (verdict === 1) return text + String.fromCharCode(c)
        if (verdict === -1) continue
        const key = keyOf(next)
        if (seen.has(key)) continue
        seen.add(key)
        if (seen.size > budget) return undefined
        nextFrontier.push({ state: next, text: text + String.fromCharCode(c) })
      }
    }
    frontier = nextFrontier
  }
  return null
}
