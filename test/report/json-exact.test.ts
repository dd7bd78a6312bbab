/**
 * `jsonChunks` is `JSON.stringify(value, null, 2)` + "\n", byte for byte, whatever the value: every rule
 * of JSON.stringify that the streaming walk (member by member near the top, blocks of long arrays below)
 * could get wrong, a seeded random search over values built from those rules, and real reports (the
 * demo's, a small finding-heavy synthetic organization's) whose findings have lazy `message`/`fix`
 * accessors and share evidence by reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jsonChunks, jsonReportChunks } from '../../src/report/json.js'
import type { ScanReport } from '../../src/model/finding.js'
import { runScan } from '../../src/pipeline/scan.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { rng, writeSyntheticSnapshot } from '../../bench/synthetic-org.js'
import { bundledConfig, NOW } from '../live/helpers.js'
import { scanDemo } from './helpers.js'

const SIZES = [1, 64, 4096, 1 << 20]

function expectSameText(value: unknown): void {
  // A value JSON.stringify leaves out entirely (undefined at the top) is written `null` (tested below).
  const expected = `${JSON.stringify(value, null, 2) ?? 'null'}\n`
  for (const size of SIZES) expect([...jsonChunks(value, size)].join('')).toBe(expected)
}

/** `n` copies of `make(i)`: arrays longer than the writer's block of 16 are written a block at a time. */
const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i))

/** Nested `depth` containers deep, alternating objects and arrays. */
function nest(v: unknown, depth: number): unknown {
  for (let d = 0; d < depth; d++) v = d % 2 === 0 ? { k: v } : [v]
  return v
}

const HOSTILE = [
  '',
  'plain',
  'quote " backslash \\ slash / tab \t newline \n return \r',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  '\u007f \u0080 \u00ff café',
  'line separators \u2028 and \u2029',
  'lone high \ud800 and lone low \udfff, reversed \udc00\ud800',
  'a pair 😀 = \ud83d\ude00, high at the end \ud83d',
  '</script><script>alert(1)</script> <!-- -->',
  '${x} `backticks` \u0000null',
  '"' + '\\'.repeat(5) + '"',
]

