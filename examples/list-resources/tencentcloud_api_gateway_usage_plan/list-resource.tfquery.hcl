# Every usage plan of the account (Terraform lists at most `limit`: 100 unless set).
list "tencentcloud_api_gateway_usage_plan" "all" {
  provider = tencentcloud
  limit    = 200
}

# The plans named "partners", with their settings.
list "tencentcloud_api_gateway_usage_plan" "partners" {
  provider         = tencentcloud
  include_resource = true

  config {
    usage_plan_name = "partners"
  }
}
