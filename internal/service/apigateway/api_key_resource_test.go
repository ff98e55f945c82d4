package apigateway_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

const testAddress = "tencentcloud_api_gateway_api_key.test"

func autoKeyConfig(name, status, triggers string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = %q
  status      = %q
%s
}
`, name, status, triggers)
}

func manualKeyConfig(name, id, secret string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name       = %q
  access_key_type   = "manual"
  access_key_id     = %q
  access_key_secret = %q
}
`, name, id, secret)
}

func attr(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

func TestAccAPIKey_auto(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	secrets := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret")),
						env.MarkCalls(),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// One listing of the keys that already carry the name
					// (never candidates if the create's answer is lost), then
					// the create.
					env.ExpectCalls("DescribeApiKeysStatus", "CreateApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_type"), knownvalue.StringExact("auto")),
					statecheck.ExpectKnownValue(testAddress, attr("status"), knownvalue.StringExact("on")),
					statecheck.ExpectKnownValue(testAddress, attr("secret_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_id"), knownvalue.StringRegexp(regexp.MustCompile(`^AKID`))),
					statecheck.ExpectKnownValue(testAddress, attr("create_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					sameID.AddStateValue(testAddress, attr("id")),
					secrets.AddStateValue(testAddress, attr("access_key_secret")),
				},
			},
			{
				ResourceName:      testAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    testAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				// The import block's plan must be a no-op against the configuration.
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionNoop)},
				},
			},
			{
				Config: env.Config(autoKeyConfig(name, "off", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.NotNull()),
						plancheck.ExpectUnknownValue(testAddress, attr("modify_time")),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DisableApiKey", "DescribeApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("status"), knownvalue.StringExact("off")),
					sameID.AddStateValue(testAddress, attr("id")),
				},
			},
			{
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("EnableApiKey", "DescribeApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("status"), knownvalue.StringExact("on")),
				},
			},
			{
				// Triggers set on a key created without them are recorded, with no call and no rotation.
				Config: env.Config(autoKeyConfig(name, "on", `  rotation_triggers = { rotated = "1" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.NotNull()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{}),
					env.KeyMatchesRemote(testAddress),
				},
			},
			{
				// Rotation: same key ID, new secret, one UpdateApiKey.
				Config: env.Config(autoKeyConfig(name, "on", `  rotation_triggers = { rotated = "2" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret")),
						plancheck.ExpectKnownValue(testAddress, attr("id"), knownvalue.NotNull()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
					sameID.AddStateValue(testAddress, attr("id")),
					secrets.AddStateValue(testAddress, attr("access_key_secret")),
					statecheck.ExpectKnownValue(testAddress, attr("rotation_triggers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"rotated": knownvalue.StringExact("2"),
					})),
				},
			},
			{
				// Destroy: the live status (a lone read), disable, then delete.
				Config: env.ProviderBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionDestroy),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DescribeApiKey", "DisableApiKey", "DeleteApiKey"),
				},
			},
		},
	})
}

func TestAccAPIKey_manual(t *testing.T) {
	env := acctest.New(t)
	name, id := acctest.RandomName(), acctest.RandomManualKeyID()
	secret1, secret2 := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(manualKeyConfig(name, id, secret1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("CreateApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_type"), knownvalue.StringExact("manual")),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.StringExact(secret1)),
				},
			},
			{
				// The secret changes in place: exactly one UpdateApiKey and no read after it.
				Config: env.Config(manualKeyConfig(name, id, secret2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddress, attr("id"), knownvalue.StringExact(id)),
						plancheck.ExpectKnownValue(testAddress, attr("create_time"), knownvalue.NotNull()),
						plancheck.ExpectUnknownValue(testAddress, attr("modify_time")),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.StringExact(secret2)),
				},
			},
			{
				ResourceName:      testAddress,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{
				ResourceName:    testAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				// The import block's plan must be a no-op against the configuration.
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

func TestAccAPIKey_createDisabled(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(autoKeyConfig(name, "off", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{env.MarkCalls()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DescribeApiKeysStatus", "CreateApiKey", "DisableApiKey", "DescribeApiKey"),
					env.ExpectRemoteKeyCount(1),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("status"), knownvalue.StringExact("off")),
				},
			},
		},
	})
}

