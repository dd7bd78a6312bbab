/** Escapes Markdown and HTML outside code spans (names and tag values come from AWS, not from us). */
export function mdText(s: string): string {
  return s
    .split(/(`+[^`]*?`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_[\]~]/g, (c) => `\\${c}`).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
}
