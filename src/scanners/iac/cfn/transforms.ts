/**
 * What CloudFormation's transforms put into a template at deploy time, which tagwarden does not expand:
 * a macro named in the top-level `Transform` (anything but SAM, which cfn/sam.ts reads, and
 * `AWS::LanguageExtensions`, whose `Fn::ForEach` is listed below), an `AWS::Include` snippet or a
 * `Fn::ForEach` loop in place of resources, and a `Resources` entry without a `Type` written literally.
 * Each is a `summary.notEvaluated` entry: the resources they produce can be IAM principals that grant
 * Bedrock, so the template is never a silent clean.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-section-structure.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-foreach.html
 */
import { child, type CNode } from './parse.js'

/** Transforms whose output tagwarden reads: SAM's resources (cfn/sam.ts); the language extensions' loops are listed one by one. */
const READ_TRANSFORMS = new Set(['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions'])

export interface TransformGap {
  resource?: string
  reason: string
}

function transformName(node: CNode): string | undefined {
  if (node.t === 'scalar') return typeof node.v === 'string' ? node.v : undefined
  const name = child(node, 'Name')
  return name?.t === 'scalar' && typeof name.v === 'string' ? name.v : undefined
}

/** The parts of a template that a transform fills in at deploy time. */
export function transformGaps(root: CNode): TransformGap[] {
  const gaps: TransformGap[] = []
  const top = child(root, 'Transform')
  for (const t of top === undefined ? [] : top.t === 'seq' ? top.items : [top]) {
    const name = transformName(t)
    if (name !== undefined && READ_TRANSFORMS.has(name)) continue
    gaps.push({ reason: `Transform ${name ?? '(not a literal name)'} rewrites the template at deploy time; what it adds or changes is not evaluated` })
  }
  const resources = child(root, 'Resources')
  if (resources?.t !== 'map') return gaps
  for (const e of resources.entries) {
    if (e.key === 'Fn::Transform') gaps.push({ resource: e.key, reason: 'Fn::Transform in Resources includes resources at deploy time (AWS::Include or a macro); they are not evaluated' })
    else if (e.key.startsWith('Fn::ForEach::')) gaps.push({ resource: e.key, reason: 'Fn::ForEach (AWS::LanguageExtensions) generates resources at deploy time; they are not evaluated' })
    else if (child(e.value, 'Type')?.t !== 'scalar') {
      gaps.push({ resource: e.key, reason: 'the resource has no literal Type (a transform fills it in at deploy time); it is not evaluated' })
    }
  }
  return gaps
}
