# Pattern 1: workloads. A role assumed by a service carries the team tag itself.

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "invoke_claude" {
  statement {
    sid       = "InvokeClaude"
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.*"]
  }
}

# RIGHT: tagged with team.
resource "aws_iam_role" "summarizer" {
  name               = "summarizer-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags = {
    team = "search"
  }
}

resource "aws_iam_role_policy" "summarizer_invoke" {
  name   = "invoke-claude"
  role   = aws_iam_role.summarizer.id
  policy = data.aws_iam_policy_document.invoke_claude.json
}

# WRONG: `Team` is not `team` (cost allocation tags are case-sensitive), and the Bedrock grant comes
# from an AWS managed policy attached separately.
resource "aws_iam_role" "batch_worker" {
  name = "batch-worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = {
    Team = "search"
  }
}

resource "aws_iam_role_policy_attachment" "batch_worker_bedrock" {
  role       = aws_iam_role.batch_worker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"
}

# RIGHT through default_tags: one role per team from a module, for_each instances, created with the
# data-platform provider whose default_tags carry `team`.
module "team_roles" {
  source   = "./modules/team-bedrock-role"
  for_each = toset(["etl", "reporting"])

  providers = {
    aws = aws.data_platform
  }

  name = "bedrock-${each.key}"
}

# WRONG: count instances of an untagged role whose inline policy references another resource, so the
# policy text is only known at apply time; its Bedrock statement is still read from the configuration.
resource "aws_sqs_queue" "jobs" {
  name = "summaries"
}

data "aws_iam_policy_document" "queue_worker" {
  statement {
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }
  statement {
    actions   = ["bedrock:InvokeModel"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "queue_worker" {
  count              = 2
  name               = "queue-worker-${count.index}"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_iam_role_policy" "queue_worker" {
  count  = 2
  name   = "work"
  role   = aws_iam_role.queue_worker[count.index].id
  policy = data.aws_iam_policy_document.queue_worker.json
}

# Untagged on purpose: a nightly sandbox, suppressed inline with a reason.
# tagwarden:ignore principal-missing-tag Sandbox role, torn down every night; spend is attributed by account.
resource "aws_iam_role" "sandbox" {
  name               = "sandbox"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_iam_role_policy_attachment" "sandbox" {
  role       = aws_iam_role.sandbox.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"
}
