/** Steps shared by the resources that attach a policy to roles, users or groups named by the resource. */
import type { IacOrigin } from '../model.js'
import { asList } from '../values.js'
import type { Holder, HolderType, IamGraph } from './graph.js'
import { managedArns } from './principal.js'
import type { Prop, PropertyBag, Step } from './types.js'
import { conditionHolds } from './bag.js'

/** Which neutral property names the principals of each kind. */
export type Targets = ReadonlyArray<readonly [HolderType, Prop]>

/** Every principal or group the resource names; the ones that are unknown or not in the input are notes. */
export function targetsOf(bag: PropertyBag, graph: IamGraph, label: string, targets: Targets): Holder[] {
  const out: Holder[] = []
  for (const [type, prop] of targets) {
    for (const v of asList(bag.value(prop))) {
      const h = graph.holder(bag, label, type, v)
      if (h) out.push(h)
    }
  }
  return out
}

/** A policy document written for the principals the resource names (`AWS::IAM::RolePolicy`, `aws_iam_role_policy`…). */
export function inlinePolicyStep(targets: Targets): Step {
  return (bag, graph) => {
    const nameV = bag.value('policyName')
    const name = typeof nameV === 'string' ? graph.dialect.nameText(nameV) : bag.id
    const build = (): ReturnType<PropertyBag['policy']> => bag.policy('document', 'identity', `inline policy ${name}`)
    let p = graph.dialect.checksUnattachedPolicies ? build() : undefined
    if (bag.conditional) {
      graph.templateNote(`policy ${name} (${bag.id}) exists only when ${conditionHolds(bag.conditional)}; it grants nothing here`)
      return
    }
    for (const h of targetsOf(bag, graph, `policy ${name}`, targets)) {
      p ??= build()
      graph.addNotes(h, p.notes)
      if (p.doc) h.inlinePolicies.push({ name, document: p.doc })
      graph.touch(bag, h)
    }
  }
}

/** A managed policy attached by ARN to the principal the resource names (`aws_iam_role_policy_attachment`…). */
export function policyAttachmentStep(type: HolderType): Step {
  return (bag, graph) => {
    const h = graph.holder(bag, 'policy attachment', type, bag.value(type))
    if (!h) return
    const origin = 'kind' in h ? (h.origin as IacOrigin) : undefined
    const notes: string[] = []
    for (const arn of managedArns(bag, graph, 'policyArn', notes)) {
      if (!h.attachedPolicyArns.includes(arn)) h.attachedPolicyArns.push(arn)
    }
    for (const n of notes) graph.note(origin, n)
    graph.touch(bag, h)
  }
}
