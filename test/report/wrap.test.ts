import { describe, expect, it } from 'vitest'
import { hangingIndent, wrapLine, wrapText } from '../../src/report/wrap.js'

describe('wrapping text output', () => {
  const message = `        ${'Role ads-ranker-irsa can run Bedrock inference but its `team` tag is empty, so its Bedrock spend cannot be attributed by `team`.'}`

  it('wraps a finding message at spaces with the message indent on every continuation line', () => {
    const lines = wrapLine(message, 60)
    expect(lines.length).toBeGreaterThan(2)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60)
    for (const l of lines) expect(l).toMatch(/^ {8}\S/)
    expect(lines.map((l) => l.trim()).join(' ')).toBe(message.trim())
  })

  it('hangs a summary row under its value and keeps the row’s alignment', () => {
    const row = '  billed       USD 10,807.30 Bedrock 2026-07-21 to 2026-08-19: USD 8,516.03 attributed, USD 2,291.27 unattributed (21.2%)'
    expect(hangingIndent(row)).toBe(15)
    const lines = wrapLine(row, 80)
    expect(lines[0]).toMatch(/^ {2}billed {7}USD 10,807\.30/)
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {15}\S/)
  })

  it('never breaks a word: an ARN longer than the room stays whole', () => {
    const arn = `arn:aws:iam::111111111111:role/${'x'.repeat(90)}`
    const lines = wrapLine(`error   principal-missing-tag  ${arn}`, 80)
    expect(lines).toContain(`        ${arn}`)
  })

  it('measures visible width: colour codes take no room', () => {
    const red = (s: string): string => `\u001b[31m${s}\u001b[0m`
    const line = `${red('error'.padEnd(7))} ${'word '.repeat(10).trim()}`
    expect(wrapLine(line, 58)).toEqual([line])
  })

  it('leaves short lines, blank lines and line breaks as they are', () => {
    expect(wrapText('a\n\n  b  c\n', 80)).toBe('a\n\n  b  c\n')
  })
})