describe('jsonChunks: the rules of JSON.stringify', () => {
  it.each([
    ['hostile strings as values, keys and array elements', { values: HOSTILE, keyed: Object.fromEntries(HOSTILE.map((s, i) => [s, i])), long: many(40, (i) => HOSTILE[i % HOSTILE.length]) }],
    ['hostile strings at every depth, in long arrays', many(20, (i) => nest(HOSTILE[i % HOSTILE.length], i % 8))],
    ['numbers: non-finite, negative zero, exponents', { a: [NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER, -1.5], long: many(20, (i) => (i % 3 === 0 ? NaN : i / 7)) }],
    ['empty containers at every depth', { a: [], o: {}, n: [[], {}, [[]], [{}]], deep: nest({ e: [], f: {} }, 6), long: many(20, (i) => (i % 2 ? [] : {})) }],
    [
      'undefined, functions and symbols: left out of objects, null in arrays',
      { u: undefined, f: () => 1, s: Symbol('s'), kept: 1, arr: [undefined, () => 1, Symbol('x'), 2], long: many(30, (i) => [undefined, () => 1, Symbol('y'), i][i % 4]), deep: nest({ u: undefined, f() {}, a: [undefined] }, 5) },
    ],
    ['sparse arrays and holes, short and long', { short: [1, , 3], long: Object.assign(new Array(40), { 3: 'x', 35: { y: [, 1] } }), deep: nest(new Array(20), 3) }], // eslint-disable-line no-sparse-arrays
    ['member order: integer-like keys first, then insertion order', { b: 1, 2: 'two', a: 2, 1: 'one', '-1': 'minus', '01': 'leading zero', 4294967295: 'max', deep: nest({ z: 1, 10: 2, y: 3, 9: 4 }, 4) }],
    [
      'symbol keys, non-enumerable and inherited properties are not written',
      many(20, (i) => {
        const o = Object.create({ inherited: i }) as Record<string | symbol, unknown>
        o.own = i
        o[Symbol('s')] = 'no'
        Object.defineProperty(o, 'hidden', { value: 'no', enumerable: false })
        return nest(o, i % 5)
      }),
    ],
    ['boxed primitives', { n: Object(1.5), s: Object('str "q"'), b: Object(false), sym: Object(Symbol('s')), arr: [Object(2), Object('x')], long: many(20, (i) => Object(i)), deep: nest({ n: Object(NaN) }, 5) }],
    ['Dates and toJSON', { d: new Date(0), bad: new Date(NaN), long: many(20, (i) => new Date(i * 1e9)), deep: nest({ d: new Date(5) }, 6), obj: { toJSON: () => ({ replaced: true }) } }],
    [
      'toJSON returning undefined, functions or objects with a toJSON of their own',
      {
        gone: { toJSON: () => undefined },
        fn: { toJSON: () => () => 1 },
        twice: { toJSON: () => ({ toJSON: () => 'not called', kept: 1 }) },
        arr: [{ toJSON: () => undefined }, { toJSON: () => 'x' }],
        long: many(20, (i) => ({ toJSON: () => (i % 2 ? undefined : { toJSON: () => 'inner', i }) })),
        deep: nest({ twice: { toJSON: () => ({ toJSON: () => 'no', v: [1] }) } }, 6),
      },
    ],
    [
      'getters read as JSON.stringify reads them',
      many(20, (i) => {
        const o: Record<string, unknown> = { before: i }
        Object.defineProperty(o, 'message', { get: () => `rendered ${i}\n"${HOSTILE[i % HOSTILE.length]}"`, enumerable: true })
        Object.defineProperty(o, 'gone', { get: () => undefined, enumerable: true })
        o.after = [i]
        return nest(o, i % 6)
      }),
    ],
  ])('%s', (_name, value) => expectSameText(value))

  it('writes a shared subtree in full wherever it appears, indented for each depth', () => {
    const grants = [{ policy: 'arn:aws:iam::aws:policy/P', statement: 'Statement[0]', actions: ['bedrock:InvokeModel', 'bedrock:Converse'] }]
    const resourceTypes = { 'bedrock:InvokeModel': ['all'] }
    const findings = many(50, (i) => ({ i, evidence: { grants, resourceTypes, nested: i % 3 === 0 ? nest(grants, i % 7) : grants } }))
    expectSameText({ a: grants, b: [grants, [grants]], findings, deep: nest(resourceTypes, 9), again: findings.slice(0, 20) })
  })

  it('gives toJSON the key or index JSON.stringify gives it, and reads each getter as often', () => {
    const make = (log: string[]): unknown => {
      const tracked = (tag: string): object => ({
        toJSON(key: string) {
          log.push(`${tag}:${key}`)
          return tag
        },
      })
      const withGetter = (tag: string): object =>
        Object.defineProperty({ x: 1 }, 'g', {
          get() {
            log.push(`get ${tag}`)
            return tag
          },
          enumerable: true,
        })
      return { top: tracked('top'), list: many(40, (i) => (i % 3 === 0 ? tracked(`e${i}`) : withGetter(`g${i}`))), short: [tracked('s0'), withGetter('s1')], deep: nest({ t: tracked('deep') }, 6) }
    }
    const expectedLog: string[] = []
    const expected = `${JSON.stringify(make(expectedLog), null, 2)}\n`
    for (const size of SIZES) {
      const log: string[] = []
      expect([...jsonChunks(make(log), size)].join('')).toBe(expected)
      expect(log).toEqual(expectedLog)
    }
  })

  it('throws where JSON.stringify throws: BigInt, cycles', () => {
    expect(() => [...jsonChunks({ a: 1n })]).toThrow(TypeError)
    expect(() => [...jsonChunks({ list: many(20, (i) => (i === 7 ? 2n : i)) })]).toThrow(TypeError)
    const cyclic: Record<string, unknown> = { a: { b: {} } }
    ;(cyclic.a as { b: Record<string, unknown> }).b.back = cyclic
    expect(() => [...jsonChunks(cyclic)]).toThrow(TypeError)
    const deepCycle: Record<string, unknown> = {}
    deepCycle.self = deepCycle
    expect(() => [...jsonChunks(nest(deepCycle, 7))]).toThrow(TypeError)
  })

  it('writes a BigInt through BigInt.prototype.toJSON when one is defined', () => {
    const proto = BigInt.prototype as unknown as { toJSON?: () => string }
    proto.toJSON = function (this: bigint) {
      return `${this}n`
    }
    try {
      expectSameText({ a: 1n, list: many(20, (i) => BigInt(i)), deep: nest(2n, 6) })
    } finally {
      delete proto.toJSON
    }
  })

  it('writes null for a value JSON.stringify leaves out entirely', () => {
    expect([...jsonChunks(undefined)].join('')).toBe('null\n')
    expect([...jsonChunks({ toJSON: () => undefined })].join('')).toBe('null\n')
  })
})

