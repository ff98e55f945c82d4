# A usage plan with the default limits: -1, no limit.
resource "tencentcloud_api_gateway_usage_plan" "open" {
  usage_plan_name = "internal-callers"
}

# A plan that allows 10 requests per second and 1 000 000 requests in all.
# Every argument changes in place with ModifyUsagePlan.
resource "tencentcloud_api_gateway_usage_plan" "partners" {
  usage_plan_name         = "partners"
  usage_plan_desc         = "Keys of partner systems"
  max_request_num         = 1000000
  max_request_num_pre_sec = 10
}

# The keys bound to the plan (read-only: bind keys with
# tencentcloud_api_gateway_api_key_attachment).
output "partner_plan_keys" {
  value = tencentcloud_api_gateway_usage_plan.partners.attach_api_keys
}
