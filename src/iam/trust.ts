/**
 * Trust-policy analysis: who can assume a role (workload, human federation, an LLM gateway, or other
 * IAM principals), and what each trust statement allows (session tags, source identity) and requires
 * (tag keys, source identity, session-name constraints). Pure: the caller supplies gateway resolution.
 */
import { globMatch as matchGlob } from './glob.js'
import type { ConditionBlock, PolicyDocument, PrincipalBlock, Statement } from '../model/policy.js'
import { isAccountId, isAccountRoot, isIdentityCenterRole, parseArn, principalAccount } from './arn.js'

export type TrustPathKind = 'workload' | 'federation' | 'iam-principal' | 'gateway'

export interface TrustConfig {
  /** Glob patterns (`*`, `?`; case-insensitive) over the issuer part of an OIDC provider ARN. */
  workloadOidcIssuers: string[]
  /** Resolves an AWS principal (role ARN, narrowed account root, unique ID…) to a known gateway. */
  isGateway: (ref: PrincipalRef) => GatewayMatch | undefined
  requiredTagKeys: string[]
}

export interface PrincipalRef {
  raw: string
  kind: 'role-arn' | 'user-arn' | 'account-root' | 'unique-id' | 'assumed-role-arn' | 'wildcard' | 'other'
  accountId?: string
  arn?: string
  /** `aws:PrincipalArn` patterns of the statement, set for account roots and `*` only. */
  narrowedBy?: string[]
}

export interface GatewayMatch {
  arn: string
  reason: string
}

/**
 * One trust path opened by one Allow statement. A statement naming principals of several kinds
 * (e.g. two service principals, or a gateway role next to another account) yields one analysis per
 * path/provider/gateway, all with the statement's `index`.
 */
export interface TrustStatementAnalysis {
  index: number
  sid?: string
  path: TrustPathKind
  /** Principal values as written in the policy. */
  principals: string[]
  /** SAML/OIDC provider ARN (or issuer when only condition keys reveal it), or the service principal. */
  provider?: string
  /** Set on federation entries: true when the role is an IAM Identity Center permission-set role. */
  identityCenter?: boolean
  gateway?: GatewayMatch
  /** Assume actions the statement allows, after unconditional Deny statements covering these principals. */
  assumeActions: string[]
  allowsTagSession: boolean
  allowsSetSourceIdentity: boolean
  /** Configured tag keys whose absence fails this statement's conditions (reported as configured). */
  requiredTagKeys: string[]
  requiresSourceIdentity: boolean
  /** Some non-IfExists, non-Null condition constrains `sts:RoleSessionName`. */
  constrainsSessionName: boolean
  notes: string[]
}

export interface GatewayTrust {
  gateway: GatewayMatch
  /** Some statement admitting the gateway allows `sts:TagSession` (after Deny). */
  allowsTagSession: boolean
  allowsSetSourceIdentity: boolean
  /** Every statement letting the gateway call `sts:AssumeRole` requires `sts:SourceIdentity`; false when none does. */
  requiresSourceIdentityOnEveryAssume: boolean
  /** Configured tag keys required by every statement letting the gateway call `sts:AssumeRole`. */
  requiredTagKeysOnEveryAssume: string[]
  /** Statements naming the gateway. */
  statements: number[]
  /**
   * iam-principal statements that admit the gateway without naming it (`*`, or the root of the
   * gateway's account, unnarrowed or narrowed by a matching `aws:PrincipalArn` pattern). They count
   * in every aggregate above because the gateway can assume through them too.
   */
  alsoAdmittedBy: number[]
}

export interface FederationTrust {
  /** Every federation provider that can assume the role may also pass session tags. */
  allowsTagSession: boolean
  /** Every federation statement that can assume the role constrains `sts:RoleSessionName`. */
  constrainsSessionName: boolean
  /** Every federation statement that can assume the role requires `sts:SourceIdentity`. */
  requiresSourceIdentity: boolean
  providers: string[]
  identityCenter: boolean
}

