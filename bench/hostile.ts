/**
 * Hostile-input benchmark (issue 14, items 4 and 5): what the refusals cost, measured here because the tests
 * assert mechanisms and never a time. In process, a few seconds in all:
 * - a YAML alias bomb template of about 700 bytes (nine levels of nine aliases, 9^9 nodes if expanded) through the IaC
 *   scanner, which must refuse it at the alias budget (`iac-yaml-alias-budget`);
 * - the catastrophic pattern `^([a-z0-9]+-?)+$` on the linear-time engine (re2js) for a 31- and a 256-character
 *   value, and, for contrast, JavaScript's backtracking RegExp on 20 to 24 characters (its time doubles per
 *   character: about a minute at 31 on the issue's machine).
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadIacUnit, planIac } from '../src/scanners/iac/index.js'
import { compileTagPattern } from '../src/util/tag-pattern.js'
import type { BenchContext, Measurement } from './types.js'

const REDOS = '^([a-z0-9]+-?)+$'

/** Nine anchored lists of nine aliases each under Metadata, and an untagged Bedrock role. */
export function aliasBombTemplate(): string {
  const levels = 'abcdefghi'.split('')
  const lines = [`  a: &a [${Array(9).fill('"x"').join(',')}]`]
  for (let i = 1; i < levels.length; i++) lines.push(`  ${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(',')}]`)
  return `Metadata:\n${lines.join('\n')}
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}
      Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: 'bedrock:InvokeModel', Resource: '*'}]}}]
      Tags: [{Key: note, Value: *i}]
`
}

function timed<T>(fn: () => T): { value: T; seconds: number; cpu: number } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const value = fn()
  const c = process.cpuUsage(cpu0)
  return { value, seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }
}

async function aliasBomb(ctx: BenchContext): Promise<Measurement> {
  const text = aliasBombTemplate()
  const file = join(ctx.tmpDir, 'alias-bomb.yaml')
  await writeFile(file, text)
  const opts = { basePath: ctx.tmpDir, requiredTagKeys: ['team'] }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const plan = await planIac([file], opts)
  const codes = plan.errors.map((e) => e.code)
  for (const u of plan.units) for (const l of await loadIacUnit(u, opts)) codes.push(...l.errors.map((e) => e.code))
  const seconds = (performance.now() - t0) / 1000
  const c = process.cpuUsage(cpu0)
  if (!codes.includes('iac-yaml-alias-budget')) throw new Error(`the alias bomb was not refused at the budget (errors: ${codes.join(', ') || 'none'})`)
  return {
    benchmark: 'hostile: YAML alias bomb refused',
    size: `${Buffer.byteLength(text)}-byte template`,
    wallSeconds: seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    notes: `refused with ${codes.join(', ')}`,
    details: { bytes: Buffer.byteLength(text), errors: codes },
  }
}

function linearPattern(value: string, runs: number): Measurement {
  const p = compileTagPattern(REDOS)
  const r = timed(() => {
    let matched = 0
    for (let i = 0; i < runs; i++) if (p.test(value)) matched++
    return matched
  })
  if (r.value !== 0) throw new Error(`${REDOS} matched ${JSON.stringify(value)}`)
  return {
    benchmark: 'hostile: ReDoS pattern, re2js',
    size: `${value.length}-char value × ${runs.toLocaleString('en')}`,
    wallSeconds: r.seconds,
    cpuSeconds: r.cpu,
    throughput: { value: runs / r.seconds, unit: 'tests/s' },
    notes: `${((r.seconds / runs) * 1e6).toFixed(1)} µs per test`,
  }
}

function backtracking(length: number): Measurement {
  const value = `${'a'.repeat(length - 1)}!`
  const re = new RegExp(REDOS)
  const r = timed(() => re.test(value))
  return {
    benchmark: 'hostile: ReDoS pattern, JavaScript RegExp (before)',
    size: `${length}-char value × 1`,
    wallSeconds: r.seconds,
    cpuSeconds: r.cpu,
    notes: 'doubles per character',
  }
}

export async function hostileBenchmark(ctx: BenchContext): Promise<Measurement[]> {
  const rows = [await aliasBomb(ctx)]
  ctx.log(`hostile: alias bomb refused in ${rows[0]!.wallSeconds.toFixed(3)} s`)
  rows.push(linearPattern(`${'a'.repeat(30)}!`, 10_000), linearPattern(`${'a'.repeat(255)}!`, 1_000))
  backtracking(12) // compiles and warms up the RegExp, not measured
  for (const n of [20, 22, 24]) rows.push(backtracking(n))
  ctx.log('hostile: patterns done')
  return rows
}
