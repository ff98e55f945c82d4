#!/usr/bin/env bash
# `make demo`: a real Terraform workflow against the local TencentCloud API
# emulator. It builds the provider and the emulator, starts the emulator on a
# free local port, then runs terraform on examples/demo/main.tf: create two
# keys, a usage plan and the manual key's binding to it, plan (empty), rotate
# both secrets, turn a key off and on, destroy. After each stage it prints
# the API calls that reached the emulator, and, once the manual key is bound,
# what a caller of the emulator's gateway (an API with key-pair
# authentication) gets with the manual key: 200 while it is bound and on,
# 403 while it is off.
#
# Everything it writes (binaries, CLI config, state) lives in a temporary
# directory that is removed on exit, with the emulator stopped. Needs Go,
# curl and the pinned Terraform CLI (TERRAFORM; make demo installs it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TERRAFORM=${TERRAFORM:-$ROOT/bin/terraform-1.5.7/terraform}
if [[ ! -x $TERRAFORM ]]; then
	make -C "$ROOT" bin/terraform-1.5.7/terraform
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tcapigw-demo.XXXXXX")
EMULATOR_PID=
cleanup() {
	local rc=$?
	if [[ -n $EMULATOR_PID ]]; then
		kill "$EMULATOR_PID" 2>/dev/null || true
		wait "$EMULATOR_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
	if ((rc != 0)); then
		printf '\ndemo FAILED (exit %d)\n' "$rc" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Colours only on a terminal.
COLOR=()
BOLD='' RESET=''
if [[ -t 1 ]]; then
	BOLD=$'\033[1m' RESET=$'\033[0m'
else
	COLOR=(-no-color)
fi
stage() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
fail() {
	echo "demo: $*" >&2
	exit 1
}

# tf prints the command, then runs it on the demo's working copy, leaving
# out terraform's reminder that dev_overrides are in effect (other warnings
# are shown). Its status is terraform's.
tf() {
	printf '$ terraform %s\n' "$*"
	"$TERRAFORM" -chdir="$WORK/config" "$@" ${COLOR[@]+"${COLOR[@]}"} -compact-warnings 2>&1 | awk '
		{ plain = $0; gsub(/\033\[[0-9;]*m/, "", plain) }
		plain ~ /^Warnings:$/ { held = $0; n = 1; next }
		n { held = held "\n" $0; n++
			if (plain ~ /^To see the full warning notes/) {
				if (n != 5 || held !~ /Provider development overrides are in effect/) print held
				n = 0; skip = 1
			}
			next }
		skip && plain == "" { skip = 0; next }
		{ skip = 0; print }
		END { if (n) print held }'
}

# calls prints the API calls the emulator received since the last call of
# calls (as "Action ×count", in order of first use, also left in SUMMARY),
# checks that every expected "Action ×count" is among them, and empties the
# emulator's log.
SUMMARY=
calls() {
	local log summary line want
	log=$(curl -fsS "$ENDPOINT/_emulator/calls")
	curl -fsS -X POST "$ENDPOINT/_emulator/reset-calls"
	summary=$(grep -oE '"Action": *"[A-Za-z]+"' <<<"$log" | cut -d'"' -f4 |
		awk '!($0 in n) { order[++k] = $0 } { n[$0]++ } END { for (i = 1; i <= k; i++) printf "%s ×%d\n", order[i], n[order[i]] }' || true)
	printf '\nAPI calls:\n'
	while read -r line; do printf '    %s\n' "$line"; done <<<"${summary:-(none)}"
	if grep -qE '"ErrorCode": *"[^"]' <<<"$log"; then
		fail "some API calls failed: $log"
	fi
	SUMMARY=$summary
	for want in "$@"; do
		grep -qxF "$want" <<<"$summary" || fail "expected the API call $want"
	done
}

# caller signs a call of the emulator's gateway with the manual key, as the
# key's callers do (key-pair authentication: X-Date, Source, an HMAC-SHA1
# signature), prints the gateway's answer, and checks its status. The secret
# goes to tcemulator in the environment, never on its command line.
caller() {
	local expect=$1 out
	printf '
caller with key demo_partner_key: '
	out=$(TCEMULATOR_KEY_SECRET=$TF_VAR_manual_key_secret "$WORK/tcemulator" call-gateway \
		-url "${TCEMULATOR_GATEWAY_URL}partners/orders" -id demo_partner_key -expect "$expect" 2>&1) ||
		fail "the caller got another answer than $expect: $out"
	printf '%s (expected %s)\n' "$out" "$expect"
}

# A fresh random secret (32 hex digits) for the manual key; never printed.
new_secret() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

stage "Build the provider and the emulator"
(
	cd "$ROOT"
	go build -o "$WORK/plugins/terraform-provider-tencentcloud" .
	go build -o "$WORK/tcemulator" ./internal/emulator/cmd/tcemulator
)
# dev_overrides: terraform uses the provider just built, without terraform init.
cat >"$WORK/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "tcapigw/tencentcloud" = "$WORK/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE=$WORK/terraformrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
mkdir "$WORK/config"
cp "$ROOT"/examples/demo/*.tf "$WORK/config/"
version=$("$TERRAFORM" version)
echo "${version%%$'\n'*} with the provider built from this checkout (dev_overrides)"

stage "Start the TencentCloud API emulator"
"$WORK/tcemulator" -listen 127.0.0.1:0 -addr-file "$WORK/emulator.addr" >"$WORK/emulator.env" 2>"$WORK/emulator.log" &
EMULATOR_PID=$!
for _ in {1..100}; do
	[[ -s $WORK/emulator.addr ]] && break
	kill -0 "$EMULATOR_PID" 2>/dev/null || fail "the emulator exited: $(cat "$WORK/emulator.log")"
	sleep 0.1
done
[[ -s $WORK/emulator.addr ]] || fail "the emulator did not start"
# Only the emulator's endpoint and credentials: never a real account's.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^TENCENTCLOUD_' || true)
# shellcheck disable=SC1091
source "$WORK/emulator.env"
ENDPOINT=$TENCENTCLOUD_APIGATEWAY_ENDPOINT
echo "emulator listening on $ENDPOINT (pid $EMULATOR_PID)"

export TF_VAR_manual_key_secret
TF_VAR_manual_key_secret=$(new_secret)
VARS=()

stage "1. Create an auto key, a manual key (secret from TF_VAR_manual_key_secret), a usage plan and the manual key's binding to it"
tf apply -auto-approve
calls "CreateApiKey ×2" "CreateUsagePlan ×1" "BindSecretIds ×1"
caller 200

stage "2. Nothing changed: the plan is empty (terraform plan -detailed-exitcode exits 0)"
if tf plan -detailed-exitcode; then
	echo "plan is empty (exit 0)"
else
	fail "terraform plan -detailed-exitcode exited $? (0 means no changes)"
fi
calls
if grep -v '^Describe' <<<"$SUMMARY"; then
	fail "a plan must only read"
fi

stage "3. Rotate: a new manual secret, and a new rotation_triggers value for the auto key"
TF_VAR_manual_key_secret=$(new_secret)
VARS+=(-var auto_key_rotation=2)
tf apply -auto-approve "${VARS[@]}"
calls "UpdateApiKey ×2"
caller 200

stage "4. Turn the manual key off (status = \"off\"): its callers are refused"
tf apply -auto-approve "${VARS[@]}" -var manual_key_status=off
calls "DisableApiKey ×1"
caller 403

stage "5. Turn it back on: its callers pass again"
tf apply -auto-approve "${VARS[@]}" -var manual_key_status=on
calls "EnableApiKey ×1"
caller 200

stage "6. Destroy everything (the binding first; enabled keys are disabled, then deleted)"
tf destroy -auto-approve "${VARS[@]}"
calls "UnBindSecretIds ×1" "DeleteUsagePlan ×1" "DisableApiKey ×2" "DeleteApiKey ×2"
keys=$(curl -fsS "$ENDPOINT/_emulator/keys")
[[ $keys == "[]" ]] || fail "keys left in the emulator: $keys"
echo "the emulator holds no keys"

stage "Stop the emulator"
kill "$EMULATOR_PID"
wait "$EMULATOR_PID" || true
EMULATOR_PID=
echo "demo passed"