/** A principal of an Allow statement that could not be classified (reported in `summary.notEvaluated`). */
export interface UnclassifiedPrincipal {
  index: number
  sid?: string
  principal: string
  reason: string
}

export interface TrustAnalysis {
  statements: TrustStatementAnalysis[]
  /** Principals no path could be given to: deploy-time references, federated values without any signal. */
  unclassified: UnclassifiedPrincipal[]
  /** Paths through which some principal can actually assume the role (an assume action it can use). */
  paths: TrustPathKind[]
  federation: FederationTrust
  gateways: GatewayTrust[]
}

/** The bundled defaults of `settings.workloadOidcIssuers` (rules.yaml is the source; a test keeps them equal). */
export const DEFAULT_WORKLOAD_OIDC_ISSUERS: string[] = [
  'oidc.eks.*.amazonaws.com/id/*',
  'token.actions.githubusercontent.com',
  'gitlab.com',
  'app.terraform.io',
]

const ASSUME_ROLE = 'sts:AssumeRole'
const ASSUME_SAML = 'sts:AssumeRoleWithSAML'
const ASSUME_WEB = 'sts:AssumeRoleWithWebIdentity'
const TAG_SESSION = 'sts:TagSession'
const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity'
const ASSUME_ACTIONS = [ASSUME_ROLE, ASSUME_SAML, ASSUME_WEB]
const TRUST_ACTIONS = [...ASSUME_ACTIONS, TAG_SESSION, SET_SOURCE_IDENTITY]

const SOURCE_IDENTITY_KEY = 'sts:sourceidentity'
const SESSION_NAME_KEY = 'sts:rolesessionname'
const REQUEST_TAG_PREFIX = 'aws:requesttag/'
const PATH_ORDER: TrustPathKind[] = ['workload', 'federation', 'gateway', 'iam-principal']

// ---------------------------------------------------------------------------------------------
// Globs and actions

/** IAM-style glob, case-insensitive (principal names, issuers and actions are compared without case). */
function globMatch(pattern: string, value: string): boolean {
  return matchGlob(pattern, value, { caseInsensitive: true })
}

/** Trust-relevant STS actions a statement's Action (or NotAction complement) covers. */
function statementActions(st: Statement): string[] {
  if (st.action) return TRUST_ACTIONS.filter((a) => st.action?.some((p) => globMatch(p, a)))
  if (st.notAction) return TRUST_ACTIONS.filter((a) => !st.notAction?.some((p) => globMatch(p, a)))
  return []
}

// ---------------------------------------------------------------------------------------------
// Conditions

interface ParsedCondition {
  /** Operator as written, for notes. */
  op: string
  /** Operator without set prefix and IfExists suffix, lower-cased (`stringlike`, `null`…). */
  base: string
  set?: 'foranyvalue' | 'forallvalues'
  ifExists: boolean
  key: string
  keyLower: string
  values: string[]
}

function parseConditions(block: ConditionBlock | undefined): ParsedCondition[] {
  const out: ParsedCondition[] = []
  for (const [op, keys] of Object.entries(block ?? {})) {
    let rest = op
    let set: ParsedCondition['set']
    const colon = rest.indexOf(':')
    if (colon >= 0) {
      const prefix = rest.slice(0, colon).toLowerCase()
      if (prefix === 'foranyvalue' || prefix === 'forallvalues') set = prefix
      rest = rest.slice(colon + 1)
    }
    const ifExists = /ifexists$/i.test(rest)
    const base = (ifExists ? rest.slice(0, -'IfExists'.length) : rest).toLowerCase()
    for (const [key, values] of Object.entries(keys)) {
      const pc: ParsedCondition = { op, base, ifExists, key, keyLower: key.toLowerCase(), values }
      if (set) pc.set = set
      out.push(pc)
    }
  }
  return out
}

const isNegated = (c: ParsedCondition): boolean => c.base.includes('not')
const VALUE_OPERATOR_RE = /^(string|arn|numeric|date|bool|binary|ipaddress)/

