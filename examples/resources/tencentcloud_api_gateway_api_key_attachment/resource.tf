resource "tencentcloud_api_gateway_usage_plan" "partners" {
  usage_plan_name         = "partners"
  max_request_num_pre_sec = 100
}

resource "tencentcloud_api_gateway_api_key" "partner" {
  for_each    = toset(["acme", "globex", "initech"])
  secret_name = "partner-${each.key}"
}

# One binding per key. Binds of one plan made in the same apply share
# BindSecretIds calls, and destroying a key destroys its binding first.
resource "tencentcloud_api_gateway_api_key_attachment" "partner" {
  for_each      = tencentcloud_api_gateway_api_key.partner
  api_key_id    = each.value.id
  usage_plan_id = tencentcloud_api_gateway_usage_plan.partners.id
}
