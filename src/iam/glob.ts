/**
 * IAM wildcard patterns: `*` matches any sequence (also across `:` and `/`), `?` matches exactly one character.
 *
 * Three public questions, all linear-ish in the pattern sizes (no backtracking regexes):
 * - `globMatch`: does a pattern match a concrete string (an action name, an ARN)?
 * - `globIntersects`: do two patterns share at least one string?
 * - `globCovers`: is every string of one pattern also matched by another (sound, not complete)?
 *
 * Plus the exact set engine the capability analysis needs (`satisfiable`): is there one string that lies in
 * every clause of a formula built from unions and complements of patterns? It runs an on-the-fly product of the
 * patterns' automata, so "Allow `*` minus Deny `arn:aws:bedrock:*:*:foundation-model/anthropic.*`" is answered
 * exactly instead of by pairwise heuristics.
 *
 * Patterns are compiled once and cached: the analysis asks the same questions for up to a million principals.
 */

export interface GlobOptions {
  /** IAM matches action names case-insensitively; resource ARNs are case-sensitive. */
  caseInsensitive?: boolean
}

/** Element kinds of a compiled pattern. The `…_NO_COLON` kinds never come from user text (see `arnServiceUniverse`). */
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
}

const MAX_CACHE = 50_000

/** Insertion-ordered map that drops its oldest entry when full: bounded memory, O(1) per operation. */
export class FifoCache<K, V> {
  private readonly map = new Map<K, V>()
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    return this.map.get(key)
  }
  set(key: K, value: V): void {
    if (this.map.size >= this.max && !this.map.has(key)) {
      const oldest = this.map.keys().next()
      if (!oldest.done) this.map.delete(oldest.value)
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

const compiled = new FifoCache<string, Glob>(MAX_CACHE)

function fold(s: string, ci: boolean): string {
  return ci ? s.toLowerCase() : s
}

function buildGlob(source: string, kinds: number[], codes: number[], ci: boolean, segments?: string[]): Glob {
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
  }
  return glob
}

/** Compile (and cache) a user pattern. Consecutive `*` collapse into one, which matches the same strings. */
export function compileGlob(pattern: string, opts: GlobOptions = {}): Glob {
  const ci = opts.caseInsensitive === true
  const key = (ci ? 'i' : 's') + pattern
  const hit = compiled.get(key)
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
  compiled.set(key, glob)
  return glob
}

const universes = new Map<string, Glob>()

/**
 * Every ARN of one service: `arn:<partition>:<service>:…`. With `partition` undefined the partition is any
 * non-empty colon-free word, so `arn:aws-eusc:bedrock:…` counts but `arn:aws:s3:::bucket/x:bedrock:y` does not.
 */
export function arnServiceUniverse(service: string, partition?: string): Glob {
  const key = `${partition ?? ''}\u0000${service}`
  const hit = universes.get(key)
  if (hit) return hit
  let glob: Glob
  if (partition !== undefined) {
    glob = compileGlob(`arn:${partition}:${service}:*`)
  } else {
    const kinds: number[] = []
    const codes: number[] = []
    const lit = (s: string): void => {
      for (let i = 0; i < s.length; i++) {
        kinds.push(EL_LITERAL)
        codes.push(s.charCodeAt(i))
      }
    }
    lit('arn:')
    kinds.push(EL_ONE_NO_COLON, EL_STAR_NO_COLON)
    codes.push(0, 0)
    lit(`:${service}:`)
    kinds.push(EL_STAR)
    codes.push(0)
    glob = buildGlob(`arn:<any partition>:${service}:*`, kinds, codes, false)
  }
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
  // Colon classes (only in universes): simulate the automaton.
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

/** Can one element of `general` (not a star) consume the token `specific[j]`? */
function consumesToken(gk: number, gc: number, sk: number, sc: number): boolean {
  if (isStar(sk)) return false
  if (gk === EL_ONE) return true
  if (gk === EL_LITERAL) return sk === EL_LITERAL && gc === sc
  // a colon class in `general` only covers a specific literal that is not a colon, or a colon-free `?`
  return sk === EL_LITERAL ? sc !== COLON : sk === EL_ONE_NO_COLON
}

function tokenRunAt(g: Glob, gFrom: number, gTo: number, s: Glob, pos: number): boolean {
  for (let k = 0; gFrom + k < gTo; k++) {
    const gi = gFrom + k
    const sj = pos + k
    if (!consumesToken(g.kinds[gi] ?? 0, g.codes[gi] ?? 0, s.kinds[sj] ?? 0, s.codes[sj] ?? 0)) return false
  }
  return true
}

/**
 * Sound inclusion test: read `specific` as a sequence of tokens (a literal, a `?`, a `*`) and ask whether
 * `general` matches that token string, where `general`'s `?` takes any one non-star token, its literals take
 * equal literals and only its stars may take `specific`'s stars. Leftmost placement of `general`'s star-free
 * runs is again optimal, so this is linear-ish with no backtracking.
 */
export function globCoversCompiled(general: Glob, specific: Glob): boolean {
  const gk = general.kinds
  const n = gk.length
  const m = specific.kinds.length
  // split general at unrestricted stars into runs [start, end)
  const runs: Array<[number, number]> = []
  let start = 0
  for (let i = 0; i <= n; i++) {
    if (i === n || gk[i] === EL_STAR) {
      runs.push([start, i])
      start = i + 1
    } else if (gk[i] === EL_STAR_NO_COLON) {
      return false // only universes use this kind and they are never the general side
    }
  }
  const first = runs[0] ?? [0, 0]
  const firstLen = first[1] - first[0]
  if (runs.length === 1) return m === firstLen && tokenRunAt(general, first[0], first[1], specific, 0)
  const last = runs[runs.length - 1] ?? [0, 0]
  const lastLen = last[1] - last[0]
  if (m < firstLen + lastLen) return false
  if (!tokenRunAt(general, first[0], first[1], specific, 0)) return false
  if (!tokenRunAt(general, last[0], last[1], specific, m - lastLen)) return false
  let pos = firstLen
  const end = m - lastLen
  for (let r = 1; r < runs.length - 1; r++) {
    const run = runs[r] ?? [0, 0]
    const len = run[1] - run[0]
    if (len === 0) continue
    let found = -1
    for (let q = pos; q <= end - len; q++) {
      if (tokenRunAt(general, run[0], run[1], specific, q)) {
        found = q
        break
      }
    }
    if (found < 0) return false
    pos = found + len
  }
  return true
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
 * Is there a string that satisfies every clause (a clause is satisfied when the string is in at least one of
 * its pattern sets)? Breadth-first search over the product of all the patterns' automata; every character
 * that occurs in no pattern behaves the same, so one fresh character stands for all of them.
 *
 * Returns `undefined` when the search budget runs out; callers decide which answer is the safe one.
 */
export function satisfiable(clauses: readonly Clause[], opts: SatisfiableOptions = {}): boolean | undefined {
  const budget = opts.budget ?? 20_000
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
  if (cls.some((c) => c.length === 0)) return false

  const alphabet = new Set<number>([COLON])
  for (const g of globs) {
    for (let i = 0; i < g.kinds.length; i++) if (g.kinds[i] === EL_LITERAL) alphabet.add(g.codes[i] ?? 0)
  }
  let fresh = 0xe000
  while (alphabet.has(fresh)) fresh++
  alphabet.add(fresh)
  const letters = [...alphabet]

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
  if (first !== 0) return first === 1
  const seen = new Set<string>([keyOf(start)])
  let frontier: number[][][] = [start]
  while (frontier.length > 0) {
    const nextFrontier: number[][][] = []
    for (const state of frontier) {
      for (const c of letters) {
        const next = state.map((set, g) => step(globs[g] as Glob, set, c))
        const key = keyOf(next)
        if (seen.has(key)) continue
        seen.add(key)
        if (seen.size > budget) return undefined
        const verdict = judge(next)
        if (verdict === 1) return true
        if (verdict === 0) nextFrontier.push(next)
      }
    }
    frontier = nextFrontier
  }
  return false
}

/** True when the pattern contains `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?')
}
