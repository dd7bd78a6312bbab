/**
 * A parser for HCL's native syntax (the `.tf` language), written for tagwarden's static Terraform scan.
 *
 * It follows HashiCorp's specification (hashicorp/hcl `hclsyntax/spec.md`): bodies of attributes and blocks,
 * the full expression grammar (operators, conditionals, function calls incl. `provider::ns::fn`, `for`
 * expressions, splats, legacy `.0` / `.*` traversals), quoted and heredoc templates with interpolations,
 * `%{ if }` / `%{ for }` directives and `~` strip markers. Every node carries its 1-based line and column
 * (UTF-16 code units, as SARIF counts), so findings and parse errors point at the source.
 *
 * It is written for hostile input (pull request content): the file size, the nesting depth and the number
 * of nodes are bounded, and every problem is a `HclError` with a position — the parser never recurses
 * without a depth check, so it cannot overflow the stack.
 */

export interface Pos {
  line: number
  column: number
}

export type TemplatePart = string | Expr | TemplateIf | TemplateFor

export interface TemplateIf {
  k: 'tif'
  cond: Expr
  then: TemplatePart[]
  else: TemplatePart[]
  pos: Pos
}

export interface TemplateFor {
  k: 'tfor'
  keyVar?: string
  valVar: string
  coll: Expr
  body: TemplatePart[]
  pos: Pos
}

export type Expr =
  | { k: 'lit'; v: string | number | boolean | null; pos: Pos }
  | { k: 'tmpl'; parts: TemplatePart[]; pos: Pos; heredoc?: boolean }
  | { k: 'var'; name: string; pos: Pos }
  | { k: 'attr'; obj: Expr; name: string; pos: Pos }
  | { k: 'index'; obj: Expr; key: Expr; pos: Pos }
  | { k: 'splat'; obj: Expr; each: Expr; pos: Pos }
  | { k: 'anon'; pos: Pos }
  | { k: 'call'; name: string; args: Expr[]; expand: boolean; pos: Pos }
  | { k: 'tuple'; items: Expr[]; pos: Pos }
  | { k: 'object'; items: ObjectItem[]; pos: Pos }
  | { k: 'for'; keyVar?: string; valVar: string; coll: Expr; keyExpr?: Expr; valExpr: Expr; cond?: Expr; group: boolean; pos: Pos }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr; pos: Pos }
  | { k: 'bin'; op: string; l: Expr; r: Expr; pos: Pos }
  | { k: 'un'; op: '!' | '-'; e: Expr; pos: Pos }
  | { k: 'paren'; e: Expr; pos: Pos }

export interface ObjectItem {
  /** A bare identifier key is a literal name (`{ team = … }`); any other key is an expression. */
  key: Expr
  value: Expr
}

export interface Attribute {
  name: string
  expr: Expr
  pos: Pos
}

export interface Block {
  type: string
  labels: string[]
  body: Body
  pos: Pos
}

export interface Body {
  attrs: Map<string, Attribute>
  blocks: Block[]
}

export interface Comment {
  text: string
  pos: Pos
  endLine: number
}

export interface HclFile {
  body: Body
  comments: Comment[]
}

export class HclError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(message)
  }
}

export interface HclLimits {
  /** Characters per file. */
  maxChars: number
  /** Nesting of blocks, brackets, templates and operators. */
  maxDepth: number
  /** AST nodes per file. */
  maxNodes: number
}

export const HCL_LIMITS: HclLimits = { maxChars: 4 * 1024 * 1024, maxDepth: 100, maxNodes: 2_000_000 }

const ID_START = /[\p{ID_Start}_]/u
const ID_CONTINUE = /[\p{ID_Continue}-]/u

function isIdStart(c: string | undefined): boolean {
  if (c === undefined) return false
  const code = c.charCodeAt(0)
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95) return true
  return code > 127 && ID_START.test(c)
}

function isIdContinue(c: string | undefined): boolean {
  if (c === undefined) return false
  const code = c.charCodeAt(0)
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 45) return true
  return code > 127 && ID_CONTINUE.test(c)
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the file'
  if (c === '\n') return 'a newline'
  return `\`${c}\``
}

const BIN_LEVELS: ReadonlyArray<readonly string[]> = [['||'], ['&&'], ['==', '!='], ['>=', '<=', '>', '<'], ['+', '-'], ['*', '/', '%']]

