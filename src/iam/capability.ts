/**
 * Can this principal run Bedrock inference? The answer combines identity policies, an optional permissions
 * boundary and optional SCP levels the way IAM does: an action survives when some identity Allow grants it on
 * a Bedrock resource that the boundary and every SCP level also allow and that no unconditional Deny covers.
 *
 * Resource sets are answered exactly (`satisfiable` in glob.ts) over ARN patterns, per action, inside that
 * action's own service universe (`arn:<partition>:bedrock:…` for `bedrock:*` actions, `…:bedrock-mantle:…`
 * for `bedrock-mantle:*`). Where IAM needs information we do not model (conditions, policy variables, invalid
 * statements, a search that runs out of budget) every approximation leans the same way: the principal looks
 * more capable, never less. A linter that misses a capable principal misses untagged spend.
 *
 * Memoisation has three levels so that a million principals sharing a few policies stay cheap:
 * per action set: per document (hash) → per-action Allow/Deny tables; per combination of documents →
 * positional result; per resource-set question → boolean.
 */
import type { AttachedPolicy, PolicyDocument, PolicySource, Statement } from '../model/policy.js'
import { serviceOfAction, statementActionIndices } from './actions.js'
import type { BedrockCapability, CapabilityGrant } from './capability-types.js'
import { FifoCache, arnFormatUniverse, arnServiceUniverse, compileResourcePattern, satisfiable, wildcardResourceUniverse } from './glob.js'
import type { Glob, PatternSet } from './glob.js'
import { actionResources } from './resource-types.js'

/** The actions whose use costs inference money and should therefore be attributed. */
export const DEFAULT_INFERENCE_ACTIONS: readonly string[] = Object.freeze([
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:CreateModelInvocationJob',
  'bedrock:InvokeAgent',
  'bedrock:InvokeInlineAgent',
  'bedrock:RetrieveAndGenerate',
  'bedrock:InvokeFlow',
  'bedrock:Rerank',
  'bedrock-mantle:CreateInference',
])

export interface CapabilityInput {
  /** Inline + attached managed (default version) + every group's inline/managed, resolved by the caller. */
  identity: AttachedPolicy[]
  /** Permissions boundary, if any. If its ARN could not be resolved, pass nothing and note it elsewhere. */
  boundary?: AttachedPolicy
  /** One array per org level (root, OU…, account); every level must allow. An empty level allows nothing. */
  scps?: AttachedPolicy[][]
  /**
   * Partition of the principal's account (`aws`, `aws-cn`, `aws-us-gov`…). A principal can only reach its own
   * partition, so this decides whether e.g. a Deny on `arn:aws:bedrock:*` covers an Allow on `*`. When absent
   * it is inferred: the one partition literally named by the relevant statements' ARNs, else any partition.
   */
  partition?: string
}

/** Human name of a policy for evidence: `inline:Name`, the managed ARN, `group:G/inline:Name`, `boundary:arn…`. */
export function describePolicySource(src: PolicySource): string {
  switch (src.kind) {
    case 'inline':
      return `inline:${src.name}`
    case 'managed':
      return src.arn ?? src.name
    case 'group-inline':
      return `group:${src.group ?? '?'}/inline:${src.name}`
    case 'group-managed':
      return `group:${src.group ?? '?'}/${src.arn ?? src.name}`
    case 'boundary':
      return `boundary:${src.arn ?? src.name}`
    case 'trust':
      return `trust:${src.name}`
    case 'scp':
      return `scp:${src.name || (src.arn ?? '')}`
  }
}

// ---------------------------------------------------------------------------------------------------------
// Cache
// ---------------------------------------------------------------------------------------------------------

/** A resource set of one statement (its `Resource` list, or the complement of its `NotResource` list). */
interface Term extends PatternSet {
  readonly id: number
  readonly key: string
}

interface StatementEffect {
  /** Position in the document, to order grants. */
  readonly index: number
  readonly label: string
  readonly conditional: boolean
  readonly term: Term
  /** Policy variables in the statement's resources (`${aws:PrincipalTag/AgentId}`): the grant depends on them. */
  readonly variables?: readonly string[]
}

/** Per-document, per-action-set analysis: for each action (by index), the statements that Allow / Deny it. */
interface DocAnalysis {
  /** Unique within the cache (never reused, even after eviction): combinations are keyed by these ids. */
  readonly id: number
  readonly allow: readonly StatementEffect[][]
  /** Unconditional Denies only: a conditional Deny removes nothing we can prove. */
  readonly deny: readonly StatementEffect[][]
  /** Partitions literally named by the ARNs of the statements above. */
  readonly partitions: readonly string[]
}

