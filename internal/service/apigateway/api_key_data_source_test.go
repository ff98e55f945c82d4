package apigateway_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

const apiKeyDataAddress = "data.tencentcloud_api_gateway_api_key.test"

// The data source reads back every attribute of a key that a resource made.
func TestAccAPIKeyDataSource_basic(t *testing.T) {
	env := acctest.New(t)
	name, id, secret := acctest.RandomName(), acctest.RandomManualKeyID(), acctest.RandomManualKeySecret()
	config := env.Config(fmt.Sprintf(`
resource "tencentcloud_api_gateway_api_key" "test" {
  secret_name       = %q
  access_key_type   = "manual"
  access_key_id     = %q
  access_key_secret = %q
  status            = "off"
}

data "tencentcloud_api_gateway_api_key" "test" {
  access_key_id = tencentcloud_api_gateway_api_key.test.id
}
`, name, id, secret))
	var checks []statecheck.StateCheck
	for _, a := range []string{"id", "access_key_id", "secret_name", "access_key_type", "access_key_secret", "status", "create_time", "modify_time"} {
		checks = append(checks, statecheck.CompareValuePairs(testAddress, attr(a), apiKeyDataAddress, attr(a), compare.ValuesSame()))
	}
	checks = append(checks,
		env.KeyMatchesRemote(testAddress),
		statecheck.ExpectKnownValue(apiKeyDataAddress, attr("id"), knownvalue.StringExact(id)),
		statecheck.ExpectKnownValue(apiKeyDataAddress, attr("secret_name"), knownvalue.StringExact(name)),
		statecheck.ExpectKnownValue(apiKeyDataAddress, attr("access_key_type"), knownvalue.StringExact("manual")),
		statecheck.ExpectKnownValue(apiKeyDataAddress, attr("access_key_secret"), knownvalue.StringExact(secret)),
		statecheck.ExpectKnownValue(apiKeyDataAddress, attr("status"), knownvalue.StringExact("off")),
		statecheck.ExpectSensitiveValue(apiKeyDataAddress, attr("access_key_secret")),
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroy,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
		}},
	})
}

// A seeded key: exact times and one DescribeApiKey per read.
func TestAccAPIKeyDataSource_seeded(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	id, secret := "AKIDseeded0123456789abcdefghijklm", acctest.RandomManualKeySecret()
	seedKey(env, id, "seeded", secret, "auto", true)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.MarkCallsNow,
			Config: env.Config(fmt.Sprintf(`
data "tencentcloud_api_gateway_api_key" "test" {
  access_key_id = %q
}
`, id)),
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectCalls("DescribeApiKey"),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("access_key_id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("secret_name"), knownvalue.StringExact("seeded")),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("access_key_type"), knownvalue.StringExact("auto")),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("access_key_secret"), knownvalue.StringExact(secret)),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("status"), knownvalue.StringExact("on")),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("create_time"), knownvalue.StringExact(seedCreatedText)),
				statecheck.ExpectKnownValue(apiKeyDataAddress, attr("modify_time"), knownvalue.StringExact(seedChangedText)),
			},
		}},
	})
}

func TestAccAPIKeyDataSource_notFound(t *testing.T) {
	env := acctest.New(t)
	id := acctest.RandomManualKeyID()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(fmt.Sprintf(`
data "tencentcloud_api_gateway_api_key" "test" {
  access_key_id = %q
}
`, id)),
			ExpectError: acctest.WordsRegexp(fmt.Sprintf(`API key %q does not exist.`, id)),
		}},
	})
}
