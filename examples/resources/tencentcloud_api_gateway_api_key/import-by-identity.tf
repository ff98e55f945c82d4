import {
  to = tencentcloud_api_gateway_api_key.by_identity
  identity = {
    access_key_id = "AKIDyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
  }
}

resource "tencentcloud_api_gateway_api_key" "by_identity" {
  secret_name = "imported-by-identity"
}