type PolicyRef =
  | { kind: 'identity'; i: number }
  | { kind: 'boundary' }
  | { kind: 'scp'; level: number; i: number }
  | { kind: 'scp-level'; level: number }

/** The answer for one combination of documents, with policies referred to by position. */
interface CombinationResult {
  readonly actions: readonly number[]
  /** Per surviving action (same order as `actions`): the resource types through which it survives. */
  readonly types: ReadonlyArray<readonly string[]>
  readonly grants: ReadonlyArray<{
    policy: number
    index: number
    label: string
    conditional: boolean
    actions: number[]
    variables?: readonly string[]
  }>
  /** Allowed actions that do not count: only inference profiles granted, or a required action missing. */
  readonly notes: ReadonlyArray<{ action: number; kind: 'routing-only' | 'requires'; types?: readonly string[]; requires?: number }>
  readonly removed: ReadonlyArray<{
    action: number
    by: 'deny' | 'boundary' | 'scp'
    ref: PolicyRef
    statement?: string
  }>
}

/** The memo tables of one action set. */
interface ActionSetMemo {
  /** In front of `documents`: the same document object recurs for every principal attaching it. */
  readonly byObject: WeakMap<PolicyDocument, DocAnalysis>
  readonly documents: FifoCache<string, DocAnalysis>
  readonly combinations: FifoCache<string, CombinationResult>
  /** Rendered results by combination and the names they mention: principals with the same policies share one. */
  readonly rendered: FifoCache<string, BedrockCapability>
  /** Rendered results that mention no policy (nothing granted, nothing removed), by combination. */
  readonly bare: WeakMap<CombinationResult, BedrockCapability>
  /**
   * The action universes per partition (undefined: any partition): asked for by every document analysis and
   * every combination, and rebuilding them looked up ~50 concatenated term keys each time (4 % of the CPU of
   * a 100k-principal scan). Holding the terms here is safe: term ids are never reused.
   */
  readonly universes: Map<string | undefined, ActionUniverse[]>
}

export interface PolicyEvalCacheStats {
  /** Documents analysed from scratch (a miss of the per-document cache). */
  documentAnalyses: number
  documentHits: number
  combinationMisses: number
  combinationHits: number
  /** Resource-set questions answered by searching (misses) and from memory (hits). */
  queryEvaluations: number
  queryHits: number
  /** Searches that ran out of budget and were answered "capable" to stay on the safe side. */
  budgetExceeded: number
}

export interface PolicyEvalCacheLimits {
  maxDocuments?: number
  maxCombinations?: number
  maxQueries?: number
  maxTerms?: number
}

/**
 * Memo tables shared across principals. Pass one instance to every `evaluateBedrockCapability` call of a scan;
 * without it each call starts from scratch. Results never depend on the cache's contents.
 */
export class PolicyEvalCache {
  readonly stats: PolicyEvalCacheStats = {
    documentAnalyses: 0,
    documentHits: 0,
    combinationMisses: 0,
    combinationHits: 0,
    queryEvaluations: 0,
    queryHits: 0,
    budgetExceeded: 0,
  }
  /**
   * @internal Per action set: documents by hash and combinations by analysis ids. Nesting by action set
   * keeps the per-principal keys short (a few small ids instead of every hash plus the action list), which
   * is most of the cost of a cache hit at a million principals.
   */
  readonly actionSets = new Map<string, ActionSetMemo>()
  /** @internal */ readonly queries: FifoCache<string, boolean>
  /** @internal Questions of two one-term clauses, by their packed term ids (see `holds`). */
  readonly pairs: FifoCache<number, boolean>
  /** @internal */ readonly terms: FifoCache<string, Term>
  /** @internal */ nextTermId = 0
  /** @internal */ nextAnalysisId = 0
  private readonly limits: PolicyEvalCacheLimits

  constructor(limits: PolicyEvalCacheLimits = {}) {
    this.limits = limits
    this.queries = new FifoCache(limits.maxQueries ?? 200_000)
    this.pairs = new FifoCache(limits.maxQueries ?? 200_000)
    this.terms = new FifoCache(limits.maxTerms ?? 200_000)
  }

  /** @internal */
  memoFor(setKey: string): ActionSetMemo {
    let memo = this.actionSets.get(setKey)
    if (!memo) {
      memo = {
        byObject: new WeakMap(),
        documents: new FifoCache(this.limits.maxDocuments ?? 100_000),
        combinations: new FifoCache(this.limits.maxCombinations ?? 100_000),
        rendered: new FifoCache(this.limits.maxCombinations ?? 100_000),
        bare: new WeakMap(),
        universes: new Map(),
      }
      this.actionSets.set(setKey, memo)
    }
    return memo
  }

