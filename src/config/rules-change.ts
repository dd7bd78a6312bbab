/**
 * What a pull request changed in the rules file, said in a few words (`scan --config-from-ref`): the
 * version at the ref is the one used, and reviewers should see that the pull request tried to change it.
 * Both texts are parsed with the rules loader's alias limit; the working tree's is untrusted.
 */
import { isDeepStrictEqual } from 'node:util'
import { parseDocument } from 'yaml'
import { isObject } from '../util/json.js'
import { RULES_MAX_ALIAS_COUNT } from './problems.js'

/** Sections whose entries are named one by one (`rules.principal-missing-tag`, `settings.gateways`). */
const NAMED_ENTRIES = new Set(['rules', 'tags', 'settings'])
/** At most this many names are listed; the rest are counted. */
const MAX_NAMES = 8

function parsed(text: string): Record<string, unknown> | undefined {
  const doc = parseDocument(text, { prettyErrors: false })
  if (doc.errors.length > 0) return undefined
  const v = doc.toJS({ maxAliasCount: RULES_MAX_ALIAS_COUNT }) as unknown
  return isObject(v) ? v : undefined
}

/** A key as shown: long ones cut (they come from the pull request). */
function keyName(k: string): string {
  return k.length > 40 ? `${k.slice(0, 39)}…` : k
}

/**
 * `changed: extends, rules.principal-missing-tag; added: exceptions` — the top-level keys (and the entries of
 * `rules`, `tags` and `settings`) that differ from `base` in `head`; empty when they mean the same.
 */
export function describeRulesChange(baseText: string, headText: string): string {
  let base: Record<string, unknown> | undefined
  let head: Record<string, unknown> | undefined
  try {
    base = parsed(baseText)
    head = parsed(headText)
  } catch {
    // An alias bomb or an alias to a missing anchor.
  }
  if (!base || !head) return baseText === headText ? '' : 'not comparable: one of them is not a valid YAML mapping'
  const out = { changed: [] as string[], added: [] as string[], removed: [] as string[] }
  const compare = (a: Record<string, unknown>, b: Record<string, unknown>, prefix: string, depth: number): void => {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const name = `${prefix}${keyName(k)}`
      const inA = Object.hasOwn(a, k)
      const inB = Object.hasOwn(b, k)
      if (!inA) out.added.push(name)
      else if (!inB) out.removed.push(name)
      else if (isDeepStrictEqual(a[k], b[k])) continue
      else if (depth === 0 && NAMED_ENTRIES.has(k) && isObject(a[k]) && isObject(b[k])) compare(a[k], b[k], `${name}.`, 1)
      else out.changed.push(name)
    }
  }
  compare(base, head, '', 0)
  const parts: string[] = []
  let listed = 0
  let more = 0
  for (const kind of ['changed', 'added', 'removed'] as const) {
    const names = out[kind]
    if (names.length === 0) continue
    const shown = names.slice(0, Math.max(0, MAX_NAMES - listed))
    listed += shown.length
    more += names.length - shown.length
    if (shown.length > 0) parts.push(`${kind}: ${shown.join(', ')}`)
  }
  if (more > 0) parts.push(`and ${more} more`)
  return parts.length > 0 ? parts.join('; ') : baseText === headText ? '' : 'formatting and comments only'
}
