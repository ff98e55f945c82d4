# Every key of the account, up to 500. Add filters in a config block
# (secret_name, status, access_key_type, key_word) to narrow the search.
list "tencentcloud_api_gateway_api_key" "found" {
  provider = tencentcloud
  limit    = 500
}
