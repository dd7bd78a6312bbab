/**
 * `tags.required[].pattern` of a rules file, run on a linear-time engine: a pattern can never hang a scan.
 *
 * Patterns are written as JavaScript regular expressions (no flags, not anchored unless they say `^…$`) and
 * are matched with re2js, a pure-JavaScript port of RE2 (no backtracking, time linear in the value). The
 * pattern is checked by JavaScript first (same syntax errors as before), then translated to RE2 syntax so
 * that it keeps its JavaScript meaning: `\s` and `.` keep JavaScript's character sets, `\uXXXX`, `\cX`,
 * `[^]` and named groups are rewritten. What RE2 cannot run, or would read differently, is refused with a
 * reason: lookahead and lookbehind, backreferences, octal escapes, escaped letters that JavaScript reads as
 * the plain letter (`\p{L}` is `p{L}` there), and repeat counts above 1,000. One addition: a leading `(?i)`
 * makes the pattern case-insensitive (JavaScript refused it). docs/security.md lists the differences.
 */
import { RE2JS } from 're2js'

/** A pattern tagwarden cannot run; `message` says why (the rules-file checks prefix the location). */
export class PatternError extends Error {
  override readonly name = 'PatternError'
}

export interface TagPattern {
  /** The pattern as written. */
  readonly source: string
  /** Whether the pattern matches somewhere in `value` (as `RegExp.prototype.test`). */
  test(value: string): boolean
}

/** JavaScript's `\s` (WhiteSpace and LineTerminator, ECMA-262), as RE2 class ranges. */
const JS_SPACE = '\\x{9}-\\x{D}\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}'
/** Its complement, for `\S` inside a class (RE2 has no nested negation). */
const JS_NON_SPACE =
  '\\x{0}-\\x{8}\\x{E}-\\x{1F}\\x{21}-\\x{9F}\\x{A1}-\\x{167F}\\x{1681}-\\x{1FFF}\\x{200B}-\\x{2027}\\x{202A}-\\x{202E}\\x{2030}-\\x{205E}\\x{2060}-\\x{2FFF}\\x{3001}-\\x{FEFE}\\x{FF00}-\\x{10FFFF}'
/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]'

const hex = (code: number): string => `\\x{${code.toString(16).toUpperCase()}}`
const isHex = (s: string): boolean => /^[0-9A-Fa-f]+$/.test(s)
const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c)

const REFUSED_GROUPS: Record<string, string> = {
  '(?=': 'lookahead `(?=…)`',
  '(?!': 'negative lookahead `(?!…)`',
  '(?<=': 'lookbehind `(?<=…)`',
  '(?<!': 'negative lookbehind `(?<!…)`',
}

function refuse(what: string, at: number): never {
  throw new PatternError(`${what} at character ${at + 1} is not supported: patterns run on a linear-time engine (RE2), which has no lookaround or backreferences`)
}

/**
 * One escape (`p[i] === '\\'`) → its RE2 form and the index after it. `inClass`: inside `[…]`, where `\b` is a
 * backspace and `\s`/`\S` are spelt as ranges.
 */
