/** oclif flags generated from the live-scan flag table (`LIVE_FLAGS`), so every command shares one definition. */
import { Flags, type Interfaces } from '@oclif/core'
import { LIVE_FLAGS, type LiveFlagSpec } from './live-options.js'

// oclif's flag types are generic per value type; the table is heterogeneous by design.
type AnyFlag = Interfaces.Flag<any> // eslint-disable-line @typescript-eslint/no-explicit-any

function toFlag(s: LiveFlagSpec): AnyFlag {
  const common = {
    summary: s.summary,
    helpGroup: s.helpGroup,
    ...(s.required ? { required: true } : {}),
    ...(s.char ? { char: s.char as 'o' } : {}),
    ...(s.aliases ? { aliases: s.aliases } : {}),
  }
  if (s.type === 'boolean') {
    return Flags.boolean({ ...common, ...(s.allowNo ? { allowNo: true } : {}), ...(typeof s.default === 'boolean' ? { default: s.default } : {}) })
  }
  if (s.type === 'integer') {
    return Flags.integer({
      ...common,
      ...(s.min !== undefined ? { min: s.min } : {}),
      ...(s.max !== undefined ? { max: s.max } : {}),
      ...(typeof s.default === 'number' ? { default: s.default } : {}),
    })
  }
  if (s.multiple) return Flags.string({ ...common, multiple: true, ...(s.helpValue ? { helpValue: s.helpValue } : {}) })
  return Flags.string({ ...common, ...(s.helpValue ? { helpValue: s.helpValue } : {}), ...(typeof s.default === 'string' ? { default: s.default } : {}) })
}

export function liveFlagsFor(command: LiveFlagSpec['commands'][number]): Record<string, AnyFlag> {
  return Object.fromEntries(LIVE_FLAGS.filter((s) => s.commands.includes(command)).map((s) => [s.name, toFlag(s)]))
}
