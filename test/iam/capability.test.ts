import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  actionMatches,
  expandActionPatterns,
  expandNotActionPatterns,
  serviceOfAction,
  statementActions,
} from '../../src/iam/actions.js'
import {
  DEFAULT_INFERENCE_ACTIONS,
  PolicyEvalCache,
  describePolicySource,
  evaluateBedrockCapability,
  unresolvedInferenceActions,
} from '../../src/iam/capability.js'
import type { CapabilityInput } from '../../src/iam/capability.js'
import type { BedrockCapability } from '../../src/iam/capability-types.js'
import { parsePolicyDocument } from '../../src/iam/policy-document.js'
import type { AttachedPolicy, PolicySource } from '../../src/model/policy.js'

// ---------------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------------

type Raw = Record<string, unknown>

const doc = (...statements: Raw[]) => parsePolicyDocument({ Version: '2012-10-17', Statement: statements })
const inline = (name: string, ...statements: Raw[]): AttachedPolicy => ({
  source: { kind: 'inline', name },
  document: doc(...statements),
})
const boundaryOf = (...statements: Raw[]): AttachedPolicy => ({
  source: { kind: 'boundary', name: 'Boundary', arn: 'arn:aws:iam::111122223333:policy/Boundary' },
  document: doc(...statements),
})
const scp = (name: string, ...statements: Raw[]): AttachedPolicy => ({
  source: { kind: 'scp', name },
  document: doc(...statements),
})
const allow = (action: string | string[], resource: string | string[] = '*', extra: Raw = {}): Raw => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
})
const deny = (action: string | string[], resource: string | string[] = '*', extra: Raw = {}): Raw => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
})
const ADMIN = allow('*', '*')
const FULL_AWS_ACCESS = scp('FullAWSAccess', allow('*', '*'))

const evaluate = (input: CapabilityInput, actions?: readonly string[]) => evaluateBedrockCapability(input, actions)
const actionsOf = (...statements: Raw[]) => evaluate({ identity: [inline('p', ...statements)] }).actions

const ALL = [...DEFAULT_INFERENCE_ACTIONS]
const BEDROCK_ONLY = ALL.filter((a) => a.startsWith('bedrock:'))
const INVOKE_STAR = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:InvokeAgent',
  'bedrock:InvokeInlineAgent',
  'bedrock:InvokeFlow',
]
const MANTLE = 'bedrock-mantle:CreateInference'
/** The bedrock actions that have resource types (the others are requested on "*" only). */
const ARN_TYPED = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:CreateModelInvocationJob',
  'bedrock:InvokeAgent',
  'bedrock:InvokeFlow',
]

