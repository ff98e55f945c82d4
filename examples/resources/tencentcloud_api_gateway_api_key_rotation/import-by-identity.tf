import {
  to = tencentcloud_api_gateway_api_key_rotation.by_identity
  identity = {
    access_key_ids = ["AKIDzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "AKIDwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"]
  }
}

resource "tencentcloud_api_gateway_api_key_rotation" "by_identity" {
  access_key_ids = ["AKIDzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "AKIDwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"]
}
