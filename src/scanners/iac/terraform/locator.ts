/**
 * A small lexical locator for Terraform sources. A plan JSON carries no source positions, so the `.tf`
 * files of each module are scanned for `resource "TYPE" "NAME" {` / `data "TYPE" "NAME" {` blocks: their
 * position, the positions of their top-level attributes and nested blocks (`tags`, `assume_role_policy`),
 * and `# tagwarden:ignore RULE reason` comments on or inside the block. It understands just enough HCL to
 * do that (strings with interpolation, heredocs, the three comment forms, braces); it evaluates nothing.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeText, readBounded } from '../files.js'
import { MAX_TF_FILE_BYTES } from './source/config.js'
import type { SourcePosition } from '../model.js'

export interface LocatedSuppression {
  rule: string
  reason?: string
  pos: SourcePosition
}

export interface LocatedBlock {
  /** Absolute path of the `.tf` file. */
  file: string
  pos: SourcePosition
  /** Top-level attributes and nested blocks of the block, by name (first occurrence). */
  members: Map<string, SourcePosition>
  suppressions: LocatedSuppression[]
}

/** `resource.aws_iam_role.x` / `data.aws_iam_policy_document.y` → block. */
export type ModuleIndex = Map<string, LocatedBlock>

interface Comment {
  text: string
  pos: SourcePosition
  /** Line on which the comment ends. */
  endLine: number
}

const IGNORE_RE = /tagwarden:ignore\s+([A-Za-z0-9][A-Za-z0-9-]*)(?:\s*[:\-—–]*\s*(.*))?/

export function parseSuppression(text: string, pos: SourcePosition): LocatedSuppression | undefined {
  const m = IGNORE_RE.exec(text)
  if (!m || m[1] === undefined) return undefined
  const reason = (m[2] ?? '').replace(/\*\/\s*$/, '').trim()
  return reason === '' ? { rule: m[1], pos } : { rule: m[1], reason, pos }
}

