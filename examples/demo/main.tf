# The configuration that `make demo` (examples/demo/run.sh) applies to the
# local TencentCloud API emulator. It works against TencentCloud too: the
# provider reads its credentials and endpoint from the environment.
terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

provider "tencentcloud" {}

# The manual key's secret: pass it in the environment
# (TF_VAR_manual_key_secret), never in a file.
variable "manual_key_secret" {
  type      = string
  sensitive = true
}

# Change it to rotate the auto key's secret (same key ID, new secret).
variable "auto_key_rotation" {
  type    = string
  default = "1"
}

# "on" or "off": the manual key's status.
variable "manual_key_status" {
  type    = string
  default = "on"
}

# An auto key: the service generates its ID and secret.
resource "tencentcloud_api_gateway_api_key" "auto" {
  secret_name = "demo-orders-service"

  rotation_triggers = {
    rotation = var.auto_key_rotation
  }
}

# A manual key: its ID is chosen here, its secret comes from the variable.
resource "tencentcloud_api_gateway_api_key" "manual" {
  secret_name       = "demo-partner-gateway"
  access_key_type   = "manual"
  access_key_id     = "demo_partner_key"
  access_key_secret = var.manual_key_secret
  status            = var.manual_key_status
}

# A usage plan, and the manual key bound to it: an API with key-pair
# authentication accepts only the keys of a usage plan bound to it.
resource "tencentcloud_api_gateway_usage_plan" "partners" {
  usage_plan_name         = "demo-partners"
  max_request_num_pre_sec = 100
}

resource "tencentcloud_api_gateway_api_key_attachment" "partner" {
  api_key_id    = tencentcloud_api_gateway_api_key.manual.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.partners.id
}

output "auto_key_id" {
  value = tencentcloud_api_gateway_api_key.auto.id
}

# A short fingerprint shows that a rotation changed the secret without
# showing the secret itself.
output "auto_key_secret_fingerprint" {
  value = nonsensitive(substr(sha256(tencentcloud_api_gateway_api_key.auto.access_key_secret), 0, 12))
}

output "manual_key_id" {
  value = tencentcloud_api_gateway_api_key.manual.id
}

output "manual_key_status" {
  value = tencentcloud_api_gateway_api_key.manual.status
}

output "usage_plan_id" {
  value = tencentcloud_api_gateway_usage_plan.partners.id
}
