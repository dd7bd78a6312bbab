/** Which roles are LLM gateways, per the rules file's `settings.gateways`. */
import { globMatch } from '../iam/glob.js'
import type { Tag } from '../model/inventory.js'
import type { GatewaySettings } from '../config/types.js'

export function gatewayReason(
  role: { arn: string; name: string; tags: Tag[]; logicalId?: string; address?: string; constructPath?: string },
  settings: GatewaySettings,
): string | undefined {
  for (const p of settings.arns) {
    for (const candidate of [role.arn, role.logicalId, role.address, role.constructPath]) {
      if (candidate && globMatch(p, candidate, { caseInsensitive: false })) return `declared in settings.gateways.arns (${p})`
    }
  }
  for (const p of settings.namePatterns) {
    if (globMatch(p, role.name, { caseInsensitive: true })) return `role name matches ${p}`
  }
  for (const [k, v] of Object.entries(settings.tags)) {
    if (role.tags.some((t) => t.key === k && t.value.trim().toLowerCase() === v.toLowerCase())) return `tag ${k}=${v}`
  }
  return undefined
}
