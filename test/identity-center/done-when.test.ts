/**
 * Issue 16, "Done when": offline, live and IaC paths report a Bedrock permission set whose sessions cannot
 * carry `team`, stay silent when `team` is mapped, tell "not captured" from "no usable mapping", and never
 * turn an audit without Identity Center permissions into exit 2. One table, the three paths, the real
 * pipeline and the scan's exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { scanExitCode } from '../../src/cli/exit.js'
import { runCollect } from '../../src/collect/run.js'
import { loadRulesConfig } from '../../src/config/load.js'
import { ExitCode } from '../../src/errors.js'
import type { ScanReport } from '../../src/model/finding.js'
import { runScan } from '../../src/pipeline/scan.js'
import { RULE_META } from '../../src/rules/index.js'
import { iacSource } from '../../src/sources/iac.js'
import { liveSource } from '../../src/sources/live.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import type { AccountSource } from '../../src/sources/account-source.js'
import { emptyFakeAccount, emptyWorld, type World } from '../support/aws-server/index.js'
import { tempTree } from '../iac/helpers.js'
import { liveHarness, withTempDir, type LiveHarness } from '../live/helpers.js'
import { identityCenter, MEMBER, MGMT, TEAM_MAPPED, TEAM_NEAR_MISS } from './fixtures.js'

const config = loadRulesConfig({ builtins: RULE_META })
const NOW = new Date('2026-09-01T00:00:00Z')
const RULE = 'identity-center-session-tags'

type Abac = 'mapped' | 'near-miss' | 'never-enabled' | 'denied'
interface Outcome {
  flagged: string[]
  notCaptured: boolean
  exit: number
}

async function outcome(sources: AccountSource[]): Promise<Outcome> {
  const report: ScanReport = await runScan({ config, sources, now: NOW })
  return {
    flagged: report.findings.filter((f) => f.ruleId === RULE).map((f) => `${f.messageId} ${f.subject.name}`).sort(),
    notCaptured: report.summary.notEvaluated.some((n) => /were not read|not captured/.test(n.reason)),
    exit: scanExitCode(report, { failOn: 'never', failOnRules: [] }),
  }
}

/** What each path must say for each ABAC state (BedrockUsers and Data_Scientists can run Bedrock; ReadOnly cannot). */
const EXPECTED: Record<Abac, (names: string[]) => Omit<Outcome, 'exit'>> = {
  mapped: () => ({ flagged: [], notCaptured: false }),
  'near-miss': (names) => ({ flagged: names.map((n) => `nearMiss ${n}`), notCaptured: false }),
  'never-enabled': (names) => ({ flagged: names.map((n) => `abacDisabled ${n}`), notCaptured: false }),
  denied: () => ({ flagged: [], notCaptured: true }),
}
const STATES = Object.keys(EXPECTED) as Abac[]

describe('live and offline (collect) paths', () => {
  let h: LiveHarness
  let w: World
  beforeAll(async () => {
    w = emptyWorld()
    const mgmt = emptyFakeAccount(MGMT)
    // BedrockUsers' role in the scanned account: what a denied Identity Center leaves unchecked.
    mgmt.iam.roles.push({
      Path: '/aws-reserved/sso.amazonaws.com/',
      RoleName: 'AWSReservedSSO_BedrockUsers_0123456789abcdef',
      RoleId: 'AROAEXAMPLEBEDROCKUSERS',
      Arn: `arn:aws:iam::${MGMT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BedrockUsers_0123456789abcdef`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${MGMT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] }],
      },
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'AmazonBedrockLimitedAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess' }],
      Tags: [],
    })
    w.accounts.set(MGMT, mgmt)
    w.accounts.set(MEMBER, emptyFakeAccount(MEMBER))
    h = await liveHarness(w, MGMT)
  })
  afterAll(() => h.close())

  const setUp = (abac: Abac): void => {
    w.identityCenter = identityCenter(abac === 'mapped' ? TEAM_MAPPED : abac === 'near-miss' ? TEAM_NEAR_MISS : undefined)
    if (abac === 'denied') w.accounts.get(MGMT)!.denied = ['sso:ListInstances']
    else delete w.accounts.get(MGMT)!.denied
  }
  const capable = ['BedrockUsers', 'Data_Scientists']

  for (const abac of STATES) {
    it(`ABAC ${abac}: live`, async () => {
      setUp(abac)
      const o = await outcome([liveSource(h.options({ ssoRegion: 'eu-west-1' }))])
      expect({ flagged: o.flagged, notCaptured: o.notCaptured }).toEqual(EXPECTED[abac](capable))
      expect(o.exit).toBe(ExitCode.Clean)
    })

    it(`ABAC ${abac}: offline, from a collect folder`, async () => {
      setUp(abac)
      await withTempDir(async (out) => {
        const dir = join(out, 'snap')
        await runCollect({ ...h.options({ ssoRegion: 'eu-west-1' }), out: dir })
        const o = await outcome([snapshotSource([dir])])
        expect({ flagged: o.flagged, notCaptured: o.notCaptured }).toEqual(EXPECTED[abac](capable))
        expect(o.exit).toBe(ExitCode.Clean)
      })
    })
  }
})

describe('IaC path', () => {
  const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a0d0c7b0e8d1'
  const abacResource: Record<Abac, string | undefined> = {
    mapped: "      AccessControlAttributes:\n        - Key: team\n          Value: { Source: ['${path:enterprise.department}'] }",
    'near-miss': "      AccessControlAttributes:\n        - Key: Team\n          Value: { Source: ['${path:enterprise.department}'] }",
    // A template cannot say "never enabled"; the closest it writes is an empty list (no usable mapping).
    'never-enabled': '      AccessControlAttributes: []',
    // Not in the template: configured elsewhere, not captured.
    denied: undefined,
  }
  for (const abac of STATES) {
    it(`ABAC ${abac}`, async () => {
      const lines = ['Resources:']
      const a = abacResource[abac]
      if (a !== undefined) lines.push('  Abac:', '    Type: AWS::SSO::InstanceAccessControlAttributeConfiguration', '    Properties:', `      InstanceArn: ${INSTANCE}`, a)
      for (const [id, policy] of [
        ['BedrockUsers', 'ManagedPolicies: [arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess]'],
        ['ReadOnly', 'ManagedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]'],
      ] as const) {
        lines.push(`  ${id}:`, '    Type: AWS::SSO::PermissionSet', '    Properties:', `      Name: ${id}`, `      InstanceArn: ${INSTANCE}`, `      ${policy}`)
      }
      const dir = tempTree({ 'identity-center.yaml': lines.join('\n') + '\n' })
      const o = await outcome([iacSource([dir], { basePath: dir, requiredTagKeys: ['team'] })])
      const expected = EXPECTED[abac](['BedrockUsers'])
      expect({ flagged: o.flagged, notCaptured: o.notCaptured }).toEqual(expected)
      expect(o.exit).toBe(ExitCode.Clean)
    })
  }
})
