/** Where a path (keys and indexes) points in a parsed YAML document, for `file:line:column` messages. */
import { isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml'

function isNodeLike(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v
}

/**
 * Character offset of the node at `path`, or of the deepest part of it that exists. With `atKey`, the
 * last segment's key rather than its value (an unknown property is pointed at by its key).
 */
export function yamlOffsetOf(doc: Document, path: ReadonlyArray<string | number>, atKey = false): number {
  let node: unknown = doc.contents
  let best: Node | undefined = isNodeLike(node) ? node : undefined
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) break
      node = pair.value
      if (atKey && i === path.length - 1 && isNodeLike(pair.key)) best = pair.key
      else if (isNodeLike(pair.value)) best = pair.value
      else if (isNodeLike(pair.key)) best = pair.key
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)]
      if (!item) break
      node = item
      if (isNodeLike(item)) best = item
    } else break
  }
  return best?.range?.[0] ?? 0
}

/** Offset of the document's first alias: where an alias budget refusal points (0 when there is none). */
export function firstAliasOffset(doc: Document): number {
  let at = 0
  visit(doc, {
    Alias(_k, node) {
      at = node.range?.[0] ?? 0
      return visit.BREAK
    },
  })
  return at
}
