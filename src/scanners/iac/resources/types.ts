/**
 * The contract between the IaC source readers (CloudFormation/CDK templates, Terraform plans) and the
 * resource handlers. A reader turns each resource into a `PropertyBag`: the resource's properties under
 * format-neutral names, values with deploy-time unknowns marked (`values.ts`), and the few readings whose
 * shape differs by format (tags, inline policy lists, policy documents with their error positions). A
 * handler (one per resource type, `resources/<type>.ts`, listed in `registry.ts`) reads the bag and adds
 * nodes and edges to the `IamGraph`; the graph assembles the inventory.
 */
import type { IamKind, Prop, PropertyBag, SourceProp } from './bag.js'
import type { IamGraph } from './graph.js'
import type { Value } from '../values.js'

export type { IamKind, Identity, Prop, PropertyBag, SourceProp } from './bag.js'

/**
 * Build steps run phase by phase, each phase over the resources in source order: managed policies
 * before the principals that attach them by ARN, principals before the resources that name them.
 */
export const PHASES = ['policies', 'principals', 'memberships', 'policyTargets', 'attachments', 'additions'] as const
export type Phase = (typeof PHASES)[number]

export type Step = (bag: PropertyBag, graph: IamGraph) => void

export interface ResourceHandler {
  /** CloudFormation type, e.g. `AWS::IAM::Role` (absent when the type has no CloudFormation form). */
  cfnType?: string
  /** Terraform resource type, e.g. `aws_iam_role`. */
  tfType?: string
  /** The IAM identity the resource defines (its name, path and ARN are resolved by the reader). */
  identity?: IamKind
  /** Source property names of the neutral properties the handler reads, per format. */
  props: { cfn: Partial<Record<Prop, SourceProp>>; tf: Partial<Record<Prop, SourceProp>> }
  steps: Partial<Record<Phase, Step>>
  /**
   * The ARN of a resource that is not an IAM principal but is named by one (an identity provider in a trust
   * policy): what CloudFormation's `Ref`/`Fn::GetAtt …Arn` and Terraform's `.arn` resolve to before deployment.
   */
  arn?: (bag: PropertyBag) => Value | undefined
}
