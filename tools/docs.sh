#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from a provider schema that the pinned
# OpenTofu exports. The pinned Terraform 1.5.7 predates ephemeral resources
# and write-only arguments, so its schema export would drop them.
# Run through `make generate`, which sets TOFU and builds the tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

: "${TOFU:?TOFU must name the pinned OpenTofu CLI (make generate sets it)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd .. && go build -o "$work/plugins/terraform-provider-tencentcloud" .)
cat > "$work/tofurc" <<CONF
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
TF_CLI_CONFIG_FILE="$work/tofurc" "$TOFU" -chdir="$work/wd" providers schema -json > "$work/schema.json" 2> "$work/tofu.log" ||
	{ cat "$work/tofu.log" >&2; exit 1; }

tfplugindocs generate --provider-dir .. --provider-name tencentcloud --providers-schema "$work/schema.json"
