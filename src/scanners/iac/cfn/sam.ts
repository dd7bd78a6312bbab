/**
 * AWS SAM (`Transform: AWS::Serverless-2016-10-31`): the execution role SAM generates for an
 * `AWS::Serverless::Function` or `AWS::Serverless::StateMachine`, written out as the `AWS::IAM::Role` the
 * transform produces, so the ordinary role handler evaluates it. The resource type decides, with or without
 * the `Transform` line. What the transform does is read from its source (aws/serverless-application-model,
 * `samtranslator/model/sam_resources.py`, `model/role_utils/role_constructor.py`,
 * `model/stepfunctions/generators.py`, `model/resource_policies.py`, `plugins/globals/globals.py`):
 *
 * - the role's logical ID is `<LogicalId>Role`; it has no `RoleName`, so its name is generated;
 * - no role is generated when `Role` is set (SAM then ignores a function's `Policies`; a state machine with
 *   both is rejected); `Role: !If [C, …, !Ref AWS::NoValue]` generates it when `C` is false;
 * - `Policies` is one entry or a list: a string is an AWS managed policy name (SAM maps the name to its ARN) or an
 *   ARN, an intrinsic function is an ARN, a map with `Statement` is an inline policy (`<Id>RolePolicy<n>`), a map
 *   with one other key is a policy template; `Fn::If` takes the kind of its branches;
 * - the function role always has `AWSLambdaBasicExecutionRole`; trust is `lambda.amazonaws.com` (or the function's
 *   `AssumeRolePolicyDocument`), `states.amazonaws.com` for a state machine;
 * - `RolePath` is the role's `Path`, `PermissionsBoundary` its boundary;
 * - `Tags` (a map) become the role's tags, after SAM's own `lambda:createdBy: SAM` ("Tags … are added to the
 *   generated role": sam_resources.py `_construct_role(tags=self._construct_tag_list(self.Tags))`, since SAM
 *   v1.16, aws/serverless-application-model#1194);
 * - `Globals.Function` supplies `Tags` (merged, the function's keys win), `RolePath`, `PermissionsBoundary` and
 *   `AssumeRolePolicyDocument` (the function's own value wins).
 */
import { awsManagedPolicyArnByName } from '../../../iam/managed-policy-catalog.js'
import type { SourcePosition } from '../model.js'
import { child, entry, type CEntry, type CNode } from './parse.js'
import { SAM_POLICY_TEMPLATES } from './sam-policy-templates.js'

interface SamKind {
  service: string
  /** The `Globals` section whose role properties apply (`Globals.Function`). */
  globals?: string
  /** Managed policies SAM always attaches. */
  basePolicies: readonly string[]
  /** SAM ignores `Policies` when `Role` is set (function) instead of rejecting the template (state machine). */
  policiesIgnoredWithRole: boolean
}

export const SAM_ROLE_KINDS: Readonly<Record<string, SamKind>> = {
  'AWS::Serverless::Function': {
    service: 'lambda.amazonaws.com',
    globals: 'Function',
    basePolicies: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    policiesIgnoredWithRole: true,
  },
  'AWS::Serverless::StateMachine': { service: 'states.amazonaws.com', basePolicies: [], policiesIgnoredWithRole: false },
}

/** The tag SAM puts first on every resource it generates. */
export const SAM_TAG = { key: 'lambda:createdBy', value: 'SAM' }

export interface SamSource {
  logicalId: string
  type: string
  keyPos: SourcePosition
  node: CNode
  props: CNode | undefined
}

export interface SamRole {
  logicalId: string
  /** The properties of the generated `AWS::IAM::Role`. */
  props: CNode
  /** A deploy-time condition under which SAM generates the role (`Role: !If [C, …, !Ref AWS::NoValue]`). */
  condition?: string
  /** Where a fix edits the tags (the function's `Tags`, else `Globals.Function.Tags`). */
  tagsAt?: SourcePosition
  trustAt?: SourcePosition
}

export interface SamContext {
  root: CNode
  /** The `Role` property as far as it is known: 'none' (no role given), 'given', or the condition that decides. */
  roleGiven(node: CNode): 'none' | 'given' | { condition: string }
  notEvaluated(resource: string, reason: string, statement?: string): void
  note(text: string): void
}

