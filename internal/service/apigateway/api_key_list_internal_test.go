package apigateway

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// These tests drive List directly, as a consumer that stops when it wants:
// Terraform itself cancels the stream at the limit, which would hide a
// listing that runs on.

func newTestListResource(t *testing.T, keys int) (*apiKeyListResource, *emulator.Server) {
	t.Helper()
	emu := emulator.New(emulator.Options{RateLimit: -1})
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	client, err := conns.New(conns.Config{SecretID: emulator.DefaultSecretID, SecretKey: emulator.DefaultSecretKey, Endpoint: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		keyType := emulator.KeyTypeAuto
		if i%2 == 1 {
			keyType = emulator.KeyTypeManual
		}
		emu.PutKey(emulator.Key{
			AccessKeyID: fmt.Sprintf("key_%03d", i), AccessKeySecret: fmt.Sprintf("secret_%03d_xyz", i),
			AccessKeyType: keyType, SecretName: fmt.Sprintf("name-%03d", i), Enabled: true,
		})
	}
	return &apiKeyListResource{client: client}, emu
}

// listRequest builds what the framework hands to List: the list block's
// config (filters by name, the others null), the limit and the schemas.
func listRequest(t *testing.T, l *apiKeyListResource, limit int64, includeResource bool, filters map[string]string) list.ListRequest {
	t.Helper()
	ctx := context.Background()
	var schemaResp list.ListResourceSchemaResponse
	l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &schemaResp)
	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the list schema's type is %T, not an object", schemaResp.Schema.Type().TerraformType(ctx))
	}
	values := map[string]tftypes.Value{}
	for name := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(tftypes.String, nil)
	}
	for name, value := range filters {
		values[name] = tftypes.NewValue(tftypes.String, value)
	}
	config := tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, values)}
	r := &apiKeyResource{}
	var rs resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &rs)
	var is resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &is)
	return list.ListRequest{Config: config, Limit: limit, IncludeResource: includeResource, ResourceSchema: rs.Schema, ResourceIdentitySchema: is.IdentitySchema}
}

// take consumes up to n results (all when n < 0) and returns their key IDs.
func take(t *testing.T, l *apiKeyListResource, req list.ListRequest, n int) []string {
	t.Helper()
	var stream list.ListResultsStream
	l.List(context.Background(), req, &stream)
	var ids []string
	for result := range stream.Results {
		if result.Diagnostics.HasError() {
			t.Fatalf("list result with errors: %v", result.Diagnostics)
		}
		var id types.String
		if d := result.Identity.GetAttribute(context.Background(), path.Root("access_key_id"), &id); d.HasError() {
			t.Fatal(d)
		}
		ids = append(ids, id.ValueString())
		if len(ids) == n {
			break
		}
	}
	return ids
}

func listCalls(emu *emulator.Server) int { return emu.CallCounts()["DescribeApiKeysStatus"] }

func TestListStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	l, emu := newTestListResource(t, 250)
	for _, c := range []struct {
		limit         int64
		results, call int
	}{{0, 0, 0}, {5, 5, 1}, {100, 100, 1}, {101, 101, 2}, {1000, 250, 3}} {
		emu.ResetCalls()
		ids := take(t, l, listRequest(t, l, c.limit, false, nil), -1)
		if len(ids) != c.results || listCalls(emu) != c.call {
			t.Errorf("limit %d: %d results with %d DescribeApiKeysStatus calls, want %d with %d", c.limit, len(ids), listCalls(emu), c.results, c.call)
		}
	}
}

func TestListStopsWhenTheConsumerStops(t *testing.T) {
	t.Parallel()
	l, emu := newTestListResource(t, 250)
	if ids := take(t, l, listRequest(t, l, 1000, false, nil), 3); len(ids) != 3 {
		t.Fatalf("took %d results, want 3", len(ids))
	}
	if n := listCalls(emu); n != 1 {
		t.Errorf("%d DescribeApiKeysStatus calls after taking 3 results, want 1", n)
	}
}

func TestListFiltersTheKeyTypeItself(t *testing.T) {
	t.Parallel()
	l, emu := newTestListResource(t, 10)
	ids := take(t, l, listRequest(t, l, 100, false, map[string]string{"access_key_type": "manual"}), -1)
	if fmt.Sprint(ids) != "[key_001 key_003 key_005 key_007 key_009]" {
		t.Errorf("manual keys listed: %v", ids)
	}
	if n := listCalls(emu); n != 1 {
		t.Errorf("%d DescribeApiKeysStatus calls, want 1", n)
	}
	// The limit counts the keys that pass the filter.
	if ids := take(t, l, listRequest(t, l, 2, false, map[string]string{"access_key_type": "auto"}), -1); fmt.Sprint(ids) != "[key_000 key_002]" {
		t.Errorf("auto keys listed with limit 2: %v", ids)
	}
}

func TestListResultsNeverCarryTheSecret(t *testing.T) {
	t.Parallel()
	l, _ := newTestListResource(t, 2)
	var stream list.ListResultsStream
	l.List(context.Background(), listRequest(t, l, 100, true, nil), &stream)
	n := 0
	for result := range stream.Results {
		n++
		var m apiKeyResourceModel
		if d := result.Resource.Get(context.Background(), &m); d.HasError() {
			t.Fatal(d)
		}
		if !m.AccessKeySecret.IsNull() {
			t.Errorf("%s: access_key_secret is not null", result.DisplayName)
		}
		if m.ID.IsNull() || m.SecretName.IsNull() || m.Status.ValueString() != statusOn {
			t.Errorf("%s: incomplete resource object: %+v", result.DisplayName, m)
		}
		// access_key_id is configuration only for manual keys.
		if manual := m.AccessKeyType.ValueString() == conns.KeyTypeManual; manual == m.AccessKeyID.IsNull() {
			t.Errorf("%s (%s): access_key_id = %s", result.DisplayName, m.AccessKeyType, m.AccessKeyID)
		}
	}
	if n != 2 {
		t.Errorf("%d results, want 2", n)
	}
}

func TestListReportsAnAPIErrorOnce(t *testing.T) {
	t.Parallel()
	l, emu := newTestListResource(t, 3)
	// A client whose SecretKey the emulator does not accept.
	client, err := conns.New(conns.Config{SecretID: emulator.DefaultSecretID, SecretKey: "WrongSecretKey000000000000000000000", Endpoint: l.client.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	l.client = client
	var stream list.ListResultsStream
	l.List(context.Background(), listRequest(t, l, 100, true, nil), &stream)
	var results []list.ListResult
	for result := range stream.Results {
		results = append(results, result)
	}
	if len(results) != 1 || !results[0].Diagnostics.HasError() {
		t.Fatalf("got %d results (%v), want one with an error", len(results), results)
	}
	if summary := results[0].Diagnostics[0].Summary(); summary != "Error listing API keys" {
		t.Errorf("error summary %q", summary)
	}
	if n := listCalls(emu); n != 1 {
		t.Errorf("%d DescribeApiKeysStatus calls, want 1 (an authentication failure is not retried)", n)
	}
}