/**
 * true when a request lacking the key fails this condition. IAM: a missing key makes a condition
 * false, except for `…IfExists`, `Null`, negated operators (`StringNotEquals`, `ArnNotLike`… are
 * true on a missing key) and `ForAllValues:` (vacuously true on an empty set).
 */
function failsWhenAbsent(c: ParsedCondition): boolean {
  if (c.ifExists) return false
  if (c.base === 'null') return c.values.length > 0 && c.values.every((v) => v.toLowerCase() === 'false')
  if (c.set === 'forallvalues') return false
  if (c.set === 'foranyvalue') return true
  return VALUE_OPERATOR_RE.test(c.base) && !isNegated(c)
}

const forbidsPresence = (c: ParsedCondition): boolean =>
  c.base === 'null' && !c.ifExists && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === 'true')

/** The condition rules out an empty value for its key (when the key is present). */
function excludesEmptyValue(c: ParsedCondition): boolean {
  if (c.base === 'null' || c.set === 'forallvalues') return false
  const isLike = c.base.endsWith('like')
  const admitsEmpty = (v: string): boolean => (isLike ? /^\**$/.test(v) : v === '')
  if (isNegated(c)) return c.values.some(admitsEmpty)
  if (!VALUE_OPERATOR_RE.test(c.base)) return false
  return !c.values.some(admitsEmpty)
}

interface ConditionFacts {
  requiredTagKeys: string[]
  requiresSourceIdentity: boolean
  constrainsSessionName: boolean
  notes: string[]
  /** Keys (as written) of conditions that fail when the key is absent (for the TagSession warning). */
  failingKeys: string[]
}

function conditionFacts(conds: ParsedCondition[], requiredTagKeys: string[]): ConditionFacts {
  const notes: string[] = []
  const required: string[] = []

  const explainNotRequiring = (onKey: ParsedCondition[], label: string): void => {
    for (const c of onKey) {
      if (c.ifExists) notes.push(`condition uses IfExists: absence passes (${c.op} on ${label})`)
      else if (c.set === 'forallvalues') notes.push(`${c.op} on ${label} passes when the key is absent`)
      else if (isNegated(c)) notes.push(`${c.op} on ${label} passes when the key is absent`)
      else if (c.base === 'null' && !forbidsPresence(c)) notes.push(`Null on ${label} accepts both presence and absence`)
    }
  }

  for (const tagKey of requiredTagKeys) {
    const label = `aws:RequestTag/${tagKey}`
    const onKey = conds.filter((c) => c.keyLower === REQUEST_TAG_PREFIX + tagKey.toLowerCase())
    const viaTagKeys = conds.some(
      (c) =>
        c.keyLower === 'aws:tagkeys' &&
        c.set === 'foranyvalue' &&
        !c.ifExists &&
        !isNegated(c) &&
        /^string/.test(c.base) &&
        c.values.length > 0 &&
        c.values.every((v) => globMatch(v, tagKey)),
    )
    const requiring = onKey.filter(failsWhenAbsent)
    if (onKey.some(forbidsPresence)) notes.push(`Null "true" on ${label} forbids the tag`)
    if (requiring.length > 0 || viaTagKeys) {
      required.push(tagKey)
      if (!onKey.some(excludesEmptyValue)) {
        const starPattern = onKey.some((c) => c.base.endsWith('like') && c.values.some((v) => /^\*+$/.test(v)))
        notes.push(
          starPattern
            ? `"*" still admits an empty value for ${label}`
            : `${label} is required but an empty value is admitted`,
        )
      }
    } else {
      explainNotRequiring(onKey, label)
    }
  }

  const onSource = conds.filter((c) => c.keyLower === SOURCE_IDENTITY_KEY)
  const requiresSourceIdentity = onSource.some(failsWhenAbsent)
  if (onSource.some(forbidsPresence)) notes.push('Null "true" on sts:SourceIdentity forbids a source identity')
  if (!requiresSourceIdentity) explainNotRequiring(onSource, 'sts:SourceIdentity')

  const onName = conds.filter((c) => c.keyLower === SESSION_NAME_KEY && c.base !== 'null')
  const constrainsSessionName = onName.some((c) => !c.ifExists)
  if (!constrainsSessionName) {
    for (const c of onName) notes.push(`condition uses IfExists: absence passes (${c.op} on sts:RoleSessionName)`)
  }

  const failingKeys = [...new Set(conds.filter(failsWhenAbsent).map((c) => c.key))]
  return { requiredTagKeys: required, requiresSourceIdentity, constrainsSessionName, notes, failingKeys }
}

