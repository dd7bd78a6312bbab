/**
 * Resource types that can create IAM principals or grant permissions but that tagwarden does not model: each
 * one in a template is a `summary.notEvaluated` entry (never a silent clean; `--strict` fails on it). A type
 * with a handler in `registry.ts` is modelled and never listed here, whatever the patterns below say: adding a
 * handler (IAM Identity Center types, for example) is enough to take a type off this list.
 *
 * Decided not to list (documented in docs/iac.md, "Not evaluated"):
 * - `AWS::IAM::ServiceLinkedRole`: the role's permissions are an AWS-owned policy fixed by the service, only the
 *   service can assume it, and every scan mode skips service-linked roles (`/aws-service-role/` path).
 * - `AWS::IAM::InstanceProfile`, `AWS::IAM::AccessKey`, `AWS::Lambda::Permission`, bucket and queue policies:
 *   they hand out a role or user defined elsewhere (which is evaluated there) or grant access to one resource,
 *   never a Bedrock inference permission.
 * - The roles and policies other SAM resources generate: `AWS::Serverless::Connector` grants only the permissions of
 *   its profiles (samtranslator/model/connector_profiles/profiles.json: DynamoDB, EventBridge, Lambda, Location, S3,
 *   SNS, SQS, Step Functions; no Bedrock), `AWS::Serverless::GraphQLApi` data-source roles only DynamoDB or Lambda,
 *   event sources and `DeploymentPreference` only their own service's actions.
 */

/**
 * CDK's own custom resources (type `Custom::…`, a Lambda function and role CDK writes into the same template):
 * what they do at deploy time creates no IAM principal and attaches no policy. Their provider role and policy
 * are ordinary `AWS::IAM::Role` / `AWS::IAM::Policy` resources of the template and are evaluated as such.
 * `Custom::AWS` (`AwsCustomResource`, any API call) is deliberately absent: it can call IAM.
 */
export const CDK_CUSTOM_RESOURCES_WITHOUT_IAM: ReadonlySet<string> = new Set([
  'Custom::S3AutoDeleteObjects',
  'Custom::CDKBucketDeployment',
  'Custom::LogRetention',
  'Custom::S3BucketNotifications',
  'Custom::CrossRegionExportReader',
  'Custom::CrossRegionExportWriter',
  'Custom::VpcRestrictDefaultSG',
  'Custom::ECRAutoDeleteImages',
])

interface UnmodelledType {
  /** `AWS::SSO::Assignment`, or a prefix ending in `::` / `Custom::` that covers a family. */
  match: (type: string) => boolean
  reason: string
}

/** IAM Identity Center types with their own handler (permission-set.ts, access-control-attributes.ts): never listed here. */
const SSO_HANDLED = new Set(['AWS::SSO::PermissionSet', 'AWS::SSO::InstanceAccessControlAttributeConfiguration'])

export const UNMODELLED_TYPES: readonly UnmodelledType[] = [
  {
    match: (t) => (t.startsWith('Custom::') && !CDK_CUSTOM_RESOURCES_WITHOUT_IAM.has(t)) || t === 'AWS::CloudFormation::CustomResource',
    reason: 'a custom resource runs its own code at deploy time, which can create IAM principals or attach policies; tagwarden does not model it',
  },
  {
    match: (t) => t.startsWith('AWS::SSO::') && !SSO_HANDLED.has(t),
    reason: 'IAM Identity Center resources grant permission sets to users and groups; tagwarden does not model this type in templates',
  },
  {
    match: (t) => t === 'AWS::Serverless::Application',
    reason: 'a nested SAM application deploys a template tagwarden does not read, which can define IAM principals and policies',
  },
]

/** Why a resource type without a handler is not evaluated, or undefined when it grants nothing tagwarden checks. */
export function unmodelledReason(type: string): string | undefined {
  return UNMODELLED_TYPES.find((u) => u.match(type))?.reason
}
