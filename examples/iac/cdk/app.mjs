// A small CDK app showing the four Bedrock access patterns, each right and wrong. `npm run synth` writes
// cdk.out/ (committed, with construct path metadata) without AWS credentials or the CDK CLI.
import * as cdk from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'

const OKTA = 'arn:aws:iam::111122223333:saml-provider/Okta'
const invokeClaude = () =>
  new iam.PolicyStatement({
    actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    resources: [cdk.Fn.sub('arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.*')],
  })

class WorkloadsStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props)
    // Pattern 1, RIGHT: the workload role carries the team tag.
    const summarizer = new iam.Role(this, 'SummarizerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
    summarizer.addToPolicy(invokeClaude())
    cdk.Tags.of(summarizer).add('team', 'search')

    // Pattern 1, WRONG: no team tag.
    const batch = new iam.Role(this, 'BatchWorkerRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonBedrockFullAccess')],
    })
    cdk.Tags.of(batch).add('cost-center', 'cc-1234')

    // Pattern 2, RIGHT: a tagged IAM user.
    const evalRunner = new iam.User(this, 'EvalRunner', { userName: 'eval-runner' })
    evalRunner.addToPolicy(invokeClaude())
    cdk.Tags.of(evalRunner).add('team', 'ml-eval')

    // Pattern 2, WRONG: an untagged user through a group.
    const group = new iam.Group(this, 'BedrockUsers')
    group.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonBedrockLimitedAccess'))
    const ciBot = new iam.User(this, 'CiBot')
    group.addUser(ciBot)

    // A nested stack (its own template asset): pattern 1, WRONG, one level down.
    const jobs = new cdk.NestedStack(this, 'Jobs')
    const nightly = new iam.Role(jobs, 'NightlyReportRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
    nightly.addToPolicy(invokeClaude())
  }
}

class AccessStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props)
    // Pattern 3, WRONG: federated role without sts:TagSession.
    const analysts = new iam.Role(this, 'AnalystsSso', {
      roleName: 'analysts-sso',
      assumedBy: new iam.SamlConsolePrincipal(iam.SamlProvider.fromSamlProviderArn(this, 'Okta', OKTA)),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonBedrockLimitedAccess')],
    })
    void analysts

    // Pattern 3, RIGHT: the IdP may pass session tags.
    const scientists = new iam.Role(this, 'ScientistsSso', {
      roleName: 'scientists-sso',
      // The session name must be the person (SAML NameID), and the IdP may pass session tags.
      assumedBy: new iam.SamlPrincipal(iam.SamlProvider.fromSamlProviderArn(this, 'OktaForScientists', OKTA), {
        StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml', 'sts:RoleSessionName': '${saml:sub}' },
      }).withSessionTags(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonBedrockLimitedAccess')],
    })
    void scientists

    // Pattern 4, RIGHT: the gateway assumes a per-user role that requires SourceIdentity and the team tag.
    const gateway = new iam.Role(this, 'LlmGateway', { roleName: 'llm-gateway-exec', assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') })
    cdk.Tags.of(gateway).add('team', 'platform')
    const perUser = new iam.Role(this, 'BedrockPerUser', {
      assumedBy: new iam.ArnPrincipal(gateway.roleArn).withConditions({
        Null: { 'sts:SourceIdentity': 'false', 'aws:RequestTag/team': 'false' },
      }),
    })
    perUser.assumeRolePolicy?.addStatements(
      new iam.PolicyStatement({ actions: ['sts:SetSourceIdentity'], principals: [new iam.ArnPrincipal(gateway.roleArn)] }),
      new iam.PolicyStatement({
        actions: ['sts:TagSession'],
        principals: [new iam.ArnPrincipal(gateway.roleArn)],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
      }),
    )
    perUser.addToPolicy(invokeClaude())
    perUser.grantAssumeRole(gateway)

    // Pattern 4, WRONG: a gateway that invokes Bedrock itself, and a shared role it assumes without tags.
    const legacy = new iam.Role(this, 'LegacyGateway', {
      roleName: 'legacy-llm-gateway',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonBedrockFullAccess')],
    })
    cdk.Tags.of(legacy).add('team', 'platform')
    const shared = new iam.Role(this, 'BedrockShared', { assumedBy: new iam.ArnPrincipal(legacy.roleArn) })
    shared.addToPolicy(invokeClaude())
  }
}

const app = new cdk.App({ outdir: 'cdk.out', context: { 'aws:cdk:enable-path-metadata': true } })
new WorkloadsStack(app, 'WorkloadsStack', { analyticsReporting: false })
// A stage, as pipelines deploy it: its stacks land in a nested assembly (cdk.out/assembly-Prod).
const prod = new cdk.Stage(app, 'Prod')
new AccessStack(prod, 'AccessStack', { analyticsReporting: false })
app.synth()
