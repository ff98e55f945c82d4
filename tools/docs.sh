#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from a provider schema that the pinned
# Terraform 1.16.3 exports: it knows ephemeral resources, write-only
# arguments, actions and list resources (Terraform 1.5.7's export drops them).
# Run through `make generate`, which builds the tools and puts that Terraform
# first on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

terraform=$(command -v terraform) || { echo "docs.sh: no terraform on PATH (run make generate)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd .. && go build -o "$work/plugins/terraform-provider-tencentcloud" .)
cat > "$work/tfrc" <<CONF
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/tencentcloud" = "$work/plugins"
  }
  direct {}
}
CONF
mkdir "$work/wd"
cat > "$work/wd/main.tf" <<'TF'
terraform {
  required_providers {
    tencentcloud = {
      source = "registry.terraform.io/hashicorp/tencentcloud"
    }
  }
}
TF
TF_CLI_CONFIG_FILE="$work/tfrc" "$terraform" -chdir="$work/wd" providers schema -json > "$work/schema.json" 2> "$work/terraform.log" ||
	{ cat "$work/terraform.log" >&2; exit 1; }

tfplugindocs generate --provider-dir .. --provider-name tencentcloud --providers-schema "$work/schema.json"
