package emulator_test

import (
	"sync"
	"testing"
	"time"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/emulator"
)

func listOnce(cli *apigw.Client) error {
	_, err := cli.DescribeApiKeysStatus(apigw.NewDescribeApiKeysStatusRequest())
	return err
}

// With a frozen clock the limiter never refills, so the limit is exact.
func TestRateLimitExact(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now})
	cli := e.client(t)
	e.emu.PutKey(emulator.Key{AccessKeyID: "seeded_key", AccessKeySecret: "seeded_secret", SecretName: "s", Enabled: true})

	for i := range 25 {
		want := ""
		if i >= emulator.DefaultRateLimit {
			want = "RequestLimitExceeded"
		}
		if got := errCode(listOnce(cli)); got != want {
			t.Fatalf("call %d: code %q, want %q", i+1, got, want)
		}
	}
	// Other actions have their own budget.
	_, err := describe(cli, "seeded_key")
	must(t, err)
	if got := e.emu.CallCounts()["DescribeApiKeysStatus"]; got != 25 {
		t.Errorf("CallCounts = %d, want 25 (rejected calls count)", got)
	}

	// A second later the bucket is full again.
	clk.Advance(time.Second)
	for i := range emulator.DefaultRateLimit {
		if err := listOnce(cli); err != nil {
			t.Fatalf("call %d after refill: %v", i+1, err)
		}
	}
	wantCode(t, listOnce(cli), "RequestLimitExceeded")
}

func TestRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	cli := e.client(t)
	e.emu.PutKey(emulator.Key{AccessKeyID: "seeded_key", AccessKeySecret: "seeded_secret", SecretName: "s", Enabled: true})

	const calls = 60
	codes := make([]string, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() { codes[i] = errCode(listOnce(cli)) })
	}
	wg.Wait()
	ok, limited := 0, 0
	for _, c := range codes {
		switch c {
		case "":
			ok++
		case "RequestLimitExceeded":
			limited++
		default:
			t.Errorf("unexpected code %q", c)
		}
	}
	if ok < emulator.DefaultRateLimit || limited == 0 {
		t.Errorf("%d succeeded and %d were limited; want at least %d successes and some RequestLimitExceeded", ok, limited, emulator.DefaultRateLimit)
	}
	_, err := describe(cli, "seeded_key")
	must(t, err)
}

func TestRateLimitConfigurable(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := start(t, emulator.Options{Now: clk.Now, RateLimit: 3})
	cli := e.client(t)
	for range 3 {
		must(t, listOnce(cli))
	}
	wantCode(t, listOnce(cli), "RequestLimitExceeded")

	e.emu.SetRateLimit(-1)
	for range 50 {
		must(t, listOnce(cli))
	}
	e.emu.SetRateLimit(0) // back to the default, with a full bucket
	for range emulator.DefaultRateLimit {
		must(t, listOnce(cli))
	}
	wantCode(t, listOnce(cli), "RequestLimitExceeded")
}
