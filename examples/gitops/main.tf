# The configuration a pipeline applies. It holds no credential: the
# pipeline exchanges its OIDC token for a CAM role's temporary credentials
# (see README.md), configured through the TENCENTCLOUD_ASSUME_ROLE_*
# environment variables. The same files work locally against the emulator.

terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

variable "allowed_account_ids" {
  description = "Accounts this pipeline may change; any other one is refused before the first API call."
  type        = list(string)
  default     = ["100000000001"]
}

provider "tencentcloud" {
  # Role ARN, session name, identity provider and token file come from
  # TENCENTCLOUD_ASSUME_ROLE_ARN, _SESSION_NAME, _PROVIDER_ID and
  # _WEB_IDENTITY_TOKEN_FILE. Temporary credentials are refreshed before
  # they expire, re-reading the token file each time.
  assume_role_with_web_identity {}

  allowed_account_ids = var.allowed_account_ids
}

resource "tencentcloud_api_gateway_api_key" "partner" {
  secret_name = "partner-gateway"
}

output "partner_access_key_id" {
  value = tencentcloud_api_gateway_api_key.partner.access_key_id
}
