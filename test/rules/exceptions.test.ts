/**
 * Exceptions: which findings they suppress (rule, ARN glob, account, IaC IDs), when they stop applying
 * (expiry against an injected clock), and the notices they leave (expired, expiring soon, unused).
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { applyExceptions, EXPIRY_WARNING_DAYS } from '../../src/rules/exceptions.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import type { ExceptionRule } from '../../src/config/types.js'
import type { Finding, Subject } from '../../src/model/finding.js'

const NOW = new Date('2026-11-26T00:00:00Z')

function finding(ruleId: string, subject: Subject): Finding {
  return {
    ruleId,
    severity: 'error',
    message: 'm',
    messageId: 'm',
    data: {},
    subject,
    evidence: {},
    fingerprint: `${ruleId}:${subject.arn ?? subject.logicalId ?? subject.address ?? ''}`,
  }
}

const role = (account: string, name: string): Subject => ({ kind: 'role', arn: `arn:aws:iam::${account}:role/${name}`, accountId: account, name })

function fresh(): Finding[] {
  return [
    finding('principal-missing-tag', role('111111111111', 'legacy-batch')),
    finding('principal-missing-tag', role('111111111111', 'legacy-etl')),
    finding('principal-missing-tag', role('111111111111', 'Legacy-upper')),
    finding('principal-missing-tag', role('222222222222', 'legacy-batch')),
    finding('federated-role-session-name', role('111111111111', 'legacy-batch')),
    finding('principal-missing-tag', { kind: 'iac-resource', file: 'template.yaml', logicalId: 'ChatRole' }),
    finding('principal-missing-tag', { kind: 'iac-resource', file: 'main.tf', address: 'module.chat.aws_iam_role.this' }),
  ]
}

let line = 0
function exception(e: Partial<ExceptionRule>): ExceptionRule {
  line += 1
  return { rules: ['principal-missing-tag'], reason: 'accepted for the test suite', position: { file: 'tagwarden.yaml', line, column: 5 }, ...e }
}

const suppressedArns = (fs: Finding[]): string[] => fs.filter((f) => f.suppressed).map((f) => `${f.ruleId} ${f.subject.arn ?? f.subject.logicalId ?? f.subject.address}`)

describe('what an exception matches', () => {
  it('an ARN glob, case-sensitively, for the named rule only', () => {
    const fs = fresh()
    const notices = applyExceptions(fs, [exception({ arn: 'arn:aws:iam::111111111111:role/legacy-*' })], NOW)
    expect(suppressedArns(fs)).toEqual([
      'principal-missing-tag arn:aws:iam::111111111111:role/legacy-batch',
      'principal-missing-tag arn:aws:iam::111111111111:role/legacy-etl',
    ])
    expect(notices).toEqual([])
  })

  it('gives the findings it matches one shared, frozen suppression', () => {
    const fs = fresh()
    applyExceptions(fs, [exception({ arn: 'arn:aws:iam::111111111111:role/legacy-*' })], NOW)
    expect(fs[1]!.suppressed).toBe(fs[0]!.suppressed)
    expect(Object.isFrozen(fs[0]!.suppressed)).toBe(true)
    expect(JSON.stringify(fs[0]!.suppressed)).toBe(`{"kind":"exception","reason":"accepted for the test suite","source":"tagwarden.yaml:${line}:5"}`)
  })

  it('an account', () => {
    const fs = fresh()
    applyExceptions(fs, [exception({ account: '222222222222' })], NOW)
    expect(suppressedArns(fs)).toEqual(['principal-missing-tag arn:aws:iam::222222222222:role/legacy-batch'])
  })

  it('several rules at once, and an ARN and account together (both must match)', () => {
    const fs = fresh()
    applyExceptions(fs, [exception({ rules: ['principal-missing-tag', 'federated-role-session-name'], arn: '*:role/legacy-batch', account: '111111111111' })], NOW)
    expect(suppressedArns(fs)).toEqual([
      'principal-missing-tag arn:aws:iam::111111111111:role/legacy-batch',
      'federated-role-session-name arn:aws:iam::111111111111:role/legacy-batch',
    ])
  })

  it('an IaC logical ID or a Terraform address glob', () => {
    const fs = fresh()
    applyExceptions(fs, [exception({ logicalId: 'ChatRole' }), exception({ address: 'module.chat.*' })], NOW)
    expect(suppressedArns(fs)).toEqual(['principal-missing-tag ChatRole', 'principal-missing-tag module.chat.aws_iam_role.this'])
  })

  it('records the first matching exception as the reason and where it was written', () => {
    const fs = fresh()
    const first = exception({ arn: '*:role/legacy-batch', reason: 'first reason, the narrow one', expires: '2027-06-30' })
    const second = exception({ account: '111111111111', reason: 'second reason, the broad one' })
    applyExceptions(fs, [first, second], NOW)
    expect(fs[0]!.suppressed).toEqual({ kind: 'exception', reason: 'first reason, the narrow one', source: `tagwarden.yaml:${first.position.line}:5`, expires: '2027-06-30' })
    expect(fs[1]!.suppressed?.reason).toBe('second reason, the broad one')
  })
})

describe('expiry', () => {
  const arn = 'arn:aws:iam::111111111111:role/legacy-batch'
  const run = (expires: string, now = NOW): { fs: Finding[]; kinds: string[] } => {
    const fs = fresh()
    const notices = applyExceptions(fs, [exception({ arn, expires })], now)
    return { fs, kinds: notices.map((n) => n.kind) }
  }

  it('still applies on its expiry day, all day long', () => {
    for (const now of [NOW, new Date('2026-11-26T23:59:59Z')]) {
      const { fs } = run('2026-11-26', now)
      expect(fs[0]!.suppressed, now.toISOString()).toBeDefined()
    }
  })

  it('stops applying the day after and says the finding counts again', () => {
    const fs = fresh()
    const notices = applyExceptions(fs, [exception({ arn, expires: '2026-11-25' })], NOW)
    expect(fs.every((f) => !f.suppressed)).toBe(true)
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ kind: 'expired', expires: '2026-11-25', target: arn })
    expect(notices[0]!.message).toMatch(/expired on 2026-11-25; 1 finding\(s\) count again \(tagwarden\.yaml:\d+:5\)/)
  })

  it(`warns when it expires within ${EXPIRY_WARNING_DAYS} days, and not after`, () => {
    expect(run('2026-11-26').kinds).toEqual(['expiring-soon'])
    expect(run('2026-12-10').kinds).toEqual(['expiring-soon'])
    expect(run('2026-12-11').kinds).toEqual([])
    const { fs } = run('2026-12-10')
    expect(fs[0]!.suppressed).toBeDefined()
  })

  it('is expired, not unused, when it matches nothing after its expiry', () => {
    const notices = applyExceptions(fresh(), [exception({ arn: '*:role/gone', expires: '2026-01-01' })], NOW)
    expect(notices.map((n) => n.kind)).toEqual(['expired'])
  })
})

describe('unused exceptions', () => {
  it('are reported with their location so they can be removed', () => {
    const fs = fresh()
    const e = exception({ arn: 'arn:aws:iam::999999999999:role/*' })
    const notices = applyExceptions(fs, [e], NOW)
    expect(fs.every((f) => !f.suppressed)).toBe(true)
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'unused', location: `tagwarden.yaml:${e.position.line}:5`, message: expect.stringContaining('matched no finding; remove it') }),
    ])
  })

  it('include an exception whose rule produced nothing on its target', () => {
    const notices = applyExceptions(fresh(), [exception({ rules: ['gateway-direct-invoke'], account: '111111111111' })], NOW)
    expect(notices.map((n) => n.kind)).toEqual(['unused'])
  })
})

describe('exceptions read from a rules file', () => {
  it('point their notices at the line and column of the exception', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-exc-'))
    try {
      const file = join(dir, 'tagwarden.yaml')
      writeFileSync(
        file,
        [
          'version: 1',
          'exceptions:',
          '  - rules: principal-missing-tag',
          "    arn: 'arn:aws:iam::111111111111:role/legacy-*'",
          '    reason: retired in Q1, charged to platform',
          "    expires: '2026-12-01'",
          '  - rules: [principal-missing-tag]',
          "    account: '999999999999'",
          '    reason: sandbox account, no real spend there',
          '',
        ].join('\n'),
      )
      const cfg = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, file], RULE_META)
      const fs = fresh()
      const notices = applyExceptions(fs, cfg.exceptions, NOW)
      expect(notices.map((n) => [n.kind, n.location])).toEqual([
        ['expiring-soon', `${file}:3:5`],
        ['unused', `${file}:7:5`],
      ])
      expect(fs.filter((f) => f.suppressed)).toHaveLength(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