// ---------------------------------------------------------------------------------------------
// Principals

/** One principal as Deny matching sees it: every alias names the same identity. */
interface Identity {
  kind: 'aws' | 'service' | 'federated'
  aliases: string[]
  accountId?: string
}

type FederationKind = 'saml' | 'oidc' | 'unknown'

interface Entry {
  st: Statement
  path: TrustPathKind
  principals: string[]
  identities: Identity[]
  refs: PrincipalRef[]
  provider?: string
  federationKind?: FederationKind
  gateway?: GatewayMatch
}

const UNIQUE_ID_RE = /^A[A-Z]{3}[A-Z0-9]{12,}$/
const PRINCIPAL_ARN_OPS = new Set(['arnequals', 'arnlike', 'stringequals', 'stringlike', 'stringequalsignorecase'])

function principalArnPatterns(conds: ParsedCondition[]): string[] {
  return conds
    .filter((c) => c.keyLower === 'aws:principalarn' && PRINCIPAL_ARN_OPS.has(c.base) && c.set !== 'forallvalues')
    .flatMap((c) => c.values)
}

export function toPrincipalRef(raw: string, narrowedBy: string[]): PrincipalRef {
  const value = raw.trim()
  const withNarrowing = (ref: PrincipalRef): PrincipalRef => (narrowedBy.length > 0 ? { ...ref, narrowedBy } : ref)
  if (value === '*') return withNarrowing({ raw, kind: 'wildcard' })
  if (isAccountRoot(value)) {
    const accountId = principalAccount(value)
    return withNarrowing(accountId ? { raw, kind: 'account-root', accountId } : { raw, kind: 'account-root' })
  }
  if (UNIQUE_ID_RE.test(value)) return { raw, kind: 'unique-id' }
  const arn = parseArn(value)
  if (!arn) return { raw, kind: 'other' }
  const kind: PrincipalRef['kind'] =
    arn.service === 'iam' && arn.resourceType === 'role'
      ? 'role-arn'
      : arn.service === 'iam' && arn.resourceType === 'user'
        ? 'user-arn'
        : arn.service === 'sts' && arn.resourceType === 'assumed-role'
          ? 'assumed-role-arn'
          : 'other'
  const ref: PrincipalRef = { raw, kind, arn: value }
  if (isAccountId(arn.accountId)) ref.accountId = arn.accountId
  return ref
}