interface ManagedFixture {
  policyName: string
  arn: string
  versionId: string
  document: Raw
}
const fixture = (name: string): ManagedFixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/iam/managed/${name}.json`, import.meta.url), 'utf8')) as ManagedFixture
const managed = (name: string, encode: (d: Raw) => unknown = (d) => d): AttachedPolicy => {
  const f = fixture(name)
  return { source: { kind: 'managed', name: f.arn, arn: f.arn }, document: parsePolicyDocument(encode(f.document)) }
}

// ---------------------------------------------------------------------------------------------------------
// actions.ts
// ---------------------------------------------------------------------------------------------------------

describe('actions', () => {
  it('lists exactly the default inference actions', () => {
    expect(DEFAULT_INFERENCE_ACTIONS).toEqual([
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
    expect(Object.isFrozen(DEFAULT_INFERENCE_ACTIONS)).toBe(true)
  })

  it.each([
    ['bedrock:InvokeModel', 'bedrock:InvokeModel', true],
    ['Bedrock:invoke*', 'bedrock:InvokeModel', true],
    ['BEDROCK:INVOKEMODEL', 'bedrock:InvokeModel', true],
    ['bedrock:invokemodel', 'bedrock:InvokeModelWithResponseStream', false],
    ['bedrock:*', 'bedrock-mantle:CreateInference', false],
    ['bedrock*', 'bedrock-mantle:CreateInference', true],
    ['*', 'bedrock:Rerank', true],
    ['*:*', 'bedrock:Rerank', true],
    ['bedrock:Converse*', 'bedrock:InvokeModel', false],
    ['bedrock:InvokeMode?', 'bedrock:InvokeModel', true],
    ['bedrock:InvokeModel?', 'bedrock:InvokeModel', false],
  ])('actionMatches(%j, %j) → %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected)
  })

  it('expands Action and NotAction lists against the action set', () => {
    expect(expandActionPatterns(['bedrock:Invoke*'], ALL)).toEqual(INVOKE_STAR)
    expect(expandActionPatterns(['bedrock:Converse*', 'bedrock:CallWithBearerToken'], ALL)).toEqual([])
    expect(expandNotActionPatterns(['bedrock:*'], ALL)).toEqual([MANTLE])
    expect(expandNotActionPatterns(['iam:*', 'organizations:*', 'account:*'], ALL)).toEqual(ALL)
    expect(serviceOfAction('Bedrock-Mantle:CreateInference')).toBe('bedrock-mantle')
  })

  it('reads invalid Action+NotAction statements on the capable side', () => {
    const both = { action: ['bedrock:*'], notAction: ['bedrock:InvokeModel'] }
    expect(statementActions({ effect: 'Allow', ...both }, ALL)).toEqual(BEDROCK_ONLY)
    expect(statementActions({ effect: 'Deny', ...both }, ALL)).toEqual(BEDROCK_ONLY.slice(1))
    expect(statementActions({ effect: 'Allow' }, ALL)).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------------------
// Action / NotAction
// ---------------------------------------------------------------------------------------------------------

describe('Action and NotAction', () => {
  it.each<[string, Raw, string[]]>([
    ['exact action', allow('bedrock:InvokeModel'), ['bedrock:InvokeModel']],
    ['mixed-case wildcard', allow('Bedrock:invoke*'), INVOKE_STAR],
    ['Invoke* is not every inference action', allow('bedrock:Invoke*'), INVOKE_STAR],
    ['bedrock:*', allow('bedrock:*'), BEDROCK_ONLY],
    ['bedrock-mantle:*', allow('bedrock-mantle:*'), [MANTLE]],
    ['bedrock* spans both services', allow('bedrock*'), ALL],
    ['*', allow('*'), ALL],
    ['*:*', allow('*:*'), ALL],
    ['list with other services', allow(['s3:GetObject', 'bedrock:InvokeFlow']), ['bedrock:InvokeFlow']],
    ['*Model*', allow('bedrock:*Model*'), ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:CreateModelInvocationJob']],
    ['? matches one character', allow('bedrock:InvokeMode?'), ['bedrock:InvokeModel']],
    ['RetrieveAndGenerate with InvokeModel', allow(['bedrock:RetrieveAndGenerate', 'bedrock:InvokeModel']), ['bedrock:InvokeModel', 'bedrock:RetrieveAndGenerate']],
    ['mantle inference', allow('bedrock-mantle:CreateInference'), [MANTLE]],
    ['NotAction iam:* (PowerUserAccess shape)', { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }, ALL],
    ['NotAction bedrock:*', { Effect: 'Allow', NotAction: 'bedrock:*', Resource: '*' }, [MANTLE]],
    [
      'NotAction bedrock:Invoke*',
      { Effect: 'Allow', NotAction: 'bedrock:Invoke*', Resource: '*' },
      // RetrieveAndGenerate and Rerank also need InvokeModel, which this statement leaves out.
      ['bedrock:CreateModelInvocationJob', MANTLE],
    ],
  ])('grants: %s', (_name, statement, expected) => {
    expect(actionsOf(statement)).toEqual(expected)
  })

  it.each<[string, Raw]>([
    ['there is no bedrock:Converse action', allow('bedrock:Converse*')],
    ['ConverseStream neither', allow(['bedrock:Converse', 'bedrock:ConverseStream'])],
    ['CallWithBearerToken alone', allow('bedrock:CallWithBearerToken')],
    ['mantle CallWithBearerToken alone', allow('bedrock-mantle:CallWithBearerToken')],
    ['read-only actions', allow(['bedrock:Get*', 'bedrock:List*'])],
    ['near miss: InvokeModel? needs one more character', allow('bedrock:InvokeModel?')],
    ['near miss: Retrieve is not RetrieveAndGenerate', allow('bedrock:Retrieve')],
    ['other service', allow('sagemaker:InvokeEndpoint')],
    ['agentcore is another service', allow('bedrock-agentcore:*')],
    ['NotAction *', { Effect: 'Allow', NotAction: '*', Resource: '*' }],
    ['neither Action nor NotAction', { Effect: 'Allow', Resource: '*' }],
  ])('grants nothing: %s', (_name, statement) => {
    const r = evaluate({ identity: [inline('p', statement)] })
    expect(r).toEqual({ capable: false, actions: [], resourceTypes: {}, grants: [], removed: [] })
  })
})

// ---------------------------------------------------------------------------------------------------------
// Resource / NotResource
// ---------------------------------------------------------------------------------------------------------

describe('Resource and NotResource', () => {
  it.each<[string, Raw, boolean]>([
    ['*', allow('bedrock:InvokeModel', '*'), true],
    ['a foundation model', allow('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku'), true],
    ['GovCloud', allow('bedrock:InvokeModel', 'arn:aws-us-gov:bedrock:*'), true],
    ['China', allow('bedrock:InvokeModel', 'arn:aws-cn:bedrock:cn-north-1::foundation-model/*'), true],
    ['any partition', allow('bedrock:InvokeModel', 'arn:*:bedrock:*'), true],
    ['service prefix wildcard', allow('bedrock:InvokeModel', 'arn:aws:bedrock*'), true],
    ['arn:*', allow('bedrock:InvokeModel', 'arn:*'), true],
    ['upper-case ARN fields', allow('bedrock:InvokeModel', 'arn:AWS:Bedrock:*'), true],
    ['arn:aws:*', allow('bedrock:InvokeModel', 'arn:aws:*'), true],
    ['one of several', allow('bedrock:InvokeModel', ['arn:aws:s3:::x', 'arn:aws:bedrock:*::foundation-model/*']), true],
    ['policy variable', allow('bedrock:InvokeModel', 'arn:aws:bedrock:*:${aws:PrincipalAccount}:provisioned-model/*'), true],
    ['S3 bucket', allow('bedrock:InvokeModel', 'arn:aws:s3:::x'), false],
    ['near miss: S3 objects whose key contains :bedrock:', allow('bedrock:InvokeModel', 'arn:aws:s3:::bucket/*'), false],
    ['mantle ARN for a bedrock action', allow('bedrock:InvokeModel', 'arn:aws:bedrock-mantle:*'), false],
    ['agentcore ARN', allow('bedrock:InvokeModel', 'arn:aws:bedrock-agentcore:*'), false],
    ['empty Resource list', allow('bedrock:InvokeModel', []), false],
    ['no Resource and no NotResource', { Effect: 'Allow', Action: 'bedrock:InvokeModel' }, false],
    ['NotResource elsewhere', { Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:s3:::*' }, true],
    [
      'NotResource of the foundation models leaves profiles',
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:bedrock:*:*:foundation-model/*' },
      true,
    ],
    ['NotResource of all Bedrock', { Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: 'arn:*:bedrock:*' }, false],
    ['NotResource *', { Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: '*' }, false],
  ])('bedrock:InvokeModel on %s → %s', (_name, statement, capable) => {
    expect(evaluate({ identity: [inline('p', statement)] }).capable).toBe(capable)
  })

  it.each<[string, Raw, boolean]>([
    ['its own service', allow(MANTLE, 'arn:aws:bedrock-mantle:*:*:project/*'), true],
    ['bedrock ARNs', allow(MANTLE, 'arn:aws:bedrock:*'), false],
    ['bedrock* prefix', allow(MANTLE, 'arn:aws:bedrock*'), true],
    ['NotResource of all bedrock ARNs', { Effect: 'Allow', Action: MANTLE, NotResource: 'arn:*:bedrock:*' }, true],
    ['NotResource of all mantle ARNs', { Effect: 'Allow', Action: MANTLE, NotResource: 'arn:*:bedrock-mantle:*' }, false],
  ])('bedrock-mantle:CreateInference on %s → %s', (_name, statement, capable) => {
    expect(evaluate({ identity: [inline('p', statement)] }).capable).toBe(capable)
  })

  it('treats every statement form the normaliser accepts alike', () => {
    const single = parsePolicyDocument({ Statement: { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' } })
    const lists = parsePolicyDocument({ Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel'], Resource: ['*'] }] })
    const a = evaluate({ identity: [{ source: { kind: 'inline', name: 'p' }, document: single }] })
    const b = evaluate({ identity: [{ source: { kind: 'inline', name: 'p' }, document: lists }] })
    expect(a).toEqual(b)
    expect(a.actions).toEqual(['bedrock:InvokeModel'])
  })
})

// ---------------------------------------------------------------------------------------------------------
// Deny
// ---------------------------------------------------------------------------------------------------------

describe('explicit Deny', () => {
  it.each<[string, Raw[], boolean]>([
    ['Deny bedrock:* on *', [deny('bedrock:*')], false],
    ['Deny bedrock:* on arn:aws:bedrock:*', [deny('bedrock:*', 'arn:aws:bedrock:*')], false],
    ['Deny on all partitions', [deny('bedrock:*', 'arn:*:bedrock:*')], false],
    ['Deny mixed case', [deny('BEDROCK:invoke*')], false],
    ['Deny one model family leaves others', [deny('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/anthropic.*')], true],
    ['conditional Deny removes nothing', [deny('bedrock:*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'ml' } } })], true],
    ['Deny on S3 removes nothing', [deny('bedrock:InvokeModel', 'arn:aws:s3:::*')], true],
    ['Deny of the non-action Converse removes nothing', [deny('bedrock:Converse*')], true],
    ['Deny NotAction bedrock:* keeps bedrock', [{ Effect: 'Deny', NotAction: 'bedrock:*', Resource: '*' }], true],
    [
      'Deny NotResource profiles leaves only profiles, which do not count alone',
      [{ Effect: 'Deny', Action: 'bedrock:*', NotResource: 'arn:aws:bedrock:*:*:inference-profile/*' }],
      false,
    ],
    [
      'Deny NotResource provisioned models leaves them',
      [{ Effect: 'Deny', Action: 'bedrock:*', NotResource: 'arn:aws:bedrock:*:*:provisioned-model/*' }],
      true,
    ],
    ['Deny NotResource S3 denies Bedrock', [{ Effect: 'Deny', Action: 'bedrock:*', NotResource: 'arn:aws:s3:::*' }], false],
    [
      'Deny scoped to own account leaves AWS-owned foundation models',
      [deny('bedrock:*', 'arn:aws:bedrock:*:${aws:PrincipalAccount}:*')],
      true,
    ],
    ['Deny without Resource is ignored', [{ Effect: 'Deny', Action: 'bedrock:*' }], true],
  ])('Allow bedrock:InvokeModel on * + %s → capable %s', (_name, denies, capable) => {
    const r = evaluate({ identity: [inline('p', allow('bedrock:InvokeModel'), ...denies)] })
    expect(r.capable).toBe(capable)
    // Not capable is always explained: a removal, or a note (inference profiles without their models).
    expect(r.removed.length > 0 || (r.notes?.length ?? 0) > 0).toBe(!capable)
  })

  it('removes a narrow Allow with a broader Deny', () => {
    const r = evaluate({
      identity: [
        inline(
          'p',
          allow('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/anthropic.*'),
          deny('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/*'),
        ),
      ],
    })
    expect(r.capable).toBe(false)
  })

  it('keeps a region the Deny does not name', () => {
    const r = evaluate({
      identity: [inline('p', allow('bedrock:*', 'arn:aws:bedrock:us-east-1:*'), deny('bedrock:*', 'arn:aws:bedrock:us-west-2:*'))],
    })
    // RetrieveAndGenerate, Rerank and InvokeInlineAgent have no resource type: only Resource "*" reaches them.
    expect(r.actions).toEqual(ARN_TYPED)
  })

  it('reports which statement removed what', () => {
    const r = evaluate({
      identity: [inline('admin', ADMIN), inline('guard', { Sid: 'NoBedrock', ...deny('bedrock:*', 'arn:aws:bedrock:*') })],
    })
    // The Deny names ARNs; actions without resource types are requested on "*" and stay (SAR).
    expect(r.actions).toEqual(['bedrock:InvokeInlineAgent', MANTLE])
    expect(r.removed).toEqual(
      ARN_TYPED.map((action) => ({ action, by: 'deny', policy: 'inline:guard', statement: 'Statement[0] (NoBedrock)' })),
    )
    expect(r.grants).toEqual([{ policy: 'inline:admin', statement: 'Statement[0]', actions: ['bedrock:InvokeInlineAgent', MANTLE], conditional: false }])
    expect(r.notes).toEqual([
      'bedrock:RetrieveAndGenerate is allowed but also needs bedrock:InvokeModel, which is not allowed, so it does not count',
      'bedrock:Rerank is allowed but also needs bedrock:InvokeModel, which is not allowed, so it does not count',
    ])
  })

  it('names every Deny when only their combination removes the action', () => {
    const r = evaluate({
      identity: [
        inline(
          'p',
          allow('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1:*'),
          deny('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1:*:foundation-model/*'),
          { Effect: 'Deny', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:bedrock:us-east-1:*:foundation-model/*' },
        ),
      ],
    })
    expect(r.capable).toBe(false)
    expect(r.removed.map((x) => x.statement)).toEqual(['Statement[1]', 'Statement[2]'])
  })

  it('leaves a gap when two Denies do not cover everything', () => {
    const r = evaluate({
      identity: [
        inline(
          'p',
          allow('bedrock:InvokeModel', 'arn:aws:bedrock:*:*:foundation-model/*'),
          deny('bedrock:InvokeModel', 'arn:aws:bedrock:*:*:foundation-model/anthropic.*'),
          deny('bedrock:InvokeModel', 'arn:aws:bedrock:*:*:foundation-model/amazon.*'),
        ),
      ],
    })
    expect(r.actions).toEqual(['bedrock:InvokeModel'])
  })
})

// ---------------------------------------------------------------------------------------------------------
// Partitions
// ---------------------------------------------------------------------------------------------------------

describe('partitions', () => {
  it('infers the partition from the ARNs the policies name', () => {
    const input = { identity: [inline('p', ADMIN, deny('bedrock:*', 'arn:aws:bedrock:*'))] }
    expect(evaluate(input).actions).toEqual(['bedrock:InvokeInlineAgent', MANTLE])
    // An account in China is not covered by a Deny on the commercial partition.
    expect(evaluate({ ...input, partition: 'aws-cn' }).actions).toEqual(ALL)
  })

  it('never grants across partitions when the partition is known', () => {
    const input = { identity: [inline('p', allow('bedrock:*', 'arn:aws-cn:bedrock:*'))] }
    expect(evaluate(input).capable).toBe(true)
    expect(evaluate({ ...input, partition: 'aws' }).capable).toBe(false)
  })

  it('does not guess when the policies name several partitions', () => {
    const r = evaluate({ identity: [inline('p', allow('bedrock:*', 'arn:aws:bedrock:*'), deny('bedrock:*', 'arn:aws-cn:bedrock:*'))] })
    expect(r.actions).toEqual(ARN_TYPED)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Conditions and grants
// ---------------------------------------------------------------------------------------------------------

describe('grants', () => {
  it('counts a conditional Allow and marks it', () => {
    const r = evaluate({
      identity: [inline('p', { Sid: 'Tagged', ...allow('bedrock:InvokeModel', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }) })],
    })
    expect(r).toEqual({
      capable: true,
      actions: ['bedrock:InvokeModel'],
      resourceTypes: { 'bedrock:InvokeModel': ['all'] },
      grants: [{ policy: 'inline:p', statement: 'Statement[0] (Tagged)', actions: ['bedrock:InvokeModel'], conditional: true }],
      removed: [],
    })
  })

  it('lists every granting statement of every policy, in order', () => {
    const group: AttachedPolicy = {
      source: { kind: 'group-managed', name: 'arn:aws:iam::111122223333:policy/Ml', arn: 'arn:aws:iam::111122223333:policy/Ml', group: 'ml' },
      document: doc(allow('bedrock:Rerank'), allow('s3:*'), { Sid: 'Mantle', ...allow('bedrock-mantle:*') }),
    }
    const r = evaluate({ identity: [inline('p', allow('bedrock:InvokeModel'), allow('bedrock:Invoke*', 'arn:aws:bedrock:*')), group] })
    expect(r.actions).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
      'bedrock:InvokeAgent',
      'bedrock:InvokeFlow',
      'bedrock:Rerank',
      MANTLE,
    ])
    expect(r.grants).toEqual([
      { policy: 'inline:p', statement: 'Statement[0]', actions: ['bedrock:InvokeModel'], conditional: false },
      {
        policy: 'inline:p',
        statement: 'Statement[1]',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeAgent', 'bedrock:InvokeFlow'],
        conditional: false,
      },
      { policy: 'group:ml/arn:aws:iam::111122223333:policy/Ml', statement: 'Statement[0]', actions: ['bedrock:Rerank'], conditional: false },
      { policy: 'group:ml/arn:aws:iam::111122223333:policy/Ml', statement: 'Statement[2] (Mantle)', actions: [MANTLE], conditional: false },
    ])
  })

  it('orders grants by policy and statement, not by action', () => {
    const r = evaluate({ identity: [inline('p', allow('bedrock:Rerank'), allow('bedrock:InvokeModel'))] })
    expect(r.grants.map((g) => [g.statement, g.actions])).toEqual([
      ['Statement[0]', ['bedrock:Rerank']],
      ['Statement[1]', ['bedrock:InvokeModel']],
    ])
  })

  it('only credits statements whose own grant survives', () => {
    const r = evaluate({
      identity: [
        inline(
          'p',
          allow('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/anthropic.*'),
          allow('bedrock:InvokeModel', 'arn:aws:bedrock:*:*:provisioned-model/*'),
          deny('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/*'),
        ),
      ],
    })
    expect(r.grants.map((g) => g.statement)).toEqual(['Statement[1]'])
  })
})

// ---------------------------------------------------------------------------------------------------------
// Permissions boundary
// ---------------------------------------------------------------------------------------------------------

describe('permissions boundary', () => {
  const admin = inline('admin', ADMIN)

  it('intersects on actions', () => {
    const r = evaluate({ identity: [admin], boundary: boundaryOf(allow('bedrock:InvokeModel')) })
    expect(r.actions).toEqual(['bedrock:InvokeModel'])
    expect(r.removed).toEqual(
      ALL.filter((a) => a !== 'bedrock:InvokeModel').map((action) => ({
        action,
        by: 'boundary',
        policy: 'boundary:arn:aws:iam::111122223333:policy/Boundary',
      })),
    )
  })

  it('removes everything when it allows nothing Bedrock', () => {
    const r = evaluate({ identity: [admin], boundary: boundaryOf(allow('s3:*')) })
    expect(r.capable).toBe(false)
    expect(r.removed.map((x) => x.action)).toEqual(ALL)
    expect(new Set(r.removed.map((x) => x.by))).toEqual(new Set(['boundary']))
  })

  it('intersects on resources', () => {
    const east = boundaryOf(allow('bedrock:*', 'arn:aws:bedrock:us-east-1:*'))
    expect(evaluate({ identity: [inline('p', allow('bedrock:InvokeModel', 'arn:aws:bedrock:us-west-2:*'))], boundary: east }).capable).toBe(false)
    expect(evaluate({ identity: [inline('p', allow('bedrock:InvokeModel', 'arn:aws:bedrock:*'))], boundary: east }).capable).toBe(true)
    const profiles = boundaryOf(allow('bedrock:*', 'arn:aws:bedrock:*:*:inference-profile/*'))
    expect(evaluate({ identity: [inline('p', allow('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/*'))], boundary: profiles }).capable).toBe(false)
  })

  it('applies its unconditional Deny', () => {
    const r = evaluate({ identity: [admin], boundary: boundaryOf(ADMIN, { Sid: 'NoInvoke', ...deny('bedrock:InvokeModel*') }) })
    expect(r.actions).not.toContain('bedrock:InvokeModel')
    expect(r.removed).toContainEqual({
      action: 'bedrock:InvokeModel',
      by: 'boundary',
      policy: 'boundary:arn:aws:iam::111122223333:policy/Boundary',
      statement: 'Statement[1] (NoInvoke)',
    })
  })

  it('lists every restriction that alone would remove the action', () => {
    const r = evaluate({ identity: [admin, inline('guard', deny('bedrock:InvokeModel'))], boundary: boundaryOf(allow('s3:*')) })
    expect(r.removed.filter((x) => x.action === 'bedrock:InvokeModel')).toEqual([
      { action: 'bedrock:InvokeModel', by: 'deny', policy: 'inline:guard', statement: 'Statement[0]' },
      { action: 'bedrock:InvokeModel', by: 'boundary', policy: 'boundary:arn:aws:iam::111122223333:policy/Boundary' },
    ])
  })

  it('does not grant by itself and keeps conditional allows', () => {
    expect(evaluate({ identity: [inline('p', allow('s3:*'))], boundary: boundaryOf(ADMIN) }).capable).toBe(false)
    const conditional = boundaryOf(allow('bedrock:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }))
    expect(evaluate({ identity: [admin], boundary: conditional }).actions).toEqual(BEDROCK_ONLY)
    const powerUser = boundaryOf({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })
    expect(evaluate({ identity: [admin], boundary: powerUser }).actions).toEqual(ALL)
  })
})

// ---------------------------------------------------------------------------------------------------------
// SCPs
// ---------------------------------------------------------------------------------------------------------

describe('service control policies', () => {
  const admin = inline('admin', ADMIN)

  it('leaves FullAWSAccess alone', () => {
    expect(evaluate({ identity: [admin], scps: [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]] }).actions).toEqual(ALL)
  })

  it('applies an unconditional SCP Deny', () => {
    const r = evaluate({ identity: [admin], scps: [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, scp('DenyBedrock', { Sid: 'X', ...deny('bedrock:*') })]] })
    expect(r.actions).toEqual([MANTLE])
    expect(r.removed[0]).toEqual({ action: 'bedrock:InvokeModel', by: 'scp', policy: 'scp:DenyBedrock', statement: 'Statement[0] (X)' })
  })

  it('ignores a conditional SCP Deny', () => {
    const r = evaluate({
      identity: [admin],
      scps: [[FULL_AWS_ACCESS, scp('Regions', deny('*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } }))]],
    })
    expect(r.actions).toEqual(ALL)
  })

  it('requires every level to allow', () => {
    const r = evaluate({ identity: [admin], scps: [[FULL_AWS_ACCESS], [scp('OnlyS3', allow('s3:*'))]] })
    expect(r.capable).toBe(false)
    expect(r.removed.filter((x) => x.action === MANTLE)).toEqual([{ action: MANTLE, by: 'scp', policy: 'scp:OnlyS3' }])
  })

  it('treats a level without any SCP as allowing nothing', () => {
    const r = evaluate({ identity: [admin], scps: [[FULL_AWS_ACCESS], []] })
    expect(r.capable).toBe(false)
    expect(r.removed[0]).toEqual({ action: 'bedrock:InvokeModel', by: 'scp', policy: 'scp:(no policy attached at level 1)' })
  })

  it('is satisfied by any SCP of a level', () => {
    const r = evaluate({ identity: [admin], scps: [[scp('OnlyS3', allow('s3:*')), scp('Bedrock', allow('bedrock:InvokeModel'))]] })
    expect(r.actions).toEqual(['bedrock:InvokeModel'])
  })
})

// ---------------------------------------------------------------------------------------------------------
// AWS managed policies, three encodings
// ---------------------------------------------------------------------------------------------------------

describe('AWS managed policies', () => {
  const encodings: Array<[string, (d: Raw) => unknown]> = [
    ['object', (d) => d],
    ['URL-encoded', (d) => encodeURIComponent(JSON.stringify(d))],
    ['JSON string', (d) => JSON.stringify(d)],
  ]

  it.each<[string, string[]]>([
    ['AdministratorAccess', ALL],
    ['PowerUserAccess', ALL],
    ['AmazonBedrockFullAccess', ALL],
    ['AmazonBedrockLimitedAccess', ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:CreateModelInvocationJob', MANTLE]],
    ['AmazonBedrockReadOnly', []],
    ['AmazonBedrockMantleInferenceAccess', [MANTLE]],
    ['AmazonBedrockMantleFullAccess', [MANTLE]],
    ['ReadOnlyAccess', []],
  ])('%s grants %j in every encoding', (name, expected) => {
    const results = encodings.map(([, encode]) => evaluate({ identity: [managed(name, encode)] }))
    expect(results[0]?.actions).toEqual(expected)
    expect(results[1]).toEqual(results[0])
    expect(results[2]).toEqual(results[0])
  })

  it('names the granting statements of AmazonBedrockFullAccess', () => {
    const r = evaluate({ identity: [managed('AmazonBedrockFullAccess')] })
    expect(r.grants).toEqual([
      { policy: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess', statement: 'Statement[0] (BedrockAll)', actions: BEDROCK_ONLY, conditional: false },
      { policy: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess', statement: 'Statement[1] (BedrockMantleAll)', actions: [MANTLE], conditional: false },
    ])
  })

  it('does not give AmazonBedrockLimitedAccess agents, knowledge bases or flows', () => {
    const r = evaluate({ identity: [managed('AmazonBedrockLimitedAccess')] })
    for (const a of ['bedrock:InvokeAgent', 'bedrock:RetrieveAndGenerate', 'bedrock:InvokeFlow']) expect(r.actions).not.toContain(a)
  })

  it('combines managed policies with a read-only boundary', () => {
    const ro = managed('AmazonBedrockReadOnly')
    const r = evaluate({
      identity: [managed('AmazonBedrockLimitedAccess'), managed('ReadOnlyAccess')],
      boundary: { source: { kind: 'boundary', name: ro.source.name, arn: ro.source.arn }, document: ro.document },
    })
    expect(r.capable).toBe(false)
    expect(r.removed.map((x) => x.by)).toEqual(['boundary', 'boundary', 'boundary', 'boundary'])
  })
})

// ---------------------------------------------------------------------------------------------------------
// describePolicySource
// ---------------------------------------------------------------------------------------------------------

describe('describePolicySource', () => {
  it.each<[PolicySource, string]>([
    [{ kind: 'inline', name: 'InvokeOnly' }, 'inline:InvokeOnly'],
    [{ kind: 'managed', name: 'arn:aws:iam::aws:policy/AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, 'arn:aws:iam::aws:policy/AdministratorAccess'],
    [{ kind: 'group-inline', name: 'Extra', group: 'ml' }, 'group:ml/inline:Extra'],
    [{ kind: 'group-managed', name: 'x', arn: 'arn:aws:iam::1:policy/x', group: 'ml' }, 'group:ml/arn:aws:iam::1:policy/x'],
    [{ kind: 'boundary', name: 'b', arn: 'arn:aws:iam::1:policy/b' }, 'boundary:arn:aws:iam::1:policy/b'],
    [{ kind: 'scp', name: 'FullAWSAccess' }, 'scp:FullAWSAccess'],
    [{ kind: 'trust', name: 'BedrockRole' }, 'trust:BedrockRole'],
  ])('%j → %s', (src, expected) => {
    expect(describePolicySource(src)).toBe(expected)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Memoisation
// ---------------------------------------------------------------------------------------------------------

/** A varied corpus of inputs, reused to compare cached and uncached evaluation. */
function corpus(): CapabilityInput[] {
  const admin = inline('admin', ADMIN)
  const denyAnthropic = inline('deny', deny('bedrock:*', 'arn:aws:bedrock:*::foundation-model/anthropic.*'))
  const denyAll = inline('deny-all', deny('bedrock:*', 'arn:aws:bedrock:*'))
  const invoke = inline('invoke', allow('bedrock:Invoke*', 'arn:aws:bedrock:*::foundation-model/anthropic.*'))
  const profiles = boundaryOf(allow('bedrock:*', 'arn:aws:bedrock:*:*:inference-profile/*'))
  const anyBedrock = boundaryOf(allow(['bedrock:*', 'bedrock-mantle:*']))
  const limited = managed('AmazonBedrockLimitedAccess')
  const power = managed('PowerUserAccess')
  const denyScp = scp('DenyInvoke', deny('bedrock:InvokeModel'))
  const identities = [[admin], [admin, denyAnthropic], [invoke, denyAnthropic], [invoke], [limited, denyAll], [power], [limited], [admin, denyAll]]
  const out: CapabilityInput[] = []
  for (const identity of identities) {
    out.push({ identity })
    out.push({ identity, boundary: profiles })
    out.push({ identity, boundary: anyBedrock, scps: [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, denyScp]] })
    out.push({ identity, partition: 'aws-cn' })
  }
  return out
}

describe('PolicyEvalCache', () => {
  it('analyses each distinct document once and reuses combinations', () => {
    const cache = new PolicyEvalCache()
    const policies = [inline('admin', ADMIN), managed('AmazonBedrockLimitedAccess'), inline('deny', deny('bedrock:InvokeModel'))]
    for (let i = 0; i < 300; i++) {
      // every principal has its own inline policy name, but the same documents
      const identity = [{ ...policies[i % 3]!, source: { kind: 'inline' as const, name: `p${i}` } }, policies[(i + 1) % 3]!]
      evaluateBedrockCapability({ identity }, DEFAULT_INFERENCE_ACTIONS, cache)
    }
    expect(cache.stats.documentAnalyses).toBe(3)
    expect(cache.stats.documentHits).toBe(600 - 3)
    expect(cache.stats.combinationMisses).toBe(3)
    expect(cache.stats.combinationHits).toBe(297)
  })

  it('renders names per principal even when the combination is shared', () => {
    const cache = new PolicyEvalCache()
    const a = evaluateBedrockCapability({ identity: [inline('first', ADMIN)] }, undefined, cache)
    const b = evaluateBedrockCapability({ identity: [inline('second', ADMIN)] }, undefined, cache)
    expect(cache.stats.combinationHits).toBe(1)
    expect(a.grants[0]?.policy).toBe('inline:first')
    expect(b.grants[0]?.policy).toBe('inline:second')
    b.actions.push('mutated')
    expect(evaluateBedrockCapability({ identity: [inline('third', ADMIN)] }, undefined, cache).actions).toEqual(ALL)
  })

  it('keys documents by action set', () => {
    const cache = new PolicyEvalCache()
    const input = { identity: [inline('p', allow('bedrock:Retrieve'))] }
    expect(evaluateBedrockCapability(input, DEFAULT_INFERENCE_ACTIONS, cache).capable).toBe(false)
    expect(evaluateBedrockCapability(input, ['bedrock:Retrieve'], cache).actions).toEqual(['bedrock:Retrieve'])
    expect(cache.stats.documentAnalyses).toBe(2)
  })

  it('gives identical results with a shared cache, without one, and with tiny evicting caches', () => {
    const inputs = corpus()
    const uncached = inputs.map((i) => evaluateBedrockCapability(i))
    const shared = new PolicyEvalCache()
    const twice = [...inputs, ...inputs].map((i) => evaluateBedrockCapability(i, DEFAULT_INFERENCE_ACTIONS, shared))
    const tiny = new PolicyEvalCache({ maxDocuments: 1, maxCombinations: 1, maxQueries: 1 })
    const evicting = inputs.map((i) => evaluateBedrockCapability(i, DEFAULT_INFERENCE_ACTIONS, tiny))
    expect(twice.slice(0, inputs.length)).toEqual(uncached)
    expect(twice.slice(inputs.length)).toEqual(uncached)
    expect(evicting).toEqual(uncached)
    expect(shared.stats.combinationHits).toBeGreaterThanOrEqual(inputs.length)
    // the corpus is not degenerate
    expect(new Set(uncached.map((r: BedrockCapability) => JSON.stringify(r.actions))).size).toBeGreaterThan(4)
  })

  // Speed is measured by `npm run bench`; here we assert the mechanism that makes it cheap.
  it('computes each distinct policy combination once for many principals sharing a few policies', () => {
    const cache = new PolicyEvalCache()
    const inputs = corpus()
    for (let i = 0; i < 20_000; i++) evaluateBedrockCapability(inputs[i % inputs.length]!, DEFAULT_INFERENCE_ACTIONS, cache)
    expect(cache.stats.combinationMisses).toBe(inputs.length)
    expect(cache.stats.combinationHits).toBe(20_000 - inputs.length)
  })

  it('does not memoise documents without a hash', () => {
    const cache = new PolicyEvalCache()
    const unhashed: AttachedPolicy = { source: { kind: 'inline', name: 'p' }, document: { ...doc(ADMIN), hash: '' } }
    const other: AttachedPolicy = { source: { kind: 'inline', name: 'q' }, document: { ...doc(allow('s3:*')), hash: '' } }
    expect(evaluateBedrockCapability({ identity: [unhashed] }, undefined, cache).actions).toEqual(ALL)
    expect(evaluateBedrockCapability({ identity: [other] }, undefined, cache).capable).toBe(false)
    expect(cache.stats.documentAnalyses).toBe(2)
    expect(cache.stats.combinationHits).toBe(0)
  })

  it('starts from zero after clear()', () => {
    const cache = new PolicyEvalCache()
    evaluateBedrockCapability({ identity: [inline('p', ADMIN)] }, undefined, cache)
    cache.clear()
    expect(cache.stats.documentAnalyses).toBe(0)
    evaluateBedrockCapability({ identity: [inline('p', ADMIN)] }, undefined, cache)
    expect(cache.stats.documentAnalyses).toBe(1)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Resource types (Service Authorization Reference, data/sar-resource-types.json)
// ---------------------------------------------------------------------------------------------------------

describe('resource types of each action', () => {
  const one = (statements: Raw[], extra: Partial<CapabilityInput> = {}) => evaluate({ identity: [inline('p', ...statements)], ...extra })
  const FM_ALL = allow('bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/*')

  // SAR: an action with no resource types needs Resource "*" ("you must specify all resources").
  it.each<[string, string, string | string[]]>([
    ['RetrieveAndGenerate on a knowledge base', 'bedrock:RetrieveAndGenerate', 'arn:aws:bedrock:us-east-1:111111111111:knowledge-base/KB12345678'],
    ['Rerank on every Bedrock ARN', 'bedrock:Rerank', 'arn:aws:bedrock:*:*:*'],
    ['InvokeInlineAgent on agents', 'bedrock:InvokeInlineAgent', 'arn:aws:bedrock:us-east-1:111111111111:agent/*'],
  ])('class W: %s is not allowed', (_name, action, resource) => {
    expect(one([allow(action, resource), FM_ALL]).actions).not.toContain(action)
    expect(one([allow(action, '*'), FM_ALL]).actions).toContain(action)
  })

  it.each<[string, Raw[]]>([
    ['Deny bedrock:* on arn:aws:bedrock:*:*:*', [deny('bedrock:*', 'arn:aws:bedrock:*:*:*')]],
    ['Deny * on arn:*', [deny('*', 'arn:*')]],
  ])('class W: Allow bedrock:* on * + %s keeps the actions without resource types', (_name, denies) => {
    const r = one([allow('bedrock:*'), ...denies])
    expect(r.actions).toEqual(['bedrock:InvokeInlineAgent'])
    expect(r.resourceTypes).toEqual({ 'bedrock:InvokeInlineAgent': ['*'] })
  })

  it('class W: the same Deny in an SCP leaves InvokeInlineAgent', () => {
    const r = one([allow('bedrock:*')], { scps: [[FULL_AWS_ACCESS, scp('NoBedrockArns', deny('bedrock:*', 'arn:aws:bedrock:*:*:*'))]] })
    expect(r.actions).toEqual(['bedrock:InvokeInlineAgent'])
  })

  it('class W: NotResource of ARNs admits "*"; the same NotResource in a Deny removes it', () => {
    const notRes = { Effect: 'Allow', Action: 'bedrock:Rerank', NotResource: 'arn:aws:bedrock:*:*:*' }
    expect(one([notRes, FM_ALL]).actions).toContain('bedrock:Rerank')
    const denied = one([allow(['bedrock:Rerank']), FM_ALL, { Effect: 'Deny', Action: 'bedrock:Rerank', NotResource: 'arn:aws:bedrock:*:*:*' }])
    expect(denied.actions).not.toContain('bedrock:Rerank')
  })

  it.each<[string, Partial<CapabilityInput>]>([
    ['a permissions boundary', { boundary: boundaryOf(allow('bedrock:*', 'arn:aws:bedrock:*:*:*')) }],
    ['an SCP', { scps: [[scp('BedrockArnsOnly', allow('bedrock:*', 'arn:aws:bedrock:*:*:*'))]] }],
  ])('class W: %s allowing bedrock:* only on ARNs takes the three away', (_name, extra) => {
    const r = one([ADMIN], extra)
    for (const a of ['bedrock:InvokeInlineAgent', 'bedrock:RetrieveAndGenerate', 'bedrock:Rerank']) expect(r.actions).not.toContain(a)
    expect(r.actions).toContain('bedrock:InvokeModel')
  })

  // SAR: a request's resource is an ARN of one of the action's resource types.
  it.each<[string, string | string[], string]>([
    ['foundation models with an account', ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], 'arn:aws:bedrock:us-east-1:111111111111:foundation-model/*'],
    ['knowledge bases', 'bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1:111111111111:knowledge-base/*'],
    ['agents', 'bedrock:InvokeModel', 'arn:aws:bedrock:*:*:agent/*'],
    ['an agent (InvokeAgent authorises on aliases)', 'bedrock:InvokeAgent', 'arn:aws:bedrock:us-east-1:111111111111:agent/AGENT12345'],
    ['a flow (InvokeFlow authorises on aliases)', 'bedrock:InvokeFlow', 'arn:aws:bedrock:us-east-1:111111111111:flow/FLOW12345'],
  ])('class T: Allow on %s is not capable', (_name, action, resource) => {
    expect(one([allow(action, resource)]).capable).toBe(false)
  })

  it.each<[string, string, string, string[]]>([
    ['foundation models', 'bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1::foundation-model/*', ['foundation-model']],
    ['agent aliases', 'bedrock:InvokeAgent', 'arn:aws:bedrock:us-east-1:111111111111:agent-alias/AGENT12345/*', ['agent-alias']],
    ['flow aliases', 'bedrock:InvokeFlow', 'arn:aws:bedrock:us-east-1:111111111111:flow/FLOW12345/alias/*', ['flow-alias']],
    ['system tools (no Region)', 'bedrock:InvokeModel', 'arn:aws:bedrock::111111111111:system-tool/*', ['system-tool']],
    ['Region-less model ARNs', 'bedrock:InvokeModel', 'arn:aws:bedrock:::foundation-model/*', ['foundation-model']],
  ])('class T near miss: Allow on %s is capable, through its type', (_name, action, resource, types) => {
    const r = one([allow(action, resource)])
    expect(r.actions).toEqual([action])
    expect(r.resourceTypes).toEqual({ [action]: types })
  })

  it('class T: Allow InvokeModel on * + Deny NotResource knowledge bases denies every InvokeModel type', () => {
    const r = one([allow('bedrock:InvokeModel'), { Effect: 'Deny', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:bedrock:*:*:knowledge-base/*' }])
    expect(r.capable).toBe(false)
    expect(r.removed.map((x) => x.action)).toEqual(['bedrock:InvokeModel'])
  })

  it('inference profiles count only with the foundation models they route to', () => {
    const profilesOnly = one([allow('bedrock:InvokeModel', ['arn:aws:bedrock:*:*:inference-profile/*', 'arn:aws:bedrock:*:*:application-inference-profile/*'])])
    expect(profilesOnly.capable).toBe(false)
    expect(profilesOnly.notes?.[0]).toMatch(/^bedrock:InvokeModel is allowed only on application-inference-profile, inference-profile: AWS also requires the foundation models/)
    const withModels = one([allow('bedrock:InvokeModel', ['arn:aws:bedrock:*:*:inference-profile/*', 'arn:aws:bedrock:*::foundation-model/*'])])
    expect(withModels.resourceTypes).toEqual({ 'bedrock:InvokeModel': ['foundation-model', 'inference-profile'] })
  })

  it('RetrieveAndGenerate and Rerank count only with InvokeModel, also when the action list leaves it out', () => {
    const r = evaluate({ identity: [inline('p', allow(['bedrock:Rerank', 'bedrock:RetrieveAndGenerate']))] }, ['bedrock:Rerank', 'bedrock:RetrieveAndGenerate'])
    expect(r.capable).toBe(false)
    expect(r.notes).toHaveLength(2)
    const ok = evaluate({ identity: [inline('p', allow(['bedrock:Rerank', 'bedrock:InvokeModel']))] }, ['bedrock:Rerank'])
    expect(ok.actions).toEqual(['bedrock:Rerank'])
    expect(ok.grants).toEqual([{ policy: 'inline:p', statement: 'Statement[0]', actions: ['bedrock:Rerank'], conditional: false }])
  })

  it('names the policy variables a grant depends on', () => {
    const r = one([allow('bedrock:InvokeAgent', 'arn:aws:bedrock:*:*:agent-alias/${aws:PrincipalTag/AgentId}/*')])
    expect(r.actions).toEqual(['bedrock:InvokeAgent'])
    expect(r.grants[0]?.policyVariables).toEqual(['${aws:PrincipalTag/AgentId}'])
  })

  it('judges an action the SAR table does not know against its whole service, and says so', () => {
    const actions = ['bedrock:InvokeSomethingNew']
    expect(unresolvedInferenceActions(actions)).toEqual(['bedrock:InvokeSomethingNew'])
    expect(unresolvedInferenceActions(DEFAULT_INFERENCE_ACTIONS)).toEqual([])
    const r = evaluate({ identity: [inline('p', allow('bedrock:*', 'arn:aws:bedrock:*:*:anything/*'))] }, actions)
    expect(r.resourceTypes).toEqual({ 'bedrock:InvokeSomethingNew': ['bedrock'] })
  })

  it('reads a short ARN by the trailing-wildcard rule (IAM User Guide)', () => {
    // "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries"
    expect(one([allow('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1:*')]).capable).toBe(true)
    expect(one([allow('bedrock:InvokeModel', 'arn:aws:bedrock:us-*')]).capable).toBe(true)
    // Without a trailing * a short ARN names no resource at all.
    expect(one([allow('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1:111111111111')]).capable).toBe(false)
    expect(one([allow('bedrock:InvokeModel'), deny('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1')]).capable).toBe(true)
  })
})
