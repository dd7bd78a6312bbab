/**
 * The spend data a rule sees. `RuleContext.spend` is optional: absent when the scan had no Cost Explorer
 * data, and the spend rules then report nothing (the coverage summary says why).
 */
import type { RuleContext } from './types.js'
import type { SpendData } from '../spend/model.js'

export type SpendRuleContext = RuleContext & { spend?: SpendData }

export function spendOf(ctx: RuleContext): SpendData | undefined {
  return (ctx as SpendRuleContext).spend
}

/** The tag keys a spend rule instance checks: its own `tagKeys` option, else the required tags. */
export function ruleTagKeys(ctx: Pick<RuleContext, 'options' | 'settings'>): string[] {
  const own = ctx.options.tagKeys
  if (Array.isArray(own) && own.every((k) => typeof k === 'string')) return own as string[]
  return ctx.settings.requiredTags.map((t) => t.key)
}