  clear(): void {
    this.actionSets.clear()
    this.queries.clear()
    this.pairs.clear()
    this.terms.clear()
    for (const k of Object.keys(this.stats) as Array<keyof PolicyEvalCacheStats>) this.stats[k] = 0
  }
}

// ---------------------------------------------------------------------------------------------------------
// Terms and questions
// ---------------------------------------------------------------------------------------------------------

/** Interned pattern set. Ids are never reused, so an evicted and re-created term cannot alias another. */
function internTerm(cache: PolicyEvalCache, negated: boolean, patterns: readonly string[]): Term {
  const sorted = [...new Set(patterns)].sort()
  const key = `${negated ? '!' : '='}${sorted.join('\u0000')}`
  const hit = cache.terms.get(key)
  if (hit) return hit
  const term: Term = { id: cache.nextTermId++, key, negated, globs: sorted.map((p) => compileResourcePattern(p)) }
  cache.terms.set(key, term)
  return term
}

function complementOf(cache: PolicyEvalCache, term: Term): Term {
  return internTerm(cache, !term.negated, term.globs.map((g) => g.source))
}

/**
 * Resource types that count only together with a grant on the foundation models they route to. The Bedrock user
 * guide, "Prerequisites for inference profiles" (marked Important): "When you specify an inference profile in the
 * Resource field in the first statement, you must also specify the foundation model in each Region associated
 * with it." (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html). The page's
 * policy names both prefixes, system-defined `inference-profile/` and `application-inference-profile/`.
 */
const ROUTING_TYPES = new Set(['inference-profile', 'application-inference-profile'])

/**
 * Actions that run only together with another one. Bedrock user guide, "Permissions for reranking": "To use
 * Rerank directly with a list of sources, the user role needs permissions to both the bedrock:Rerank and
 * bedrock:InvokeModel actions" (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-prereq.html);
 * "Retrieving information from data sources": "The RetrieveAndGenerate operation is a combined action that
 * underlyingly uses GenerateQuery …, Retrieve and InvokeModel"
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/kb-how-retrieval.html).
 */
const REQUIRES: Readonly<Record<string, string>> = {
  'bedrock:rerank': 'bedrock:InvokeModel',
  'bedrock:retrieveandgenerate': 'bedrock:InvokeModel',
}

/** How one action of the set is judged: its SAR resource types, or today's service universe when unknown. */
interface ActionModel {
  readonly action: string
  readonly service: string
  /** false: the SAR table does not list the action (judged against any resource of its service). */
  readonly known: boolean
  /** Names of the resource types (`*` for an action without any, `<service>` for an unknown action). */
  readonly types: readonly string[]
  /** Per type: the ARN format, undefined for `*` and for the unknown-action universe. */
  readonly formats: ReadonlyArray<string | undefined>
  /** Index (into the evaluated set) of the action this one needs too, if any. */
  readonly requires?: number
  /** Added to the evaluated set only because another action requires it. */
  readonly hidden: boolean
}

function actionModel(action: string, hidden: boolean): Omit<ActionModel, 'requires'> {
  const service = serviceOfAction(action)
  const known = actionResources(action)
  if (!known) return { action, service, known: false, types: [service], formats: [undefined], hidden }
  // Optional-only types: the request may carry none of them, and is then evaluated against "*".
  const required = known.types.filter((t) => t.required)
  const types = required.length > 0 ? required : known.types
  const wildcard = required.length === 0
  return {
    action,
    service,
    known: true,
    types: [...types.map((t) => t.name), ...(wildcard ? ['*'] : [])],
    formats: [...types.map((t) => t.format), ...(wildcard ? [undefined] : [])],
    hidden,
  }
}

/** The universes of one action in one partition: per type, all types, and the types that count on their own. */
interface ActionUniverse {
  readonly byType: readonly Term[]
  readonly all: Term
  readonly sufficient: Term
}

function universeTerm(cache: PolicyEvalCache, key: string, globs: () => Glob[]): Term {
  const hit = cache.terms.get(key)
  if (hit) return hit
  const term: Term = { id: cache.nextTermId++, key, negated: false, globs: globs() }
  cache.terms.set(key, term)
  return term
}

function typeGlob(model: ActionModel, t: number, partition: string | undefined): Glob {
  const format = model.formats[t]
  if (format !== undefined) return arnFormatUniverse(format, partition)
  return model.known ? wildcardResourceUniverse() : arnServiceUniverse(model.service, partition)
}

