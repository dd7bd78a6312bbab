/**
 * Which resources a request for an action names, from the Service Authorization Reference (SAR): the action's
 * resource types and their ARN formats, from the generated table data/sar-resource-types.json
 * (scripts/build-sar-table.mjs, `npm run sar:update`).
 *
 * The SAR, "The actions table": "If the column is empty, then the action does not support resource-level
 * permissions and you must specify all resources ("*") in your policy." — such a request is matched against
 * the literal resource `*`. "Required resources are indicated in the table with an asterisk (*). If you
 * specify a resource-level permission ARN in a statement using this action, then it must be of this type."
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
 *
 * The table is ~1 MB and read on first use only.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface ResourceTypeRef {
  /** SAR name of the type: `foundation-model`, `agent-alias`… */
  name: string
  /** `arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}` */
  format: string
  /** false for the SAR's optional types (no asterisk). */
  required: boolean
}

export interface ActionResources {
  /** `bedrock:InvokeModel`, spelled as the SAR spells it. */
  action: string
  /** Empty: the action supports no resource-level permissions; requests are evaluated against `*`. */
  types: ResourceTypeRef[]
}

export interface SarTableInfo {
  generatedAt: string
  source: string
  sourceUpdatedAt?: string
  serviceCount: number
}

interface RawService {
  resourceTypes: Record<string, string>
  actions: Record<string, string[]>
}

interface RawTable extends SarTableInfo {
  services: Record<string, RawService>
}

interface LoadedTable {
  info: SarTableInfo
  /** service (lower case) → action (lower case) → resolved entry */
  services: Map<string, { raw: RawService; byLower: Map<string, string> }>
  resolved: Map<string, ActionResources | null>
}

const DEFAULT_TABLE_URL = new URL('../../data/sar-resource-types.json', import.meta.url)
let pathOverride: string | undefined
let loaded: LoadedTable | undefined

export function sarTablePath(): string {
  return pathOverride ?? fileURLToPath(DEFAULT_TABLE_URL)
}

/** Point the table at another file (or back to the bundled one with `undefined`). */
export function setSarTablePathForTests(path: string | undefined): void {
  pathOverride = path
  loaded = undefined
}

function load(): LoadedTable {
  if (loaded) return loaded
  const raw = JSON.parse(readFileSync(sarTablePath(), 'utf8')) as RawTable
  const services = new Map<string, { raw: RawService; byLower: Map<string, string> }>()
  for (const [name, svc] of Object.entries(raw.services)) {
    const byLower = new Map<string, string>()
    for (const a of Object.keys(svc.actions)) byLower.set(a.toLowerCase(), a)
    services.set(name.toLowerCase(), { raw: svc, byLower })
  }
  const info: SarTableInfo = { generatedAt: raw.generatedAt, source: raw.source, serviceCount: raw.serviceCount }
  if (raw.sourceUpdatedAt !== undefined) info.sourceUpdatedAt = raw.sourceUpdatedAt
  loaded = { info, services, resolved: new Map() }
  return loaded
}

export function sarTableInfo(): SarTableInfo {
  return load().info
}

/**
 * The resource types of an action (`bedrock:InvokeModel`, any case), or undefined when the table does not know
 * it (a new action, a typo, or a wildcard in the configured action list).
 */
export function actionResources(action: string): ActionResources | undefined {
  const table = load()
  const key = action.toLowerCase()
  const hit = table.resolved.get(key)
  if (hit !== undefined) return hit ?? undefined
  const colon = key.indexOf(':')
  const service = colon > 0 ? key.slice(0, colon) : ''
  const svc = table.services.get(service)
  const name = svc?.byLower.get(key.slice(colon + 1))
  let out: ActionResources | null = null
  if (svc && name !== undefined) {
    const types = (svc.raw.actions[name] ?? []).map((t): ResourceTypeRef => {
      const required = !t.endsWith('?')
      const typeName = required ? t : t.slice(0, -1)
      return { name: typeName, format: svc.raw.resourceTypes[typeName] ?? '', required }
    })
    out = { action: `${service}:${name}`, types }
  }
  table.resolved.set(key, out)
  return out ?? undefined
}
