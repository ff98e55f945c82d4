# Every key of the account (Terraform lists at most `limit` keys: 100 unless set).
list "tencentcloud_api_gateway_api_key" "all" {
  provider = tencentcloud
  limit    = 500
}

# The enabled auto keys whose name or ID contains "orders", with their
# attributes (never their secrets).
list "tencentcloud_api_gateway_api_key" "orders" {
  provider         = tencentcloud
  include_resource = true

  config {
    key_word        = "orders"
    status          = "on"
    access_key_type = "auto"
  }
}