function actionUniverse(cache: PolicyEvalCache, model: ActionModel, partition: string | undefined): ActionUniverse {
  const base = `U${partition ?? '*'}\u0000${model.action.toLowerCase()}`
  const byType = model.types.map((name, t) => universeTerm(cache, `${base}\u0000${name}`, () => [typeGlob(model, t, partition)]))
  const all = byType.length === 1 ? (byType[0] as Term) : universeTerm(cache, base, () => byType.flatMap((u) => u.globs))
  const routing = model.types.some((n) => ROUTING_TYPES.has(n))
  const sufficient = routing
    ? universeTerm(cache, `${base}\u0000sufficient`, () => byType.filter((_u, t) => !ROUTING_TYPES.has(model.types[t] as string)).flatMap((u) => u.globs))
    : all
  return { byType, all, sufficient }
}

function actionUniverses(
  cache: PolicyEvalCache,
  memo: ActionSetMemo,
  models: readonly ActionModel[],
  partition: string | undefined,
): ActionUniverse[] {
  let universes = memo.universes.get(partition)
  if (!universes) memo.universes.set(partition, (universes = models.map((m) => actionUniverse(cache, m, partition))))
  return universes
}

/** Term ids below this pack two to a number (`lo * PAIR_RADIX + hi` < 2^53): pair questions key without a string. */
const PAIR_RADIX = 2 ** 26

/** A clause's part of a query key: its term ids, sorted. A one-term clause (the usual case) needs no array. */
function clauseKey(clause: readonly Term[]): string {
  if (clause.length === 1) return String((clause[0] as Term).id)
  return clause
    .map((t) => t.id)
    .sort((a, b) => a - b)
    .join(',')
}

/**
 * Is there an ARN in every clause (a clause = union of terms)? Memoised by term ids. A search that runs out of
 * budget answers `true`: every caller asks "does something survive?", and "yes" is the safe answer.
 */
function holds(cache: PolicyEvalCache, clauses: ReadonlyArray<readonly Term[]>): boolean {
  const a = clauses.length === 2 && clauses[0]?.length === 1 ? clauses[0][0] : undefined
  const b = a !== undefined && clauses[1]?.length === 1 ? clauses[1][0] : undefined
  if (a !== undefined && b !== undefined) return holdsBoth(cache, a, b)
  const parts = clauses.map(clauseKey)
  parts.sort()
  return answer(cache, cache.queries, parts.join(';'), () => clauses)
}

/**
 * `holds` for `[[a], [b]]` (a grant against a universe: most questions), keyed by a number instead of a
 * joined string and without building the clauses unless the answer is not known yet: this spared ~100k
 * strings and ~300k arrays at 100k principals.
 */
function holdsBoth(cache: PolicyEvalCache, a: Term, b: Term): boolean {
  if (a.id >= PAIR_RADIX || b.id >= PAIR_RADIX) return answer(cache, cache.queries, [clauseKey([a]), clauseKey([b])].sort().join(';'), () => [[a], [b]])
  const pairKey = a.id < b.id ? a.id * PAIR_RADIX + b.id : b.id * PAIR_RADIX + a.id
  return answer(cache, cache.pairs, pairKey, () => [[a], [b]])
}

/**
 * The questions "is there an ARN in `a`, in `b` and in every restriction?" of one action of one combination
 * (the restrictions: boundary, SCP levels, complements of Denies). The restrictions' part of the key is built
 * once instead of per question (their sorting was 6 % of the allocations of a 100k scan). Keys take the form
 * `lo:hi|restrictions`, which no `holds` key has (those use only digits, `,` and `;`).
 */
class RestrictedQuestions {
  private readonly suffix: string | undefined
  constructor(
    private readonly cache: PolicyEvalCache,
    private readonly restrictions: ReadonlyArray<readonly Term[]>,
  ) {
    if (restrictions.length > 0) {
      const parts = restrictions.map(clauseKey)
      parts.sort()
      this.suffix = parts.join(';')
    }
  }
  holds(a: Term, b: Term): boolean {
    if (this.suffix === undefined) return holdsBoth(this.cache, a, b)
    const key = a.id < b.id ? `${a.id}:${b.id}|${this.suffix}` : `${b.id}:${a.id}|${this.suffix}`
    return answer(this.cache, this.cache.queries, key, () => [[a], [b], ...this.restrictions])
  }
}

function answer<K>(cache: PolicyEvalCache, memo: FifoCache<K, boolean>, key: K, clauses: () => ReadonlyArray<readonly Term[]>): boolean {
  const hit = memo.get(key)
  if (hit !== undefined) {
    cache.stats.queryHits++
    return hit
  }
  cache.stats.queryEvaluations++
  let result = satisfiable(clauses())
  if (result === undefined) {
    cache.stats.budgetExceeded++
    result = true
  }
  memo.set(key, result)
  return result
}

