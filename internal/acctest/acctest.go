// Package acctest is the one acceptance-test harness: provider factories,
// the choice between the local emulator and real TencentCloud, and checks
// that compare Terraform state with what the API holds.
//
// With TF_ACC=1 and no TencentCloud credentials in the environment every
// test gets its own in-process emulator. With TENCENTCLOUD_SECRET_ID and
// TENCENTCLOUD_SECRET_KEY set (and no endpoint override) the same tests run
// against TencentCloud; checks that need the emulator's call log are then
// reported as not applicable and pass without asserting.
package acctest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/provider"
)

// ProviderName is the provider's type name in configurations.
const ProviderName = "tencentcloud"

// ProtoV6ProviderFactories serve the provider in-process to the Terraform CLI
// that terraform-plugin-testing runs.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: provider.NewProtocol6Server("acctest", "none"),
}

// Env is one acceptance test's view of the API: an emulator of its own, or
// TencentCloud itself.
type Env struct {
	t *testing.T
	// Emulator is nil when the test runs against TencentCloud.
	Emulator *emulator.Server
	// Endpoint is the emulator's URL ("" against TencentCloud).
	Endpoint string
	// Client talks to the same API as the provider under test.
	Client *conns.Client

	mu       sync.Mutex
	callMark int
	// secretsSeen are the key secrets that StateHoldsNoRemoteSecret has
	// seen on the API, rotated-away ones included.
	secretsSeen map[string]bool
}

// UsesRealCloud reports whether credentials in the environment ask for the
// tests to run against TencentCloud rather than the emulator.
func UsesRealCloud() bool {
	return os.Getenv(provider.EnvSecretID) != "" && os.Getenv(provider.EnvSecretKey) != "" &&
		os.Getenv(provider.EnvAPIGatewayEndpoint) == ""
}

// New prepares a test's API: it starts an emulator (stopped when the test
// ends) unless the test runs against TencentCloud.
func New(t *testing.T) *Env {
	t.Helper()
	env := &Env{t: t}
	if UsesRealCloud() {
		client, err := conns.New(conns.Config{
			SecretID:      os.Getenv(provider.EnvSecretID),
			SecretKey:     os.Getenv(provider.EnvSecretKey),
			SecurityToken: os.Getenv(provider.EnvSecurityToken),
			Region:        os.Getenv(provider.EnvRegion),
			Protocol:      os.Getenv(provider.EnvProtocol),
			Domain:        os.Getenv(provider.EnvDomain),
		})
		if err != nil {
			t.Fatalf("building a TencentCloud client from the environment: %s", err)
		}
		env.Client = client
		return env
	}

	env.Emulator = emulator.New(emulator.Options{})
	server := httptest.NewServer(env.Emulator)
	t.Cleanup(server.Close)
	env.Endpoint = server.URL
	client, err := conns.New(conns.Config{
		SecretID:  emulator.DefaultSecretID,
		SecretKey: emulator.DefaultSecretKey,
		Region:    conns.DefaultRegion,
		Endpoint:  server.URL,
	})
	if err != nil {
		t.Fatalf("building a client for the emulator: %s", err)
	}
	env.Client = client
	return env
}

// SkipWithoutEmulator skips a test that can only run against the emulator
// (faults, call counts, out-of-band changes), saying why.
func (e *Env) SkipWithoutEmulator(t *testing.T, why string) {
	t.Helper()
	if e.Emulator == nil {
		t.Skip("needs the emulator: " + why)
	}
}

// ProviderBlock is the provider configuration for this test's API: the
// emulator's endpoint and credentials, or nothing (the environment
// configures the provider for TencentCloud).
func (e *Env) ProviderBlock() string {
	if e.Emulator == nil {
		return ""
	}
	return fmt.Sprintf(`
provider %q {
  secret_id  = %q
  secret_key = %q
  region     = %q
  endpoints = {
    apigateway = %q
  }
}
`, ProviderName, emulator.DefaultSecretID, emulator.DefaultSecretKey, conns.DefaultRegion, e.Endpoint)
}

