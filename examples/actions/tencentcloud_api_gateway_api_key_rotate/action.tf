resource "tencentcloud_api_gateway_api_key" "orders" {
  secret_name = "orders-service"
}

# An auto key: the service generates the new secret and the key keeps its ID.
#   terraform apply -invoke=action.tencentcloud_api_gateway_api_key_rotate.orders
action "tencentcloud_api_gateway_api_key_rotate" "orders" {
  config {
    access_key_id = tencentcloud_api_gateway_api_key.orders.id
  }
}

# The same rotation from a lifecycle trigger: changing rotated_in replaces
# terraform_data, and its creation invokes the action.
resource "terraform_data" "orders_rotation" {
  triggers_replace = { rotated_in = "2026-Q4" }

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.tencentcloud_api_gateway_api_key_rotate.orders]
    }
  }
}

# A manual key gets the secret given in access_key_secret_wo, which is kept
# in neither the plan nor the state. With -invoke, pass it in a sensitive
# variable (ephemeral values reach -invoke as null up to Terraform 1.16):
#   TF_VAR_partner_key_secret=... terraform apply -invoke=action.tencentcloud_api_gateway_api_key_rotate.partner
variable "partner_key_secret" {
  type      = string
  sensitive = true
}

action "tencentcloud_api_gateway_api_key_rotate" "partner" {
  config {
    access_key_id        = "partner_gateway_key"
    access_key_secret_wo = var.partner_key_secret
  }
}