// ---------------------------------------------------------------------------------------------------------
// Per-document analysis
// ---------------------------------------------------------------------------------------------------------

const POLICY_VARIABLE = /\$\{[^}]*\}/g
/** Stands for the unknown value of a policy variable when we must not widen it: equal only to itself. */
const OPAQUE_VALUE = '\uE001'

/**
 * Replace policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`…) by `*` when a larger set
 * errs on the capable side and by an opaque literal when a smaller set does.
 */
function resolveVariables(pattern: string, widen: boolean): string {
  return pattern.includes('${') ? pattern.replace(POLICY_VARIABLE, widen ? '*' : OPAQUE_VALUE) : pattern
}

function hasCondition(st: Statement): boolean {
  return st.condition !== undefined && Object.keys(st.condition).length > 0
}

function statementLabel(st: Statement): string {
  return st.sid ? `Statement[${st.index}] (${st.sid})` : `Statement[${st.index}]`
}

/**
 * The resource set of a statement, or undefined when it applies to no resource. Allow-side sets may be
 * over-approximated and Deny-side sets under-approximated, never the other way round.
 */
function resourceTerm(cache: PolicyEvalCache, st: Statement): Term | undefined {
  const allow = st.effect === 'Allow'
  const { resource, notResource } = st
  if (resource !== undefined && notResource !== undefined) {
    // Invalid in IAM. The Resource list alone is the larger grant; a Deny we cannot read denies nothing.
    return allow ? internTerm(cache, false, resource.map((p) => resolveVariables(p, true))) : undefined
  }
  if (resource !== undefined) return internTerm(cache, false, resource.map((p) => resolveVariables(p, allow)))
  if (notResource !== undefined) {
    return internTerm(cache, true, notResource.map((p) => resolveVariables(p, !allow)))
  }
  return undefined
}

const PARTITION_OF = /^arn:([^:*?$]+):/

function actionSetKey(actions: readonly string[]): string {
  return actions.join('\n')
}

function policyVariables(st: Statement): string[] | undefined {
  const found = new Set<string>()
  for (const p of st.resource ?? st.notResource ?? []) for (const m of p.matchAll(POLICY_VARIABLE)) found.add(m[0])
  return found.size > 0 ? [...found] : undefined
}

function analyseDocument(
  cache: PolicyEvalCache,
  memo: ActionSetMemo,
  doc: PolicyDocument,
  actions: readonly string[],
  models: readonly ActionModel[],
): DocAnalysis {
  const cacheKey = doc.hash ? doc.hash : undefined
  if (cacheKey !== undefined) {
    let hit = memo.byObject.get(doc)
    if (!hit) {
      hit = memo.documents.get(cacheKey)
      if (hit) memo.byObject.set(doc, hit)
    }
    if (hit) {
      cache.stats.documentHits++
      return hit
    }
  }
  cache.stats.documentAnalyses++
  const allow: StatementEffect[][] = actions.map(() => [])
  const deny: StatementEffect[][] = actions.map(() => [])
  const partitions = new Set<string>()
  let anyPartition: ActionUniverse[] | undefined
  for (const st of doc.statements) {
    const conditional = hasCondition(st)
    if (st.effect === 'Deny' && conditional) continue
    const indices = statementActionIndices(st, actions)
    if (indices.length === 0) continue
    const term = resourceTerm(cache, st)
    if (!term) continue
    const variables = st.effect === 'Allow' ? policyVariables(st) : undefined
    const effect: StatementEffect = { index: st.index, label: statementLabel(st), conditional, term, ...(variables ? { variables } : {}) }
    let relevant = false
    for (const ai of indices) {
      // Skip statements that reach none of the action's resources in any partition (e.g. Resource arn:aws:s3:::x).
      anyPartition ??= actionUniverses(cache, memo, models, undefined)
      const universe = (anyPartition[ai] as ActionUniverse).all
      if (!holdsBoth(cache, universe, term)) continue
      ;(st.effect === 'Allow' ? allow : deny)[ai]?.push(effect)
      relevant = true
    }
    if (relevant) {
      for (const p of st.resource ?? st.notResource ?? []) {
        const m = PARTITION_OF.exec(p)
        if (m?.[1]) partitions.add(m[1].toLowerCase()) // ARN fields compare in lower case
      }
    }
  }
  const analysis: DocAnalysis = { id: cache.nextAnalysisId++, allow, deny, partitions: [...partitions] }
  if (cacheKey !== undefined) {
    memo.documents.set(cacheKey, analysis)
    memo.byObject.set(doc, analysis)
  }
  return analysis
}

// ---------------------------------------------------------------------------------------------------------
// Combination
// ---------------------------------------------------------------------------------------------------------

