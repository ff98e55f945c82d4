import {
  to = tencentcloud_api_gateway_api_key_rotation.example
  id = "AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,AKIDyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
}

resource "tencentcloud_api_gateway_api_key_rotation" "example" {
  access_key_ids = ["AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "AKIDyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"]
}
