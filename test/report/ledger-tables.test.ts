/** The spend ledger as text: data from the bill (tag values, usage types) cannot begin a line of its own. */
import { describe, expect, it } from 'vitest'
import type { Ledger } from '../../src/model/ledger.js'
import { ledgerText } from '../../src/report/ledger-tables.js'

describe('ledgerText', () => {
  it('shows control characters in tag values and usage types escaped', () => {
    const l: Ledger = {
      currency: 'USD',
      period: { start: '2026-11-01', end: '2026-12-01' },
      source: { kind: 'cur-files', location: 'cur/' },
      tagKeys: ['team'],
      total: 10,
      attributed: 10,
      unattributed: 0,
      misattributed: 0,
      byCause: [],
      byKey: [],
      byAccount: [],
      daily: [],
      teams: [{ tagKey: 'team', value: 'ml\n::error::pwned', bucket: 'attributed', amount: 10, byAccount: { '111111111111': 10 }, byModel: { 'USE1-Model\r::add-mask::x': 10 } }],
      topPrincipals: [],
      notes: ['a note\n::warning::y'],
    }
    const lines = ledgerText(l).flatMap((x) => x.split(/\r|\n/))
    expect(lines.some((x) => x.startsWith('::'))).toBe(false)
    expect(lines.join('\n')).toContain('ml\\n::error::pwned')
  })
})
