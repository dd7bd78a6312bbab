/**
 * The origin of a Terraform principal from its located `.tf` block: file, line and column of the block,
 * the `tags` / `assume_role_policy` members to fix, and its `# tagwarden:ignore` comments. Shared by the
 * plan reader and the source evaluator, so both put a finding on the same line (and give it the same
 * fingerprint: the `.tf` file and the resource address).
 */
import { location } from '../common.js'
import type { IacInventory, IacOrigin, InlineSuppression } from '../model.js'
import type { LocatedBlock } from './locator.js'

export interface OriginInput {
  block: LocatedBlock | undefined
  type: string
  address: string
  /** `module.a["x"]`, or empty in the root module. */
  moduleAddress?: string
  nameKnown: boolean
  /** The file named when the block is not found (the plan), repository-relative. */
  fallbackFile: string
  repoRelative: (abs: string) => string
  inv: IacInventory
}

export function terraformOrigin(input: OriginInput): IacOrigin {
  const { block, address } = input
  const o: IacOrigin = { format: 'terraform', resourceType: input.type, address, nameKnown: input.nameKnown, file: input.fallbackFile }
  if (input.moduleAddress) o.stack = input.moduleAddress
  if (!block) {
    o.pointer = address
    return o
  }
  const tf = input.repoRelative(block.file)
  o.file = tf
  o.line = block.pos.line
  o.column = block.pos.column
  const tags = block.members.get('tags')
  if (tags) o.tagsAt = tags
  const trust = block.members.get('assume_role_policy')
  if (trust) o.trustAt = trust
  const sups: InlineSuppression[] = []
  for (const s of block.suppressions) {
    const loc = location(tf, s.pos)
    const sup: InlineSuppression = { rule: s.rule, location: loc }
    if (s.reason) sup.reason = s.reason
    else input.inv.iac.suppressionWarnings.push({ rule: s.rule, location: loc, message: `suppression of ${s.rule} on ${address} gives no reason; write \`# tagwarden:ignore ${s.rule} <reason>\` (${loc})` })
    sups.push(sup)
  }
  if (sups.length > 0) o.suppressions = sups
  return o
}