/** Parse one `.tf` text. Throws `HclError` with the position of the first problem. */
export function parseHcl(text: string, limits: HclLimits = HCL_LIMITS): HclFile {
  if (text.length > limits.maxChars) throw new HclError(`the file has ${text.length} characters; tagwarden reads at most ${limits.maxChars}`, { line: 1, column: 1 })
  return new Parser(text.replace(/^\uFEFF/, ''), limits).file()
}

/**
 * A string of HCL's JSON syntax as a template (`"${aws_iam_role.x.arn}/*"`): interpolations and directives
 * as in a heredoc, no escapes (JSON already decoded them). `pos` is the string's position in the file.
 */
export function parseTemplateString(text: string, pos: Pos, limits: HclLimits = HCL_LIMITS): Expr {
  if (!text.includes('${') && !text.includes('%{')) return { k: 'lit', v: text, pos }
  try {
    return new Parser(text, limits).templateOnly(pos)
  } catch (e) {
    if (e instanceof HclError) throw new HclError(`in the string at ${pos.line}:${pos.column}: ${e.message}`, pos)
    throw e
  }
}

class Parser {
  private i = 0
  private line = 1
  private col = 1
  private depth = 0
  private nodes = 0
  /** Inside a `<<-` heredoc: the indentation removed from each line. */
  private flushIndent = 0
  private contentStart = 0
  readonly comments: Comment[] = []

