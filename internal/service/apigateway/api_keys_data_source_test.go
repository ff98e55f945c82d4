package apigateway_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// Times of seeded keys, as the API renders them.
var (
	seedCreated = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	seedChanged = time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)
)

const (
	seedCreatedText = "2024-01-02T03:04:05Z"
	seedChangedText = "2024-02-03T04:05:06Z"
)

// needsEmulator skips tests that seed keys: against TencentCloud the
// account holds other keys, and seeding hundreds of real ones is no test.
func needsEmulator(t *testing.T, env *acctest.Env) {
	t.Helper()
	env.SkipWithoutEmulator(t, "the test seeds keys directly and expects to see only those")
}

// seedKey puts a key straight into the emulator (no API call is logged).
func seedKey(env *acctest.Env, id, name, secret, keyType string, enabled bool) {
	env.Emulator.PutKey(emulator.Key{
		AccessKeyID:     id,
		AccessKeySecret: secret,
		AccessKeyType:   keyType,
		SecretName:      name,
		Enabled:         enabled,
		CreatedTime:     seedCreated,
		ModifiedTime:    seedChanged,
	})
}

// keysWithIDs checks an api_keys list by its keys' IDs, in order.
func keysWithIDs(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"access_key_id": knownvalue.StringExact(id)})
	}
	return knownvalue.ListExact(checks)
}

func apiKeysAddress(name string) string { return "data.tencentcloud_api_gateway_api_keys." + name }

func TestAccAPIKeysDataSource_pagination(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	seed := func(from, to int) {
		for i := from; i < to; i++ {
			seedKey(env, fmt.Sprintf("tfacc_page_%03d", i), fmt.Sprintf("page-%03d", i), acctest.RandomManualKeySecret(), "manual", true)
		}
	}
	seed(0, 150)
	config := env.Config(`
data "tencentcloud_api_gateway_api_keys" "all" {}

data "tencentcloud_api_gateway_api_keys" "one_page" {
  key_word = "page-0"
}
`)
	all := apiKeysAddress("all")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// 150 keys: a page of 100 and one of 50. The 100 keys named
				// page-0xx fill exactly one page: no second call for an empty page.
				PreConfig: env.MarkCallsNow,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 2 + 1}),
					statecheck.ExpectKnownValue(all, attr("api_keys"), knownvalue.ListSizeExact(150)),
					statecheck.ExpectKnownValue(all, attr("api_keys").AtSliceIndex(0).AtMapKey("access_key_id"), knownvalue.StringExact("tfacc_page_000")),
					statecheck.ExpectKnownValue(all, attr("api_keys").AtSliceIndex(100).AtMapKey("access_key_id"), knownvalue.StringExact("tfacc_page_100")),
					statecheck.ExpectKnownValue(all, attr("api_keys").AtSliceIndex(149).AtMapKey("access_key_id"), knownvalue.StringExact("tfacc_page_149")),
					statecheck.ExpectKnownValue(apiKeysAddress("one_page"), attr("api_keys"), knownvalue.ListSizeExact(100)),
				},
			},
			{
				// 250 keys: three pages, the last one partial.
				PreConfig: func() {
					seed(150, 250)
					env.MarkCallsNow()
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 3 + 1}),
					statecheck.ExpectKnownValue(all, attr("api_keys"), knownvalue.ListSizeExact(250)),
					statecheck.ExpectKnownValue(all, attr("api_keys").AtSliceIndex(249).AtMapKey("access_key_id"), knownvalue.StringExact("tfacc_page_249")),
				},
			},
		},
	})
}

