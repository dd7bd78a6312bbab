terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

# Fake credentials: the example is planned offline (`terraform plan -refresh=false`), never applied.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  default_tags {
    tags = {
      cost-center = "cc-1234"
      managed-by  = "terraform"
    }
  }
}

# The data-platform account's provider tags everything with `team`: roles created through it are
# attributed by default_tags alone (tags_all), without a `tags` argument of their own.
provider "aws" {
  alias                       = "data_platform"
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  default_tags {
    tags = {
      team        = "data-platform"
      cost-center = "cc-5678"
    }
  }
}
