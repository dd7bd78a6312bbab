/**
 * IAM action matching. Action names and their service prefixes are case-insensitive (`Bedrock:invoke*`
 * matches `bedrock:InvokeModel`), and wildcards are expanded against a configured, finite action set rather
 * than against a catalogue of every AWS action: the analysis only ever asks about that set.
 */
import type { Statement } from '../model/policy.js'
import { compileGlob, matchGlob } from './glob.js'
import type { Glob } from './glob.js'

/** Does the `Action` pattern (with `*`/`?`) match the concrete action name? Case-insensitive throughout. */
export function actionMatches(pattern: string, action: string): boolean {
  return matchGlob(compileGlob(pattern, { caseInsensitive: true }), action)
}

/** `bedrock:InvokeModel` → `bedrock` (lower case); an action without a prefix is its own service. */
export function serviceOfAction(action: string): string {
  const colon = action.indexOf(':')
  return (colon < 0 ? action : action.slice(0, colon)).toLowerCase()
}

function anyMatches(patterns: readonly string[], action: string): boolean {
  for (const p of patterns) if (actionMatches(p, action)) return true
  return false
}

function anyCompiledMatches(globs: readonly Glob[], foldedAction: string): boolean {
  for (const g of globs) if (matchGlob(g, foldedAction)) return true
  return false
}

const compileAll = (patterns: readonly string[]): Glob[] =>
  patterns.map((p) => compileGlob(p, { caseInsensitive: true }))

/** The members of `actionSet` that at least one pattern names (the expansion of an `Action` list). */
export function expandActionPatterns(patterns: readonly string[], actionSet: readonly string[]): string[] {
  return actionSet.filter((a) => anyMatches(patterns, a))
}

/** The members of `actionSet` that no pattern names (the expansion of a `NotAction` list). */
export function expandNotActionPatterns(patterns: readonly string[], actionSet: readonly string[]): string[] {
  return actionSet.filter((a) => !anyMatches(patterns, a))
}

/**
 * Indices into `actionSet` of the actions a statement applies to. A statement with neither `Action` nor
 * `NotAction` applies to nothing. A statement with both is invalid; for an Allow we read only `Action`
 * (the larger grant) and for a Deny we require both (the smaller denial), so the error can only make the
 * principal look more capable, never less.
 */
export function statementActionIndices(
  stmt: Pick<Statement, 'effect' | 'action' | 'notAction'>,
  actionSet: readonly string[],
): number[] {
  const { action, notAction } = stmt
  if (action === undefined && notAction === undefined) return []
  const actionGlobs = action && compileAll(action)
  const notActionGlobs = notAction && compileAll(notAction)
  const out: number[] = []
  actionSet.forEach((a, i) => {
    const folded = a.toLowerCase()
    const inAction = actionGlobs === undefined || anyCompiledMatches(actionGlobs, folded)
    const outsideNotAction = notActionGlobs === undefined || !anyCompiledMatches(notActionGlobs, folded)
    const applies =
      action !== undefined && notAction !== undefined
        ? stmt.effect === 'Allow'
          ? inAction
          : inAction && outsideNotAction
        : inAction && outsideNotAction
    if (applies) out.push(i)
  })
  return out
}

/** The actions of `actionSet` that a statement applies to, in set order. */
export function statementActions(
  stmt: Pick<Statement, 'effect' | 'action' | 'notAction'>,
  actionSet: readonly string[],
): string[] {
  return statementActionIndices(stmt, actionSet).map((i) => actionSet[i] as string)
}
