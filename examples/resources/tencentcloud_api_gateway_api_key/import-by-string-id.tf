import {
  to = tencentcloud_api_gateway_api_key.example
  id = "AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
}

resource "tencentcloud_api_gateway_api_key" "example" {
  secret_name = "imported-key"
}
