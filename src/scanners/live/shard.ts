/**
 * Splitting an org scan across N independent runs (`--shard K/N`, e.g. a CI matrix). An account belongs
 * to shard `hash(accountId) mod N`, so its shard depends only on its ID and N: accounts joining or
 * leaving the organization never move the others.
 */
import { createHash } from 'node:crypto'
import { UsageError } from '../../errors.js'

/** Shard K of N, 1-based as written on the command line. */
export interface Shard {
  k: number
  n: number
}

export const MAX_SHARDS = 1000

/** Parses `K/N` (1 ≤ K ≤ N ≤ 1000). Throws `UsageError`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const k = m ? Number(m[1]) : NaN
  const n = m ? Number(m[2]) : NaN
  if (!m || n < 1 || n > MAX_SHARDS || k < 1 || k > n) {
    throw new UsageError(
      'invalid-shard',
      `--shard ${JSON.stringify(text)} is not K/N with 1 ≤ K ≤ N ≤ ${MAX_SHARDS}`,
      'e.g. `--shard 2/4` runs the second of four shards; run K = 1…N (one per CI matrix job) and `tagwarden merge` their outputs',
    )
  }
  return { k, n }
}

export function formatShard(s: Shard): string {
  return `${s.k}/${s.n}`
}

/** 0-based shard index of an account: the first 32 bits of sha256(accountId), mod N. */
export function shardIndexOf(accountId: string, n: number): number {
  const h = createHash('sha256').update(accountId, 'utf8').digest()
  return h.readUInt32BE(0) % n
}

export function inShard(accountId: string, shard: Shard): boolean {
  return shardIndexOf(accountId, shard.n) === shard.k - 1
}
