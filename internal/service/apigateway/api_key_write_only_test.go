package apigateway_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

// writeOnlyKeyConfig takes the secret from an ephemeral variable, as a
// pipeline would, so that the configuration itself holds no secret.
func writeOnlyKeyConfig(name, id string, version int) string {
	return fmt.Sprintf(`
variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name                  = %q
  access_key_type              = "manual"
  access_key_id                = %q
  access_key_secret_wo         = var.secret
  access_key_secret_wo_version = %d
}
`, name, id, version)
}

func secretVariable(secret string) config.Variables {
	return config.Variables{"secret": config.StringVariable(secret)}
}

// The write-only secret reaches the API on create and on a version bump,
// and never the plan or the state.
func TestAccAPIKey_writeOnlySecret(t *testing.T) {
	env := acctest.New(t)
	name, id := acctest.RandomName(), acctest.RandomManualKeyID()
	secret1, secret2, secret3 := acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret(), acctest.RandomManualKeySecret()
	noSecretInState := acctest.StateDoesNotContain(secret1, secret2, secret3)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:          env.Config(writeOnlyKeyConfig(name, id, 1)),
				ConfigVariables: secretVariable(secret1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						acctest.PlanDoesNotContain(secret1),
						plancheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("CreateApiKey"),
					env.ExpectRemoteSecret(id, secret1),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAddress, attr("access_key_secret_wo_version"), knownvalue.Int64Exact(1)),
					// The fingerprint of the live secret stands for it.
					env.KeyMatchesRemote(testAddress),
					noSecretInState,
				},
			},
			{
				// A new version sends the new secret: one UpdateApiKey.
				Config:          env.Config(writeOnlyKeyConfig(name, id, 2)),
				ConfigVariables: secretVariable(secret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddress, plancheck.ResourceActionUpdate),
						acctest.PlanDoesNotContain(secret1, secret2),
						env.MarkCalls(),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCalls("UpdateApiKey"),
					env.ExpectRemoteSecret(id, secret2),
					env.KeyMatchesRemote(testAddress),
					noSecretInState,
				},
			},
			{
				// Without a version bump, a changed write-only value plans
				// nothing: the version says when to send it. (A live secret
				// changed outside Terraform does plan an update:
				// TestAccAPIKey_writeOnlySecretDriftRestored.)
				Config:          env.Config(writeOnlyKeyConfig(name, id, 2)),
				ConfigVariables: secretVariable(secret3),
				PlanOnly:        true,
			},
		},
	})
}

// A Terraform that predates write-only arguments gets a clear error that
// names the versions needed, before any API call.
func TestAccAPIKey_writeOnlyNeedsNewerCLI(t *testing.T) {
	env := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name                  = %q
  access_key_type              = "manual"
  access_key_id                = %q
  access_key_secret_wo         = %q
  access_key_secret_wo_version = 1
}
`, acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret())),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`needs\s+Terraform\s+1.11\s+or\s+later,\s+or\s+OpenTofu\s+1.11\s+or\s+later`),
		}},
	})
	env.AssertNoCalls(t)
}
