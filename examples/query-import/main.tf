# The configuration that takes over the keys found by find.tfquery.hcl.
# `terraform query -generate-config-out=generated.tf` writes their resource
# and import blocks next to it.
terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

# Credentials and endpoint come from the TENCENTCLOUD_* environment variables.
provider "tencentcloud" {}

# The secret of the manual key to import: generated configuration never holds
# a secret, so a manual key's block gets it from here (see README.md).
variable "partner_key_secret" {
  type      = string
  sensitive = true
}