func TestAccAPIKey_disappears(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureAttribute(testAddress, "id", &id),
				},
			},
			{
				PreConfig: func() { env.DeleteOutOfBand(id) },
				Config:    env.Config(autoKeyConfig(name, "on", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.KeyMatchesRemote(testAddress),
					env.ExpectRemoteKeyCount(1),
				},
			},
		},
	})
}

func TestAccAPIKey_secretDrift(t *testing.T) {
	env := acctest.New(t)
	name, id, secret := acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(manualKeyConfig(name, id, secret)),
			},
			{
				PreConfig: func() { env.SetSecretOutOfBand(id, acctest.RandomManualKeySecret()) },
				Config:    env.Config(manualKeyConfig(name, id, secret)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.StringExact(secret)),
				},
			},
		},
	})
}

func TestAccAPIKey_destroyAlreadyDeleted(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var onID, offID string
	config := env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "on" {
  secret_name = "%[1]s-on"
}

resource "tencentcloud_api_gateway_api_key" "off" {
  secret_name = "%[1]s-off"
  status      = "off"
}
`, name))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		// Without refresh, the plan still holds both keys, so Delete itself
		// meets the missing keys.
		AdditionalCLIOptions: &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureAttribute("tencentcloud_api_gateway_api_key.on", "id", &onID),
					acctest.CaptureAttribute("tencentcloud_api_gateway_api_key.off", "id", &offID),
				},
			},
			{
				PreConfig: func() {
					env.DeleteOutOfBand(onID)
					env.DeleteOutOfBand(offID)
				},
				Config: env.ProviderBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tencentcloud_api_gateway_api_key.on", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("tencentcloud_api_gateway_api_key.off", plancheck.ResourceActionDestroy),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// The key stored as on stops at the read of its live
					// status, which finds it gone; the one stored as off
					// goes straight to delete.
					env.ExpectCallCounts(map[string]int{"DescribeApiKey": 1, "DeleteApiKey": 1}),
				},
			},
		},
	})
}

func TestAccAPIKey_invalidConfig(t *testing.T) {
	cases := map[string]struct {
		body string
		want string
	}{
		"manual without id": {
			body: `access_key_type = "manual"
  access_key_secret = "secret_value_123"`,
			want: `access_key_id is required when access_key_type is "manual"`,
		},
		"manual without secret": {
			body: `access_key_type = "manual"
  access_key_id = "my_key_id"`,
			want: `access_key_secret (or the write-only access_key_secret_wo) is required when access_key_type is "manual"`,
		},
		"secret too short": {
			body: `access_key_type = "manual"
  access_key_id = "my_key_id"
  access_key_secret = "short_123"`,
			want: `string length must be between 10 and 50`,
		},
		"secret too long": {
			body: `access_key_type = "manual"
  access_key_id = "my_key_id"
  access_key_secret = "` + strings.Repeat("s", 51) + `"`,
			want: `string length must be between 10 and 50`,
		},
		"secret with other characters": {
			body: `access_key_type = "manual"
  access_key_id = "my_key_id"
  access_key_secret = "not-allowed-secret"`,
			want: `must contain only letters, digits and underscores`,
		},
		"id too short": {
			body: `access_key_type = "manual"
  access_key_id = "abcd"
  access_key_secret = "secret_value_123"`,
			want: `string length must be between 5 and 50`,
		},
		"id with other characters": {
			body: `access_key_type = "manual"
  access_key_id = "my.key.id"
  access_key_secret = "secret_value_123"`,
			want: `must contain only letters, digits and underscores`,
		},
		"auto with secret": {
			body: `access_key_secret = "secret_value_123"`,
			want: `access_key_secret can only be set when access_key_type is "manual"`,
		},
		"auto with id": {
			body: `access_key_id = "my_key_id"`,
			want: `access_key_id can only be set when access_key_type is "manual"`,
		},
		"unknown status": {
			body: `status = "paused"`,
			want: `value must be one of: ["on" "off"]`,
		},
		"unknown type": {
			body: `access_key_type = "magic"`,
			want: `value must be one of: ["auto" "manual"]`,
		},
		"triggers on a manual key": {
			body: `access_key_type = "manual"
  access_key_id = "my_key_id"
  access_key_secret = "secret_value_123"
  rotation_triggers = { v = "1" }`,
			want: `rotation_triggers only applies to access_key_type = "auto"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name = "invalid"
  %s
}
`, tc.body)),
					PlanOnly:    true,
					ExpectError: acctest.WordsRegexp(tc.want),
				}},
			})
			env.AssertNoCalls(t)
		})
	}
	t.Run("empty name", func(t *testing.T) {
		env := acctest.New(t)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(`resource "tencentcloud_api_gateway_api_key" "test" { secret_name = "" }`),
				PlanOnly:    true,
				ExpectError: acctest.WordsRegexp(`string length must be at least 1`),
			}},
		})
		env.AssertNoCalls(t)
	})
}

// TestAccAPIKey_noSecretInOutput runs the Terraform CLI itself and reads
// what a user sees: neither plan nor apply may print a secret.
func TestAccAPIKey_noSecretInOutput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cli := acctest.NewCLI(t)
	name, id := acctest.RandomName(), acctest.RandomManualKeyID()
	secret1, secret2 := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()

	cli.WriteConfig(env.Config(manualKeyConfig(name, id, secret1)))
	outputs := []string{
		cli.MustRun("plan", "-no-color"),
		cli.MustRun("apply", "-auto-approve", "-no-color"),
	}
	cli.WriteConfig(env.Config(manualKeyConfig(name, id, secret2)))
	outputs = append(outputs,
		cli.MustRun("plan", "-no-color"),
		cli.MustRun("apply", "-auto-approve", "-no-color"),
	)
	for i, out := range outputs {
		for _, secret := range []string{secret1, secret2} {
			if strings.Contains(out, secret) {
				t.Fatalf("output %d shows a secret:\n%s", i, out)
			}
		}
		if !strings.Contains(out, "(sensitive value)") {
			t.Errorf("output %d does not mark access_key_secret as sensitive:\n%s", i, out)
		}
	}
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if key, err := env.RemoteKey(id); err != nil || key != nil {
		t.Fatalf("destroy left key %s behind (err: %v)", id, err)
	}
	if env.Emulator == nil {
		return
	}
	if keys := env.Emulator.Keys(); len(keys) != 0 {
		t.Fatalf("destroy left %d key(s) on the emulator", len(keys))
	}
}

// API errors reach the user with the code, the request ID and what to do.
func TestAccAPIKey_apiErrorsExplainWhatToDo(t *testing.T) {
	env := acctest.New(t)
	env.SkipWithoutEmulator(t, "an account cannot be taken off the manual-key allowlist or bound to a usage plan on demand")
	name, id := acctest.RandomName(), acctest.RandomManualKeyID()
	secret1, secret2 := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(manualKeyConfig(name, id, secret1)),
			},
			{
				PreConfig:   func() { env.Emulator.SetManualKeyAllowlisted(false) },
				Config:      env.Config(manualKeyConfig(name, id, secret2)),
				ExpectError: regexp.MustCompile(`UpdateApiKey failed: \[UnsupportedOperation.UinNotInWhiteList\](.|\n)*RequestId(.|\n)*allowlist\s+for\s+manual\s+API\s+keys`),
			},
			{
				// The failed update kept the old secret in state and on the API.
				PreConfig: func() { env.Emulator.SetManualKeyAllowlisted(true) },
				Config:    env.Config(manualKeyConfig(name, id, secret1)),
				ConfigStateChecks: []statecheck.StateCheck{
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.StringExact(secret1)),
				},
			},
			{
				PreConfig:   func() { env.Emulator.SetKeyBoundToUsagePlan(id, true) },
				Config:      env.ProviderBlock(),
				ExpectError: acctest.WordsRegexp(`still bound to a usage plan`),
			},
			{
				// Unbound, the key is destroyed.
				PreConfig: func() { env.Emulator.SetKeyBoundToUsagePlan(id, false) },
				Config:    env.ProviderBlock(),
			},
		},
	})
}
