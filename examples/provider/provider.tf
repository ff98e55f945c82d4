terraform {
  required_providers {
    tencentcloud = {
      source = "tcapigw/tencentcloud"
    }
  }
}

# Credentials come from TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY
# (or a tccli profile); keep them out of configuration files.
provider "tencentcloud" {
  region = "ap-guangzhou"
}
