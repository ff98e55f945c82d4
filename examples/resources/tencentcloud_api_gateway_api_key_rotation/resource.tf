terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.14"
    }
  }
}

resource "tencentcloud_api_gateway_usage_plan" "orders" {
  usage_plan_name = "orders"
}

# Two auto keys, both bound to the plan: callers pass with either.
resource "tencentcloud_api_gateway_api_key" "blue" {
  secret_name = "orders-blue"
}

resource "tencentcloud_api_gateway_api_key" "green" {
  secret_name = "orders-green"
}

resource "tencentcloud_api_gateway_api_key_attachment" "orders" {
  for_each = {
    blue  = tencentcloud_api_gateway_api_key.blue.id
    green = tencentcloud_api_gateway_api_key.green.id
  }
  api_key_id    = each.value
  usage_plan_id = tencentcloud_api_gateway_usage_plan.orders.id
}

# Every 30 days the first apply replaces time_rotating, whose new id changes
# the triggers: the key that is not active gets a new secret and becomes
# the active one. The other keeps its secret until the next rotation, so
# callers have 30 days to take the new pair.
resource "time_rotating" "monthly" {
  rotation_days = 30
}

resource "tencentcloud_api_gateway_api_key_rotation" "orders" {
  access_key_ids    = [tencentcloud_api_gateway_api_key.blue.id, tencentcloud_api_gateway_api_key.green.id]
  rotation_triggers = { month = time_rotating.monthly.id }

  # Rotate only once both keys are bound, so the new active key works at once.
  depends_on = [tencentcloud_api_gateway_api_key_attachment.orders]
}

# What callers should use now: hand these to the deployment after each apply.
output "orders_key_id" {
  value = tencentcloud_api_gateway_api_key_rotation.orders.active_access_key_id
}

output "orders_key_secret" {
  value     = tencentcloud_api_gateway_api_key_rotation.orders.active_access_key_secret
  sensitive = true
}