func TestAccAPIKeysDataSource_filters(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	const (
		alpha1 = "tfacc_alpha_1"
		alpha2 = "tfacc_alpha_2"
		beta   = "AKIDbeta0123456789abcdefghijklmnop"
		gamma  = "tfacc_gamma"
	)
	alpha1Secret := acctest.RandomManualKeySecret()
	seedKey(env, alpha1, "alpha", alpha1Secret, "manual", true)
	seedKey(env, alpha2, "alpha", acctest.RandomManualKeySecret(), "manual", false)
	seedKey(env, beta, "beta", acctest.RandomManualKeySecret(), "auto", true)
	seedKey(env, gamma, "gamma-svc", acctest.RandomManualKeySecret(), "auto", false)

	config := env.Config(fmt.Sprintf(`
data "tencentcloud_api_gateway_api_keys" "all" {
  include_secrets = true
}

data "tencentcloud_api_gateway_api_keys" "by_name" {
  secret_name = "alpha"
}

data "tencentcloud_api_gateway_api_keys" "by_access_key_id" {
  access_key_id = %[1]q
}

data "tencentcloud_api_gateway_api_keys" "by_api_key_id" {
  api_key_id = %[1]q
}

data "tencentcloud_api_gateway_api_keys" "by_both_ids" {
  access_key_id = %[1]q
  api_key_id    = %[1]q
}

data "tencentcloud_api_gateway_api_keys" "on" {
  status = "on"
}

data "tencentcloud_api_gateway_api_keys" "off" {
  status = "off"
}

data "tencentcloud_api_gateway_api_keys" "word_in_id" {
  key_word = "alpha_2"
}

data "tencentcloud_api_gateway_api_keys" "word_in_name" {
  key_word = "-svc"
}

data "tencentcloud_api_gateway_api_keys" "name_and_status" {
  secret_name = "alpha"
  status      = "off"
}

data "tencentcloud_api_gateway_api_keys" "none" {
  secret_name = "no-such-key"
}
`, beta))
	sameID := statecheck.CompareValue(compare.ValuesSame())
	differentIDs := statecheck.CompareValue(compare.ValuesDiffer())
	list := attr("api_keys")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.MarkCallsNow,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				// One page each: one DescribeApiKeysStatus per data source.
				env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 11}),
				// Every attribute of a key, and the API's order.
				statecheck.ExpectKnownValue(apiKeysAddress("all"), list, knownvalue.ListPartial(map[int]knownvalue.Check{
					0: knownvalue.ObjectExact(map[string]knownvalue.Check{
						"access_key_id":     knownvalue.StringExact(alpha1),
						"secret_name":       knownvalue.StringExact("alpha"),
						"access_key_type":   knownvalue.StringExact("manual"),
						"access_key_secret": knownvalue.StringExact(alpha1Secret),
						"status":            knownvalue.StringExact("on"),
						"create_time":       knownvalue.StringExact(seedCreatedText),
						"modify_time":       knownvalue.StringExact(seedChangedText),
					}),
					3: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"access_key_id":   knownvalue.StringExact(gamma),
						"access_key_type": knownvalue.StringExact("auto"),
						"status":          knownvalue.StringExact("off"),
					}),
				})),
				statecheck.ExpectKnownValue(apiKeysAddress("all"), list, keysWithIDs(alpha1, alpha2, beta, gamma)),
				statecheck.ExpectKnownValue(apiKeysAddress("by_name"), list, keysWithIDs(alpha1, alpha2)),
				statecheck.ExpectKnownValue(apiKeysAddress("by_access_key_id"), list, keysWithIDs(beta)),
				statecheck.ExpectKnownValue(apiKeysAddress("by_api_key_id"), list, keysWithIDs(beta)),
				statecheck.ExpectKnownValue(apiKeysAddress("by_both_ids"), list, keysWithIDs(beta)),
				statecheck.ExpectKnownValue(apiKeysAddress("on"), list, keysWithIDs(alpha1, beta)),
				statecheck.ExpectKnownValue(apiKeysAddress("off"), list, keysWithIDs(alpha2, gamma)),
				statecheck.ExpectKnownValue(apiKeysAddress("word_in_id"), list, keysWithIDs(alpha2)),
				statecheck.ExpectKnownValue(apiKeysAddress("word_in_name"), list, keysWithIDs(gamma)),
				statecheck.ExpectKnownValue(apiKeysAddress("name_and_status"), list, keysWithIDs(alpha2)),
				// Nothing matches: an empty list, not null.
				statecheck.ExpectKnownValue(apiKeysAddress("none"), list, knownvalue.ListExact([]knownvalue.Check{})),
				// The ID is the filters': the same whichever name set the key ID.
				sameID.AddStateValue(apiKeysAddress("by_access_key_id"), attr("id")),
				sameID.AddStateValue(apiKeysAddress("by_api_key_id"), attr("id")),
				sameID.AddStateValue(apiKeysAddress("by_both_ids"), attr("id")),
				differentIDs.AddStateValue(apiKeysAddress("all"), attr("id")),
				differentIDs.AddStateValue(apiKeysAddress("by_name"), attr("id")),
				differentIDs.AddStateValue(apiKeysAddress("name_and_status"), attr("id")),
				differentIDs.AddStateValue(apiKeysAddress("on"), attr("id")),
				differentIDs.AddStateValue(apiKeysAddress("off"), attr("id")),
				// The secret is sensitive; the rest of the key is not.
				statecheck.ExpectSensitiveValue(apiKeysAddress("all"), list.AtSliceIndex(0).AtMapKey("access_key_secret")),
				statecheck.ExpectSensitiveValue(apiKeysAddress("all"), list.AtSliceIndex(3).AtMapKey("access_key_secret")),
			},
		}},
	})
}

