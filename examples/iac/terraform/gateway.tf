# Pattern 4: an LLM gateway. The gateway itself never calls Bedrock; it assumes a per-user role,
# passing the user as SourceIdentity and the team as a session tag, which the role's trust requires.

data "aws_iam_policy_document" "ecs_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# RIGHT: the gateway may only assume the per-user role.
resource "aws_iam_role" "llm_gateway" {
  name               = "llm-gateway-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_trust.json
  tags = {
    team = "platform"
  }
}

resource "aws_iam_role_policy" "llm_gateway" {
  name = "assume-per-user"
  role = aws_iam_role.llm_gateway.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
      Resource = aws_iam_role.bedrock_per_user.arn
    }]
  })
}

# The gateway's ARN is only known after apply: tagwarden links the principal through the reference.
data "aws_iam_policy_document" "per_user_trust" {
  statement {
    sid     = "GatewayAssumePerUser"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.llm_gateway.arn]
    }
    condition {
      test     = "Null"
      variable = "sts:SourceIdentity"
      values   = ["false"]
    }
    condition {
      test     = "Null"
      variable = "aws:RequestTag/team"
      values   = ["false"]
    }
  }
  statement {
    sid     = "GatewaySetSourceIdentity"
    actions = ["sts:SetSourceIdentity"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.llm_gateway.arn]
    }
  }
  statement {
    sid     = "GatewayTagSession"
    actions = ["sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.llm_gateway.arn]
    }
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = ["team"]
    }
  }
}

resource "aws_iam_role" "bedrock_per_user" {
  name               = "bedrock-per-user"
  assume_role_policy = data.aws_iam_policy_document.per_user_trust.json
}

resource "aws_iam_role_policy" "bedrock_per_user" {
  name   = "invoke"
  role   = aws_iam_role.bedrock_per_user.name
  policy = data.aws_iam_policy_document.invoke_claude.json
}

# WRONG: a second gateway that calls Bedrock itself, and a shared role it assumes without session
# tags or a source identity.
resource "aws_iam_role" "legacy_gateway" {
  name               = "legacy-llm-gateway"
  assume_role_policy = data.aws_iam_policy_document.ecs_trust.json
  tags = {
    team = "platform"
  }
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]
}

data "aws_iam_policy_document" "shared_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.legacy_gateway.arn]
    }
  }
}

resource "aws_iam_role" "bedrock_shared" {
  name               = "bedrock-shared"
  assume_role_policy = data.aws_iam_policy_document.shared_trust.json
}

resource "aws_iam_role_policy_attachment" "bedrock_shared" {
  role       = aws_iam_role.bedrock_shared.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"
}
