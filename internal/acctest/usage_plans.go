package acctest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// UsagePlanResourceType is the usage plan resource type the checks look for.
const UsagePlanResourceType = "tencentcloud_api_gateway_usage_plan"

// RemoteUsagePlan returns the plan as the API holds it, with its bound key
// IDs, or nil when it does not exist. On the emulator it reads the
// emulator's own record, so the check does not appear in the call log.
func (e *Env) RemoteUsagePlan(id string) (*conns.UsagePlan, error) {
	if e.Emulator != nil {
		p, ok := e.Emulator.UsagePlan(id)
		if !ok {
			return nil, nil
		}
		return &conns.UsagePlan{
			ID:                     p.UsagePlanID,
			Name:                   p.UsagePlanName,
			Description:            p.UsagePlanDesc,
			MaxRequestNum:          p.MaxRequestNum,
			MaxRequestNumPerSecond: p.MaxRequestNumPreSec,
			CreatedTime:            p.CreatedTime.UTC().Format(time.RFC3339),
			ModifiedTime:           p.ModifiedTime.UTC().Format(time.RFC3339),
			BoundKeyIDs:            append([]string{}, p.AccessKeyIDs...),
		}, nil
	}
	ctx, cancel := e.ctx()
	defer cancel()
	plan, err := e.Client.DescribeUsagePlan(ctx, id)
	if conns.IsUsagePlanNotFound(err) {
		return nil, nil
	}
	return plan, err
}

// DeleteUsagePlanOutOfBand deletes a plan behind Terraform's back.
func (e *Env) DeleteUsagePlanOutOfBand(id string) {
	e.t.Helper()
	if e.Emulator != nil {
		if !e.Emulator.DeleteUsagePlan(id) {
			e.t.Fatalf("emulator has no usage plan %s to delete", id)
		}
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	if err := e.Client.DeleteUsagePlan(ctx, id); err != nil {
		e.t.Fatalf("deleting usage plan %s out of band: %s", id, err)
	}
}

// UsagePlanMatchesRemote checks that the resource's state is what the API
// holds for the plan: ID, settings, times and bound keys.
func (e *Env) UsagePlanMatchesRemote(address string) statecheck.StateCheck {
	return usagePlanMatchesRemote{e: e, address: address}
}

type usagePlanMatchesRemote struct {
	e       *Env
	address string
}

func (c usagePlanMatchesRemote) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := resourceAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	id, _ := attrs["id"].(string)
	plan, err := c.e.RemoteUsagePlan(id)
	switch {
	case err != nil:
		resp.Error = fmt.Errorf("reading usage plan %s: %w", id, err)
		return
	case plan == nil:
		resp.Error = fmt.Errorf("%s: usage plan %s is in state but not on the API", c.address, id)
		return
	}
	want := map[string]string{
		"id":                      plan.ID,
		"usage_plan_name":         plan.Name,
		"usage_plan_desc":         plan.Description,
		"max_request_num":         strconv.FormatInt(plan.MaxRequestNum, 10),
		"max_request_num_pre_sec": strconv.FormatInt(plan.MaxRequestNumPerSecond, 10),
		"create_time":             plan.CreatedTime,
		"modify_time":             plan.ModifiedTime,
	}
	for name, value := range want {
		if got := fmt.Sprint(attrs[name]); got != value {
			resp.Error = fmt.Errorf("%s: %s is %q in state but %q on the API", c.address, name, got, value)
			return
		}
	}
	var keys []string
	list, _ := attrs["attach_api_keys"].([]any)
	for _, k := range list {
		keys = append(keys, fmt.Sprint(k))
	}
	if !slices.Equal(keys, plan.BoundKeyIDs) && len(keys)+len(plan.BoundKeyIDs) > 0 {
		resp.Error = fmt.Errorf("%s: attach_api_keys is %v in state but %v on the API", c.address, keys, plan.BoundKeyIDs)
	}
}

// CheckUsagePlansDestroyed confirms that no usage plan from the state
// exists any more and, on the emulator, that no plan is left at all.
func (e *Env) CheckUsagePlansDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != UsagePlanResourceType {
			continue
		}
		plan, err := e.RemoteUsagePlan(rs.Primary.ID)
		if err != nil {
			return err
		}
		if plan != nil {
			return fmt.Errorf("usage plan %s still exists after destroy", rs.Primary.ID)
		}
	}
	if e.Emulator != nil {
		if plans := e.Emulator.UsagePlans(); len(plans) != 0 {
			return fmt.Errorf("the emulator still holds %d usage plan(s) after destroy", len(plans))
		}
	}
	return nil
}
