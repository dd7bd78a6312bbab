/**
 * An instance's attributes for access control (ABAC): `AWS::SSO::InstanceAccessControlAttributeConfiguration`
 * with `AccessControlAttributes`, or the deprecated nested `InstanceAccessControlAttributeConfiguration:
 * {AccessControlAttributes: […]}`; `aws_ssoadmin_instance_access_control_attributes` with its `attribute
 * {key, value {source}}` blocks. See `identity-center.ts`.
 */
import { isRecord } from '../values.js'
import { abacState } from './identity-center.js'
import type { ResourceHandler } from './types.js'

export const accessControlAttributes: ResourceHandler = {
  cfnType: 'AWS::SSO::InstanceAccessControlAttributeConfiguration',
  tfType: 'aws_ssoadmin_instance_access_control_attributes',
  props: {
    cfn: { instance: 'InstanceArn', attributes: 'AccessControlAttributes', nestedAttributes: 'InstanceAccessControlAttributeConfiguration' },
    tf: { instance: 'instance_arn', attributes: 'attribute' },
  },
  steps: {
    principals(bag, graph) {
      let list = bag.value('attributes')
      const nested = bag.has('nestedAttributes') ? bag.value('nestedAttributes') : undefined
      if (list === undefined && nested !== undefined) list = isRecord(nested) ? (nested.AccessControlAttributes ?? undefined) : nested
      const o = bag.origin({ kind: 'policy', name: bag.id, displayName: bag.id, nameKnown: true, path: '/', arn: bag.id })
      // CDK: the construct path is what the author recognises.
      const resource = { type: o.resourceType, id: o.constructPath ?? bag.id, file: o.file ?? graph.inv.iac.file, ...(o.line !== undefined ? { line: o.line } : {}), ...(o.column !== undefined ? { column: o.column } : {}) }
      graph.identityCenter.addAbac(bag, bag.value('instance'), abacState(list ?? undefined, `the attributes for access control of ${bag.id}`), resource)
    },
  },
}

