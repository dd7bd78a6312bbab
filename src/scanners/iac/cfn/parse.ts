/**
 * CloudFormation template text (YAML or JSON) → a small position-carrying tree. Short-form intrinsics
 * (`!Ref`, `!GetAtt`, `!Sub`…) become their long forms (`{Ref: …}`, `{"Fn::GetAtt": […]}`) so the
 * resolver knows only one shape. JSON is parsed by the same YAML 1.2 parser, so both give exact
 * line/column positions (1-based, columns in UTF-16 code units).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Alias, type Document, type Node as YamlNode } from 'yaml'
import type { SourcePosition } from '../model.js'

export type CNode =
  | { t: 'scalar'; v: string | number | boolean | null; pos: SourcePosition }
  | { t: 'seq'; items: CNode[]; pos: SourcePosition }
  | { t: 'map'; entries: CEntry[]; pos: SourcePosition }

export interface CEntry {
  key: string
  keyPos: SourcePosition
  value: CNode
}

export interface ParseProblem {
  message: string
  line: number
  column: number
  /** `alias-budget`: the YAML aliases expand beyond the budget (an alias bomb). */
  kind?: 'alias-budget'
}

export interface ParsedTemplates {
  /** One tree per YAML document (a JSON file is one document). */
  documents: CNode[]
  problems: ParseProblem[]
}

/** Functions that have a YAML short form, without the `Fn::` prefix (`Ref` and `Condition` have none). */
const SHORT_FORM_FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'And',
  'Equals',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
]
const SHORT_TAGS = ['Ref', 'Condition', ...SHORT_FORM_FUNCTIONS]

/** Keep the node untouched: the tree walk below reads `node.tag` and builds the long form itself. */
const CUSTOM_TAGS = SHORT_TAGS.flatMap((name) => [
  { tag: `!${name}`, resolve: (v: unknown) => v },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (v: unknown) => v },
  { tag: `!${name}`, collection: 'map' as const, resolve: (v: unknown) => v },
])

const EMPTY_POS: SourcePosition = { line: 1, column: 1 }

