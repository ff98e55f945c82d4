import {
  to = tencentcloud_api_gateway_usage_plan.example
  id = "usagePlan-xxxxxxxx"
}

resource "tencentcloud_api_gateway_usage_plan" "example" {
  usage_plan_name = "imported-plan"
}