function issuerOf(value: string): string {
  return value.replace(/^https?:\/\//i, '').replace(/\/+$/, '')
}

function isWorkloadIssuer(issuer: string, cfg: TrustConfig): boolean {
  return cfg.workloadOidcIssuers.some((p) => globMatch(issuerOf(p), issuerOf(issuer)))
}

/** Global/service condition namespaces that are not OIDC issuers. */
const NON_ISSUER_NAMESPACES = new Set(['aws', 'sts', 'saml', 'iam', 'ec2', 's3', 'kms', 'organizations'])

/** OIDC issuers revealed by condition keys such as `token.actions.githubusercontent.com:sub`. */
function issuersFromConditions(conds: ParsedCondition[]): string[] {
  const out: string[] = []
  for (const c of conds) {
    const colon = c.key.lastIndexOf(':')
    if (colon <= 0) continue
    const ns = c.key.slice(0, colon)
    if (NON_ISSUER_NAMESPACES.has(ns.toLowerCase()) || !ns.includes('.')) continue
    if (!out.includes(ns)) out.push(ns)
  }
  return out
}

interface FederatedClass {
  path: 'workload' | 'federation'
  provider: string
  kind: FederationKind
}

function classifyFederated(value: string, st: Statement, conds: ParsedCondition[], cfg: TrustConfig): FederatedClass {
  const arn = parseArn(value)
  if (arn?.service === 'iam' && arn.resourceType === 'saml-provider') {
    return { path: 'federation', provider: value, kind: 'saml' }
  }
  const conditionIssuers = issuersFromConditions(conds)
  const workloadFromConditions = conditionIssuers.find((i) => isWorkloadIssuer(i, cfg))
  if (arn?.service === 'iam' && arn.resourceType === 'oidc-provider') {
    const workload = isWorkloadIssuer(arn.resourceName, cfg) || workloadFromConditions !== undefined
    return { path: workload ? 'workload' : 'federation', provider: value, kind: 'oidc' }
  }
  // Not a provider ARN: a built-in web identity provider host, or an unresolved IaC reference.
  if (isWorkloadIssuer(value, cfg)) return { path: 'workload', provider: value, kind: 'oidc' }
  if (workloadFromConditions) return { path: 'workload', provider: workloadFromConditions, kind: 'oidc' }
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i.test(value)) return { path: 'federation', provider: value, kind: 'oidc' }
  const actions = statementActions(st)
  const samlSignals =
    conds.some((c) => c.keyLower.startsWith('saml:')) || (actions.includes(ASSUME_SAML) && !actions.includes(ASSUME_WEB))
  if (samlSignals) return { path: 'federation', provider: value, kind: 'saml' }
  const issuer = conditionIssuers[0]
  return issuer
    ? { path: 'federation', provider: issuer, kind: 'oidc' }
    : { path: 'federation', provider: value, kind: 'unknown' }
}

function awsIdentity(ref: PrincipalRef, extraAlias?: string): Identity {
  const aliases = [ref.raw.trim()]
  if (extraAlias) aliases.push(extraAlias)
  const accountId = ref.accountId ?? (extraAlias ? principalAccount(extraAlias) : undefined)
  return accountId ? { kind: 'aws', aliases, accountId } : { kind: 'aws', aliases }
}

/** A principal only known at deploy time, as the IaC readers write it: `${Ref GithubProvider}`. */
const DEPLOY_TIME_PLACEHOLDER = /^\$\{[^}]*\}$/

function entriesFor(st: Statement, conds: ParsedCondition[], cfg: TrustConfig, unclassified: UnclassifiedPrincipal[]): Entry[] {
  const p = st.principal
  if (!p) return []
  const report = (principal: string, reason: string): void => {
    unclassified.push({ index: st.index, ...(st.sid !== undefined ? { sid: st.sid } : {}), principal, reason })
  }
  const entries: Entry[] = []
  const narrowedBy = principalArnPatterns(conds)

  const byGateway = new Map<string, Entry>()
  const others: Entry = { st, path: 'iam-principal', principals: [], identities: [], refs: [] }
  const awsValues = p.AWS ?? (p.wildcard ? ['*'] : [])
  for (const raw of awsValues) {
    if (DEPLOY_TIME_PLACEHOLDER.test(raw.trim())) {
      report(raw, 'the AWS principal is known only at deploy time, so who can assume the role through this statement is not known')
      continue
    }
    const ref = toPrincipalRef(raw, narrowedBy)
    const gw = cfg.isGateway(ref)
    if (gw) {
      let e = byGateway.get(gw.arn)
      if (!e) {
        e = { st, path: 'gateway', principals: [], identities: [], refs: [], gateway: gw }
        byGateway.set(gw.arn, e)
        entries.push(e)
      }
      e.principals.push(raw)
      e.refs.push(ref)
      // All refs resolved to one gateway are one identity: a Deny naming any of them covers it.
      const first = e.identities[0]
      if (first) first.aliases.push(raw.trim())
      else e.identities.push(awsIdentity(ref, gw.arn))
    } else {
      others.principals.push(raw)
      others.refs.push(ref)
      others.identities.push(awsIdentity(ref))
    }
  }
  if (others.principals.length > 0) entries.push(others)

  for (const svc of p.Service ?? []) {
    entries.push({
      st,
      path: 'workload',
      principals: [svc],
      identities: [{ kind: 'service', aliases: [svc] }],
      refs: [],
      provider: svc,
    })
  }

  for (const fed of p.Federated ?? []) {
    const cls = classifyFederated(fed, st, conds, cfg)
    if (cls.kind === 'unknown') {
      report(fed, 'the federated principal is neither a SAML nor an OIDC provider tagwarden can resolve, and no condition key names its issuer')
    }
    entries.push({
      st,
      path: cls.path,
      principals: [fed],
      identities: [{ kind: 'federated', aliases: [fed] }],
      refs: [],
      provider: cls.provider,
      federationKind: cls.kind,
    })
  }
  return entries
}