interface Analysed {
  identity: DocAnalysis[]
  boundary?: DocAnalysis
  scps?: DocAnalysis[][]
}

function inferPartition(all: readonly DocAnalysis[]): string | undefined {
  const seen = new Set<string>()
  for (const a of all) for (const p of a.partitions) seen.add(p)
  return seen.size === 1 ? [...seen][0] : undefined
}

interface DenyRef {
  by: 'deny' | 'boundary' | 'scp'
  ref: PolicyRef
  effect: StatementEffect
}

function uniqueTerms(terms: readonly Term[]): Term[] {
  return [...new Set(terms)]
}

function combine(
  cache: PolicyEvalCache,
  memo: ActionSetMemo,
  docs: Analysed,
  actions: readonly string[],
  models: readonly ActionModel[],
  explicitPartition: string | undefined,
): CombinationResult {
  const everyDoc = [...docs.identity, ...(docs.boundary ? [docs.boundary] : []), ...(docs.scps ?? []).flat()]
  const partition = explicitPartition?.toLowerCase() ?? inferPartition(everyDoc)
  const universes = actionUniverses(cache, memo, models, partition)

  const surviving: number[] = []
  const typesOf = new Map<number, string[]>()
  const grantsOf = new Map<number, Array<{ policy: number; effect: StatementEffect }>>()
  const removed: Array<CombinationResult['removed'][number]> = []
  const notes: Array<CombinationResult['notes'][number]> = []

  actions.forEach((_, ai) => {
    const u = universes[ai] as ActionUniverse
    const model = models[ai] as ActionModel
    const universe = u.all
    const candidates: Array<{ policy: number; effect: StatementEffect }> = []
    docs.identity.forEach((a, policy) => {
      for (const effect of a.allow[ai] ?? []) {
        if (holdsBoth(cache, universe, effect.term)) candidates.push({ policy, effect })
      }
    })
    if (candidates.length === 0) return

    const denies: DenyRef[] = []
    docs.identity.forEach((a, i) => {
      for (const effect of a.deny[ai] ?? []) denies.push({ by: 'deny', ref: { kind: 'identity', i }, effect })
    })
    for (const effect of docs.boundary?.deny[ai] ?? []) {
      denies.push({ by: 'boundary', ref: { kind: 'boundary' }, effect })
    }
    docs.scps?.forEach((level, l) =>
      level.forEach((a, i) => {
        for (const effect of a.deny[ai] ?? []) denies.push({ by: 'scp', ref: { kind: 'scp', level: l, i }, effect })
      }),
    )

    const boundaryClause = docs.boundary ? uniqueTerms((docs.boundary.allow[ai] ?? []).map((e) => e.term)) : undefined
    const scpClauses = (docs.scps ?? []).map((level) =>
      uniqueTerms(level.flatMap((a) => (a.allow[ai] ?? []).map((e) => e.term))),
    )
    const denyClauses = uniqueTerms(denies.map((d) => d.effect.term)).map((t) => [complementOf(cache, t)])
    const restrictions: Term[][] = [...(boundaryClause ? [boundaryClause] : []), ...scpClauses, ...denyClauses]

    const restricted = new RestrictedQuestions(cache, restrictions)
    const survivors = candidates.filter((c) => restricted.holds(universe, c.effect.term))
    if (survivors.length > 0) {
      // Per resource type, for the evidence (and the inference-profile exception below).
      const types = model.types.filter((_n, t) =>
        survivors.some((c) => restricted.holds(u.byType[t] as Term, c.effect.term)),
      )
      if (u.sufficient !== u.all && !types.some((n) => !ROUTING_TYPES.has(n))) {
        notes.push({ action: ai, kind: 'routing-only', types })
        return
      }
      surviving.push(ai)
      // `all` keeps the evidence of broad grants short (InvokeModel alone has a dozen types).
      typesOf.set(ai, types.length > 1 && types.length === model.types.length ? ['all'] : types)
      grantsOf.set(ai, survivors)
      return
    }

    // Nothing survives: name what took it away. First every restriction that alone removes the action…
    const removesAlone = (extra: Term[][]): boolean =>
      candidates.every((c) => !holds(cache, [[universe], [c.effect.term], ...extra]))
    const reasons: Array<CombinationResult['removed'][number]> = []
    const pushLevel = (l: number): void => {
      const level = docs.scps?.[l] ?? []
      if (level.length === 0) reasons.push({ action: ai, by: 'scp', ref: { kind: 'scp-level', level: l } })
      level.forEach((_a, i) => reasons.push({ action: ai, by: 'scp', ref: { kind: 'scp', level: l, i } }))
    }
    for (const d of denies) {
      if (removesAlone([[complementOf(cache, d.effect.term)]])) {
        reasons.push({ action: ai, by: d.by, ref: d.ref, statement: d.effect.label })
      }
    }
    if (boundaryClause && removesAlone([boundaryClause])) {
      reasons.push({ action: ai, by: 'boundary', ref: { kind: 'boundary' } })
    }
    scpClauses.forEach((clause, l) => {
      if (removesAlone([clause])) pushLevel(l)
    })
    // …otherwise they only remove it together: name every one that takes something away.
    if (reasons.length === 0) {
      const takesSome = (extra: Term[][]): boolean =>
        candidates.some((c) => holds(cache, [[universe], [c.effect.term], ...extra]))
      for (const d of denies) {
        if (takesSome([[d.effect.term]])) reasons.push({ action: ai, by: d.by, ref: d.ref, statement: d.effect.label })
      }
      if (boundaryClause && takesSome(boundaryClause.map((t) => [complementOf(cache, t)]))) {
        reasons.push({ action: ai, by: 'boundary', ref: { kind: 'boundary' } })
      }
      scpClauses.forEach((clause, l) => {
        if (takesSome(clause.map((t) => [complementOf(cache, t)]))) pushLevel(l)
      })
    }
    removed.push(...reasons)
  })

  // An action that needs another one counts only when that one survives too.
  const counted = surviving.filter((ai) => {
    const req = models[ai]?.requires
    if (req === undefined || surviving.includes(req)) return true
    notes.push({ action: ai, kind: 'requires', requires: req })
    return false
  })
  const visible = counted.filter((ai) => !models[ai]?.hidden)
  const grantMap = new Map<string, CombinationResult['grants'][number]>()
  for (const ai of visible) {
    for (const s of grantsOf.get(ai) ?? []) {
      const key = `${s.policy}\u0000${s.effect.index}`
      let grant = grantMap.get(key)
      if (!grant) {
        const { index, label, conditional, variables } = s.effect
        grant = { policy: s.policy, index, label, conditional, actions: [], ...(variables ? { variables } : {}) }
        grantMap.set(key, grant)
      }
      grant.actions.push(ai)
    }
  }
  const grants = [...grantMap.values()].sort((a, b) => a.policy - b.policy || a.index - b.index)
  return {
    actions: visible,
    types: visible.map((ai) => typesOf.get(ai) ?? []),
    grants,
    removed: removed.filter((r) => !models[r.action]?.hidden),
    notes: notes.filter((n) => !models[n.action]?.hidden).sort((a, b) => a.action - b.action),
  }
}

