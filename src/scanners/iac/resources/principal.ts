/**
 * Roles, users and groups: one node each, with the policies, boundary, trust policy, tags and groups
 * the resource itself carries. Shared by `role.ts`, `user.ts` and `group.ts`.
 */
import type { IamGroup, IamRole, IamUser, ManagedPolicy } from '../../../model/inventory.js'
import type { PolicyDocument } from '../../../model/policy.js'
import { lookupAwsManagedPolicy } from '../../../iam/managed-policy-catalog.js'
import { allowsInference } from '../policy.js'
import { IacErrorCode, UNKNOWN_BOUNDARY_ARN, buildTags, ensureUnknownBoundary, resolveManagedArn } from '../common.js'
import { tagLimitProblem } from '../../../iam/tag-limits.js'
import type { IacOrigin } from '../model.js'
import { asList, display, isUnknown } from '../values.js'
import type { IamGraph, PrincipalStep } from './graph.js'
import type { PropertyBag, Prop } from './types.js'

type Node = IamRole | IamUser | IamGroup

const IAC_TAG_LIMIT_HINT =
  'IAM rejects tag keys over 128 characters and values over 256 at deploy time: shorten the tag in the source; tagwarden read it as it is, without truncating it.'

/** Attached managed policy ARNs; what cannot be resolved is a note. */
export function managedArns(bag: PropertyBag, graph: IamGraph, prop: Prop, notes: string[]): string[] {
  const out: string[] = []
  for (const v of asList(bag.value(prop))) {
    const res = resolveManagedArn(v, graph.inv.managedPolicies, 'attached policy')
    if ('arn' in res) out.push(res.arn)
    else {
      notes.push(bag.scoped(res.note))
      if (res.outside || graph.dialect.listsDeployTimePolicies) graph.notEvaluated(bag.id, res.note)
    }
  }
  // Judged on the parameter defaults: a policy other deploy-time values would attach is said when it grants inference.
  for (const { value, condition } of bag.valuesOnlyWhenOverridden?.(prop) ?? []) {
    const res = value === undefined ? undefined : resolveManagedArn(value, graph.inv.managedPolicies, 'attached policy')
    if (res && 'arn' in res && !out.includes(res.arn) && allowsInference(managedDocument(res.arn, graph.inv.managedPolicies))) {
      graph.notEvaluated(
        bag.id,
        `judged on the parameter defaults, which a deploy can override: attached policy ${res.arn} is attached only when condition ${condition} holds, false for the defaults, and it allows Bedrock inference actions`,
      )
    }
  }
  return out
}

/** The document of a managed policy the template defines, or of an AWS managed policy in the bundled catalog. */
function managedDocument(arn: string, local: ReadonlyMap<string, ManagedPolicy>): PolicyDocument | undefined {
  return local.get(arn)?.document ?? lookupAwsManagedPolicy(arn)?.document
}

function boundaryArn(bag: PropertyBag, graph: IamGraph, notes: string[]): string | undefined {
  const v = bag.value('boundary')
  if (v === undefined || (bag.emptyIsUnset && v === '')) return undefined
  const res = resolveManagedArn(v, graph.inv.managedPolicies, 'permissions boundary')
  if ('arn' in res) return res.arn
  const note = res.note.replace(/it grants nothing here$/, 'the boundary counts as allowing nothing')
  notes.push(note)
  if (res.outside || graph.dialect.listsDeployTimePolicies) graph.notEvaluated(bag.id, note)
  ensureUnknownBoundary(graph.inv)
  return UNKNOWN_BOUNDARY_ARN
}

function groupsOf(bag: PropertyBag, user: IamUser, notes: string[]): void {
  for (const gv of asList(bag.value('groups'))) {
    if (typeof gv === 'string') user.groups.push(display(gv))
    else notes.push(`group ${isUnknown(gv) ? '${' + gv.what + '}' : JSON.stringify(gv)} is known only at deploy time; its policies grant nothing here`)
  }
}

const STEP_PROP: Record<PrincipalStep, Prop> = {
  tags: 'tags',
  inline: 'inlinePolicies',
  managed: 'managedPolicyArns',
  boundary: 'boundary',
  trust: 'trust',
  groups: 'groups',
}

function runStep(step: PrincipalStep, bag: PropertyBag, graph: IamGraph, node: Node, origin: IacOrigin, notes: string[]): void {
  switch (step) {
    case 'tags':
      if ('tags' in node) {
        node.tags = buildTags(bag.tagEntries(origin, notes), origin, notes)
        for (const tag of node.tags) {
          // A value known only at deploy time is shown as a stand-in: not the value IAM will get.
          const problem = origin.unknownTagKeys?.includes(tag.key) ? undefined : tagLimitProblem(tag)
          if (problem) bag.inputError('tags', IacErrorCode.InvalidTag, bag.scoped(`${node.kind} ${node.name}: ${problem}`), IAC_TAG_LIMIT_HINT)
        }
      }
      return
    case 'inline':
      node.inlinePolicies.push(...bag.inlinePolicies(notes))
      return
    case 'managed':
      node.attachedPolicyArns.push(...managedArns(bag, graph, 'managedPolicyArns', notes))
      return
    case 'boundary': {
      const b = 'kind' in node ? boundaryArn(bag, graph, notes) : undefined
      if (b && 'kind' in node) node.permissionsBoundaryArn = b
      return
    }
    case 'trust': {
      const t = bag.policy('trust', 'trust', 'trust policy')
      notes.push(...t.notes)
      if (t.doc && 'kind' in node && node.kind === 'role') node.trustPolicy = t.doc
      return
    }
    case 'groups':
      if ('kind' in node && node.kind === 'user') groupsOf(bag, node, notes)
  }
}

/** The principals step of a role, user or group handler. */
export function principalStep(kind: 'role' | 'user' | 'group') {
  return (bag: PropertyBag, graph: IamGraph): void => {
    const id = bag.identity()
    if (!id) return
    const origin = bag.origin(id)
    const accountId = graph.inv.accountId
    let node: Node
    if (kind === 'group') node = { accountId, arn: id.arn, name: id.name, path: id.path, inlinePolicies: [], attachedPolicyArns: [] }
    else {
      const common = { accountId, partition: 'aws', arn: id.arn, name: id.displayName, path: id.path, tags: [], inlinePolicies: [], attachedPolicyArns: [], origin }
      node = kind === 'role' ? { ...common, kind: 'role' } : { ...common, kind: 'user', groups: [] }
    }
    const notes: string[] = []
    for (const step of graph.dialect.principalSteps) if (bag.has(STEP_PROP[step])) runStep(step, bag, graph, node, origin, notes)
    graph.touch(bag, node)
    if (!('kind' in node)) graph.groups.set(id.name, node)
    else {
      if (node.kind === 'role') graph.roles.set(id.name, node)
      else graph.users.set(id.name, node)
      // A group has no origin in the report: its notes reach its members through what is attached to it.
      if (notes.length > 0) (origin.notEvaluated ??= []).push(...notes)
    }
  }
}
