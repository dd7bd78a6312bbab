/** Small text helpers: near-miss suggestions for names and values. */

/** The one wording of a near-miss suggestion: " — did you mean `x`?". */
export function didYouMean(candidate: string): string {
  return ` — did you mean \`${candidate}\`?`
}

/** " — did you mean `x`?" for a near-miss name (edit distance ≤ max(2, length/4), any case), else "". */
export function suggest(name: string, candidates: readonly string[]): string {
  const best = closest(name, candidates, Math.max(2, Math.floor(name.length / 4)))
  return best === undefined ? '' : didYouMean(best)
}

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = tmp
    }
  }
  return prev[b.length]!
}

/** The closest candidate within edit distance `max` (case-insensitive), if any. */
export function closest(value: string, candidates: readonly string[], max = 2): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = editDistance(value.toLowerCase(), c.toLowerCase())
    if (d < bestD) {
      bestD = d
      best = c
    }
  }
  return bestD <= max ? best : undefined
}
