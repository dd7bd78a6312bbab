/**
 * Phase two's trust analysis is shared between roles with the same trust policy, and gives each role
 * exactly what analysing it alone gives: Identity Center roles and roles without a trust policy included.
 */
import { describe, expect, it } from 'vitest'
import type { PrincipalFacts } from '../../src/analysis/facts.js'
import { emptyIndex } from '../../src/analysis/org-index.js'
import { makeGatewayResolver, resolvePrincipalPaths } from '../../src/analysis/org-phase.js'
import { parsePolicyDocument } from '../../src/iam/policy-document.js'
import { analyzeTrust } from '../../src/iam/trust.js'
import type { PolicyDocument } from '../../src/model/policy.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'

const SETTINGS = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META).settings
const ACCT = '111111111111'

const SAML = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCT}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML' }],
}
const saml = parsePolicyDocument(SAML)
const lambda = parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

function role(name: string, trustPolicy: PolicyDocument | undefined, path = '/'): PrincipalFacts {
  const f: PrincipalFacts = {
    kind: 'role',
    arn: `arn:aws:iam::${ACCT}:role${path}${name}`,
    accountId: ACCT,
    partition: 'aws',
    name,
    path,
    tags: [],
    capability: { capable: true, actions: ['bedrock:InvokeModel'], grants: [], removed: [] },
    paths: [],
    apiKeys: [],
    apiKeysCollected: false,
    notes: [],
  }
  if (trustPolicy) f.trustPolicy = trustPolicy
  return f
}

describe('resolvePrincipalPaths', () => {
  it('gives every role the analysis of its own trust policy, sharing it between roles with the same policy', () => {
    const facts = [
      role('analyst', saml),
      // The same policy from another file: another document object, the same content.
      role('engineer', parsePolicyDocument(JSON.stringify(SAML))),
      role('AWSReservedSSO_Admin_0123456789abcdef', saml, '/aws-reserved/sso.amazonaws.com/'),
      role('worker', lambda),
      role('orphan', undefined),
    ]
    resolvePrincipalPaths(facts, emptyIndex(), SETTINGS)
    const cfg = { workloadOidcIssuers: SETTINGS.workloadOidcIssuers, isGateway: makeGatewayResolver(emptyIndex(), SETTINGS), requiredTagKeys: SETTINGS.requiredTags.map((t) => t.key) }
    for (const f of facts) {
      const alone = analyzeTrust(f.trustPolicy, { name: f.name, path: f.path, accountId: f.accountId }, cfg)
      expect(f.trust).toEqual(alone)
      expect(f.paths).toEqual(alone.paths.length > 0 ? alone.paths : ['unreachable'])
    }
    const [analyst, engineer, sso, worker, orphan] = facts as [PrincipalFacts, PrincipalFacts, PrincipalFacts, PrincipalFacts, PrincipalFacts]
    // Equal documents (even parsed separately) share one analysis; an Identity Center role gets its own.
    expect(engineer.trust).toBe(analyst.trust)
    expect(sso.trust).not.toBe(analyst.trust)
    expect(sso.trust?.federation.identityCenter).toBe(true)
    expect(analyst.trust?.federation.identityCenter).toBe(false)
    expect(worker.paths).toEqual(['workload'])
    expect(orphan.paths).toEqual(['unreachable'])
  })
})
