package apigateway_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/fingerprint"
)

// keptOutRotationConfig is two auto keys and their rotation, all with
// secret_in_state = false; importRotation adds an import block for the
// rotation.
func keptOutRotationConfig(name, triggers string, importRotation bool, ids *[2]string) string {
	cfg := fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "blue" {
  secret_name     = "%[1]s-blue"
  secret_in_state = false
}

resource "tencentcloud_api_gateway_api_key" "green" {
  secret_name     = "%[1]s-green"
  secret_in_state = false
}
`, name)
	if importRotation {
		cfg += fmt.Sprintf(`
import {
  to = %s
  id = "%s,%s"
}
`, rotationAddress, ids[0], ids[1])
	}
	return cfg + fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key_rotation" "test" {
  access_key_ids  = [tencentcloud_api_gateway_api_key.blue.id, tencentcloud_api_gateway_api_key.green.id]
  secret_in_state = false
%s
}
`, triggers)
}

// activeFingerprintMatches checks that the rotation's state holds no
// active secret and a fingerprint of the active key's live secret.
func activeFingerprintMatches(env *acctest.Env) statecheck.StateCheck {
	return stateFunc(func(attrs map[string]any) error {
		if attrs["active_access_key_secret"] != nil {
			return fmt.Errorf("active_access_key_secret is in the state")
		}
		active, _ := attrs["active_access_key_id"].(string)
		key, err := env.RemoteKey(active)
		if err != nil || key == nil {
			return fmt.Errorf("reading key %s: %v", active, err)
		}
		fp, _ := attrs["active_access_key_secret_fingerprint"].(string)
		if ok, err := fingerprint.Matches(fp, key.AccessKeySecret); !ok {
			return fmt.Errorf("active_access_key_secret_fingerprint is not the live secret of key %s (%v)", active, err)
		}
		return nil
	})
}

type stateFunc func(attrs map[string]any) error

func (f stateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("state is empty")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == rotationAddress {
			resp.Error = f(r.AttributeValues)
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in state", rotationAddress)
}

// Two keys and their rotation with no secret in the state, through create,
// rotation, removal and import of the rotation, another rotation and
// destroy; after every step the state holds none of the secrets the API
// holds or held. The rotated key's own resource sees its secret change on
// refresh, and its next apply records the new fingerprint with no API call.
func TestAccAPIKeyRotation_secretOutOfState(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var ids [2]string
	var active, previous string
	noSecret := env.StateHoldsNoRemoteSecret()
	rotate := func(trigger string) resource.TestStep {
		return resource.TestStep{
			Config: env.Config(keptOutRotationConfig(name, triggers(trigger), false, &ids)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(rotationAddress, attr("active_access_key_secret"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(rotationAddress, attr("active_access_key_secret_fingerprint")),
					env.MarkCalls(),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
				stateFunc(func(attrs map[string]any) error {
					if attrs["active_access_key_id"] != previous || attrs["previous_access_key_id"] != active {
						return fmt.Errorf("the keys did not swap roles: active %v, previous %v", attrs["active_access_key_id"], attrs["previous_access_key_id"])
					}
					active, previous = previous, active
					return nil
				}),
				activeFingerprintMatches(env),
				noSecret,
			},
			// The rotated key's resource: its fingerprint no longer matches.
			ExpectNonEmptyPlan: true,
		}
	}
	recordRotatedKey := resource.TestStep{
		Config: env.Config(keptOutRotationConfig(name, triggers("2"), false, &ids)),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionNoop),
				env.MarkCalls(),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			env.ExpectCalls(),
			env.AllKeysMatchRemote(),
			noSecret,
		},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(keptOutRotationConfig(name, triggers("1"), false, &ids)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(rotationAddress, attr("active_access_key_secret"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureAttribute(blueAddress, "id", &ids[0]),
					acctest.CaptureAttribute(greenAddress, "id", &ids[1]),
					acctest.CaptureAttribute(rotationAddress, "active_access_key_id", &active),
					acctest.CaptureAttribute(rotationAddress, "previous_access_key_id", &previous),
					activeFingerprintMatches(env),
					env.AllKeysMatchRemote(),
					noSecret,
				},
			},
			rotate("2"),
			recordRotatedKey,
			rotate("3"),
		},
	})
}

// Two keys made outside Terraform, and their rotation, imported with import
// blocks into a configuration with secret_in_state = false: no secret ever
// reaches the state, the import writes nothing, and a rotation and destroy
// follow.
func TestAccAPIKeyRotation_secretOutOfStateImport(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	blue := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name + "-blue", AccessKeyType: conns.KeyTypeAuto})
	green := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name + "-green", AccessKeyType: conns.KeyTypeAuto})
	ids := [2]string{blue.AccessKeyID, green.AccessKeyID}
	imports := fmt.Sprintf(`
import {
  to = %s
  id = %q
}

import {
  to = %s
  id = %q
}
`, blueAddress, ids[0], greenAddress, ids[1])
	noSecret := env.StateHoldsNoRemoteSecret()
	var active, previous string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(imports + keptOutRotationConfig(name, triggers("1"), true, &ids)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(rotationAddress, attr("active_access_key_secret"), knownvalue.Null()),
						plancheck.ExpectUnknownValue(rotationAddress, attr("active_access_key_secret_fingerprint")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stateCheckFunc(func() error {
						if n := updateCount(env); n != 0 {
							return fmt.Errorf("the import made %d UpdateApiKey call(s)", n)
						}
						return nil
					}),
					env.ExpectRemoteSecret(ids[0], blue.AccessKeySecret),
					env.ExpectRemoteSecret(ids[1], green.AccessKeySecret),
					acctest.CaptureAttribute(rotationAddress, "active_access_key_id", &active),
					acctest.CaptureAttribute(rotationAddress, "previous_access_key_id", &previous),
					activeFingerprintMatches(env),
					env.AllKeysMatchRemote(),
					noSecret,
				},
			},
			{
				Config: env.Config(keptOutRotationConfig(name, triggers("2"), false, &ids)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rotationAddress, plancheck.ResourceActionUpdate),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 1, "UpdateApiKey": 1}),
					statecheck.ExpectKnownValue(rotationAddress, attr("active_access_key_id"), knownvalue.NotNull()),
					stateFunc(func(attrs map[string]any) error {
						if attrs["active_access_key_id"] != previous {
							return fmt.Errorf("key %s did not become active", previous)
						}
						return nil
					}),
					activeFingerprintMatches(env),
					noSecret,
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// updateCount counts the UpdateApiKey calls that reached the emulator.
func updateCount(env *acctest.Env) int {
	n := 0
	for _, c := range callLog(env) {
		if c == "UpdateApiKey" {
			n++
		}
	}
	return n
}
