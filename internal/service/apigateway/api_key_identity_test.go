package apigateway_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

// Resource identity is stored from Terraform 1.12 and OpenTofu 1.12 on.
var skipBelowIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// TestAccAPIKey_identity checks that every key in state carries its
// identity and that an import block with only the identity brings the key
// back: an auto key (generated ID) and a manual key (chosen ID).
func TestAccAPIKey_identity(t *testing.T) {
	for name, config := range map[string]func(env *acctest.Env) string{
		"auto": func(env *acctest.Env) string {
			return env.Config(autoKeyConfig(acctest.RandomName(), "on", ""))
		},
		"manual": func(env *acctest.Env) string {
			return env.Config(manualKeyConfig(acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()))
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			cfg := config(env)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				TerraformVersionChecks:   skipBelowIdentity,
				CheckDestroy:             env.CheckDestroy,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectIdentity(testAddress, map[string]knownvalue.Check{
								"access_key_id": knownvalue.NotNull(),
							}),
							statecheck.ExpectIdentityValueMatchesStateAtPath(testAddress, attr("access_key_id"), attr("id")),
							env.KeyMatchesRemote(testAddress),
						},
					},
					// The import reads the key once and plans no change.
					acctest.ImportBlockStep(testAddress, resource.ImportBlockWithResourceIdentity),
				},
			})
		})
	}
}

// TestAccAPIKey_identityAfterImportByID checks that a key imported the old
// way, by ID, gets its identity from the Read that follows the import.
func TestAccAPIKey_identityAfterImportByID(t *testing.T) {
	env := acctest.New(t)
	name := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   skipBelowIdentity,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: env.Config(autoKeyConfig(name, "on", ""))},
			acctest.ImportBlockStep(testAddress, resource.ImportBlockWithID),
			{
				Config: env.Config(autoKeyConfig(name, "on", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesStateAtPath(testAddress, attr("access_key_id"), attr("id")),
				},
			},
		},
	})
}
