/**
 * Trust-policy statements offered as fixes. AWS authorises sts:TagSession and sts:SetSourceIdentity
 * separately, against their own condition keys, so each gets a statement of its own.
 */

export function tagSessionStatement(principal: Record<string, string>, keys: string[]): string {
  return JSON.stringify(
    {
      Sid: 'AllowSessionTags',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:TagSession',
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': keys },
        ...(keys.length > 0 ? { StringLike: Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, '?*'])) } : {}),
      },
    },
    null,
    2,
  )
}

export function setSourceIdentityStatement(principal: Record<string, string>): string {
  return JSON.stringify(
    {
      Sid: 'AllowSetSourceIdentity',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:SetSourceIdentity',
      Condition: { StringLike: { 'sts:SourceIdentity': '?*' } },
    },
    null,
    2,
  )
}

export function requireOnAssumeCondition(keys: string[], sourceIdentity: boolean): string {
  const nulls: Record<string, string> = {}
  if (sourceIdentity) nulls['sts:SourceIdentity'] = 'false'
  for (const k of keys) nulls[`aws:RequestTag/${k}`] = 'false'
  return JSON.stringify({ Null: nulls }, null, 2)
}
