# A usage plan is imported by its ID (UsagePlanId).
terraform import tencentcloud_api_gateway_usage_plan.example usagePlan-xxxxxxxx
