/**
 * IAM identity providers: OIDC (`AWS::IAM::OIDCProvider`, CDK's `OpenIdConnectProvider` construct, which
 * deploys a `Custom::AWSCDKOpenIdConnectProvider`, `aws_iam_openid_connect_provider`) and SAML
 * (`AWS::IAM::SAMLProvider`, `aws_iam_saml_provider`). They define no principal; a role's trust policy names
 * them (`Federated: { Ref: GithubProvider }`), so a reference resolves to the provider's ARN, whose issuer
 * (`oidc-provider/token.actions.githubusercontent.com`) tells a workload from human federation.
 */
import { IAC_ACCOUNT_PLACEHOLDER } from '../model.js'
import { display, hasUnknownPiece, type Value } from '../values.js'
import type { PropertyBag, ResourceHandler } from './types.js'

/** `https://token.actions.githubusercontent.com/` → `token.actions.githubusercontent.com` (IAM's ARN form). */
function issuer(url: string): string {
  return url.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '')
}

function oidcArn(bag: PropertyBag): Value | undefined {
  const url = bag.value('url')
  if (typeof url !== 'string' || url === '' || hasUnknownPiece(url)) return undefined
  return `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:oidc-provider/${issuer(url)}`
}

function samlArn(bag: PropertyBag): Value | undefined {
  const name = bag.value('name')
  const known = typeof name === 'string' && name !== '' && !hasUnknownPiece(name)
  // A generated name is unknown before deployment; the provider is still a SAML provider, which is what counts.
  return `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:saml-provider/${known ? display(name) : bag.id}`
}

export const oidcProvider: ResourceHandler = {
  cfnType: 'AWS::IAM::OIDCProvider',
  tfType: 'aws_iam_openid_connect_provider',
  props: { cfn: { url: 'Url' }, tf: { url: 'url' } },
  steps: {},
  arn: oidcArn,
}

/** CDK's `iam.OpenIdConnectProvider` (a Lambda-backed custom resource); its `Ref` is the provider ARN. */
export const cdkOidcProvider: ResourceHandler = {
  cfnType: 'Custom::AWSCDKOpenIdConnectProvider',
  props: { cfn: { url: 'Url' }, tf: {} },
  steps: {},
  arn: oidcArn,
}

export const samlProvider: ResourceHandler = {
  cfnType: 'AWS::IAM::SAMLProvider',
  tfType: 'aws_iam_saml_provider',
  props: { cfn: { name: 'Name' }, tf: { name: 'name' } },
  steps: {},
  arn: samlArn,
}
