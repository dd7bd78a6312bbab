/**
 * Wrapping text output to the terminal's width with a hanging indent, so a 400-character finding message
 * does not run on at column 0 mid-word. Applied to finished text (after escaping and colouring), only
 * when writing to a terminal; pipes and files get the lines unwrapped, one finding message per line.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

/** Visible length: colour codes take no room. */
function visible(s: string): number {
  return s.replace(ANSI, '').length
}

/**
 * Where the continuation lines of `line` start: under the value of an indented `label   value` row (two
 * or more spaces after the first word), else under the line's own indent; a line at column 0 (a
 * finding's headline) continues where its message lines start.
 */
export function hangingIndent(line: string): number {
  const plain = line.replace(ANSI, '')
  const lead = /^\s*/.exec(plain)![0].length
  if (lead === 0) return HEADLINE_HANG
  const row = /^(\s+\S+ {2,})\S/.exec(plain)
  return row ? row[1]!.length : lead
}

/** The indent of a finding's message under its headline (see text.ts). */
const HEADLINE_HANG = 8

/** One line wrapped at spaces to `width` columns; a word longer than the room (an ARN) stays whole. */
export function wrapLine(line: string, width: number): string[] {
  if (visible(line) <= width) return [line]
  const hang = hangingIndent(line)
  if (hang >= width / 2) return [line]
  const indent = ' '.repeat(hang)
  const lead = /^\s*/.exec(line)![0]
  // Words and the exact spaces before each (a table's alignment survives on the first line).
  const parts = line.slice(lead.length).split(/( +)/)
  const out: string[] = []
  let cur = lead + (parts[0] ?? '')
  let curLen = visible(cur)
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const gap = parts[i]!
    const w = parts[i + 1]!
    const len = visible(w)
    if (curLen + gap.length + len > width && curLen > hang) {
      out.push(cur)
      cur = indent + w
      curLen = hang + len
    } else {
      cur += gap + w
      curLen += gap.length + len
    }
  }
  out.push(cur)
  return out
}

/** Every line of `text` wrapped to `width` columns (see wrapLine). */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n')
}