// Without include_secrets (or with it false) the listing leaves every
// secret out of the state; with it true, each key has its secret.
func TestAccAPIKeysDataSource_includeSecrets(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	secrets := map[string]string{
		"tfacc_incl_manual": acctest.RandomManualKeySecret(),
		"tfacc_incl_auto":   acctest.RandomManualKeySecret(),
		"tfacc_incl_off":    acctest.RandomManualKeySecret(),
	}
	seedKey(env, "tfacc_incl_manual", "incl", secrets["tfacc_incl_manual"], "manual", true)
	seedKey(env, "tfacc_incl_auto", "incl", secrets["tfacc_incl_auto"], "auto", true)
	seedKey(env, "tfacc_incl_off", "incl", secrets["tfacc_incl_off"], "manual", false)
	ids := []string{"tfacc_incl_manual", "tfacc_incl_auto", "tfacc_incl_off"}
	secretsAre := func(check func(id string) knownvalue.Check) knownvalue.Check {
		checks := make([]knownvalue.Check, len(ids))
		for i, id := range ids {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"access_key_id":     knownvalue.StringExact(id),
				"access_key_secret": check(id),
			})
		}
		return knownvalue.ListExact(checks)
	}
	null := func(string) knownvalue.Check { return knownvalue.Null() }
	list := attr("api_keys")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
data "tencentcloud_api_gateway_api_keys" "default" {}