/** Assume actions a principal of this entry's kind can call at all. */
function usableAssumeActions(e: Entry): string[] {
  if (e.federationKind === 'saml') return [ASSUME_SAML]
  if (e.federationKind === 'oidc') return [ASSUME_WEB]
  if (e.federationKind === 'unknown') return [ASSUME_SAML, ASSUME_WEB]
  return [ASSUME_ROLE]
}

// ---------------------------------------------------------------------------------------------
// Deny

const eqi = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase()

function blockNames(block: PrincipalBlock, id: Identity): boolean {
  if (block.wildcard) return true
  if (id.kind === 'aws') {
    return (block.AWS ?? []).some(
      (v) =>
        v.trim() === '*' ||
        id.aliases.some((a) => eqi(a, v)) ||
        (isAccountRoot(v) && id.accountId !== undefined && principalAccount(v) === id.accountId),
    )
  }
  const list = id.kind === 'service' ? block.Service : block.Federated
  return (list ?? []).some((v) => id.aliases.some((a) => eqi(a, v)))
}

function denyCovers(deny: Statement, id: Identity): boolean {
  if (deny.principal) return blockNames(deny.principal, id)
  if (deny.notPrincipal) return !blockNames(deny.notPrincipal, id)
  return false
}

interface DenyEffect {
  denied: string[]
  notes: string[]
}

/** Trust actions removed from `identities` by unconditional Deny statements (a Deny must cover them all). */
function denyEffect(denies: Statement[], identities: Identity[], allowed: string[]): DenyEffect {
  const denied = new Set<string>()
  const notes: string[] = []
  for (const d of denies) {
    if (identities.length === 0 || !identities.every((id) => denyCovers(d, id))) continue
    const hit = statementActions(d).filter((a) => allowed.includes(a))
    if (hit.length === 0) continue
    const conditional = d.condition !== undefined && Object.keys(d.condition).length > 0
    if (conditional) {
      notes.push(`Statement[${d.index}] denies ${hit.join(', ')} under conditions; not applied here`)
    } else {
      for (const a of hit) denied.add(a)
      notes.push(`Statement[${d.index}] denies ${hit.join(', ')}`)
    }
  }
  return { denied: [...denied], notes }
}

// ---------------------------------------------------------------------------------------------
// Analysis

interface StatementFacts extends ConditionFacts {
  allowed: string[]
}

interface Analysed {
  entry: Entry
  out: TrustStatementAnalysis
  usable: string[]
}

/** Keys absent from an action's own request context, per the Service Authorization Reference. */
function absentKeyWarnings(allowed: string[], failingKeys: string[]): string[] {
  const notes: string[] = []
  const warn = (action: string, keys: string[]): void => {
    if (!allowed.includes(action) || keys.length === 0) return
    notes.push(
      `${action} is evaluated without ${keys.join(', ')}, so this statement's condition on it may deny ${action}; ` +
        `allow ${action} in its own statement`,
    )
  }
  const keyIs = (k: string, ...lowered: string[]): boolean => lowered.includes(k.toLowerCase())
  warn(TAG_SESSION, failingKeys.filter((k) => keyIs(k, SESSION_NAME_KEY, SOURCE_IDENTITY_KEY)))
  warn(
    SET_SOURCE_IDENTITY,
    failingKeys.filter(
      (k) => keyIs(k, SESSION_NAME_KEY, 'aws:tagkeys', 'sts:transitivetagkeys') || k.toLowerCase().startsWith(REQUEST_TAG_PREFIX),
    ),
  )
  return notes
}

