#!/usr/bin/env bash
# Builds a pinned Terraform CLI (1.6 or later) from its module source.
#
# `go install github.com/hashicorp/terraform@vX` fails from v1.6.0 on: the
# module's go.mod replaces nested modules (the remote-state backends and
# internal/legacy) with directories that the module zip does not carry. So
# copy the module source, drop those modules and the backends that need them
# (the tests use local state only), and build the copy.
#
# Usage: build.sh VERSION OUTPUT   (run by the GNUmakefile; about 4 min on 2 cores)
set -euo pipefail

version=${1:?usage: build.sh VERSION OUTPUT}
out=${2:?usage: build.sh VERSION OUTPUT}

src=$(go mod download -json "github.com/hashicorp/terraform@v$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -d $src ]] || { echo "build.sh: no module directory for terraform v$version" >&2; exit 1; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
cd "$work"

# The nested modules that the zip lacks, by their path under internal/.
nested='backend/remote-state/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|legacy'
sed -E -i "\#github.com/hashicorp/terraform/internal/($nested)[ \"]#d" go.mod

# The backend registry imports them: keep local, remote, http, inmem and cloud.
backends='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
sed -E -i \
	-e "\#\"github.com/hashicorp/terraform/internal/backend/remote-state/($backends)\"#d" \
	-e '/^[[:space:]]+"(azurerm|consul|cos|gcs|kubernetes|oss|pg|s3|oci)":[[:space:]]+func\(\)/d' \
	internal/backend/init/init.go

# A test file of a package the build compiles imports internal/legacy.
rm -f internal/command/views/hook_count_test.go

mkdir -p "$(dirname "$out")"
CGO_ENABLED=0 go build -mod=mod -trimpath \
	-ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
	-o "$out.tmp" .
mv -f "$out.tmp" "$out"
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$out" version
