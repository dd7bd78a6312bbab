/**
 * Terraform's JSON syntax (`.tf.json`, HCL JSON) → the same `Body` as native syntax. JSON cannot say
 * whether a key is an attribute or a nested block: Terraform decides by the provider schema. tagwarden
 * knows the nested blocks of the resources it evaluates (`statement`, `principals`, `condition`,
 * `inline_policy`, `default_tags`, `dynamic`/`content`…); every other key is an attribute. Strings are
 * templates (`"${aws_iam_role.x.arn}"`), as in native syntax.
 */
import { parseTemplateText } from '../../cfn/parse.js'
import { HclError, parseTemplateString, type Block, type Body, type Expr, type Pos } from './hcl.js'

export type JNode =
  | { t: 'scalar'; v: string | number | boolean | null; pos: Pos }
  | { t: 'seq'; items: JNode[]; pos: Pos }
  | { t: 'map'; entries: Array<{ key: string; keyPos: Pos; value: JNode }>; pos: Pos }

/** Nested block types (by name) of the resources, data sources and providers tagwarden reads. */
const NESTED_BLOCKS = new Set(['statement', 'principals', 'not_principals', 'condition', 'inline_policy', 'default_tags', 'dynamic', 'content', 'lifecycle', 'assume_role', 'ignore_tags'])
/** Top-level block types and how many labels they take. */
const TOP_LABELS: Record<string, number> = { resource: 2, data: 2, module: 1, provider: 1, variable: 1, output: 1, locals: 0, terraform: 0, moved: 0, import: 0, check: 1, removed: 0 }

function expr(n: JNode): Expr {
  if (n.t === 'scalar') {
    if (typeof n.v === 'string') return parseTemplateString(n.v, n.pos)
    return { k: 'lit', v: n.v, pos: n.pos }
  }
  if (n.t === 'seq') return { k: 'tuple', items: n.items.map(expr), pos: n.pos }
  return { k: 'object', items: n.entries.map((e) => ({ key: { k: 'lit', v: e.key, pos: e.keyPos }, value: expr(e.value) })), pos: n.pos }
}

function bodies(n: JNode): Array<{ map: JNode & { t: 'map' }; pos: Pos }> {
  if (n.t === 'map') return [{ map: n, pos: n.pos }]
  if (n.t === 'seq') return n.items.filter((x): x is JNode & { t: 'map' } => x.t === 'map').map((m) => ({ map: m, pos: m.pos }))
  throw new HclError('expected a JSON object for a block', n.pos)
}

function body(n: JNode & { t: 'map' }, depth: number): Body {
  if (depth > 64) throw new HclError('blocks nested deeper than 64 levels', n.pos)
  const out: Body = { attrs: new Map(), blocks: [] }
  for (const e of n.entries) {
    if (e.key === '//') continue // comments
    if (NESTED_BLOCKS.has(e.key) && (e.value.t === 'map' || (e.value.t === 'seq' && e.value.items.every((x) => x.t === 'map')))) {
      if (e.key === 'dynamic') {
        // "dynamic": { "NAME": { "for_each": …, "content": {…} } }
        for (const { map } of bodies(e.value)) for (const d of map.entries) for (const b of bodies(d.value)) out.blocks.push({ type: 'dynamic', labels: [d.key], body: body(b.map, depth + 1), pos: d.keyPos })
        continue
      }
      for (const b of bodies(e.value)) out.blocks.push({ type: e.key, labels: [], body: body(b.map, depth + 1), pos: e.keyPos })
      continue
    }
    out.attrs.set(e.key, { name: e.key, expr: expr(e.value), pos: e.keyPos })
  }
  return out
}

/** Labelled blocks: `{"resource": {"aws_iam_role": {"x": {…}}}}`. */
function labelled(type: string, n: JNode, labels: number, pos: Pos, prefix: string[], out: Block[]): void {
  if (labels === 0) {
    for (const b of bodies(n)) {
      if (type === 'locals' || type === 'terraform') out.push({ type, labels: prefix, body: body(b.map, 1), pos: b.pos })
      else out.push({ type, labels: prefix, body: body(b.map, 1), pos })
    }
    return
  }
  if (n.t !== 'map') throw new HclError(`expected a JSON object of ${type} labels`, n.pos)
  for (const e of n.entries) labelled(type, e.value, labels - 1, e.keyPos, [...prefix, e.key], out)
}

/** A parsed `.tf.json` document → the top-level body. */
export function tfJsonBody(root: JNode): Body {
  if (root.t !== 'map') throw new HclError('a .tf.json file must hold a JSON object', root.pos)
  const out: Body = { attrs: new Map(), blocks: [] }
  for (const e of root.entries) {
    const labels = TOP_LABELS[e.key]
    if (labels === undefined) continue
    const values = e.value.t === 'seq' ? e.value.items : [e.value]
    for (const v of values) labelled(e.key, v, labels, e.keyPos, [], out.blocks)
  }
  return out
}

/** `.tf.json` text → the same body as native syntax (positions from the YAML/JSON parser). */
export function parseTfJson(text: string): Body {
  const parsed = parseTemplateText(text)
  const first = parsed.problems[0]
  if (first) throw new HclError(first.message, { line: first.line, column: first.column })
  const doc = parsed.documents[0]
  if (!doc) throw new HclError('the file is empty', { line: 1, column: 1 })
  return tfJsonBody(doc as JNode)
}
