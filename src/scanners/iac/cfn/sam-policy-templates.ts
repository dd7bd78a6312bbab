/**
 * The names of SAM's policy templates (`Policies: [{ S3ReadPolicy: { BucketName: … } }]` on
 * `AWS::Serverless::Function` and `AWS::Serverless::StateMachine`), from
 * aws/serverless-application-model `samtranslator/policy_templates_data/policy_templates.json`
 * (templates version 0.0.1, file commit 51b69948efa593bc8bfdbfe8efe9093e6336e4af, 81 templates).
 *
 * None of them grants a Bedrock inference action: checked when this list was taken by matching every `Action` of
 * every template (with its `*` wildcards) against tagwarden's default inference actions; none uses `NotAction`.
 * A known template is therefore evaluated as granting no Bedrock access. A name not in this list (a template SAM
 * added later, or a typo SAM would reject) is reported in `summary.notEvaluated`: update the list from the file
 * above, checking the new templates' actions the same way.
 */
export const SAM_POLICY_TEMPLATES: ReadonlySet<string> = new Set([
  'AMIDescribePolicy', 'AWSSecretsManagerGetSecretValuePolicy', 'AWSSecretsManagerRotationPolicy',
  'AcmGetCertificatePolicy', 'AthenaQueryPolicy', 'CloudFormationDescribeStacksPolicy', 'CloudWatchDashboardPolicy',
  'CloudWatchDescribeAlarmHistoryPolicy', 'CloudWatchPutMetricPolicy', 'CodeCommitCrudPolicy',
  'CodeCommitReadPolicy', 'CodePipelineLambdaExecutionPolicy', 'CodePipelineReadOnlyPolicy',
  'ComprehendBasicAccessPolicy', 'CostExplorerReadOnlyPolicy', 'DynamoDBBackupFullAccessPolicy',
  'DynamoDBCrudPolicy', 'DynamoDBReadPolicy', 'DynamoDBReconfigurePolicy', 'DynamoDBRestoreFromBackupPolicy',
  'DynamoDBStreamReadPolicy', 'DynamoDBWritePolicy', 'EC2CopyImagePolicy', 'EC2DescribePolicy',
  'EFSWriteAccessPolicy', 'EKSDescribePolicy', 'EcsRunTaskPolicy', 'ElasticMapReduceAddJobFlowStepsPolicy',
  'ElasticMapReduceCancelStepsPolicy', 'ElasticMapReduceModifyInstanceFleetPolicy',
  'ElasticMapReduceModifyInstanceGroupsPolicy', 'ElasticMapReduceSetTerminationProtectionPolicy',
  'ElasticMapReduceTerminateJobFlowsPolicy', 'ElasticsearchHttpPostPolicy', 'EventBridgePutEventsPolicy',
  'FilterLogEventsPolicy', 'FirehoseCrudPolicy', 'FirehoseWritePolicy', 'KMSDecryptPolicy', 'KMSEncryptPolicy',
  'KMSEncryptPolicy_v2', 'KinesisCrudPolicy', 'KinesisStreamReadPolicy', 'LambdaInvokePolicy',
  'MobileAnalyticsWriteOnlyAccessPolicy', 'OrganizationsListAccountsPolicy', 'PinpointEndpointAccessPolicy',
  'PollyFullAccessPolicy', 'RekognitionDetectOnlyPolicy', 'RekognitionFacesManagementPolicy',
  'RekognitionFacesPolicy', 'RekognitionLabelsPolicy', 'RekognitionNoDataAccessPolicy', 'RekognitionReadPolicy',
  'RekognitionWriteOnlyAccessPolicy', 'Route53ChangeResourceRecordSetsPolicy', 'S3CrudPolicy', 'S3FullAccessPolicy',
  'S3ReadPolicy', 'S3WritePolicy', 'SESBulkTemplatedCrudPolicy', 'SESBulkTemplatedCrudPolicy_v2', 'SESCrudPolicy',
  'SESEmailTemplateCrudPolicy', 'SESSendBouncePolicy', 'SNSCrudPolicy', 'SNSPublishMessagePolicy', 'SQSPollerPolicy',
  'SQSSendMessagePolicy', 'SSMParameterReadPolicy', 'SSMParameterWithSlashPrefixReadPolicy',
  'SageMakerCreateEndpointConfigPolicy', 'SageMakerCreateEndpointPolicy', 'ServerlessRepoReadWriteAccessPolicy',
  'StepFunctionsCallbackPolicy', 'StepFunctionsExecutionPolicy', 'StepFunctionsExecutionPolicy_v2',
  'TextractDetectAnalyzePolicy', 'TextractGetResultPolicy', 'TextractPolicy', 'VPCAccessPolicy',
])
