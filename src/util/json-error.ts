/**
 * Positions of JSON syntax errors. V8 on Node 20 reports some errors (e.g. a trailing comma:
 * `Unexpected token ']', …`) without an offset, so a small validator finds it.
 */

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/**
 * Offset of the first JSON syntax error, for V8 messages that carry none (Node 20 reports e.g. a
 * trailing comma as `Unexpected token ']', …` without a position). Only runs after JSON.parse failed.
 */
export function findJsonErrorOffset(text: string): number | undefined {
  let i = 0
  const fail = (at = i): never => {
    throw new JsonSyntaxAt(at)
  }
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 32 || c === 9 || c === 10 || c === 13) i++
      else break
    }
  }
  const str = () => {
    i++ // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 34) {
        i++
        return
      }
      if (c < 32) fail()
      if (c === 92) {
        const e = text[i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i + 1)
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else fail(i + 1)
      } else i++
    }
    fail()
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') {
        i++
        return
      }
      for (;;) {
        ws()
        if (text[i] !== '"') fail()
        str()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') {
          i++
          return
        } else fail()
      }
    } else if (c === '[') {
      i++
      ws()
      if (text[i] === ']') {
        i++
        return
      }
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') {
          i++
          return
        } else fail()
      }
    } else if (c === '"') str()
    else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null'
      if (!text.startsWith(word, i)) fail()
      i += word.length
    } else {
      NUMBER_RE.lastIndex = i
      if (!NUMBER_RE.test(text)) fail()
      i = NUMBER_RE.lastIndex
    }
  }
  try {
    value()
    ws()
    if (i < text.length) fail()
    return undefined
  } catch (e) {
    if (e instanceof JsonSyntaxAt) return e.offset
    return undefined // e.g. nesting deeper than the stack: no position rather than a crash
  }
}


/** 1-based line and column of a character offset. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}