data "tencentcloud_api_gateway_api_keys" "off" {
  include_secrets = false
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(apiKeysAddress("default"), list, secretsAre(null)),
					statecheck.ExpectKnownValue(apiKeysAddress("off"), list, secretsAre(null)),
					env.StateHoldsNoRemoteSecret(),
				},
			},
			{
				Config: env.Config(`
data "tencentcloud_api_gateway_api_keys" "on" {
  include_secrets = true
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(apiKeysAddress("on"), list, secretsAre(func(id string) knownvalue.Check {
						return knownvalue.StringExact(secrets[id])
					})),
					statecheck.ExpectSensitiveValue(apiKeysAddress("on"), list.AtSliceIndex(0).AtMapKey("access_key_secret")),
				},
			},
		},
	})
}

func TestAccAPIKeysDataSource_invalidConfig(t *testing.T) {
	cases := map[string]struct {
		body string
		want string
	}{
		"different access_key_id and api_key_id": {
			body: `access_key_id = "tfacc_key_one"
  api_key_id = "tfacc_key_two"`,
			want: `access_key_id ("tfacc_key_one") and api_key_id ("tfacc_key_two") are the same filter under two names, and they differ`,
		},
		"unknown status": {
			body: `status = "enabled"`,
			want: `value must be one of: ["on" "off"]`,
		},
		"empty name": {
			body: `secret_name = ""`,
			want: `string length must be at least 1`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.New(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: env.Config(fmt.Sprintf(`
data "tencentcloud_api_gateway_api_keys" "test" {
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
}

// TestAccAPIKeysDataSource_noSecretInOutput runs the CLI itself: the
// secrets that both data sources read never show in plan or apply output,
// also where they flow into another resource or an output, and an output
// that exposes them without sensitive = true is refused.
func TestAccAPIKeysDataSource_noSecretInOutput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	needsEmulator(t, env)
	cli := acctest.NewCLI(t)
	id, name, secret := acctest.RandomManualKeyID(), acctest.RandomName(), acctest.RandomManualKeySecret()
	seedKey(env, id, name, secret, "manual", true)

	dataSources := fmt.Sprintf(`
data "tencentcloud_api_gateway_api_keys" "by_name" {
  secret_name     = %q
  include_secrets = true
}

data "tencentcloud_api_gateway_api_key" "one" {
  access_key_id = %q
}

# The secrets flow into a resource argument that is not sensitive itself.
resource "tencentcloud_api_gateway_api_key" "rotated" {
  secret_name = "%s-rotated"
  rotation_triggers = {
    from_list = data.tencentcloud_api_gateway_api_keys.by_name.api_keys[0].access_key_secret
    from_one  = data.tencentcloud_api_gateway_api_key.one.access_key_secret
  }
}

output "names" {
  value = data.tencentcloud_api_gateway_api_keys.by_name.api_keys[*].secret_name
}
`, name, id, name)

	cli.WriteConfig(env.Config(dataSources + `
output "secrets" {
  value     = data.tencentcloud_api_gateway_api_keys.by_name.api_keys[*].access_key_secret
  sensitive = true
}
`))
	outputs := []string{
		cli.MustRun("plan", "-no-color"),
		cli.MustRun("apply", "-auto-approve", "-no-color"),
		cli.MustRun("output", "-no-color"),
	}
	for i, out := range outputs {
		if strings.Contains(out, secret) {
			t.Fatalf("output %d shows the secret:\n%s", i, out)
		}
		// The data was read and shown: the key's name is there.
		if !strings.Contains(out, name) {
			t.Errorf("output %d does not show the key's name %s:\n%s", i, name, out)
		}
	}
	for _, trigger := range []string{"from_list", "from_one"} {
		if !regexp.MustCompile(`"` + trigger + `"\s*=\s*\(sensitive value\)`).MatchString(outputs[0]) {
			t.Errorf("the plan does not show rotation_triggers.%s as sensitive:\n%s", trigger, outputs[0])
		}
	}
	if !strings.Contains(outputs[2], "secrets = <sensitive>") {
		t.Errorf("terraform output does not hide the secrets output:\n%s", outputs[2])
	}

	// Without sensitive = true, the CLI refuses an output that holds a secret.
	for _, value := range []string{
		"data.tencentcloud_api_gateway_api_keys.by_name.api_keys",
		"data.tencentcloud_api_gateway_api_key.one.access_key_secret",
	} {
		cli.WriteConfig(env.Config(dataSources + fmt.Sprintf(`
output "exposed" {
  value = %s
}
`, value)))
		out, err := cli.Run(nil, "plan", "-no-color")
		if err == nil || !acctest.WordsRegexp("Output refers to sensitive values").MatchString(out) {
			t.Errorf("an output of %s without sensitive = true was not refused (err: %v):\n%s", value, err, out)
		}
		if strings.Contains(out, secret) {
			t.Fatalf("the refused plan shows the secret:\n%s", out)
		}
	}

	cli.WriteConfig(env.Config(dataSources))
	cli.MustRun("destroy", "-auto-approve", "-no-color")
	if keys := env.Emulator.Keys(); len(keys) != 1 || keys[0].AccessKeyID != id {
		t.Fatalf("destroy should leave only the seeded key %s, the emulator holds %d key(s)", id, len(keys))
	}
}

// A service that overstates TotalCount, or ignores Offset, cannot make the
// listing loop or list a key twice: paging stops at a page with no new key.
func TestAccAPIKeysDataSource_faultyPaging(t *testing.T) {
	env := acctest.New(t)
	needsEmulator(t, env)
	for i := range 150 {
		seedKey(env, fmt.Sprintf("tfacc_quirk_%03d", i), fmt.Sprintf("quirk-%03d", i), acctest.RandomManualKeySecret(), "manual", true)
	}
	config := env.Config(`
data "tencentcloud_api_gateway_api_keys" "all" {}
`)
	all := apiKeysAddress("all")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// TotalCount says 1150: every key once, and a stop after
				// the page that brings nothing new.
				PreConfig: func() {
					env.Emulator.SetListQuirks(emulator.ListQuirks{ExtraTotalCount: 1000})
					env.MarkCallsNow()
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 3}),
					statecheck.ExpectKnownValue(all, attr("api_keys"), knownvalue.ListSizeExact(150)),
					statecheck.ExpectKnownValue(all, attr("api_keys").AtSliceIndex(149).AtMapKey("access_key_id"), knownvalue.StringExact("tfacc_quirk_149")),
				},
			},
			{
				// Every page is the first one: the keys of that page, once each.
				PreConfig: func() {
					env.Emulator.SetListQuirks(emulator.ListQuirks{IgnoreOffset: true, ExtraTotalCount: 1000})
					env.MarkCallsNow()
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					env.ExpectCallCounts(map[string]int{"DescribeApiKeysStatus": 2}),
					statecheck.ExpectKnownValue(all, attr("api_keys"), knownvalue.ListSizeExact(100)),
					statecheck.ExpectKnownValue(all, attr("api_keys").AtSliceIndex(99).AtMapKey("access_key_id"), knownvalue.StringExact("tfacc_quirk_099")),
				},
			},
		},
	})
}