function analyseEntry(entry: Entry, facts: StatementFacts, denies: Statement[], identityCenter: boolean): Analysed {
  const effect = denyEffect(denies, entry.identities, facts.allowed)
  const allowed = facts.allowed.filter((a) => !effect.denied.includes(a))
  const assumeActions = allowed.filter((a) => ASSUME_ACTIONS.includes(a))
  const usable = usableAssumeActions(entry).filter((a) => assumeActions.includes(a))
  const notes = [...facts.notes, ...effect.notes]
  if (entry.st.notAction) notes.push(`NotAction: allows every action except ${entry.st.notAction.join(', ')}`)
  notes.push(...absentKeyWarnings(allowed, facts.failingKeys))
  if (assumeActions.length > 0 && usable.length === 0) {
    notes.push(`allows ${assumeActions.join(', ')}, which this principal cannot call (it needs ${usableAssumeActions(entry).join(' or ')})`)
  }

  const out: TrustStatementAnalysis = {
    index: entry.st.index,
    path: entry.path,
    principals: entry.principals,
    assumeActions,
    allowsTagSession: allowed.includes(TAG_SESSION),
    allowsSetSourceIdentity: allowed.includes(SET_SOURCE_IDENTITY),
    requiredTagKeys: facts.requiredTagKeys,
    requiresSourceIdentity: facts.requiresSourceIdentity,
    constrainsSessionName: facts.constrainsSessionName,
    notes,
  }
  if (entry.st.sid !== undefined) out.sid = entry.st.sid
  if (entry.provider !== undefined) out.provider = entry.provider
  if (entry.path === 'federation') out.identityCenter = identityCenter && entry.federationKind !== 'oidc'
  if (entry.gateway) out.gateway = entry.gateway
  return { entry, out, usable }
}

function federationAggregate(analysed: Analysed[]): FederationTrust {
  const fed = analysed.filter((a) => a.entry.path === 'federation')
  const assuming = fed.filter((a) => a.usable.length > 0)
  const providers = [...new Set(fed.map((a) => a.out.provider ?? ''))].filter((p) => p !== '')
  const assumingProviders = [...new Set(assuming.map((a) => a.out.provider ?? ''))]
  return {
    allowsTagSession:
      assumingProviders.length > 0 &&
      assumingProviders.every((p) => fed.some((a) => (a.out.provider ?? '') === p && a.out.allowsTagSession)),
    constrainsSessionName: assuming.length > 0 && assuming.every((a) => a.out.constrainsSessionName),
    requiresSourceIdentity: assuming.length > 0 && assuming.every((a) => a.out.requiresSourceIdentity),
    providers,
    identityCenter: fed.some((a) => a.out.identityCenter === true),
  }
}

/** An iam-principal ref that lets `gatewayArn` in without naming it. */
function refAdmits(ref: PrincipalRef, gatewayArn: string, gatewayAccount: string | undefined): boolean {
  const narrowOk = !ref.narrowedBy || ref.narrowedBy.some((p) => globMatch(p, gatewayArn))
  if (ref.kind === 'wildcard') return narrowOk
  if (ref.kind === 'account-root') return gatewayAccount !== undefined && ref.accountId === gatewayAccount && narrowOk
  return false
}

