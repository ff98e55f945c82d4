package emulator_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

// forwardProxy is a minimal HTTP forward proxy that counts the requests it
// relays.
func forwardProxy(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var relayed atomic.Int64
	transport := &http.Transport{} // direct: ignore any proxy in the environment
	t.Cleanup(transport.CloseIdleConnections)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.Header.Del("Proxy-Connection")
		resp, err := transport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		relayed.Add(1)
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	return proxy, &relayed
}

func TestSDKThroughForwardProxy(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	proxy, relayed := forwardProxy(t)
	cli := newClient(t, e.host, common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey), func(cpf *profile.ClientProfile) {
		cpf.HttpProfile.Proxy = proxy.URL
	})

	k := createAuto(t, cli, "via-proxy")
	_, err := describe(cli, *k.AccessKeyId)
	must(t, err)
	if n := relayed.Load(); n != 2 {
		t.Errorf("proxy relayed %d requests, want 2", n)
	}
}

// TestEmulatorAsProxy points the SDK at the real endpoint name with the
// emulator as its HTTP proxy: requests arrive in absolute form
// (POST http://apigateway.tencentcloudapi.com/) and are signed for that host.
func TestEmulatorAsProxy(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := newClient(t, "", common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey), func(cpf *profile.ClientProfile) {
		cpf.HttpProfile.Proxy = e.ts.URL
	})

	k := createAuto(t, cli, "absolute-uri")
	if _, ok := e.emu.Key(*k.AccessKeyId); !ok {
		t.Fatal("key not created")
	}
	_, err := describe(cli, "AKIDmissing")
	wantCode(t, err, "ResourceNotFound.InvalidAccessKeyId")
}
