import {
  to = tencentcloud_api_gateway_usage_plan.by_identity
  identity = {
    usage_plan_id = "usagePlan-yyyyyyyy"
  }
}

resource "tencentcloud_api_gateway_usage_plan" "by_identity" {
  usage_plan_name = "imported-by-identity"
}