export function parseTemplateText(text: string): ParsedTemplates {
  const lineCounter = new LineCounter()
  const problems: ParseProblem[] = []
  const docs = parseAllDocuments(text, {
    lineCounter,
    customTags: CUSTOM_TAGS,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    version: '1.2',
  })
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : []
  if (!Array.isArray(docs)) {
    // An EmptyStream: no document at all.
    return { documents: [], problems }
  }
  const posOf = (offset: number | undefined): SourcePosition => {
    if (offset === undefined) return EMPTY_POS
    const p = lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  for (const d of list) {
    for (const e of d.errors) {
      const p = posOf(e.pos[0])
      problems.push({ message: describeYamlError(e.code, e.message), line: p.line, column: p.column })
    }
    for (const w of d.warnings) {
      if (w.code === 'TAG_RESOLVE_FAILED') {
        const p = posOf(w.pos[0])
        const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'tag'
        problems.push({
          message: `unknown YAML tag ${tag}: CloudFormation's short forms are !Ref, !Condition and !${SHORT_FORM_FUNCTIONS.join(', !')}`,
          line: p.line,
          column: p.column,
        })
      }
    }
  }
  if (problems.length > 0) return { documents: [], problems }
  const documents: CNode[] = []
  for (const d of list) {
    if (d.contents === null) continue
    try {
      documents.push(convert(d.contents as YamlNode, { targets: aliasTargets(d), posOf, budget: { aliases: 0, nodes: 0 } }, 0, false))
    } catch (e) {
      if (e instanceof AliasBudgetError) {
        const p = posOf(e.at)
        return { documents: [], problems: [{ message: e.message, line: p.line, column: p.column, kind: 'alias-budget' }] }
      }
      const p = posOf(d.contents.range?.[0])
      return { documents: [], problems: [{ message: (e as Error).message, line: p.line, column: p.column }] }
    }
  }
  return { documents, problems }
}

function describeYamlError(code: string, message: string): string {
  // The parser's own message repeats the position ("at line 3, column 5:") and a source excerpt.
  const first = message.split('\n')[0] ?? message
  const text = first.replace(/ at line \d+, column \d+:?$/, '').trim()
  return code === 'DUPLICATE_KEY' ? `duplicate key: ${text.replace(/^Map keys must be unique;?\s*/, '') || 'keys in a mapping must be unique'}` : text
}

const MAX_DEPTH = 200
/**
 * The `yaml` library's `maxAliasCount` protects only its own `toJS()`; this converter walks the parsed
 * document itself, so it keeps its own budget: at most `MAX_ALIASES` alias dereferences and
 * `MAX_ALIAS_NODES` nodes produced through aliases per document. A 433-byte alias bomb (nine levels of nine
 * aliases) would otherwise expand to 9^9 nodes. Real templates use a handful of aliases, if any.
 */
export const MAX_ALIASES = 1000
export const MAX_ALIAS_NODES = 100_000

class AliasBudgetError extends Error {
  constructor(
    message: string,
    readonly at: number | undefined,
  ) {
    super(message)
  }
}

interface ConvertContext {
  /** Each alias node → the anchored node it refers to (the last anchor of that name before it). */
  targets: Map<Alias, YamlNode>
  posOf: (o: number | undefined) => SourcePosition
  budget: { aliases: number; nodes: number }
}

/**
 * One pass over the document: alias → target. `Alias.resolve(doc)` would walk the whole document again for
 * every alias (quadratic in the size of a hostile file).
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, YamlNode> {
  const anchors = new Map<string, YamlNode>()
  const targets = new Map<Alias, YamlNode>()
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const t = anchors.get(node.source)
        if (t) targets.set(node, t)
      } else if (node.anchor) anchors.set(node.anchor, node)
    },
  })
  return targets
}

function convert(node: YamlNode, ctx: ConvertContext, depth: number, viaAlias: boolean): CNode {
  if (depth > MAX_DEPTH) throw new Error('template nests deeper than 200 levels')
  const { posOf, budget } = ctx
  if (viaAlias && ++budget.nodes > MAX_ALIAS_NODES) {
    throw new AliasBudgetError(`YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?); the template was not evaluated`, node.range?.[0])
  }
  if (isAlias(node)) {
    if (++budget.aliases > MAX_ALIASES) throw new AliasBudgetError(`more than ${MAX_ALIASES} YAML aliases; the template was not evaluated`, node.range?.[0])
    const target = ctx.targets.get(node)
    if (!target) return { t: 'scalar', v: null, pos: posOf(node.range?.[0]) }
    return convert(target, ctx, depth + 1, true)
  }
  const pos = posOf(node.range?.[0])
  let out: CNode
  if (isMap(node)) {
    const entries: CEntry[] = []
    for (const pair of node.items) {
      if (!isPair(pair)) continue
      const k = pair.key as YamlNode | null
      const key = k === null ? '' : isScalar(k) ? String(k.value) : String(k)
      const keyPos = posOf(k && 'range' in k ? k.range?.[0] : undefined)
      const value: CNode =
        pair.value === null || pair.value === undefined
          ? { t: 'scalar', v: null, pos: keyPos }
          : convert(pair.value as YamlNode, ctx, depth + 1, viaAlias)
      entries.push({ key, keyPos, value })
    }
    out = { t: 'map', entries, pos }
  } else if (isSeq(node)) {
    out = { t: 'seq', items: node.items.map((i) => convert(i as YamlNode, ctx, depth + 1, viaAlias)), pos }
  } else if (isScalar(node)) {
    const v = node.value
    const scalar = v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v)
    out = { t: 'scalar', v: scalar, pos }
  } else {
    out = { t: 'scalar', v: null, pos }
  }
  const tag = (node as { tag?: string }).tag
  if (tag && tag.startsWith('!') && !tag.startsWith('!!')) return longForm(tag.slice(1), out, pos)
  return out
}

/** `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, `!Ref x` → `{Ref: x}`, `!Sub …` → `{"Fn::Sub": …}`. */
function longForm(name: string, value: CNode, pos: SourcePosition): CNode {
  let v = value
  if (name === 'GetAtt' && value.t === 'scalar' && typeof value.v === 'string') {
    const dot = value.v.indexOf('.')
    const parts = dot < 0 ? [value.v] : [value.v.slice(0, dot), value.v.slice(dot + 1)]
    v = { t: 'seq', items: parts.map((p) => ({ t: 'scalar', v: p, pos: value.pos })), pos: value.pos }
  }
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`
  return { t: 'map', entries: [{ key, keyPos: pos, value: v }], pos }
}

/** The entry of a map node, by key. */
export function entry(node: CNode | undefined, key: string): CEntry | undefined {
  return node?.t === 'map' ? node.entries.find((e) => e.key === key) : undefined
}

export function child(node: CNode | undefined, key: string): CNode | undefined {
  return entry(node, key)?.value
}

/** Plain JSON of a node, intrinsics left in long form. */
export function plain(node: CNode): unknown {
  if (node.t === 'scalar') return node.v
  if (node.t === 'seq') return node.items.map(plain)
  return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]))
}
