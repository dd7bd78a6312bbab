/** Shared pieces of the hostile-input tests: small templates and a temporary folder per case. */
export { tempTree, cfnRole } from '../iac/helpers.js'
export { runCli } from '../cli/run-cli.js'

/** An untagged Bedrock-capable role in CloudFormation flow style (valid YAML, no block keys to sniff). */
export const FLOW_TEMPLATE =
  "{Resources: {R: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}, Policies: [{PolicyName: p, PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'bedrock:InvokeModel', Resource: '*'}]}}]}}}}\n"

/** A template without IAM (clean). */
export const CLEAN_TEMPLATE = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"

/** A 433-byte YAML alias bomb: nine levels of nine aliases (9^9 nodes when expanded). */
export function aliasBomb(extra = 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n'): string {
  const levels = 'abcdefghi'.split('')
  const lines = [`  a: &a [${Array(9).fill('"x"').join(',')}]`]
  for (let i = 1; i < levels.length; i++) lines.push(`  ${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(',')}]`)
  return `Metadata:\n${lines.join('\n')}\n${extra}`
}
