import {
  to = tencentcloud_api_gateway_api_key_attachment.example
  id = "AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx#usagePlan-xxxxxxxx"
}

resource "tencentcloud_api_gateway_api_key_attachment" "example" {
  api_key_id    = "AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  usage_plan_id = "usagePlan-xxxxxxxx"
}
