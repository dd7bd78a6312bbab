# Pattern 3: people through an identity provider. The role is shared by many people; the IdP must be
# allowed to pass session tags (sts:TagSession) so each session carries the person's team.

locals {
  okta = "arn:aws:iam::111122223333:saml-provider/Okta"
}

# WRONG: no sts:TagSession, and the role itself has no team tag.
resource "aws_iam_role" "analysts_sso" {
  name = "analysts-sso"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.okta }
      Action    = "sts:AssumeRoleWithSAML"
      Condition = { StringEquals = { "SAML:aud" = "https://signin.aws.amazon.com/saml" } }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"]
}

# RIGHT: session tags allowed and the session name pinned to the user.
resource "aws_iam_role" "scientists_sso" {
  name = "scientists-sso"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SamlAssume"
        Effect    = "Allow"
        Principal = { Federated = local.okta }
        Action    = "sts:AssumeRoleWithSAML"
        Condition = {
          StringEquals = {
            "SAML:aud"            = "https://signin.aws.amazon.com/saml"
            "sts:RoleSessionName" = "$${saml:sub}"
          }
        }
      },
      {
        Sid       = "SamlSessionTags"
        Effect    = "Allow"
        Principal = { Federated = local.okta }
        Action    = "sts:TagSession"
        Condition = { "ForAllValues:StringEquals" = { "aws:TagKeys" = ["team"] } }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "scientists_sso" {
  role       = aws_iam_role.scientists_sso.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"
}
