import { describe, expect, it } from 'vitest'
import {
  arnServiceUniverse,
  compileGlob,
  compileResourcePattern,
  findWitness,
  globCovers,
  globCoversCompiled,
  globIntersects,
  globMatch,
  matchGlob,
  satisfiable,
  searchWitness,
  simulateGlob,
  splitArn,
} from '../../src/iam/glob.js'
import type { Clause, PatternSet } from '../../src/iam/glob.js'

/** Reference semantics: the obvious regex, only ever used on tiny inputs here. */
function reference(pattern: string, value: string, ci = false): boolean {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, ci ? 'i' : '').test(value)
}

/** Deterministic PRNG so the property tests are reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function randomPattern(next: () => number, alphabet: string, maxLen: number): string {
  const len = Math.floor(next() * (maxLen + 1))
  let out = ''
  for (let i = 0; i < len; i++) out += alphabet[Math.floor(next() * alphabet.length)]
  return out
}

/** Every string over `letters` up to `maxLen` characters. */
function allStrings(letters: string, maxLen: number): string[] {
  const out = ['']
  let layer = ['']
  for (let l = 1; l <= maxLen; l++) {
    layer = layer.flatMap((p) => letters.split('').map((c) => p + c))
    out.push(...layer)
  }
  return out
}

const set = (negated: boolean, ...patterns: string[]): PatternSet => ({
  negated,
  globs: patterns.map((p) => compileGlob(p)),
})
const inAny = (...p: string[]): PatternSet => set(false, ...p)
const inNone = (...p: string[]): PatternSet => set(true, ...p)