  constructor(
    private readonly s: string,
    private readonly limits: HclLimits,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Characters

  private pos(): Pos {
    return { line: this.line, column: this.col }
  }

  private peek(o = 0): string | undefined {
    return this.s[this.i + o]
  }

  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i)
  }

  private adv(n = 1): void {
    for (let k = 0; k < n && this.i < this.s.length; k++) {
      if (this.s.charCodeAt(this.i) === 10) {
        this.line++
        this.col = 1
      } else this.col++
      this.i++
    }
  }

  private fail(message: string, pos: Pos = this.pos()): never {
    throw new HclError(message, pos)
  }

  private node(): void {
    if (++this.nodes > this.limits.maxNodes) this.fail(`more than ${this.limits.maxNodes} expressions in one file`)
  }

  private enter(): void {
    if (++this.depth > this.limits.maxDepth) this.fail(`nested deeper than ${this.limits.maxDepth} levels`)
  }

  private leave(): void {
    this.depth--
  }

  /** Skip spaces, tabs, `\r` and comments; newlines too when `newlines`. A line comment ends at its newline. */
  private ws(newlines: boolean): void {
    for (;;) {
      const c = this.peek()
      if (c === ' ' || c === '\t' || c === '\r') this.adv()
      else if (c === '\n' && newlines) this.adv()
      else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        const pos = this.pos()
        const start = this.i
        while (this.i < this.s.length && this.s.charCodeAt(this.i) !== 10) this.adv()
        this.comments.push({ text: this.s.slice(start, this.i), pos, endLine: pos.line })
      } else if (c === '/' && this.peek(1) === '*') {
        const pos = this.pos()
        const start = this.i
        const end = this.s.indexOf('*/', this.i + 2)
        if (end < 0) this.fail('unterminated comment (`/*` without `*/`)', pos)
        this.adv(end + 2 - this.i)
        this.comments.push({ text: this.s.slice(start, this.i), pos, endLine: this.line })
      } else return
    }
  }

  private expect(t: string, what?: string): void {
    if (!this.startsWith(t)) this.fail(`expected \`${t}\`${what ? ` ${what}` : ''}, found ${describe(this.peek())}`)
    this.adv(t.length)
  }

  private ident(): string {
    if (!isIdStart(this.peek())) this.fail(`expected a name, found ${describe(this.peek())}`)
    const start = this.i
    this.adv()
    while (isIdContinue(this.peek())) this.adv()
    return this.s.slice(start, this.i)
  }

  // ---------------------------------------------------------------------------------------------
  // Structure

  templateOnly(pos: Pos): Expr {
    const { parts } = this.templateParts(pos, false, this.s.length, [])
    return { k: 'tmpl', parts, pos }
  }

  file(): HclFile {
    const body = this.body(false)
    return { body, comments: this.comments }
  }

  private body(inBlock: boolean): Body {
    const body: Body = { attrs: new Map(), blocks: [] }
    for (;;) {
      this.ws(true)
      const c = this.peek()
      if (c === undefined) {
        if (inBlock) this.fail('the file ends inside a block: a `}` is missing')
        return body
      }
      if (c === '}') {
        if (!inBlock) this.fail('unexpected `}`: no block is open here')
        return body
      }
      const pos = this.pos()
      const name = this.ident()
      this.ws(false)
      if (this.peek() === '=' && this.peek(1) !== '=') {
        this.adv()
        this.ws(false)
        const expr = this.expr(false)
        if (body.attrs.has(name)) this.fail(`attribute \`${name}\` is set twice (first at line ${body.attrs.get(name)?.pos.line})`, pos)
        body.attrs.set(name, { name, expr, pos })
        this.endOfItem(inBlock)
        continue
      }
      const labels: string[] = []
      for (;;) {
        const l = this.peek()
        if (l === '"') {
          const lpos = this.pos()
          const t = this.template(lpos)
          if (t.parts.some((p) => typeof p !== 'string')) this.fail('a block label cannot contain interpolations', lpos)
          labels.push(t.parts.join(''))
        } else if (isIdStart(l)) labels.push(this.ident())
        else break
        this.ws(false)
      }
      if (this.peek() !== '{') this.fail(`expected \`=\` or a block \`{\` after \`${name}\`, found ${describe(this.peek())}`)
      this.adv()
      this.enter()
      this.node()
      const inner = this.body(true)
      this.leave()
      this.expect('}')
      body.blocks.push({ type: name, labels, body: inner, pos })
      this.endOfItem(inBlock)
    }
  }

  /** After an attribute or block: a newline, the end of the file, or (one-line blocks) the closing brace. */
  private endOfItem(inBlock: boolean): void {
    this.ws(false)
    const c = this.peek()
    if (c === '\n' || c === undefined || (inBlock && c === '}')) return
    this.fail(`expected a newline after the attribute or block, found ${describe(c)}`)
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions. `nl`: newlines are insignificant (inside brackets and parentheses).

  expr(nl: boolean): Expr {
    this.enter()
    try {
      const pos = this.pos()
      const c = this.binary(0, nl)
      this.ws(nl)
      if (this.peek() !== '?') return c
      this.adv()
      this.ws(nl)
      const t = this.expr(nl)
      this.ws(nl)
      this.expect(':', 'in a conditional expression')
      this.ws(nl)
      const f = this.expr(nl)
      this.node()
      return { k: 'cond', c, t, f, pos }
    } finally {
      this.leave()
    }
  }

  private binOp(level: number): string | undefined {
    for (const op of BIN_LEVELS[level] ?? []) {
      if (!this.startsWith(op)) continue
      // `=>` is not `=`, `<=`/`>=` are checked before `<`/`>`; `==` vs `=` handled by the list.
      if ((op === '>' || op === '<') && this.peek(1) === '=') continue
      return op
    }
    return undefined
  }

  private binary(level: number, nl: boolean): Expr {
    if (level >= BIN_LEVELS.length) return this.unary(nl)
    let l = this.binary(level + 1, nl)
    for (;;) {
      this.ws(nl)
      const op = this.binOp(level)
      if (!op) return l
      const pos = this.pos()
      this.adv(op.length)
      this.ws(nl)
      this.enter()
      const r = this.binary(level + 1, nl)
      this.leave()
      this.node()
      l = { k: 'bin', op, l, r, pos }
    }
  }

  private unary(nl: boolean): Expr {
    const c = this.peek()
    if (c === '!' || (c === '-' && !isDigit(this.peek(1)))) {
      const pos = this.pos()
      this.adv()
      this.ws(nl)
      this.enter()
      const e = this.unary(nl)
      this.leave()
      this.node()
      return { k: 'un', op: c, e, pos }
    }
    return this.postfix(this.primary(nl))
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const c = this.peek()
      const pos = this.pos()
      if (c === '.' && this.peek(1) === '*') {
        this.adv(2)
        // Legacy attribute-only splat: `.*.name.other`
        let each: Expr = { k: 'anon', pos }
        while (this.peek() === '.' && isIdStart(this.peek(1))) {
          this.adv()
          each = { k: 'attr', obj: each, name: this.ident(), pos }
        }
        this.node()
        e = { k: 'splat', obj: e, each, pos }
        continue
      }
      if (c === '.' && isDigit(this.peek(1))) {
        this.adv()
        const start = this.i
        while (isDigit(this.peek())) this.adv()
        this.node()
        e = { k: 'index', obj: e, key: { k: 'lit', v: Number(this.s.slice(start, this.i)), pos }, pos }
        continue
      }
      if (c === '.' && this.peek(1) !== '.') {
        this.adv()
        const name = this.ident()
        this.node()
        e = { k: 'attr', obj: e, name, pos }
        continue
      }
      if (c === '[') {
        this.adv()
        this.ws(true)
        if (this.peek() === '*') {
          this.adv()
          this.ws(true)
          this.expect(']')
          let each: Expr = { k: 'anon', pos }
          each = this.traversalOnly(each)
          this.node()
          e = { k: 'splat', obj: e, each, pos }
          continue
        }
        this.enter()
        const key = this.expr(true)
        this.leave()
        this.ws(true)
        this.expect(']', 'to close the index')
        this.node()
        e = { k: 'index', obj: e, key, pos }
        continue
      }
      return e
    }
  }

  /** The attribute and index steps that follow a full splat `[*]`. */
  private traversalOnly(e: Expr): Expr {
    for (;;) {
      const pos = this.pos()
      if (this.peek() === '.' && isIdStart(this.peek(1))) {
        this.adv()
        e = { k: 'attr', obj: e, name: this.ident(), pos }
      } else if (this.peek() === '.' && isDigit(this.peek(1))) {
        this.adv()
        const start = this.i
        while (isDigit(this.peek())) this.adv()
        e = { k: 'index', obj: e, key: { k: 'lit', v: Number(this.s.slice(start, this.i)), pos }, pos }
      } else if (this.peek() === '[' && this.peek(1) !== '*') {
        this.adv()
        this.ws(true)
        this.enter()
        const key = this.expr(true)
        this.leave()
        this.ws(true)
        this.expect(']')
        e = { k: 'index', obj: e, key, pos }
      } else return e
      this.node()
    }
  }

  private primary(nl: boolean): Expr {
    const pos = this.pos()
    const c = this.peek()
    this.node()
    if (c === '"') return this.template(pos)
    if (c === '<' && this.peek(1) === '<') return this.heredoc(pos)
    if (isDigit(c) || (c === '-' && isDigit(this.peek(1)))) return this.number(pos)
    if (c === '(') {
      this.adv()
      this.ws(true)
      const e = this.expr(true)
      this.ws(true)
      this.expect(')', 'to close the parenthesis')
      return { k: 'paren', e, pos }
    }
    if (c === '[') return this.tupleOrFor(pos)
    if (c === '{') return this.objectOrFor(pos)
    if (isIdStart(c)) {
      let name = this.ident()
      if (name === 'true' || name === 'false') return { k: 'lit', v: name === 'true', pos }
      if (name === 'null') return { k: 'lit', v: null, pos }
      while (this.startsWith('::') && isIdStart(this.peek(2))) {
        this.adv(2)
        name += `::${this.ident()}`
      }
      if (this.peek() === '(') return this.call(name, pos)
      return { k: 'var', name, pos }
    }
    if (nl === false && c === '\n') this.fail('expected an expression, found a newline')
    return this.fail(`expected an expression, found ${describe(c)}`)
  }

  private number(pos: Pos): Expr {
    const start = this.i
    if (this.peek() === '-') this.adv()
    while (isDigit(this.peek())) this.adv()
    if (this.peek() === '.' && isDigit(this.peek(1))) {
      this.adv()
      while (isDigit(this.peek())) this.adv()
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      const save = { i: this.i, line: this.line, col: this.col }
      this.adv()
      if (this.peek() === '+' || this.peek() === '-') this.adv()
      if (!isDigit(this.peek())) Object.assign(this, save)
      else while (isDigit(this.peek())) this.adv()
    }
    return { k: 'lit', v: Number(this.s.slice(start, this.i)), pos }
  }

  private call(name: string, pos: Pos): Expr {
    this.adv() // (
    const args: Expr[] = []
    let expand = false
    this.enter()
    for (;;) {
      this.ws(true)
      if (this.peek() === ')') break
      args.push(this.expr(true))
      this.ws(true)
      if (this.startsWith('...')) {
        this.adv(3)
        expand = true
        this.ws(true)
        if (this.peek() !== ')') this.fail('`...` expands only the last argument')
        break
      }
      if (this.peek() === ',') {
        this.adv()
        continue
      }
      if (this.peek() !== ')') this.fail(`expected \`,\` or \`)\` in the arguments of ${name}(), found ${describe(this.peek())}`)
    }
    this.leave()
    this.expect(')')
    return { k: 'call', name, args, expand, pos }
  }

  /** `for k, v in coll :` — after the opening bracket, when the next word is `for` followed by a name. */
  private isFor(): boolean {
    return /^for[ \t\r\n]+[\p{ID_Start}_]/u.test(this.s.slice(this.i, this.i + 8))
  }

  private forHead(): { keyVar?: string; valVar: string; coll: Expr } {
    this.adv(3)
    this.ws(true)
    const { keyVar, valVar } = this.forVars()
    if (!this.startsWith('in') || isIdContinue(this.peek(2))) this.fail(`expected \`in\` in the for expression, found ${describe(this.peek())}`)
    this.adv(2)
    this.ws(true)
    const coll = this.expr(true)
    this.ws(true)
    this.expect(':', 'after the collection of the for expression')
    this.ws(true)
    return keyVar === undefined ? { valVar, coll } : { keyVar, valVar, coll }
  }

  /** `v` or `k, v` of a for expression or directive. */
  private forVars(): { keyVar?: string; valVar: string } {
    const first = this.ident()
    this.ws(true)
    if (this.peek() !== ',') return { valVar: first }
    this.adv()
    this.ws(true)
    const valVar = this.ident()
    this.ws(true)
    return { keyVar: first, valVar }
  }

  private forTail(): Expr | undefined {
    this.ws(true)
    if (!(this.startsWith('if') && !isIdContinue(this.peek(2)))) return undefined
    this.adv(2)
    this.ws(true)
    return this.expr(true)
  }

  private tupleOrFor(pos: Pos): Expr {
    this.adv()
    this.enter()
    this.ws(true)
    try {
      if (this.isFor()) {
        const head = this.forHead()
        const valExpr = this.expr(true)
        const cond = this.forTail()
        this.ws(true)
        this.expect(']', 'to close the for expression')
        return { k: 'for', ...head, valExpr, ...(cond ? { cond } : {}), group: false, pos }
      }
      const items: Expr[] = []
      for (;;) {
        this.ws(true)
        if (this.peek() === ']') break
        items.push(this.expr(true))
        this.ws(true)
        if (this.peek() === ',') {
          this.adv()
          continue
        }
        if (this.peek() !== ']') this.fail(`expected \`,\` or \`]\` in the list, found ${describe(this.peek())}`)
      }
      this.adv()
      return { k: 'tuple', items, pos }
    } finally {
      this.leave()
    }
  }

  private objectOrFor(pos: Pos): Expr {
    this.adv()
    this.enter()
    this.ws(true)
    try {
      if (this.isFor()) {
        const head = this.forHead()
        const keyExpr = this.expr(true)
        this.ws(true)
        this.expect('=>', 'in the object for expression')
        this.ws(true)
        const valExpr = this.expr(true)
        this.ws(true)
        let group = false
        if (this.startsWith('...')) {
          this.adv(3)
          group = true
        }
        const cond = this.forTail()
        this.ws(true)
        this.expect('}', 'to close the for expression')
        return { k: 'for', ...head, keyExpr, valExpr, ...(cond ? { cond } : {}), group, pos }
      }
      const items: ObjectItem[] = []
      for (;;) {
        this.ws(true)
        if (this.peek() === '}') break
        const key = this.expr(false)
        this.ws(false)
        const sep = this.peek()
        if (sep !== '=' && sep !== ':') this.fail(`expected \`=\` or \`:\` after the object key, found ${describe(sep)}`)
        this.adv()
        this.ws(false)
        const value = this.expr(false)
        items.push({ key, value })
        this.ws(false)
        const c = this.peek()
        if (c === ',' || c === '\n') {
          this.adv()
          continue
        }
        if (c !== '}') this.fail(`expected \`,\`, a newline or \`}\` in the object, found ${describe(c)}`)
      }
      this.adv()
      return { k: 'object', items, pos }
    } finally {
      this.leave()
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Templates

  /** A quoted template, at its opening `"`. */
  private template(pos: Pos): Expr & { k: 'tmpl' } {
    this.adv()
    this.enter()
    const parts = this.templateParts(pos, true, this.s.length, [])
    this.leave()
    return { k: 'tmpl', parts: parts.parts, pos }
  }

  private heredoc(pos: Pos): Expr {
    const m = /^<<(-?)([\p{ID_Start}_][\p{ID_Continue}-]*)[ \t]*\r?\n/u.exec(this.s.slice(this.i, this.i + 300))
    if (!m) this.fail('expected a heredoc marker after `<<` (`<<EOT` followed by a newline)')
    const flush = m[1] === '-'
    const marker = m[2] as string
    this.adv(m[0].length)
    // The heredoc ends at the first line that is the marker alone (after optional indentation).
    const endRe = new RegExp(`^[ \\t]*${marker}[ \\t]*\\r?$`, 'mu')
    const rest = this.s.slice(this.i)
    const found = endRe.exec(rest)
    if (!found) this.fail(`unterminated heredoc: no line \`${marker}\` closes the \`<<${flush ? '-' : ''}${marker}\` opened here`, pos)
    const end = this.i + found.index
    const saved = { flushIndent: this.flushIndent, contentStart: this.contentStart }
    this.flushIndent = 0
    // `<<-`: the indentation of the least-indented non-blank line is removed from every line (as HCL does).
    if (flush) {
      let min = Infinity
      for (const l of rest.slice(0, found.index).split('\n')) {
        if (l.trim() === '') continue
        min = Math.min(min, /^[ \t]*/.exec(l)?.[0].length ?? 0)
      }
      this.flushIndent = Number.isFinite(min) ? min : 0
      this.contentStart = this.i
    }
    this.enter()
    const { parts } = this.templateParts(pos, false, end, [])
    this.leave()
    this.flushIndent = saved.flushIndent
    this.contentStart = saved.contentStart
    // skip the closing marker line
    this.adv(found[0].length)
    return { k: 'tmpl', parts, pos, heredoc: true }
  }

  /**
   * Template parts up to the closing quote (quoted) or `end` (heredoc), or up to a directive whose keyword
   * is in `stops` (`else`, `endif`, `endfor`), which is returned.
   */
  private templateParts(pos: Pos, quoted: boolean, end: number, stops: readonly string[], strip = false): { parts: TemplatePart[]; stop?: string; stopStrip?: boolean } {
    const parts: TemplatePart[] = []
    let lit = ''
    let stripNext = strip
    const pushLit = (): void => {
      if (lit !== '') {
        if (stripNext) {
          lit = lit.replace(/^\s+/, '')
          stripNext = false
        }
        if (lit !== '') parts.push(lit)
      }
      lit = ''
    }
    const stripPrev = (): void => {
      lit = lit.replace(/\s+$/, '')
      const last = parts[parts.length - 1]
      if (lit === '' && typeof last === 'string') {
        parts[parts.length - 1] = last.replace(/\s+$/, '')
      }
    }
    for (;;) {
      if (this.i >= end) {
        if (quoted) this.fail('unterminated string: the closing `"` is missing', pos)
        if (stops.length > 0) this.fail(`the template ends before \`%{ ${stops[stops.length - 1]} }\``, pos)
        pushLit()
        return { parts }
      }
      const c = this.peek() as string
      if (quoted && c === '"') {
        if (stops.length > 0) this.fail(`the string ends before \`%{ ${stops[stops.length - 1]} }\``, pos)
        this.adv()
        pushLit()
        return { parts }
      }
      if (quoted && c === '\n') this.fail('unterminated string: a quoted string cannot span lines (use a heredoc `<<EOT`)', pos)
      if (quoted && c === '\\') {
        lit += this.escape()
        continue
      }
      if ((c === '$' || c === '%') && this.peek(1) === c && this.peek(2) === '{') {
        lit += `${c}{`
        this.adv(3)
        continue
      }
      /** After `${` or `%{` (and an optional `~` that strips the literal before it). */
      const open = (): Pos => {
        const at = this.pos()
        this.adv(2)
        if (this.peek() === '~') {
          this.adv()
          stripPrev()
        }
        pushLit()
        this.ws(true)
        return at
      }
      if (c === '$' && this.peek(1) === '{') {
        const ipos = open()
        const e = this.expr(true)
        this.ws(true)
        if (this.peek() === '~') {
          this.adv()
          stripNext = true
        }
        if (this.peek() !== '}') this.fail(`expected \`}\` to close the interpolation opened at line ${ipos.line}, found ${describe(this.peek())}`)
        this.adv()
        parts.push(e)
        continue
      }
      if (c === '%' && this.peek(1) === '{') {
        const dpos = open()
        const kw = this.ident()
        if (kw === 'if') {
          this.ws(true)
          const cond = this.expr(true)
          const closeStrip = this.directiveEnd(dpos)
          this.enter()
          let r = this.templateParts(pos, quoted, end, [...stops, 'endif', 'else'], closeStrip)
          const thenParts = r.parts
          let elseParts: TemplatePart[] = []
          if (r.stop === 'else') {
            r = this.templateParts(pos, quoted, end, [...stops, 'endif'], r.stopStrip ?? false)
            elseParts = r.parts
          }
          this.leave()
          if (r.stop !== 'endif') this.fail('`%{ if }` without `%{ endif }`', dpos)
          stripNext = r.stopStrip ?? false
          parts.push({ k: 'tif', cond, then: thenParts, else: elseParts, pos: dpos })
          continue
        }
        if (kw === 'for') {
          this.ws(true)
          const { keyVar, valVar } = this.forVars()
          this.expect('in', 'in the for directive')
          this.ws(true)
          const coll = this.expr(true)
          const closeStrip = this.directiveEnd(dpos)
          this.enter()
          const r = this.templateParts(pos, quoted, end, [...stops, 'endfor'], closeStrip)
          this.leave()
          if (r.stop !== 'endfor') this.fail('`%{ for }` without `%{ endfor }`', dpos)
          stripNext = r.stopStrip ?? false
          parts.push({ k: 'tfor', ...(keyVar !== undefined ? { keyVar } : {}), valVar, coll, body: r.parts, pos: dpos })
          continue
        }
        if (kw === 'else' || kw === 'endif' || kw === 'endfor') {
          if (!stops.includes(kw)) this.fail(`unexpected \`%{ ${kw} }\``, dpos)
          const strip = this.directiveEnd(dpos)
          return { parts, stop: kw, stopStrip: strip }
        }
        this.fail(`unknown template directive \`%{ ${kw} }\` (expected if, else, endif, for or endfor)`, dpos)
      }
      if (this.flushIndent > 0 && (this.i === this.contentStart || this.s[this.i - 1] === '\n')) {
        let k = 0
        while (k < this.flushIndent && (this.peek() === ' ' || this.peek() === '\t')) {
          this.adv()
          k++
        }
        if (k > 0) continue
      }
      lit += c
      this.adv()
    }
  }

  /** The `~}` or `}` closing a directive; true when it strips the following whitespace. */
  private directiveEnd(dpos: Pos): boolean {
    this.ws(true)
    let strip = false
    if (this.peek() === '~') {
      this.adv()
      strip = true
    }
    if (this.peek() !== '}') this.fail(`expected \`}\` to close the directive opened at line ${dpos.line}, found ${describe(this.peek())}`)
    this.adv()
    return strip
  }

  private escape(): string {
    const pos = this.pos()
    const n = this.peek(1)
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' }
    if (n !== undefined && simple[n] !== undefined) {
      this.adv(2)
      return simple[n] as string
    }
    if (n === 'u' || n === 'U') {
      const len = n === 'u' ? 4 : 8
      const hex = this.s.slice(this.i + 2, this.i + 2 + len)
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) this.fail(`invalid escape \`\\${n}${hex}\`: expected ${len} hexadecimal digits`, pos)
      const cp = parseInt(hex, 16)
      if (cp > 0x10ffff) this.fail(`invalid escape \`\\${n}${hex}\`: not a Unicode code point`, pos)
      this.adv(2 + len)
      return String.fromCodePoint(cp)
    }
    return this.fail(`invalid escape \`\\${n ?? ''}\` (valid: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN)`, pos)
  }
}
