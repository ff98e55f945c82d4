# Stands in for keys made in the console or by a script: apply it, then
# delete its state, and the three keys exist with no Terraform configuration
# managing them. The parent directory finds them with `terraform query`.
terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

provider "tencentcloud" {}

variable "partner_key_secret" {
  type      = string
  sensitive = true
}

resource "tencentcloud_api_gateway_api_key" "orders" {
  secret_name = "orders-service"
}

resource "tencentcloud_api_gateway_api_key" "billing" {
  secret_name = "billing-service"
  status      = "off"
}

resource "tencentcloud_api_gateway_api_key" "partner" {
  secret_name       = "partner-gateway"
  access_key_type   = "manual"
  access_key_id     = "partner_gateway_key"
  access_key_secret = var.partner_key_secret
}