function gatewayAggregates(analysed: Analysed[], factsByIndex: Map<number, StatementFacts>, denies: Statement[]): GatewayTrust[] {
  const order: GatewayMatch[] = []
  for (const a of analysed) {
    if (a.entry.gateway && !order.some((g) => g.arn === a.entry.gateway?.arn)) order.push(a.entry.gateway)
  }
  return order.map((gateway) => {
    const gatewayAccount = principalAccount(gateway.arn)
    const naming = analysed.filter((a) => a.entry.gateway?.arn === gateway.arn)
    const identity: Identity = gatewayAccount
      ? { kind: 'aws', aliases: [gateway.arn], accountId: gatewayAccount }
      : { kind: 'aws', aliases: [gateway.arn] }
    // Re-evaluate broad statements for the gateway itself: a Deny naming the gateway applies to it
    // even though it does not cover every principal of the broad statement.
    const broad = analysed
      .filter((a) => a.entry.path === 'iam-principal' && a.entry.refs.some((r) => refAdmits(r, gateway.arn, gatewayAccount)))
      .map((a) => {
        const facts = factsByIndex.get(a.entry.st.index)
        const allowedRaw = facts?.allowed ?? []
        const denied = denyEffect(denies, [identity], allowedRaw).denied
        const allowed = allowedRaw.filter((x) => !denied.includes(x))
        return { index: a.entry.st.index, allowed, out: a.out }
      })
    const views = [
      ...naming.map((a) => ({
        index: a.out.index,
        allowed: [...a.out.assumeActions, ...(a.out.allowsTagSession ? [TAG_SESSION] : []), ...(a.out.allowsSetSourceIdentity ? [SET_SOURCE_IDENTITY] : [])],
        out: a.out,
      })),
      ...broad,
    ]
    const assuming = views.filter((v) => v.allowed.includes(ASSUME_ROLE))
    const requiredKeys =
      assuming.length === 0
        ? []
        : (assuming[0]?.out.requiredTagKeys ?? []).filter((k) => assuming.every((v) => v.out.requiredTagKeys.includes(k)))
    return {
      gateway,
      allowsTagSession: views.some((v) => v.allowed.includes(TAG_SESSION)),
      allowsSetSourceIdentity: views.some((v) => v.allowed.includes(SET_SOURCE_IDENTITY)),
      requiresSourceIdentityOnEveryAssume: assuming.length > 0 && assuming.every((v) => v.out.requiresSourceIdentity),
      requiredTagKeysOnEveryAssume: requiredKeys,
      statements: [...new Set(naming.map((a) => a.out.index))],
      alsoAdmittedBy: [...new Set(broad.map((b) => b.index))],
    }
  })
}

export function analyzeTrust(
  doc: PolicyDocument | undefined,
  role: { name: string; path: string; accountId: string },
  cfg: TrustConfig,
): TrustAnalysis {
  const statements = doc?.statements ?? []
  const denies = statements.filter((s) => s.effect === 'Deny')
  const identityCenter = isIdentityCenterRole(role.name, role.path)
  const analysed: Analysed[] = []
  const factsByIndex = new Map<number, StatementFacts>()
  const unclassified: UnclassifiedPrincipal[] = []

  for (const st of statements) {
    if (st.effect !== 'Allow') continue
    const conds = parseConditions(st.condition)
    const facts: StatementFacts = { ...conditionFacts(conds, cfg.requiredTagKeys), allowed: statementActions(st) }
    factsByIndex.set(st.index, facts)
    let entries = entriesFor(st, conds, cfg, unclassified)
    if (entries.length === 0 && st.notPrincipal) {
      // Allow + NotPrincipal admits everyone not listed: treat as an unnamed IAM principal.
      entries = [{ st, path: 'iam-principal', principals: ['NotPrincipal'], identities: [], refs: [{ raw: '*', kind: 'wildcard' }] }]
    }
    for (const e of entries) analysed.push(analyseEntry(e, facts, denies, identityCenter))
  }

  const present = new Set(analysed.filter((a) => a.usable.length > 0).map((a) => a.entry.path))
  return {
    statements: analysed.map((a) => a.out),
    unclassified,
    paths: PATH_ORDER.filter((p) => present.has(p)),
    federation: federationAggregate(analysed),
    gateways: gatewayAggregates(analysed, factsByIndex, denies),
  }
}