const scalar = (v: string, pos: SourcePosition): CNode => ({ t: 'scalar', v, pos })
const map = (pos: SourcePosition, entries: Array<[string, CNode]>): CNode => ({ t: 'map', pos, entries: entries.map(([key, value]) => ({ key, keyPos: pos, value })) })

/** A map with the single key `Ref` or `Fn::…` (short-form tags are parsed into this long form). */
function intrinsicName(node: CNode): string | undefined {
  if (node.t !== 'map' || node.entries.length !== 1) return undefined
  const k = node.entries[0]!.key
  return k === 'Ref' || k.startsWith('Fn::') ? k : undefined
}

/** The generated role of a SAM resource, or undefined when SAM generates none (`Role` given). */
export function samRole(r: SamSource, ctx: SamContext): SamRole | undefined {
  const kind = SAM_ROLE_KINDS[r.type]
  if (!kind) return undefined
  const globals = kind.globals ? child(child(ctx.root, 'Globals'), kind.globals) : undefined
  const own = (key: string): CEntry | undefined => entry(r.props, key) ?? entry(globals, key)
  const roleEntry = entry(r.props, 'Role')
  let condition: string | undefined
  if (roleEntry) {
    const given = ctx.roleGiven(roleEntry.value)
    if (given === 'given') {
      if (entry(r.props, 'Policies')) {
        ctx.note(
          kind.policiesIgnoredWithRole
            ? `${r.logicalId}: Policies are ignored because Role is set (SAM generates no role); the function runs with the role it names, evaluated where that role is defined`
            : `${r.logicalId}: Role and Policies are both set, which SAM rejects; the state machine runs with the role it names`,
        )
      }
      return undefined
    }
    if (given !== 'none') condition = given.condition
  }
  const pos = r.keyPos
  const managed: CNode[] = kind.basePolicies.map((arn) => scalar(arn, pos))
  const inline: CNode[] = []
  const policies = child(r.props, 'Policies')
  const items = policies === undefined ? [] : policies.t === 'seq' ? policies.items : [policies]
  items.forEach((item, i) => {
    const where = `Policies[${i}]`
    const kindOf = policyKind(item)
    if (kindOf === 'managed') {
      const arn = managedArnNode(item, (name) => ctx.notEvaluated(r.logicalId, `Policies names ${name}, which is neither an ARN nor an AWS managed policy tagwarden's catalog knows; it is not evaluated`, where))
      if (arn) managed.push(arn)
    } else if (kindOf === 'document') {
      inline.push(map(item.pos, [['PolicyName', scalar(`${r.logicalId}RolePolicy${i}`, item.pos)], ['PolicyDocument', item]]))
    } else if (kindOf === 'template') {
      const name = item.t === 'map' ? item.entries[0]!.key : ''
      if (!SAM_POLICY_TEMPLATES.has(name)) {
        ctx.notEvaluated(r.logicalId, `SAM policy template ${name} is not one tagwarden knows (its list is taken from SAM's policy_templates.json); what it grants is not evaluated`, where)
      }
      // A known template grants no Bedrock action (see sam-policy-templates.ts): nothing to evaluate.
    } else {
      ctx.notEvaluated(r.logicalId, 'not a managed policy name or ARN, a policy document with Statement, or a policy template, which SAM rejects; it is not evaluated', where)
    }
  })
  const entries: Array<[string, CNode]> = []
  const trust = own('AssumeRolePolicyDocument')
  entries.push(['AssumeRolePolicyDocument', trust?.value ?? defaultTrust(kind.service, pos)])
  if (managed.length > 0) entries.push(['ManagedPolicyArns', { t: 'seq', pos, items: managed }])
  if (inline.length > 0) entries.push(['Policies', { t: 'seq', pos, items: inline }])
  const path = own('RolePath')
  if (path) entries.push(['Path', path.value])
  const boundary = own('PermissionsBoundary')
  if (boundary) entries.push(['PermissionsBoundary', boundary.value])
  const tags = samTags(entry(r.props, 'Tags'), entry(globals, 'Tags'), pos)
  entries.push(['Tags', tags.node])
  const out: SamRole = { logicalId: `${r.logicalId}Role`, props: map(pos, entries) }
  if (condition !== undefined) out.condition = condition
  if (tags.at) out.tagsAt = tags.at
  if (trust) out.trustAt = trust.keyPos
  return out
}