/** Index the blocks of one `.tf` text. `file` is recorded as given. */
export function indexTerraformText(text: string, file: string): ModuleIndex {
  const out: ModuleIndex = new Map()
  const comments: Comment[] = []
  let i = 0
  let line = 1
  let col = 1
  const n = text.length
  const advance = (): void => {
    if (text.charCodeAt(i) === 10) {
      line++
      col = 1
    } else col++
    i++
  }
  /** Words and braces at each depth, for recognising block headers and attributes. */
  let depth = 0
  let tokens: Array<{ t: string; pos: SourcePosition; kind: 'word' | 'string' }> = []
  let current: { key: string; block: LocatedBlock; depth: number } | undefined
  let lastBlockEndLine = 0
  let lineHasCode = false

  const skipString = (): string => {
    // at opening quote
    advance()
    let value = ''
    let interp = 0
    while (i < n) {
      const c = text[i] as string
      if (c === '\\') {
        value += c + (text[i + 1] ?? '')
        advance()
        advance()
        continue
      }
      if (interp === 0 && c === '"') {
        advance()
        return value
      }
      if ((c === '$' || c === '%') && text[i + 1] === '{') {
        interp++
        value += c + '{'
        advance()
        advance()
        continue
      }
      if (interp > 0 && c === '}') interp--
      if (interp > 0 && c === '"') {
        // a string inside an interpolation
        value += `"${skipString()}"`
        continue
      }
      if (c === '\n' && interp === 0) return value // unterminated: stop at the line end
      value += c
      advance()
    }
    return value
  }

  const skipHeredoc = (): boolean => {
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200))
    if (!m) return false
    const marker = m[2] as string
    for (let k = 0; k < m[0].length; k++) advance()
    while (i < n) {
      const end = text.indexOf('\n', i)
      const lineText = text.slice(i, end < 0 ? n : end)
      const isEnd = lineText.trim() === marker
      while (i < n && text.charCodeAt(i) !== 10) advance()
      if (i < n) advance()
      if (isEnd) break
    }
    return true
  }

  while (i < n) {
    const c = text[i] as string
    if (c === '\n') {
      lineHasCode = false
      advance()
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      advance()
      continue
    }
    const pos = { line, column: col }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      let t = ''
      while (i < n && text.charCodeAt(i) !== 10) {
        t += text[i]
        advance()
      }
      comments.push({ text: t, pos, endLine: pos.line })
      if (current) {
        const s = parseSuppression(t, pos)
        if (s) current.block.suppressions.push(s)
      }
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      let t = ''
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        t += text[i]
        advance()
      }
      advance()
      advance()
      comments.push({ text: t, pos, endLine: line })
      if (current) {
        const s = parseSuppression(t, pos)
        if (s) current.block.suppressions.push(s)
      }
      continue
    }
    if (c === '<' && text[i + 1] === '<' && skipHeredoc()) {
      tokens = []
      continue
    }
    if (c === '"') {
      const v = skipString()
      tokens.push({ t: v, pos, kind: 'string' })
      lineHasCode = true
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      let w = ''
      while (i < n && /[A-Za-z0-9_.\-[\]*]/.test(text[i] as string)) {
        w += text[i]
        advance()
      }
      const wasFirst = !lineHasCode
      lineHasCode = true
      tokens.push({ t: w, pos, kind: 'word' })
      // An attribute `name =` directly inside the current block.
      if (current && depth === current.depth + 1 && wasFirst) {
        let j = i
        while (j < n && (text[j] === ' ' || text[j] === '\t')) j++
        if (text[j] === '=' && text[j + 1] !== '=') {
          if (!current.block.members.has(w)) current.block.members.set(w, pos)
        } else if (text[j] === '{' || text[j] === '"') {
          if (!current.block.members.has(w)) current.block.members.set(w, pos)
        }
      }
      continue
    }
    if (c === '{') {
      if (depth === 0 && !current) {
        const [kw, type, name] = tokens.slice(-3)
        if (tokens.length >= 3 && kw && type && name && (kw.t === 'resource' || kw.t === 'data')) {
          const key = `${kw.t}.${type.t}.${name.t}`
          const block: LocatedBlock = { file, pos: kw.pos, members: new Map(), suppressions: [] }
          // Comments directly above the block (no blank line or code in between) belong to it.
          let expectLine = kw.pos.line - 1
          for (let k = comments.length - 1; k >= 0; k--) {
            const cm = comments[k] as Comment
            if (cm.endLine !== expectLine || cm.pos.line <= lastBlockEndLine) break
            const s = parseSuppression(cm.text, cm.pos)
            if (s) block.suppressions.unshift(s)
            expectLine = cm.pos.line - 1
          }
          current = { key, block, depth: 0 }
          if (!out.has(key)) out.set(key, block)
        }
      }
      depth++
      tokens = []
      advance()
      lineHasCode = true
      continue
    }
    if (c === '}') {
      depth = Math.max(0, depth - 1)
      if (current && depth === current.depth) {
        current = undefined
        lastBlockEndLine = line
      }
      tokens = []
      advance()
      lineHasCode = true
      continue
    }
    if (c === '$' && text[i + 1] === '{') {
      // template interpolation outside a string (rare): treat like a brace pair
      advance()
      continue
    }
    tokens = c === '=' ? [] : tokens
    lineHasCode = true
    advance()
  }
  return out
}

/** Index every `.tf` file of a folder (not recursive). Unreadable folders give an empty index. */
export async function indexTerraformDir(dir: string): Promise<ModuleIndex> {
  const index: ModuleIndex = new Map()
  let names: string[]
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.tf')).sort()
  } catch {
    return index
  }
  for (const name of names) {
    const file = join(dir, name)
    // Bounded and regular files only, like every other read: a `.tf` beside a plan can link to /dev/zero or a FIFO.
    // Only line numbers come from here (the plan is what is evaluated), so a file not read loses its lines, nothing else.
    const read = await readBounded(file, MAX_TF_FILE_BYTES)
    if (!read.ok) continue
    const text = decodeText(read.buf)
    for (const [k, v] of indexTerraformText(text, file)) if (!index.has(k)) index.set(k, v)
  }
  return index
}
