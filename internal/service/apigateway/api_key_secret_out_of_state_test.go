package apigateway_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// keptOutKeyConfig is an auto key whose secret stays out of the state.
func keptOutKeyConfig(name, triggers string) string {
	return fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name     = %q
  secret_in_state = false
%s
}
`, name, triggers)
}

var fingerprintShape = regexp.MustCompile(`^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`)

// An auto key with secret_in_state = false: created, rotated with
// rotation_triggers and destroyed without its secret (any of them) ever in
// the state, which holds a fingerprint of the live secret instead. A
// rotation outside Terraform shows in the next plan; its apply records the
// new fingerprint without an API call.
func TestAccAPIKey_secretOutOfState(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	var id, before string
	fingerprints := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(keptOutKeyConfig(name, triggers("2026-Q4"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret_fingerprint")),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DescribeApiKeysStatus", "CreateApiKey"),
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAddress, attr("secret_in_state"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret_fingerprint"), knownvalue.StringRegexp(fingerprintShape)),
					fingerprints.AddStateValue(testAddress, attr("access_key_secret_fingerprint")),
					env.StateHoldsNoRemoteSecret(),
					acctest.CaptureAttribute(testAddress, "id", &id),
				},
			},
			{
				// Rotation: one UpdateApiKey, whose new secret is fingerprinted, not stored.
				PreConfig: func() { before = remoteSecret(t, env, id) },
				Config:    env.Config(keptOutKeyConfig(name, triggers("2027-Q1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret_fingerprint")),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
					remoteSecretChanged(env, &id, &before),
					fingerprints.AddStateValue(testAddress, attr("access_key_secret_fingerprint")),
					env.StateHoldsNoRemoteSecret(),
				},
			},
			{
				// Rotated outside Terraform: the plan shows an update of the
				// fingerprint, and the apply records it with no API call.
				PreConfig: func() { env.SetSecretOutOfBand(id, acctest.RandomManualKeySecret()) },
				Config:    env.Config(keptOutKeyConfig(name, triggers("2027-Q1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret_fingerprint")),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls(),
					env.KeyMatchesRemote(testAddress),
					fingerprints.AddStateValue(testAddress, attr("access_key_secret_fingerprint")),
					env.StateHoldsNoRemoteSecret(),
				},
			},
			{
				// Back in the state: one read of the secret, and the
				// fingerprint goes.
				Config: env.Config(autoKeyConfig(name, "on", triggers("2027-Q1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret")),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret_fingerprint"), knownvalue.Null()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("DescribeApiKey"),
					env.KeyMatchesRemote(testAddress),
				},
			},
			{
				// And out again: no API call.
				Config: env.Config(keptOutKeyConfig(name, triggers("2027-Q1"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls(),
					env.KeyMatchesRemote(testAddress),
					env.StateHoldsNoRemoteSecret(),
				},
			},
		},
	})
}

// Importing an auto key with an import block into a configuration with
// secret_in_state = false stores no secret: the apply fingerprints it with
// no API call. Rotation and destroy follow.
func TestAccAPIKey_secretOutOfStateImport(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	key := createOutsideTerraform(t, env, conns.CreateAPIKeyInput{SecretName: name, AccessKeyType: conns.KeyTypeAuto})
	id, before := key.AccessKeyID, key.AccessKeySecret

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: env.Config(importBlock(id) + keptOutKeyConfig(name, triggers("a"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls(),
					env.KeyMatchesRemote(testAddress),
					env.ExpectRemoteSecret(id, before), // an import never rotates
					env.StateHoldsNoRemoteSecret(),
				},
			},
			{
				Config: env.Config(keptOutKeyConfig(name, triggers("b"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.KeyMatchesRemote(testAddress),
					remoteSecretChanged(env, &id, &before),
					env.StateHoldsNoRemoteSecret(),
				},
			},
		},
	})
}

// secret_in_state = false with a manual key's access_key_secret is refused
// at plan time: that argument is stored whatever the flag says.
func TestAccAPIKey_secretOutOfStateManualRefused(t *testing.T) {
	env := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name       = %q
  access_key_type   = "manual"
  access_key_id     = %q
  access_key_secret = %q
  secret_in_state   = false
}
`, acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret())),
			PlanOnly:    true,
			ExpectError: acctest.WordsRegexp("set it with the write-only access_key_secret_wo"),
		}},
	})
	env.AssertNoCalls(t)
}

// A write-only secret changed outside Terraform shows in the next plan, and
// the apply sets the configured one again with one UpdateApiKey.
func TestAccAPIKey_writeOnlySecretDriftRestored(t *testing.T) {
	env := acctest.New(t)
	name, id, secret := acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:          env.Config(writeOnlyKeyConfig(name, id, 1)),
				ConfigVariables: secretVariable(secret),
				ConfigStateChecks: []statecheck.StateCheck{
					env.KeyMatchesRemote(testAddress),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret_fingerprint"), knownvalue.StringRegexp(fingerprintShape)),
					env.StateHoldsNoRemoteSecret(),
				},
			},
			{
				PreConfig:       func() { env.SetSecretOutOfBand(id, acctest.RandomManualKeySecret()) },
				Config:          env.Config(writeOnlyKeyConfig(name, id, 1)),
				ConfigVariables: secretVariable(secret),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(testAddress, attr("access_key_secret_fingerprint")),
						acctest.PlanDoesNotContain(secret),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.ExpectRemoteSecret(id, secret),
					env.KeyMatchesRemote(testAddress),
					env.StateHoldsNoRemoteSecret(),
				},
			},
		},
	})
}

// remoteSecret reads a key's live secret for a PreConfig.
func remoteSecret(t *testing.T, env *acctest.Env, id string) string {
	t.Helper()
	key, err := env.RemoteKey(id)
	if err != nil || key == nil {
		t.Fatalf("reading key %s: %v", id, err)
	}
	return key.AccessKeySecret
}
