/**
 * Recognisers for the files `collect` writes besides the IAM outputs the snapshot scanner already reads:
 * the manifest, the Organizations outputs, the envelopes and the identity-provider lists. They are `other`
 * files for the snapshot scanner (known, never an error); `read-back.ts` reads them.
 * Use after the default recognisers: `[...DEFAULT_RECOGNISERS, ...COLLECT_RECOGNISERS]`.
 */
import { isJsonObject, type OtherFileRecogniser } from './recogniser.js'

export const CollectKind = {
  Manifest: 'tagwarden-collect-manifest',
  Envelope: 'tagwarden-envelope',
  Organization: 'organizations-organization',
  Roots: 'organizations-roots',
  Policies: 'organizations-policies',
  Policy: 'organizations-policy',
  IdentityProviders: 'iam-identity-providers',
} as const

export const collectManifestRecogniser: OtherFileRecogniser = {
  kind: CollectKind.Manifest,
  scope: 'other',
  matches: (obj) => isJsonObject(obj.TagwardenCollectManifest),
}

export const envelopeRecogniser: OtherFileRecogniser = {
  kind: CollectKind.Envelope,
  scope: 'other',
  matches: (obj) => isJsonObject(obj.TagwardenEnvelope) && typeof obj.TagwardenEnvelope.operation === 'string',
}

/** `aws organizations describe-organization`. */
export const organizationRecogniser: OtherFileRecogniser = {
  kind: CollectKind.Organization,
  scope: 'other',
  matches: (obj) => isJsonObject(obj.Organization) && typeof obj.Organization.Id === 'string',
}

/** `aws organizations list-roots`. */
export const rootsRecogniser: OtherFileRecogniser = {
  kind: CollectKind.Roots,
  scope: 'other',
  matches: (obj) => Array.isArray(obj.Roots),
}

/**
 * `aws organizations list-policies`: policy summaries. Authorization details also have `Policies`, but
 * with `PolicyVersionList`; the default recogniser takes those first.
 */
export const policiesRecogniser: OtherFileRecogniser = {
  kind: CollectKind.Policies,
  scope: 'other',
  matches: (obj) =>
    Array.isArray(obj.Policies) && obj.Policies.every((p) => isJsonObject(p) && typeof p.Id === 'string' && !Array.isArray(p.PolicyVersionList)),
}

/** `aws organizations describe-policy`. */
export const policyRecogniser: OtherFileRecogniser = {
  kind: CollectKind.Policy,
  scope: 'other',
  matches: (obj) => isJsonObject(obj.Policy) && isJsonObject(obj.Policy.PolicySummary) && 'Content' in obj.Policy,
}

/** `aws iam list-saml-providers`, `aws iam list-open-id-connect-providers`. */
export const identityProvidersRecogniser: OtherFileRecogniser = {
  kind: CollectKind.IdentityProviders,
  scope: 'other',
  matches: (obj) => Array.isArray(obj.SAMLProviderList) || Array.isArray(obj.OpenIDConnectProviderList),
}

export const COLLECT_RECOGNISERS: readonly OtherFileRecogniser[] = [
  collectManifestRecogniser,
  envelopeRecogniser,
  organizationRecogniser,
  rootsRecogniser,
  policiesRecogniser,
  policyRecogniser,
  identityProvidersRecogniser,
]
