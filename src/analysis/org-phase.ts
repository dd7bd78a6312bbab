/**
 * Phase two: with every account's gateways and identities in the index, analyse the trust policies
 * of the kept roles and decide how each principal is reached.
 */
import type { PrincipalFacts } from './facts.js'
import type { OrgIndex, GatewayEntry } from './org-index.js'
import { globMatch } from '../iam/glob.js'
import { analyzeTrust, type GatewayMatch, type PrincipalRef, type TrustAnalysis } from '../iam/trust.js'
import { isIdentityCenterRole, roleNameFromArn } from '../iam/arn.js'
import type { AttributionPath } from '../model/finding.js'
import type { ResolvedSettings } from '../config/types.js'

export function makeGatewayResolver(index: OrgIndex, settings: ResolvedSettings): (ref: PrincipalRef) => GatewayMatch | undefined {
  const toMatch = (g: GatewayEntry): GatewayMatch => ({ arn: g.arn, reason: g.reason })
  const byDeclaration = (arn: string): GatewayMatch | undefined => {
    for (const p of settings.gateways.arns) if (globMatch(p, arn, { caseInsensitive: false })) return { arn, reason: `declared in settings.gateways.arns (${p})` }
    const name = roleNameFromArn(arn)
    if (name) {
      for (const p of settings.gateways.namePatterns) {
        if (globMatch(p, name, { caseInsensitive: true })) return { arn, reason: `role name matches ${p}` }
      }
    }
    return undefined
  }
  return (ref) => {
    if (ref.kind === 'unique-id') {
      const g = index.gatewaysById.get(ref.raw)
      return g ? toMatch(g) : undefined
    }
    if (ref.kind === 'role-arn' && ref.arn) {
      const g = index.gatewaysByArn.get(ref.arn)
      return g ? toMatch(g) : byDeclaration(ref.arn)
    }
    if ((ref.kind === 'account-root' || ref.kind === 'wildcard') && ref.narrowedBy && ref.narrowedBy.length > 0) {
      for (const pattern of ref.narrowedBy) {
        for (const g of index.gatewaysByArn.values()) {
          if ((ref.accountId === undefined || g.accountId === ref.accountId) && globMatch(pattern, g.arn, { caseInsensitive: false })) {
            return toMatch(g)
          }
        }
        // A gateway in an account that was not scanned, named explicitly.
        if (!/[*?]/.test(pattern)) {
          const m = byDeclaration(pattern)
          if (m) return m
        }
      }
    }
    return undefined
  }
}

export function resolvePrincipalPaths(facts: PrincipalFacts[], index: OrgIndex, settings: ResolvedSettings): void {
  const isGateway = makeGatewayResolver(index, settings)
  const cfg = { workloadOidcIssuers: settings.workloadOidcIssuers, isGateway, requiredTagKeys: settings.requiredTags.map((t) => t.key) }
  // With the config fixed, a trust analysis depends only on the document and on whether the role is an
  // Identity Center role; most roles share a handful of trust policies, so they share one analysis (read-only).
  const memo = new Map<string, { trust: TrustAnalysis; paths: AttributionPath[] }>()
  for (const f of facts) {
    if (f.kind !== 'role') continue
    const role = { name: f.name, path: f.path, accountId: f.accountId }
    const key = f.trustPolicy?.hash ? `${isIdentityCenterRole(f.name, f.path) ? 'ic' : '-'}\u0000${f.trustPolicy.hash}` : undefined
    let hit = key !== undefined ? memo.get(key) : undefined
    if (!hit) {
      const trust = analyzeTrust(f.trustPolicy, role, cfg)
      hit = { trust, paths: trust.paths.length > 0 ? [...trust.paths] : ['unreachable'] }
      if (key !== undefined) memo.set(key, hit)
    }
    f.trust = hit.trust
    f.paths = hit.paths
  }
}