function refName(ref: PolicyRef, input: CapabilityInput): string {
  switch (ref.kind) {
    case 'identity': {
      const p = input.identity[ref.i]
      return p ? describePolicySource(p.source) : `identity[${ref.i}]`
    }
    case 'boundary':
      return input.boundary ? describePolicySource(input.boundary.source) : 'boundary'
    case 'scp': {
      const p = input.scps?.[ref.level]?.[ref.i]
      return p ? describePolicySource(p.source) : `scp[${ref.level}][${ref.i}]`
    }
    case 'scp-level':
      return `scp:(no policy attached at level ${ref.level})`
  }
}

function noteText(n: CombinationResult['notes'][number], actions: readonly string[]): string {
  const action = actions[n.action] as string
  if (n.kind === 'routing-only') {
    return `${action} is allowed only on ${(n.types ?? []).join(', ')}: AWS also requires the foundation models an inference profile routes to (bedrock/latest/userguide/inference-profiles-prereq.html), so it does not count`
  }
  const needed = actions[n.requires ?? -1] ?? '?'
  return `${action} is allowed but also needs ${needed}, which is not allowed, so it does not count`
}

function render(result: CombinationResult, input: CapabilityInput, actions: readonly string[]): BedrockCapability {
  const grants: CapabilityGrant[] = result.grants.map((g) => ({
    policy: refName({ kind: 'identity', i: g.policy }, input),
    statement: g.label,
    actions: g.actions.map((i) => actions[i] as string),
    conditional: g.conditional,
    ...(g.variables ? { policyVariables: [...g.variables] } : {}),
  }))
  const resourceTypes: Record<string, string[]> = {}
  result.actions.forEach((ai, k) => {
    resourceTypes[actions[ai] as string] = [...(result.types[k] ?? [])]
  })
  const out: BedrockCapability = {
    capable: result.actions.length > 0,
    actions: result.actions.map((i) => actions[i] as string),
    resourceTypes,
    grants,
    removed: result.removed.map((r) => ({
      action: actions[r.action] as string,
      by: r.by,
      policy: refName(r.ref, input),
      ...(r.statement !== undefined ? { statement: r.statement } : {}),
    })),
  }
  if (result.notes.length > 0) out.notes = result.notes.map((n) => noteText(n, actions))
  return out
}