/**
 * A random value from the rules above: hostile strings, getters, toJSON, boxed primitives, holes, values
 * left out, objects shared across the tree, and arrays longer than a block at any depth.
 */
function randomValue(r: () => number, depth: number, shared: unknown[]): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const x = r()
  if (depth > 7 || x < 0.35) {
    return pick<() => unknown>([
      () => pick(HOSTILE),
      () => pick([0, -0, 1.25, -7e-9, 1e300, NaN, Infinity]),
      () => pick([true, false, null, undefined]),
      () => () => 'fn',
      () => Object(pick([3, 'boxed', true])),
      () => new Date(Math.floor(r() * 1e12)),
    ])()
  }
  if (x < 0.45 && shared.length > 0) return pick(shared)
  let v: unknown
  if (x < 0.72) {
    const n = r() < 0.25 ? 17 + Math.floor(r() * 40) : Math.floor(r() * 4)
    const a: unknown[] = new Array(n)
    for (let i = 0; i < n; i++) if (r() > 0.05) a[i] = randomValue(r, depth + (n > 16 ? 2 : 1), shared)
    v = a
  } else {
    const o: Record<string, unknown> = {}
    const n = Math.floor(r() * 6)
    for (let i = 0; i < n; i++) {
      const key = r() < 0.15 ? pick(HOSTILE) : r() < 0.1 ? String(i * 3) : `k${i}`
      const member = randomValue(r, depth + 1, shared)
      if (r() < 0.15) Object.defineProperty(o, key, { get: () => member, enumerable: true, configurable: true })
      else Object.defineProperty(o, key, { value: member, enumerable: true, writable: true, configurable: true })
    }
    if (r() < 0.08) o.toJSON = (key: string) => ({ key, wrapped: Object.keys(o).length })
    v = o
  }
  if (r() < 0.2) shared.push(v)
  return v
}

describe('jsonChunks: random values', () => {
  it('gives exactly JSON.stringify(value, null, 2) for 400 seeded random values', () => {
    const r = rng(19)
    for (let i = 0; i < 400; i++) expectSameText(randomValue(r, 0, []))
  })
})

describe('jsonChunks: real reports', () => {
  let dir: string
  let synthetic: ScanReport
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tagwarden-json-exact-'))
    await writeSyntheticSnapshot(dir, { accounts: 3, principals: 120, seed: 5, profile: 'finding-heavy' })
    synthetic = await runScan({ config: bundledConfig(), sources: [snapshotSource([dir])], now: NOW })
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('the demo report', async () => {
    const { report } = await scanDemo()
    for (const size of SIZES) expect([...jsonReportChunks(report, size)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`)
  })

  it('a finding-heavy synthetic organization: lazy messages, evidence shared by reference', () => {
    const f = synthetic.findings.find((x) => Object.getOwnPropertyDescriptor(x, 'message')?.get !== undefined)
    expect(f).toBeDefined()
    const grants = synthetic.findings.map((x) => (x.evidence as { grants?: unknown }).grants).filter((g) => g !== undefined)
    expect(new Set(grants).size).toBeLessThan(grants.length)
    expect(synthetic.findings.length).toBeGreaterThan(100)
    for (const size of SIZES) expect([...jsonReportChunks(synthetic, size)].join('')).toBe(`${JSON.stringify(synthetic, null, 2)}\n`)
  })
})
