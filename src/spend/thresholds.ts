/**
 * The two thresholds of `untagged-bedrock-spend` (rule options in the rules file):
 *
 *   untagged-bedrock-spend:
 *     options:
 *       warning: { percent: 10, usd: 100 }
 *       error:   { percent: 25, usd: 1000 }
 *
 * A level is reached when the untagged share is at least `percent` AND the untagged amount at least
 * `usd`: a tiny account that is 100 % untagged is noise, and so is 0.5 % of a large bill. Set one of the
 * two to 0 to decide by the other alone. Below the warning level the figure appears only in the spend
 * report.
 */
import type { Severity } from '../model/finding.js'
import { formatAmount } from './model.js'

export interface Threshold {
  percent: number
  usd: number
}

export interface SpendThresholds {
  warning: Threshold
  error: Threshold
}

export const DEFAULT_THRESHOLDS: SpendThresholds = {
  warning: { percent: 10, usd: 100 },
  error: { percent: 25, usd: 1000 },
}

/** The option schema of one threshold (`warning`, `error`) of the spend rules. */
export const THRESHOLD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { percent: { type: 'number', minimum: 0, maximum: 100 }, usd: { type: 'number', minimum: 0 } },
} as const

function readLevel(raw: unknown, name: 'warning' | 'error'): Threshold {
  const base = DEFAULT_THRESHOLDS[name]
  if (raw === undefined || raw === null) return { ...base }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`option \`${name}\` must be a mapping such as { percent: ${base.percent}, usd: ${base.usd} }`)
  }
  const r = raw as Record<string, unknown>
  for (const k of Object.keys(r)) {
    if (k !== 'percent' && k !== 'usd') throw new Error(`option \`${name}\` has an unknown property \`${k}\` (use \`percent\` and \`usd\`)`)
  }
  const num = (k: 'percent' | 'usd'): number => {
    const v = r[k]
    if (v === undefined) return base[k]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k === 'percent' && v > 100)) {
      throw new Error(`option \`${name}.${k}\` must be a number${k === 'percent' ? ' from 0 to 100' : ' of 0 or more'}, not ${JSON.stringify(v)}`)
    }
    return v
  }
  return { percent: num('percent'), usd: num('usd') }
}

/** The thresholds from a rule instance's options, missing fields filled from the defaults. Throws on bad values. */
export function thresholdsFromOptions(options: Record<string, unknown>): SpendThresholds {
  return { warning: readLevel(options.warning, 'warning'), error: readLevel(options.error, 'error') }
}

function reaches(untagged: number, total: number, t: Threshold): boolean {
  if (untagged <= 0 || total <= 0) return false
  return (untagged / total) * 100 >= t.percent && untagged >= t.usd
}

/** The level the untagged share reaches, or undefined below the warning threshold. */
export function levelFor(untagged: number, total: number, t: SpendThresholds): Extract<Severity, 'warning' | 'error'> | undefined {
  if (reaches(untagged, total, t.error)) return 'error'
  if (reaches(untagged, total, t.warning)) return 'warning'
  return undefined
}

export function describeThreshold(level: 'warning' | 'error', t: SpendThresholds): string {
  const x = t[level]
  return `the ${level} threshold is ${x.percent}% and USD ${formatAmount(x.usd)}`
}
