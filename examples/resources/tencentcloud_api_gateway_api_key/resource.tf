# An auto key: the service generates the key ID and the secret.
resource "tencentcloud_api_gateway_api_key" "auto" {
  secret_name = "orders-service"
}

# A manual key: you choose the key ID and the secret. Changing
# access_key_secret rotates it in place with UpdateApiKey.
variable "partner_key_secret" {
  type      = string
  sensitive = true
}

resource "tencentcloud_api_gateway_api_key" "manual" {
  secret_name       = "partner-gateway"
  access_key_type   = "manual"
  access_key_id     = "partner_gateway_key"
  access_key_secret = var.partner_key_secret
}

# An auto key rotated on a schedule: changing any value in
# rotation_triggers gives the key a new secret and keeps its ID.
# Setting triggers on a key that had none (e.g. just imported)
# only records them: it does not rotate.
resource "tencentcloud_api_gateway_api_key" "rotated" {
  secret_name = "billing-service"
  status      = "on"

  rotation_triggers = {
    rotated_in = "2026-Q4"
  }
}

# An auto key whose secret stays out of the state: access_key_secret is
# null, a salted fingerprint (access_key_secret_fingerprint) shows a secret
# changed outside Terraform, and callers read the secret with the
# tencentcloud_api_gateway_api_key ephemeral resource.
resource "tencentcloud_api_gateway_api_key" "no_secret_in_state" {
  secret_name     = "inventory-service"
  secret_in_state = false

  rotation_triggers = {
    rotated_in = "2026-Q4"
  }
}