function escape(p: string, i: number, inClass: boolean): [string, number] {
  const c = p[i + 1]!
  switch (c) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'n':
    case 'r':
    case 't':
    case 'f':
    case 'v':
      return [`\\${c}`, i + 2]
    case 'b':
    case 'B':
      if (!inClass) return [`\\${c}`, i + 2]
      if (c === 'b') return [hex(8), i + 2]
      break
    case 's':
      return [inClass ? JS_SPACE : `[${JS_SPACE}]`, i + 2]
    case 'S':
      return [inClass ? JS_NON_SPACE : `[^${JS_SPACE}]`, i + 2]
    case '0':
      if (!/[0-9]/.test(p[i + 2] ?? '')) return [hex(0), i + 2]
      throw new PatternError(`the octal escape \`\\0${p[i + 2]}\` at character ${i + 1} is not supported; write \\x followed by two hexadecimal digits`)
    case 'x': {
      const h = p.slice(i + 2, i + 4)
      return h.length === 2 && isHex(h) ? [hex(parseInt(h, 16)), i + 4] : ['x', i + 2]
    }
    case 'u': {
      const h = p.slice(i + 2, i + 6)
      return h.length === 4 && isHex(h) ? [hex(parseInt(h, 16)), i + 6] : ['u', i + 2]
    }
    case 'c': {
      const l = p[i + 2] ?? ''
      if (isLetter(l)) return [hex(l.charCodeAt(0) % 32), i + 3]
      throw new PatternError(`\`\\c\` at character ${i + 1} must be followed by a letter`)
    }
    case 'k':
      refuse('the named backreference `\\k<…>`', i)
  }
  if (/[1-9]/.test(c)) refuse(`the backreference \`\\${c}\``, i)
  if (isLetter(c)) {
    throw new PatternError(
      `\`\\${c}\` at character ${i + 1} is not a JavaScript escape: it matched the plain letter ${c}, and RE2 reads it differently; write ${c}`,
    )
  }
  // Any other character stands for itself; RE2 accepts a backslash only before ASCII punctuation.
  const cp = p.codePointAt(i + 1)!
  const ch = String.fromCodePoint(cp)
  return [/[!-/:-@[-`{-~ ]/.test(ch) ? `\\${ch}` : ch, i + 1 + ch.length]
}

/** A character class starting at `p[i] === '['` → its RE2 form and the index after its `]`. */
function charClass(p: string, i: number): [string, number] {
  if (p.startsWith('[]', i)) return ['[^\\x{0}-\\x{10FFFF}]', i + 2]
  if (p.startsWith('[^]', i)) return ['[\\x{0}-\\x{10FFFF}]', i + 3]
  let out = '['
  let j = i + 1
  if (p[j] === '^') {
    out += '^'
    j++
  }
  while (j < p.length && p[j] !== ']') {
    if (p[j] === '\\') {
      const [s, next] = escape(p, j, true)
      out += s
      j = next
    } else if (p[j] === '[') {
      out += '\\[' // JavaScript has no POSIX classes: `[[:alpha:]]` is a class of `[`, `:`, … there
      j++
    } else {
      out += p[j]
      j++
    }
  }
  return [`${out}]`, j + 1]
}

/** The RE2 form of a JavaScript pattern that `new RegExp` accepts; throws `PatternError` for what RE2 cannot run. */
export function toRe2Syntax(p: string): string {
  let out = ''
  let i = 0
  while (i < p.length) {
    const c = p[i]!
    if (c === '\\') {
      const [s, next] = escape(p, i, false)
      out += s
      i = next
    } else if (c === '[') {
      const [s, next] = charClass(p, i)
      out += s
      i = next
    } else if (c === '.') {
      out += JS_DOT
      i++
    } else if (c === '(' && p[i + 1] === '?') {
      const refused = Object.keys(REFUSED_GROUPS).find((g) => p.startsWith(g, i))
      if (refused) refuse(REFUSED_GROUPS[refused]!, i)
      if (p[i + 2] === '<') {
        out += '(?P<'
        i += 3
      } else {
        out += '(?'
        i += 2
      }
    } else {
      out += c
      i++
    }
  }
  return out
}

const CASE_INSENSITIVE = '(?i)'

/** Compiles a tag-value pattern (throws `PatternError` with the reason it cannot be run). */
export function compileTagPattern(source: string): TagPattern {
  const ci = source.startsWith(CASE_INSENSITIVE)
  const body = ci ? source.slice(CASE_INSENSITIVE.length) : source
  try {
    new RegExp(body, ci ? 'i' : '') // the JavaScript syntax check only: never matched
  } catch (e) {
    throw new PatternError(`invalid regular expression: ${(e as Error).message}`)
  }
  const re2 = toRe2Syntax(body)
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(re2, ci ? RE2JS.CASE_INSENSITIVE : 0)
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '')
    throw new PatternError(`the linear-time engine (RE2) cannot run this pattern: ${why}${/repeat count/.test(why) ? ' (RE2 allows repeat counts up to 1000)' : ''}`)
  }
  return { source, test: (value) => compiled.test(value) }
}

const cache = new Map<string, TagPattern>()

/** `compileTagPattern`, compiled once per process for each pattern. */
export function tagPattern(source: string): TagPattern {
  let p = cache.get(source)
  if (!p) cache.set(source, (p = compileTagPattern(source)))
  return p
}

/** Why a pattern cannot be run, or undefined when it can (for the rules-file checks). */
export function tagPatternProblem(source: string): string | undefined {
  try {
    tagPattern(source)
    return undefined
  } catch (e) {
    if (e instanceof PatternError) return e.message
    throw e
  }
}