/** The policy names a rendering mentions: with the combination, everything `render` depends on. */
function renderedNames(result: CombinationResult, input: CapabilityInput): string {
  let key = ''
  for (const g of result.grants) key += `${refName({ kind: 'identity', i: g.policy }, input)}\u0000`
  key += '\u0001'
  for (const r of result.removed) key += `${refName(r.ref, input)}\u0000`
  return key
}

interface ActionSetModel {
  key: string
  /** The configured actions followed by the actions they require that the set lacks (hidden). */
  actions: string[]
  models: ActionModel[]
}

const setKeys = new WeakMap<readonly string[], ActionSetModel>()

function describeActionSet(configured: readonly string[]): ActionSetModel {
  let hit = setKeys.get(configured)
  if (hit) return hit
  const actions = [...configured]
  const lower = actions.map((a) => a.toLowerCase())
  for (const a of configured) {
    const req = REQUIRES[a.toLowerCase()]
    if (req && !lower.includes(req.toLowerCase())) {
      actions.push(req)
      lower.push(req.toLowerCase())
    }
  }
  const models: ActionModel[] = actions.map((a, i) => {
    const base = actionModel(a, i >= configured.length)
    const req = REQUIRES[a.toLowerCase()]
    const requires = req === undefined ? -1 : lower.indexOf(req.toLowerCase())
    return requires >= 0 ? { ...base, requires } : base
  })
  hit = { key: actionSetKey(actions), actions, models }
  setKeys.set(configured, hit)
  return hit
}

/** Configured inference actions the SAR table does not know: judged against any resource of their service. */
export function unresolvedInferenceActions(actions: readonly string[]): string[] {
  return describeActionSet(actions).models.filter((m) => !m.known && !m.hidden).map((m) => m.action)
}

/**
 * Decide whether the principal described by `input` may run at least one of `actions` on some resource of
 * the action's service. Pure: the cache only saves work. With a cache, principals whose policies and policy
 * names are the same get the same result object: treat it as read-only.
 */
export function evaluateBedrockCapability(
  input: CapabilityInput,
  actions: readonly string[] = DEFAULT_INFERENCE_ACTIONS,
  cache: PolicyEvalCache = new PolicyEvalCache(),
): BedrockCapability {
  const { key: setKey, actions: evaluated, models } = describeActionSet(actions)
  const memo = cache.memoFor(setKey)
  const analyse = (p: AttachedPolicy): DocAnalysis => analyseDocument(cache, memo, p.document, evaluated, models)
  const docs: Analysed = { identity: input.identity.map(analyse) }
  if (input.boundary) docs.boundary = analyse(input.boundary)
  if (input.scps) docs.scps = input.scps.map((level) => level.map(analyse))

  // Analyses are memoised by document hash, so equal analysis ids mean equal documents; a document
  // without a hash gets a fresh analysis (and id) each time, which must not be memoised.
  const everyHashKnown =
    input.identity.every((p) => p.document.hash) &&
    (!input.boundary || input.boundary.document.hash) &&
    (input.scps ?? []).every((level) => level.every((p) => p.document.hash))
  const ids = (as: readonly DocAnalysis[]): string => as.map((a) => a.id).join(',')
  const comboKey = everyHashKnown
    ? `${input.partition ?? ''}\u0002${ids(docs.identity)}\u0002${docs.boundary ? docs.boundary.id : '-'}\u0002${docs.scps ? docs.scps.map(ids).join('/') : '-'}`
    : undefined

  let result = comboKey !== undefined ? memo.combinations.get(comboKey) : undefined
  if (result) {
    cache.stats.combinationHits++
  } else {
    cache.stats.combinationMisses++
    result = combine(cache, memo, docs, evaluated, models, input.partition)
    if (comboKey !== undefined) memo.combinations.set(comboKey, result)
  }
  if (comboKey === undefined) return render(result, input, evaluated)
  // Most principals attach the same few policies: one shared rendering each keeps a million facts small.
  // Without grants or removals the rendering names no policy, so the combination alone decides it.
  if (result.grants.length === 0 && result.removed.length === 0) {
    let bare = memo.bare.get(result)
    if (!bare) memo.bare.set(result, (bare = render(result, input, evaluated)))
    return bare
  }
  const renderKey = `${comboKey}\u0003${renderedNames(result, input)}`
  let rendered = memo.rendered.get(renderKey)
  if (!rendered) {
    rendered = render(result, input, evaluated)
    memo.rendered.set(renderKey, rendered)
  }
  return rendered
}
