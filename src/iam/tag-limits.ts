/**
 * IAM's length limits on principal tags. IAM API Reference, `Tag`
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html): Key "Minimum length of 1. Maximum length
 * of 128."; Value "Minimum length of 0. Maximum length of 256." — counted in Unicode characters (IAM User Guide,
 * "IAM and AWS STS character limits", reference_iam-limits.html#reference_iam-limits-entity-length).
 *
 * An input (snapshot, template, plan) with a longer key or value is not something IAM holds or would accept:
 * readers report it as an input error and keep the text as it is (never truncated).
 */
import type { Tag } from '../model/inventory.js'

export const TAG_KEY_MAX_CHARS = 128
export const TAG_VALUE_MAX_CHARS = 256

/** Length in Unicode characters (code points), as IAM counts; UTF-16 length bounds it from above. */
function chars(s: string, max: number): number {
  return s.length <= max ? s.length : [...s].length
}

function shown(key: string): string {
  return chars(key, 40) > 40 ? `${[...key].slice(0, 40).join('')}…` : key
}

/** Why IAM would refuse this tag, or undefined when it is within IAM's limits. */
export function tagLimitProblem(tag: Tag): string | undefined {
  const k = chars(tag.key, TAG_KEY_MAX_CHARS)
  if (k > TAG_KEY_MAX_CHARS) return `tag key ${shown(tag.key)} has ${k} characters; IAM allows at most ${TAG_KEY_MAX_CHARS}`
  const v = chars(tag.value, TAG_VALUE_MAX_CHARS)
  if (v > TAG_VALUE_MAX_CHARS) return `tag ${shown(tag.key)} has a value of ${v} characters; IAM allows at most ${TAG_VALUE_MAX_CHARS}`
  return undefined
}

export const TAG_LIMIT_HINT =
  'IAM accepts tag keys of up to 128 characters and values of up to 256: shorten the tag at the source; tagwarden read the value as it is, without truncating it, and the result is incomplete.'
