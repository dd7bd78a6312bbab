# Pattern 2: IAM users (long-term credentials). The user itself must carry the team tag.

resource "aws_iam_policy" "bedrock_invoke" {
  name        = "bedrock-invoke"
  description = "Invoke any foundation model"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
      Resource = "arn:aws:bedrock:*::foundation-model/*"
    }]
  })
}

# RIGHT: tagged, permission through a customer managed policy attached to the user.
resource "aws_iam_user" "eval_runner" {
  name = "eval-runner"
  tags = {
    team = "ml-eval"
  }
}

resource "aws_iam_user_policy_attachment" "eval_runner" {
  user       = aws_iam_user.eval_runner.name
  policy_arn = aws_iam_policy.bedrock_invoke.arn
}

# WRONG: untagged CI user that gets Bedrock through its group.
resource "aws_iam_user" "ci_bot" {
  name = "ci-bot"
}

resource "aws_iam_group" "bedrock_users" {
  name = "bedrock-users"
}

resource "aws_iam_group_policy" "bedrock_users" {
  name  = "invoke"
  group = aws_iam_group.bedrock_users.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "bedrock:InvokeModel"
      Resource = "*"
    }]
  })
}

resource "aws_iam_group_membership" "bedrock_users" {
  name  = "bedrock-users"
  group = aws_iam_group.bedrock_users.name
  users = [aws_iam_user.ci_bot.name]
}

# RIGHT: a tagged user in a group with a managed policy, through aws_iam_user_group_membership, plus
# an inline user policy.
resource "aws_iam_user" "notebook" {
  name = "notebook-svc"
  tags = {
    team = "research"
  }
}

resource "aws_iam_group" "analysts" {
  name = "analysts"
}

resource "aws_iam_group_policy_attachment" "analysts" {
  group      = aws_iam_group.analysts.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockReadOnly"
}

resource "aws_iam_user_group_membership" "notebook" {
  user   = aws_iam_user.notebook.name
  groups = [aws_iam_group.analysts.name]
}

resource "aws_iam_user_policy" "notebook" {
  name = "invoke-titan"
  user = aws_iam_user.notebook.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "bedrock:InvokeModel"
      Resource = "arn:aws:bedrock:*::foundation-model/amazon.titan-*"
    }]
  })
}
