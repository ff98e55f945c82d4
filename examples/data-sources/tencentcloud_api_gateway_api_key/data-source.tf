# An existing key, read by its ID. The key must exist.
data "tencentcloud_api_gateway_api_key" "partner" {
  access_key_id = "partner_gateway_key"
}

output "partner_key_status" {
  value = data.tencentcloud_api_gateway_api_key.partner.status
}

# access_key_secret is sensitive (and stored in the state, as every data
# source attribute is; the ephemeral resource of the same name is not).
output "partner_key_secret" {
  value     = data.tencentcloud_api_gateway_api_key.partner.access_key_secret
  sensitive = true
}