// Config prepends the provider block to a test configuration.
func (e *Env) Config(hcl string) string { return e.ProviderBlock() + hcl }

// RandomName is a unique key name for a test.
func RandomName() string { return sdkacctest.RandomWithPrefix("tfacc") }

// RandomManualKeyID is a unique ID that the API accepts for a manual key.
func RandomManualKeyID() string {
	return "tfacc_" + sdkacctest.RandStringFromCharSet(16, sdkacctest.CharSetAlphaNum)
}

// RandomManualKeySecret is a secret that the API accepts for a manual key.
func RandomManualKeySecret() string {
	return "s_" + sdkacctest.RandStringFromCharSet(30, sdkacctest.CharSetAlphaNum)
}

// ctx bounds the harness's own API calls.
func (e *Env) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Minute)
}

// RemoteKey returns the key as the API holds it, or nil when it does not
// exist. On the emulator it reads the emulator's own record, so the check
// does not appear in the call log.
func (e *Env) RemoteKey(id string) (*conns.APIKey, error) {
	if e.Emulator != nil {
		k, ok := e.Emulator.Key(id)
		if !ok {
			return nil, nil
		}
		status := int64(conns.StatusDisabled)
		if k.Enabled {
			status = conns.StatusEnabled
		}
		return &conns.APIKey{
			AccessKeyID:     k.AccessKeyID,
			AccessKeySecret: k.AccessKeySecret,
			AccessKeyType:   k.AccessKeyType,
			SecretName:      k.SecretName,
			Status:          status,
			CreatedTime:     k.CreatedTime.UTC().Format(time.RFC3339),
			ModifiedTime:    k.ModifiedTime.UTC().Format(time.RFC3339),
		}, nil
	}
	ctx, cancel := e.ctx()
	defer cancel()
	key, err := e.Client.DescribeAPIKey(ctx, id)
	if conns.IsNotFound(err) {
		return nil, nil
	}
	return key, err
}

// DeleteOutOfBand deletes a key behind Terraform's back.
func (e *Env) DeleteOutOfBand(id string) {
	e.t.Helper()
	if e.Emulator != nil {
		if !e.Emulator.DeleteKey(id) {
			e.t.Fatalf("emulator has no key %s to delete", id)
		}
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	if err := e.Client.DisableAPIKey(ctx, id); err != nil {
		e.t.Fatalf("disabling key %s out of band: %s", id, err)
	}
	if err := e.Client.DeleteAPIKey(ctx, id); err != nil {
		e.t.Fatalf("deleting key %s out of band: %s", id, err)
	}
}

// SetSecretOutOfBand changes a manual key's secret behind Terraform's back.
func (e *Env) SetSecretOutOfBand(id, secret string) {
	e.t.Helper()
	if e.Emulator != nil {
		if !e.Emulator.SetKeySecret(id, secret) {
			e.t.Fatalf("emulator has no key %s", id)
		}
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	if _, err := e.Client.UpdateAPIKey(ctx, id, secret); err != nil {
		e.t.Fatalf("changing the secret of key %s out of band: %s", id, err)
	}
}

// callsSinceMark returns the emulator's calls since the last mark.
func (e *Env) callsSinceMark() []emulator.Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	calls := e.Emulator.Calls()
	if e.callMark > len(calls) {
		return nil
	}
	return calls[e.callMark:]
}

// mark starts a new window of the call log.
func (e *Env) mark() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.callMark = len(e.Emulator.Calls())
}

// describeCalls renders calls for failure messages.
func describeCalls(calls []emulator.Call) string {
	if len(calls) == 0 {
		return "(none)"
	}
	parts := make([]string, len(calls))
	for i, c := range calls {
		parts[i] = c.Action
		if c.ErrorCode != "" {
			parts[i] += "→" + c.ErrorCode
		}
	}
	return strings.Join(parts, ", ")
}
