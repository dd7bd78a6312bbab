/** The project's one test for a JSON object and one canonical JSON form. */

/** A plain object: not null, not an array. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * JSON with sorted object keys and `undefined` members left out, so that the same value written in any key order
 * hashes the same (policy documents, Cost Explorer cache keys).
 */
export function canonicalJson(v: unknown): string {
  // Appending to one string (no intermediate arrays) matters: every distinct policy document of a scan is hashed.
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'null'
  if (Array.isArray(v)) {
    let s = '['
    for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + canonicalJson(v[i])
    return `${s}]`
  }
  const o = v as Record<string, unknown>
  const keys = Object.keys(o).sort()
  let s = '{'
  let first = true
  for (const k of keys) {
    if (o[k] === undefined) continue
    s += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(o[k])}`
    first = false
  }
  return `${s}}`
}
