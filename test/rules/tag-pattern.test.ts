/**
 * `tags.required[].pattern` on the linear-time engine (src/util/tag-pattern.ts): the same verdicts as the
 * JavaScript RegExp they were before, refusals for what RE2 cannot run, and the ReDoS pattern decided
 * (the result is asserted, never a time).
 */
import { describe, expect, it } from 'vitest'
import { PatternError, compileTagPattern, toRe2Syntax } from '../../src/util/tag-pattern.js'

const VALUES = [
  '', 'search', 'ml-team', 'data-team', 'Team', 'TEAM', '12345', '1234', 'a_b', 'a b', ' search', 'search ', '\t', '\u00a0',
  '\u000b', '\r', '\u2028', 'a\nb', 'é', 'AB-123', 'ab-12', '2027-01', 'x-', '-x', 'a.b', 'a/b', 'p{L}', '[:', 'a]b', 'a{', '\u0001',
]

/** Patterns as rules files write them; each must give exactly the verdicts JavaScript gave. */
const SAME_AS_JAVASCRIPT = [
  '^[a-z][a-z0-9-]*$',
  '^(search|ads|data-science)$',
  '^(?:ml|data)-team$',
  'team', // not anchored: a match anywhere, as RegExp.prototype.test
  '^[0-9]{5}$',
  '^\\d{4,5}$',
  '^\\w+$',
  '^\\S+$',
  '^[^\\s]+$',
  '^[\\S]+$',
  '^\\s*$',
  '\\s',
  '^.+$',
  '^.{1,3}$',
  '^[A-Z]{2}-\\d{3}$',
  '^[a-z]+(-[a-z0-9]+)*$',
  '^[^]*$',
  '[]',
  '^\\u00e9$',
  '^\\x41',
  '\\cA',
  '^a\\.b$',
  '^a\\/b$',
  '[[:alpha:]]', // JavaScript has no POSIX classes: a class of `[`, `:`, `a`, … followed by `]`
  '[\\b]',
  'a]b',
  'a{',
  '^[\\u0041-\\u005A]+$',
  '\\bsearch\\b',
  '(?<year>\\d{4})-\\d{2}',
  '^ab+?c$',
  '\\0',
]

describe('tag-value patterns keep their JavaScript meaning', () => {
  it.each(SAME_AS_JAVASCRIPT)('%s', (source) => {
    const js = new RegExp(source)
    const safe = compileTagPattern(source)
    for (const v of VALUES) expect([v, safe.test(v)]).toEqual([v, js.test(v)])
  })

  it('a leading (?i) makes a pattern case-insensitive (JavaScript refused it)', () => {
    const p = compileTagPattern('(?i)^(search|ads)$')
    expect(['search', 'Search', 'ADS', 'serach'].map((v) => p.test(v))).toEqual([true, true, true, false])
    const inline = '(?i)^search$'
    expect(() => new RegExp(inline)).toThrow()
  })

  it('decides the catastrophic pattern instead of backtracking', () => {
    const p = compileTagPattern('^([a-z0-9]+-?)+$')
    expect(p.test(`${'a'.repeat(30)}!`)).toBe(false)
    expect(p.test(`${'a'.repeat(256)}!`)).toBe(false)
    expect(p.test('team-a-b')).toBe(true)
  })

  it('keeps JavaScript character sets where RE2 differs: \\s, . and [\\S]', () => {
    expect(toRe2Syntax('^\\s$')).toBe('^[\\x{9}-\\x{D}\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]$')
    expect(toRe2Syntax('a.b')).toBe('a[^\\n\\r\\x{2028}\\x{2029}]b')
    expect(compileTagPattern('^\\s$').test('\u00a0')).toBe(true)
    expect(compileTagPattern('^[\\S]$').test('\u00a0')).toBe(false)
  })
})

describe('patterns the linear-time engine cannot run are refused with a reason', () => {
  it.each([
    ['(?=.*[0-9])^[a-z0-9]+$', /lookahead `\(\?=…\)` at character 1 is not supported/],
    ['^(?!test-)', /negative lookahead/],
    ['(?<=team-)x', /lookbehind/],
    ['(?<!a)b', /negative lookbehind/],
    ['^(a)\\1$', /the backreference `\\1` at character 5/],
    ['^(?<t>a)\\k<t>$', /named backreference/],
    ['\\p{L}+', /`\\p` at character 1 is not a JavaScript escape: it matched the plain letter p/],
    ['^x{1001}$', /RE2 allows repeat counts up to 1000/],
    ['\\01', /octal escape/],
    ['^[a-z', /^invalid regular expression: Invalid regular expression/],
  ])('%s', (source, message) => {
    expect(() => compileTagPattern(source)).toThrow(PatternError)
    expect(() => compileTagPattern(source)).toThrow(message)
  })
})
