# Read an existing key's secret without storing it in the plan or the state.
ephemeral "tencentcloud_api_gateway_api_key" "upstream" {
  access_key_id = "partner_gateway_key"
}

# Give a second manual key the same secret through the write-only argument:
# the secret reaches the API but neither the plan nor the state. Bump
# access_key_secret_wo_version to send the current secret again. Since the
# secret is never read back, a change made outside Terraform is not seen.
resource "tencentcloud_api_gateway_api_key" "mirror" {
  secret_name                  = "partner-gateway-mirror"
  access_key_type              = "manual"
  access_key_id                = "partner_gateway_mirror"
  access_key_secret_wo         = ephemeral.tencentcloud_api_gateway_api_key.upstream.access_key_secret
  access_key_secret_wo_version = 1
}
