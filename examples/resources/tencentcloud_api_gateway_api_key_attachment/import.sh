# A binding is imported by `<api_key_id>#<usage_plan_id>`.
terraform import tencentcloud_api_gateway_api_key_attachment.example 'AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx#usagePlan-xxxxxxxx'
