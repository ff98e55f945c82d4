# An API key is imported by its key ID (AccessKeyId).
terraform import tencentcloud_api_gateway_api_key.example AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