type PolicyEntryKind = 'managed' | 'document' | 'template' | 'invalid'

/** SAM's `ResourcePolicies._get_type`. */
function policyKind(item: CNode): PolicyEntryKind {
  if (item.t === 'scalar') return typeof item.v === 'string' ? 'managed' : 'invalid'
  if (item.t !== 'map') return 'invalid'
  const fn = intrinsicName(item)
  if (fn === 'Fn::If') {
    const args = item.entries[0]!.value
    const branches = args.t === 'seq' ? args.items.slice(1, 3) : []
    const kinds = branches.filter((b) => !isNoValue(b)).map(policyKind)
    return kinds.length > 0 && kinds.every((k) => k === kinds[0]) ? kinds[0]! : 'invalid'
  }
  if (fn !== undefined) return 'managed'
  if (item.entries.some((e) => e.key === 'Statement')) return 'document'
  return item.entries.length === 1 ? 'template' : 'invalid'
}

function isNoValue(node: CNode): boolean {
  const ref = node.t === 'map' && intrinsicName(node) === 'Ref' ? node.entries[0]!.value : undefined
  return ref?.t === 'scalar' && ref.v === 'AWS::NoValue'
}

/** A managed policy entry as an ARN node: a bare AWS managed policy name becomes its ARN, as SAM maps it. */
function managedArnNode(item: CNode, unknownName: (name: string) => void): CNode | undefined {
  if (item.t === 'scalar' && typeof item.v === 'string') {
    const name = item.v.trim()
    if (name.startsWith('arn:')) return item
    const arn = awsManagedPolicyArnByName(name)
    if (arn === undefined) {
      unknownName(name)
      return undefined
    }
    return { ...item, v: arn }
  }
  if (item.t === 'map' && intrinsicName(item) === 'Fn::If') {
    const args = item.entries[0]!.value
    if (args.t !== 'seq') return item
    const items = args.items.map((b, i) => (i === 0 || isNoValue(b) ? b : (managedArnNode(b, unknownName) ?? noValue(b.pos))))
    return { ...item, entries: [{ ...item.entries[0]!, value: { ...args, items } }] }
  }
  return item
}

function noValue(pos: SourcePosition): CNode {
  return map(pos, [['Ref', scalar('AWS::NoValue', pos)]])
}

function defaultTrust(service: string, pos: SourcePosition): CNode {
  const statement = map(pos, [
    ['Effect', scalar('Allow', pos)],
    ['Principal', map(pos, [['Service', { t: 'seq', pos, items: [scalar(service, pos)] }]])],
    ['Action', { t: 'seq', pos, items: [scalar('sts:AssumeRole', pos)] }],
  ])
  return map(pos, [
    ['Version', scalar('2012-10-17', pos)],
    ['Statement', { t: 'seq', pos, items: [statement] }],
  ])
}

/**
 * SAM's tag map (`Globals` first, the resource's own keys win) as a CloudFormation tag list, after `lambda:createdBy`.
 * A tag map given by an intrinsic function stays as it is: its tags are known only at deploy time.
 */
function samTags(local: CEntry | undefined, global: CEntry | undefined, pos: SourcePosition): { node: CNode; at?: SourcePosition } {
  // A fix edits the resource's own Tags; with only Globals tags the finding stays on the resource line.
  const at = local?.keyPos
  const plainMap = (e: CEntry | undefined): boolean => e === undefined || (e.value.t === 'map' && intrinsicName(e.value) === undefined)
  if (!plainMap(local) || !plainMap(global)) {
    const node = (local ?? global)!.value
    return at ? { node, at } : { node }
  }
  const merged = new Map<string, CEntry>()
  for (const e of [...(global?.value.t === 'map' ? global.value.entries : []), ...(local?.value.t === 'map' ? local.value.entries : [])]) merged.set(e.key, e)
  const tag = (key: string, keyPos: SourcePosition, value: CNode): CNode => map(keyPos, [['Key', scalar(key, keyPos)], ['Value', value]])
  const items = [tag(SAM_TAG.key, pos, scalar(SAM_TAG.value, pos)), ...[...merged.values()].map((e) => tag(e.key, e.keyPos, e.value))]
  const node: CNode = { t: 'seq', pos, items }
  return at ? { node, at } : { node }
}