describe('globMatch', () => {
  it.each([
    // [pattern, value, expected]
    ['*', '', true],
    ['*', 'anything:at/all', true],
    ['bedrock:*', 'bedrock:InvokeModel', true],
    ['bedrock:Invoke*', 'bedrock:InvokeModelWithResponseStream', true],
    ['bedrock:Invoke*', 'bedrock:invokemodel', false], // case-sensitive by default
    ['bedrock:Converse*', 'bedrock:InvokeModel', false],
    ['bedrock:?nvokeModel', 'bedrock:InvokeModel', true],
    ['bedrock:?nvokeModel', 'bedrock:nvokeModel', false], // ? is exactly one character
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['a**b', 'ab', true],
    ['*Model', 'bedrock:InvokeModel', true],
    ['*Model', 'bedrock:InvokeModels', false],
    ['arn:aws:bedrock:*:*:foundation-model/anthropic.*', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2', true],
    ['arn:aws:bedrock:*:*:foundation-model/anthropic.*', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite', false],
    ['arn:aws:s3:::x', 'arn:aws:s3:::x', true],
    ['arn:aws:s3:::x', 'arn:aws:s3:::xy', false],
    ['', '', true],
    ['', 'a', false],
  ])('%j vs %j → %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected)
    expect(reference(pattern, value)).toBe(expected)
  })

  it('matches case-insensitively on request (service prefix included)', () => {
    expect(globMatch('Bedrock:invoke*', 'bedrock:InvokeModel', { caseInsensitive: true })).toBe(true)
    expect(globMatch('BEDROCK:INVOKEMODEL', 'bedrock:InvokeModel', { caseInsensitive: true })).toBe(true)
    expect(globMatch('Bedrock:invoke*', 'bedrock:InvokeModel')).toBe(false)
  })

  it('agrees with the regex reference on random patterns', () => {
    const next = rng(7)
    for (let i = 0; i < 3000; i++) {
      const pattern = randomPattern(next, 'ab*?', 6)
      const value = randomPattern(next, 'ab', 7)
      expect(globMatch(pattern, value), `${pattern} vs ${value}`).toBe(reference(pattern, value))
    }
  })

  it('has no catastrophic backtracking', () => {
    const value = 'a'.repeat(20_000)
    const start = performance.now()
    expect(globMatch('a*a*a*a*a*a*a*a*a*a*a*a*b', value)).toBe(false)
    expect(globMatch('*a?a*a*a*a*a*a*a*a*a*a*a', value)).toBe(true)
    expect(performance.now() - start).toBeLessThan(500)
  })

  it('compiles each pattern once', () => {
    expect(compileGlob('arn:aws:bedrock:*')).toBe(compileGlob('arn:aws:bedrock:*'))
    expect(compileGlob('X*', { caseInsensitive: true })).not.toBe(compileGlob('X*'))
  })
})

describe('arnServiceUniverse', () => {
  const any = arnServiceUniverse('bedrock')
  it.each([
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/x', true],
    ['arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/x', true],
    ['arn:aws-cn:bedrock:cn-north-1::foundation-model/x', true],
    ['arn:aws-eusc:bedrock:eusc-de-east-1::foundation-model/x', true], // partitions we have never heard of
    ['arn:aws:bedrock-mantle:us-east-1:1:project/x', false],
    ['arn:aws:s3:::bucket/x:bedrock:y', false], // `bedrock` must be the service field
    ['arn::bedrock:x', false], // empty partition
  ])('any partition: %s → %s', (arn, expected) => {
    expect(matchGlob(any, arn)).toBe(expected)
  })

  it('pins the partition when given', () => {
    const aws = arnServiceUniverse('bedrock', 'aws')
    expect(matchGlob(aws, 'arn:aws:bedrock:us-east-1::foundation-model/x')).toBe(true)
    expect(matchGlob(aws, 'arn:aws-cn:bedrock:cn-north-1::foundation-model/x')).toBe(false)
  })
})

describe('globIntersects', () => {
  it.each([
    ['*', 'arn:aws:bedrock:x', true],
    ['arn:aws:bedrock*', 'arn:*:bedrock:*', true],
    ['arn:aws:s3:::x', 'arn:*:bedrock:*', false],
    ['arn:aws:bedrock-mantle:*', 'arn:aws:bedrock:*', false],
    ['a*', '*b', true], // "ab"
    ['a?', '?b', true],
    ['a?c', 'a??', true],
    ['a?c', 'a??d', false],
    ['abc', 'abd', false],
    ['*x*', '*y*', true],
    ['a', '', false],
    ['', '*', true],
  ])('%j ∩ %j → %s', (a, b, expected) => {
    expect(globIntersects(a, b)).toBe(expected)
    expect(globIntersects(b, a)).toBe(expected)
  })

  it('handles the colon-free partition class of the universe', () => {
    const any = arnServiceUniverse('bedrock')
    const g = (p: string) => compileGlob(p)
    expect(satisfiable([[{ negated: false, globs: [any] }], [inAny('arn:aws:bedrock*')]])).toBe(true)
    // "arn:x:y:bedrock:z" would need a colon inside the partition
    expect(satisfiable([[{ negated: false, globs: [any] }], [inAny('arn:x:y:bedrock:*')]])).toBe(false)
    expect(g('arn:*').hasWildcard).toBe(true)
  })

  it('agrees with brute force on random patterns', () => {
    const next = rng(11)
    const strings = allStrings('ab', 7)
    for (let i = 0; i < 600; i++) {
      const a = randomPattern(next, 'ab*?', 4)
      const b = randomPattern(next, 'ab*?', 4)
      const brute = strings.some((s) => reference(a, s) && reference(b, s))
      expect(globIntersects(a, b), `${a} ∩ ${b}`).toBe(brute)
    }
  })
})

describe('globCovers', () => {
  it.each([
    ['*', 'arn:aws:bedrock:*', true],
    ['arn:aws:bedrock:*', '*', false],
    ['arn:aws:bedrock:*', 'arn:aws:bedrock:*:*:foundation-model/*', true],
    ['arn:*:bedrock:*', 'arn:aws-cn:bedrock:*', true],
    ['arn:aws:bedrock:*::foundation-model/anthropic.*', 'arn:aws:bedrock:*::foundation-model/*', false],
    ['arn:aws:bedrock:*', 'arn:aws:bedrock-mantle:*', false],
    ['a*', 'a?b', true],
    ['a?b', 'a*b', false], // specific's * can be empty or long
    ['a*b', 'a?b', true],
    ['a?', 'a*', false],
    ['*', '', true],
    ['x', 'x', true],
    ['x', 'X', false],
  ])('%j ⊇ %j → %s', (general, specific, expected) => {
    expect(globCovers(general, specific)).toBe(expected)
  })

  it('is sound on random patterns (true implies inclusion)', () => {
    const next = rng(5)
    const strings = allStrings('ab', 7)
    let trues = 0
    for (let i = 0; i < 800; i++) {
      const g = randomPattern(next, 'ab*?', 4)
      const s = randomPattern(next, 'ab*?', 4)
      if (!globCovers(g, s)) continue
      trues++
      for (const v of strings) if (reference(s, v)) expect(reference(g, v), `${g} ⊇ ${s} fails on ${v}`).toBe(true)
    }
    expect(trues).toBeGreaterThan(50) // the property was actually exercised
  })
})

describe('satisfiable / findWitness', () => {
  it.each<[string, Clause[], boolean]>([
    ['allow * minus deny anthropic models', [[inAny('arn:aws:bedrock:*')], [inAny('*')], [inNone('arn:aws:bedrock:*:*:foundation-model/anthropic.*')]], true],
    ['allow * minus deny all bedrock', [[inAny('arn:aws:bedrock:*')], [inAny('*')], [inNone('arn:aws:bedrock:*')]], false],
    ['two denies that only together cover', [[inAny('a*')], [inNone('ab*')], [inNone('a')], [inNone('a?*')]], false],
    ['two denies leave a gap', [[inAny('a*')], [inNone('ab*')], [inNone('a')]], true],
    ['NotResource allow', [[inAny('arn:aws:bedrock:*')], [inNone('arn:aws:bedrock:*:*:foundation-model/*')]], true],
    ['NotResource allow covering the service', [[inAny('arn:aws:bedrock:*')], [inNone('arn:aws:bedrock:*')]], false],
    ['empty clause', [[inAny('*')], []], false],
    ['union clause', [[inAny('x', 'y')], [inNone('x')]], true],
  ])('%s', (_name, clauses, expected) => {
    expect(satisfiable(clauses)).toBe(expected)
  })

  it('returns witnesses that really satisfy every clause, and null only when brute force finds nothing', () => {
    const next = rng(3)
    const strings = allStrings('ab:', 6)
    const accepts = (clauses: Clause[], v: string) =>
      clauses.every((c) => c.some((ps) => ps.globs.some((g) => matchGlob(g, v)) !== ps.negated))
    let found = 0
    for (let i = 0; i < 400; i++) {
      const clauses: Clause[] = []
      const n = 1 + Math.floor(next() * 3)
      for (let k = 0; k < n; k++) {
        const lits = 1 + Math.floor(next() * 2)
        const clause: PatternSet[] = []
        for (let l = 0; l < lits; l++) clause.push(set(next() < 0.4, randomPattern(next, 'ab:*?', 4)))
        clauses.push(clause)
      }
      const shown = JSON.stringify(clauses.map((c) => c.map((p) => [p.negated, p.globs.map((g) => g.source)])))
      const w = findWitness(clauses)
      const slow = searchWitness(clauses)
      expect(w, shown).not.toBeUndefined()
      expect(slow === null, `shortcut and search disagree on ${shown}`).toBe(w === null)
      for (const witness of [w, slow]) {
        if (typeof witness === 'string') {
          expect(accepts(clauses, witness), `${shown} / ${JSON.stringify(witness)}`).toBe(true)
        } else {
          expect(strings.some((v) => accepts(clauses, v)), shown).toBe(false)
        }
      }
      if (typeof w === 'string') found++
    }
    expect(found).toBeGreaterThan(100)
    expect(found).toBeLessThan(400) // unsatisfiable formulas were exercised too
  })

  it('reports an exhausted budget as undefined', () => {
    // No instantiation of a single pattern works, so the search must run; one state cannot decide it.
    const clauses: Clause[] = [[inAny('a*')], [inAny('*b')], [inNone('ab')]]
    expect(findWitness(clauses, { budget: 1 })).toBeUndefined()
    expect(findWitness(clauses)).toMatch(/^a.b$/)
  })
})

describe('compileResourcePattern (ARN fields)', () => {
  const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1'
  it.each([
    ['*', MODEL, true],
    ['arn:aws:bedrock:*:*:foundation-model/*', MODEL, true],
    ['arn:aws:bedrock:*', MODEL, true], // short ARN: missing fields are *
    ['arn:aws:bedrock*', 'arn:aws:bedrock-mantle:us-east-1:111122223333:project/p', true],
    ['arn:aws:bedrock:us-*', MODEL, true],
    ['arn:aws:bedrock:eu-*', MODEL, false],
    ['arn:aws:bedrock:us-east-?::*', MODEL, true],
    ['arn:AWS:Bedrock:*', MODEL, true], // leading fields compare in lower case
    ['arn:aws:bedrock:*:*:Foundation-model/*', MODEL, false], // the resource part does not
    // a field wildcard never spans a colon, so this profile pattern cannot reach a model ARN
    ['arn:aws:bedrock:*:*:inference-profile/*', 'arn:aws:bedrock:r::foundation-model/x:b:inference-profile/c', false],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a:b', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::other/a', false],
    ['arn:aws:bedrock:*:*:*', 'arn:aws:bedrock:x', false], // not a six-field ARN
  ])('%j matches %j → %s', (pattern, arn, expected) => {
    const g = compileResourcePattern(pattern)
    expect(matchGlob(g, arn)).toBe(expected)
    expect(simulateGlob(g, arn)).toBe(expected)
  })

  it('differs from plain string wildcards exactly where a field wildcard would span a colon', () => {
    const arn = 'arn:aws:bedrock:r::foundation-model/x:b:inference-profile/c'
    expect(globMatch('arn:aws:bedrock:*:*:inference-profile/*', arn)).toBe(true)
    expect(matchGlob(compileResourcePattern('arn:aws:bedrock:*:*:inference-profile/*'), arn)).toBe(false)
  })

  it('splits ARNs into six fields', () => {
    expect(splitArn(MODEL)).toEqual(['arn', 'aws', 'bedrock', 'us-east-1', '', 'foundation-model/anthropic.claude-v2:1'])
    expect(splitArn('arn:aws:s3')).toBeUndefined()
  })

  const pick = <T,>(next: () => number, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  const randomArnPattern = (next: () => number): string => {
    const fields = [
      pick(next, ['aws', 'a*', '*', '?ws', 'aws-cn']),
      pick(next, ['bedrock', 'bedrock*', 'b*k', '*', 'bedrock-mantle']),
      pick(next, ['*', 'us-*', '', 'u?', 'us-east-1']),
      pick(next, ['*', '', '1?', '111122223333']),
      pick(next, ['*', 'foundation-model/*', 'a:b*', '*x', 'inference-profile/*', 'x:*:y']),
    ]
    const keep = 2 + Math.floor(next() * 4) // short ARNs too
    return ['arn', ...fields.slice(0, keep)].join(':')
  }
  const randomArn = (next: () => number): string =>
    [
      'arn',
      pick(next, ['aws', 'aws-cn', 'ab', '']),
      pick(next, ['bedrock', 'bedrock-mantle', 'bk', 's3']),
      pick(next, ['us-east-1', 'u1', '', 'eu-west-1']),
      pick(next, ['111122223333', '12', '']),
      pick(next, ['foundation-model/a:b', 'x', 'inference-profile/p', 'a:bx', 'x:q:y', '']),
    ].join(':')

  it('direct matcher and automaton agree on random ARN patterns', () => {
    const next = rng(17)
    for (let i = 0; i < 3000; i++) {
      const g = compileResourcePattern(randomArnPattern(next))
      const arn = randomArn(next)
      expect(matchGlob(g, arn), `${g.source} vs ${arn}`).toBe(simulateGlob(g, arn))
    }
  })

  it('decides inclusion between ARN patterns and service universes', () => {
    const awsBedrock = arnServiceUniverse('bedrock', 'aws')
    const anyBedrock = arnServiceUniverse('bedrock')
    expect(globCoversCompiled(compileResourcePattern('arn:aws:bedrock:*'), awsBedrock)).toBe(true)
    expect(globCoversCompiled(compileResourcePattern('arn:aws:bedrock:*'), anyBedrock)).toBe(false)
    expect(globCoversCompiled(compileResourcePattern('arn:*:bedrock:*'), anyBedrock)).toBe(true)
    expect(globCoversCompiled(compileResourcePattern('*'), anyBedrock)).toBe(true)
    expect(globCoversCompiled(compileResourcePattern('arn:aws:bedrock:*:*:foundation-model/*'), awsBedrock)).toBe(false)
  })

  it('covers soundly on random ARN patterns', () => {
    const next = rng(29)
    let trues = 0
    for (let i = 0; i < 3000; i++) {
      const g = compileResourcePattern(randomArnPattern(next))
      const sp = compileResourcePattern(randomArnPattern(next))
      if (!globCoversCompiled(g, sp)) continue
      trues++
      for (let k = 0; k < 20; k++) {
        const arn = randomArn(next)
        if (matchGlob(sp, arn)) expect(matchGlob(g, arn), `${g.source} ⊇ ${sp.source} fails on ${arn}`).toBe(true)
      }
    }
    expect(trues).toBeGreaterThan(30)
  })

  it('shortcuts and product search agree on random ARN formulas', () => {
    const next = rng(23)
    const universe = { negated: false, globs: [arnServiceUniverse('bedrock')] }
    const accepts = (clauses: Clause[], v: string) =>
      clauses.every((c) => c.some((ps) => ps.globs.some((g) => matchGlob(g, v)) !== ps.negated))
    let sat = 0
    for (let i = 0; i < 500; i++) {
      const clauses: Clause[] = [[universe]]
      const n = 1 + Math.floor(next() * 3)
      for (let k = 0; k < n; k++) {
        clauses.push([{ negated: k > 0 && next() < 0.5, globs: [compileResourcePattern(randomArnPattern(next))] }])
      }
      const fast = findWitness(clauses)
      const slow = searchWitness(clauses)
      const shown = JSON.stringify(clauses.map((c) => c.map((p) => [p.negated, p.globs.map((g) => g.source)])))
      expect(fast === null, shown).toBe(slow === null)
      for (const w of [fast, slow]) if (typeof w === 'string') expect(accepts(clauses, w), `${shown} / ${w}`).toBe(true)
      if (typeof fast === 'string') sat++
    }
    expect(sat).toBeGreaterThan(50)
    expect(sat).toBeLessThan(500)
  })
})
