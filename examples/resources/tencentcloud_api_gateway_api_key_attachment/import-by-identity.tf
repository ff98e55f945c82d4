import {
  to = tencentcloud_api_gateway_api_key_attachment.by_identity
  identity = {
    api_key_id    = "AKIDyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
    usage_plan_id = "usagePlan-yyyyyyyy"
  }
}

resource "tencentcloud_api_gateway_api_key_attachment" "by_identity" {
  api_key_id    = "AKIDyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
  usage_plan_id = "usagePlan-yyyyyyyy"
}
