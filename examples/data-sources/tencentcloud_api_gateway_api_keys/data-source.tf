# Every key in the account (the provider pages through all of them).
data "tencentcloud_api_gateway_api_keys" "all" {}

# The enabled keys named "orders-service".
data "tencentcloud_api_gateway_api_keys" "orders" {
  secret_name = "orders-service"
  status      = "on"
}

# Keys whose name or ID contains "partner", with their secrets (which are
# then stored in the state: without include_secrets, every secret is null).
data "tencentcloud_api_gateway_api_keys" "partners" {
  key_word        = "partner"
  include_secrets = true
}

# One key by ID; api_key_id is the same filter under the name that the
# existing TencentCloud provider uses.
data "tencentcloud_api_gateway_api_keys" "by_id" {
  api_key_id = "partner_gateway_key"
}

output "order_key_ids" {
  value = data.tencentcloud_api_gateway_api_keys.orders.api_keys[*].access_key_id
}

# The secrets are sensitive: an output that holds them must say so.
output "partner_secrets" {
  value     = { for k in data.tencentcloud_api_gateway_api_keys.partners.api_keys : k.access_key_id => k.access_key_secret }
  sensitive = true
}
