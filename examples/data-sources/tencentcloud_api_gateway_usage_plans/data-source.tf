# Every usage plan in the account (the provider pages through all of them).
data "tencentcloud_api_gateway_usage_plans" "all" {}

# The plans named "partners".
data "tencentcloud_api_gateway_usage_plans" "partners" {
  usage_plan_name = "partners"
}

output "partner_plan_ids" {
  value = data.tencentcloud_api_gateway_usage_plans.partners.list[*].usage_plan_id
}
