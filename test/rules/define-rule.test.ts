/**
 * `defineRule` types a rule by its options and message IDs: `tsc` (part of `npm test`) fails if a
 * `@ts-expect-error` below stops being an error, so these lines are the type-level test.
 */
import { describe, expect, it } from 'vitest'
import { defineRule } from '../../src/rules/types.js'

const meta = {
  id: 'typed-example',
  summary: 'An example rule for the type-level test.',
  rationale: 'r',
  remediation: 'f',
  defaultSeverity: 'warning' as const,
  appliesTo: ['role' as const],
  tags: ['example'],
  precision: 'high' as const,
  examples: { compliant: 'a', nonCompliant: 'b' },
}

describe('defineRule', () => {
  it('accepts a check that reports its declared message IDs and reads its declared options', () => {
    const rule = defineRule<{ keys?: string[] }, 'found'>({
      scope: 'org',
      meta: { ...meta, messages: { found: 'found {n}' }, options: { keys: { type: 'array', items: { type: 'string' }, description: 'keys' } } },
      check: (ctx) => [{ messageId: 'found', data: { n: ctx.options.keys?.length ?? 0 } }],
    })
    expect(rule.scope).toBe('org')
  })

  it('rejects a message ID typo, an undeclared message, an unknown option and an option without a schema at compile time', () => {
    const typo = defineRule<Record<never, never>, 'found'>({
      scope: 'org',
      meta: { ...meta, messages: { found: 'found' } },
      // @ts-expect-error -- `fuond` is not a message ID of this rule
      check: () => [{ messageId: 'fuond', data: {} }],
    })
    const missingMessage = defineRule<Record<never, never>, 'found' | 'lost'>({
      scope: 'org',
      // @ts-expect-error -- the `lost` message has no template
      meta: { ...meta, messages: { found: 'found' } },
      check: () => [{ messageId: 'lost', data: {} }],
    })
    const unknownOption = defineRule<{ keys?: string[] }, 'found'>({
      scope: 'org',
      meta: { ...meta, messages: { found: 'found' }, options: { keys: { type: 'array', description: 'keys' } } },
      // @ts-expect-error -- `tagKeys` is not an option of this rule
      check: (ctx) => [{ messageId: 'found', data: { n: ctx.options.tagKeys?.length ?? 0 } }],
    })
    const undeclaredSchema = defineRule<{ keys?: string[] }, 'found'>({
      scope: 'org',
      // @ts-expect-error -- the `keys` option has no schema in `meta.options`
      meta: { ...meta, messages: { found: 'found' } },
      check: () => [],
    })
    expect([typo, missingMessage, unknownOption, undeclaredSchema].map((r) => r.meta.id)).toEqual(Array(4).fill('typed-example'))
  })
})
