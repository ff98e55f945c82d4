package conns

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Usage plan actions: CreateUsagePlan
// (https://www.tencentcloud.com/document/api/628/36611), DescribeUsagePlan
// (…/36608), ModifyUsagePlan (…/36605), DeleteUsagePlan (…/36610).
const (
	actionCreatePlan           = "CreateUsagePlan"
	actionDescribePlan         = "DescribeUsagePlan"
	actionModifyPlan           = "ModifyUsagePlan"
	actionDeletePlan           = "DeleteUsagePlan"
	actionListPlans            = "DescribeUsagePlansStatus"
	actionDescribePlanEnvs     = "DescribeUsagePlanEnvironments"
	actionDescribePlanSecretID = "DescribeUsagePlanSecretIds"
)

// Error codes of the usage plan actions that the provider acts on.
const (
	// CodeUsagePlanNotFound: the usage plan does not exist.
	CodeUsagePlanNotFound = "ResourceNotFound.InvalidUsagePlan"
	// CodeUsagePlanLimit: the account holds its quota of usage plans (200).
	CodeUsagePlanLimit = "LimitExceeded.UsagePlanLimitExceeded"
	// CodeUsagePlanInUse: DeleteUsagePlan of a plan bound to a service or API.
	CodeUsagePlanInUse = "UnsupportedOperation.UsagePlanInUse"
)

// Values of DescribeUsagePlanEnvironments' BindType.
const (
	BindTypeService = "SERVICE"
	BindTypeAPI     = "API"
)

// Filter names of DescribeUsagePlansStatus.
const (
	UsagePlanFilterID   = "UsagePlanId"
	UsagePlanFilterName = "UsagePlanName"
)

// IsUsagePlanNotFound reports whether err says the usage plan does not exist.
func IsUsagePlanNotFound(err error) bool { return ErrorCode(err) == CodeUsagePlanNotFound }

// UsagePlan is the provider's view of the API's UsagePlanInfo (and of
// UsagePlanStatusInfo, which lacks the bindings).
type UsagePlan struct {
	ID          string
	Name        string
	Description string
	// -1 means unlimited.
	MaxRequestNum          int64
	MaxRequestNumPerSecond int64
	CreatedTime            string
	ModifiedTime           string
	// BoundKeyIDs are the IDs of the keys bound to the plan, all of them
	// (DescribeUsagePlan only; nil otherwise).
	BoundKeyIDs []string
	// BoundEnvironmentCount is the number of services and APIs the plan is
	// bound to, as DescribeUsagePlan reports it; -1 when unknown.
	BoundEnvironmentCount int64
}

// Created parses CreatedTime.
func (p *UsagePlan) Created() (time.Time, error) { return time.Parse(apiTimeLayout, p.CreatedTime) }

// UsagePlanEnvironment is one service or API that a plan is bound to, in
// one environment (the API's UsagePlanEnvironment).
type UsagePlanEnvironment struct {
	ServiceID    string
	ServiceName  string
	APIID        string
	APIName      string
	Path         string
	Method       string
	Environment  string
	CreatedTime  string
	ModifiedTime string
}

// UsagePlanInput is what CreateUsagePlan and ModifyUsagePlan take.
type UsagePlanInput struct {
	Name                   string
	Description            string
	MaxRequestNum          int64
	MaxRequestNumPerSecond int64
}

func derefInt(v *int64, unset int64) int64 {
	if v == nil {
		return unset
	}
	return *v
}

// planFromInfo converts a UsagePlanInfo; an answer without a plan or a
// plan ID is an error that says the call was carried out.
func planFromInfo(action, requestID string, p *apigw.UsagePlanInfo) (*UsagePlan, error) {
	if p == nil || deref(p.UsagePlanId) == "" {
		return nil, &APIError{Action: action, Code: codeEmptyResult, RequestID: requestID,
			Message: "the API returned no usage plan", ambiguous: true, answered: true}
	}
	out := &UsagePlan{
		ID:                     deref(p.UsagePlanId),
		Name:                   deref(p.UsagePlanName),
		Description:            deref(p.UsagePlanDesc),
		MaxRequestNum:          derefInt(p.MaxRequestNum, -1),
		MaxRequestNumPerSecond: derefInt(p.MaxRequestNumPreSec, -1),
		CreatedTime:            deref(p.CreatedTime),
		ModifiedTime:           deref(p.ModifiedTime),
		BoundEnvironmentCount:  derefInt(p.BindEnvironmentTotalCount, -1),
	}
	return out, nil
}

func planFromStatus(p *apigw.UsagePlanStatusInfo) (*UsagePlan, error) {
	if p == nil || deref(p.UsagePlanId) == "" {
		return nil, &APIError{Action: actionListPlans, Code: codeIncompleteResult,
			Message: "the API listed a usage plan without a UsagePlanId", ambiguous: true, answered: true}
	}
	return &UsagePlan{
		ID:                     deref(p.UsagePlanId),
		Name:                   deref(p.UsagePlanName),
		Description:            deref(p.UsagePlanDesc),
		MaxRequestNum:          derefInt(p.MaxRequestNum, -1),
		MaxRequestNumPerSecond: derefInt(p.MaxRequestNumPreSec, -1),
		CreatedTime:            deref(p.CreatedTime),
		ModifiedTime:           deref(p.ModifiedTime),
		BoundEnvironmentCount:  -1,
	}, nil
}

// matches reports whether the plan holds exactly these settings.
func (p *UsagePlan) matches(in UsagePlanInput) bool {
	return p.Name == in.Name && p.Description == in.Description &&
		p.MaxRequestNum == in.MaxRequestNum && p.MaxRequestNumPerSecond == in.MaxRequestNumPerSecond
}

// codeAmbiguousPlanCreate: several plans could be the one a CreateUsagePlan made.
const codeAmbiguousPlanCreate = "ClientError.AmbiguousCreate"

// CreateUsagePlan creates a plan and returns it as the API reports it (the
// answer carries the whole plan: no read follows).
//
// CreateUsagePlan is not safe to repeat: whenever its outcome is unclear
// (the answer was lost or unusable, or was a server error that can follow a
// commit), the plan may exist. Before trying again it looks for it among
// the plans with the same name (DescribeUsagePlansStatus filtered on
// UsagePlanName) created since the attempt started and holding the same
// settings: one is adopted, none means creating again is safe, several
// are an error that names them all (adopting the wrong one would orphan
// the other).
func (c *Client) CreateUsagePlan(ctx context.Context, in UsagePlanInput) (*UsagePlan, error) {
	req := apigw.NewCreateUsagePlanRequest()
	req.UsagePlanName = common.StringPtr(in.Name)
	req.UsagePlanDesc = common.StringPtr(in.Description)
	req.MaxRequestNum = common.Int64Ptr(in.MaxRequestNum)
	req.MaxRequestNumPreSec = common.Int64Ptr(in.MaxRequestNumPerSecond)
	started := time.Now()
	for attempt := 1; ; attempt++ {
		plan, err := call(ctx, c, op{action: actionCreatePlan}, func(ctx context.Context) (*UsagePlan, string, error) {
			resp, err := c.api.CreateUsagePlanWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			requestID := deref(resp.Response.RequestId)
			plan, err := planFromInfo(actionCreatePlan, requestID, resp.Response.Result)
			return plan, requestID, err
		})
		if err == nil || !IsAmbiguous(err) {
			return plan, err
		}
		tflog.Debug(ctx, "CreateUsagePlan outcome unclear; looking for the plan before trying again",
			map[string]any{"attempt": attempt, "error_code": ErrorCode(err)})
		lookCtx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			// Cancelled while the request was on its way: look once more on
			// a short context of its own, so the plan can still be recorded.
			lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), lookupAfterCancelTimeout)
		}
		found, findErr := c.findCreatedPlan(lookCtx, in, started)
		cancel()
		switch {
		case findErr != nil:
			return nil, planMayExist(in, started, err, findErr)
		case found != nil:
			if ctx.Err() != nil {
				// The plan exists and must be recorded; the operation still failed.
				return found, err
			}
			return found, nil
		case ctx.Err() != nil, attempt >= maxAttempts || !sleep(ctx, backoff(attempt)):
			return nil, err
		}
	}
}

// findCreatedPlan looks for the plan that a CreateUsagePlan with an
// unclear outcome may have made; nil, nil when there is none.
func (c *Client) findCreatedPlan(ctx context.Context, in UsagePlanInput, started time.Time) (*UsagePlan, error) {
	plans, err := c.ListUsagePlans(ctx, UsagePlanFilter{Name: UsagePlanFilterName, Value: in.Name})
	if err != nil {
		return nil, err
	}
	since := started.Add(-creationClockSlack).UTC().Truncate(time.Second)
	var candidates []*UsagePlan
	for _, p := range plans {
		created, err := p.Created()
		if p.matches(in) && err == nil && !created.Before(since) {
			candidates = append(candidates, p)
		}
	}
	switch len(candidates) {
	case 0:
		return nil, nil
	case 1:
		return candidates[0], nil
	}
	ids := make([]string, len(candidates))
	for i, p := range candidates {
		ids[i] = p.ID + " (created " + p.CreatedTime + ")"
	}
	return nil, &APIError{Action: actionCreatePlan, Code: codeAmbiguousPlanCreate, Message: fmt.Sprintf(
		"the outcome of CreateUsagePlan was unclear and %d new usage plans named %q were created since: %s. "+
			"Import the one that belongs to this resource with terraform import and delete the others",
		len(candidates), in.Name, strings.Join(ids, ", "))}
}

// planMayExist is the error for a CreateUsagePlan whose outcome was unclear
// when looking for the plan failed too: it says how to find and import it.
func planMayExist(in UsagePlanInput, started time.Time, cause, lookupErr error) error {
	if HasCode(lookupErr, codeAmbiguousPlanCreate) {
		return lookupErr
	}
	out := &APIError{Action: actionCreatePlan, Code: CodeCreateOutcomeUnknown, err: cause, Message: fmt.Sprintf(
		"CreateUsagePlan may have made a usage plan (%s), and looking for it failed (%s). A usage plan named %q may exist: "+
			"look for plans of that name created since %s (the tencentcloud_api_gateway_usage_plans data source with usage_plan_name = %q, "+
			"or the API Gateway console) and bring it under Terraform with `terraform import <resource address> <usagePlan-ID>` "+
			"(or delete it) before applying again.",
		cause, lookupErr, in.Name, started.UTC().Format(apiTimeLayout), in.Name)}
	if apiErr, ok := errors.AsType[*APIError](cause); ok {
		out.RequestID = apiErr.RequestID
	}
	return out
}

// DescribeUsagePlan reads one plan with the IDs of all its bound keys. The
// answer lists at most some of them (BindSecretIdTotalCount says how many
// there are): when it lists fewer, the rest come from
// DescribeUsagePlanSecretIds, 100 a call. A missing plan gives an error
// for which IsUsagePlanNotFound is true.
func (c *Client) DescribeUsagePlan(ctx context.Context, id string) (*UsagePlan, error) {
	req := apigw.NewDescribeUsagePlanRequest()
	req.UsagePlanId = common.StringPtr(id)
	var total int64
	plan, err := call(ctx, c, op{action: actionDescribePlan, safeToRepeat: true}, func(ctx context.Context) (*UsagePlan, string, error) {
		resp, err := c.api.DescribeUsagePlanWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		requestID := deref(resp.Response.RequestId)
		plan, err := planFromInfo(actionDescribePlan, requestID, resp.Response.Result)
		if err != nil {
			return nil, requestID, err
		}
		plan.BoundKeyIDs = make([]string, 0, len(resp.Response.Result.BindSecretIds))
		for _, k := range resp.Response.Result.BindSecretIds {
			if k != nil && *k != "" {
				plan.BoundKeyIDs = append(plan.BoundKeyIDs, *k)
			}
		}
		total = derefInt(resp.Response.Result.BindSecretIdTotalCount, int64(len(plan.BoundKeyIDs)))
		return plan, requestID, nil
	})
	if err != nil || int64(len(plan.BoundKeyIDs)) >= total {
		return plan, err
	}
	ids, err := c.UsagePlanKeyIDs(ctx, id)
	if err != nil {
		return nil, err
	}
	plan.BoundKeyIDs = ids
	return plan, nil
}

// UsagePlanKeyIDs pages through DescribeUsagePlanSecretIds, 100 keys a
// call, and returns the IDs of every key bound to the plan, each once, in
// the API's order.
func (c *Client) UsagePlanKeyIDs(ctx context.Context, planID string) ([]string, error) {
	fetch := func(ctx context.Context, offset int64) ([]string, *int64, error) {
		req := apigw.NewDescribeUsagePlanSecretIdsRequest()
		req.UsagePlanId = common.StringPtr(planID)
		req.Limit = common.Int64Ptr(maxPageSize)
		req.Offset = common.Int64Ptr(offset)
		page, err := call(ctx, c, op{action: actionDescribePlanSecretID, safeToRepeat: true}, func(ctx context.Context) (*apigw.UsagePlanBindSecretStatus, string, error) {
			resp, err := c.api.DescribeUsagePlanSecretIdsWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			requestID := deref(resp.Response.RequestId)
			if resp.Response.Result == nil {
				// Not "no keys": a binding's Read would take that as unbound.
				return nil, requestID, &APIError{Action: actionDescribePlanSecretID, Code: codeEmptyResult, RequestID: requestID,
					Message: "the API returned no list of bound keys", answered: true}
			}
			return resp.Response.Result, requestID, nil
		})
		if err != nil {
			return nil, nil, err
		}
		ids := make([]string, 0, len(page.AccessKeyList))
		for _, k := range page.AccessKeyList {
			if k == nil || deref(k.AccessKeyId) == "" {
				return nil, nil, &APIError{Action: actionDescribePlanSecretID, Code: codeIncompleteResult,
					Message: "the API listed a bound key without an AccessKeyId", answered: true}
			}
			ids = append(ids, *k.AccessKeyId)
		}
		return ids, page.TotalCount, nil
	}
	ids := []string{}
	for id, err := range offsetPages(ctx, fetch, func(id string) (string, error) { return id, nil }) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// ModifyUsagePlan sets every setting of a plan and returns the plan as the
// answer reports it, without its bindings (the answer does not carry them).
// Repeating it is safe: it sets the same values again.
func (c *Client) ModifyUsagePlan(ctx context.Context, id string, in UsagePlanInput) (*UsagePlan, error) {
	req := apigw.NewModifyUsagePlanRequest()
	req.UsagePlanId = common.StringPtr(id)
	req.UsagePlanName = common.StringPtr(in.Name)
	req.UsagePlanDesc = common.StringPtr(in.Description)
	req.MaxRequestNum = common.Int64Ptr(in.MaxRequestNum)
	req.MaxRequestNumPreSec = common.Int64Ptr(in.MaxRequestNumPerSecond)
	plan, err := call(ctx, c, op{action: actionModifyPlan, safeToRepeat: true}, func(ctx context.Context) (*UsagePlan, string, error) {
		resp, err := c.api.ModifyUsagePlanWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		requestID := deref(resp.Response.RequestId)
		plan, err := planFromInfo(actionModifyPlan, requestID, resp.Response.Result)
		return plan, requestID, err
	})
	if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.answered {
		// Carried out, but the answer cannot be used: read the plan instead.
		tflog.Debug(ctx, "ModifyUsagePlan answer unusable; reading the plan again", map[string]any{"error_code": apiErr.Code})
		return c.DescribeUsagePlan(ctx, id)
	}
	return plan, err
}

// DeleteUsagePlan deletes a plan. Repeating it is safe: a repeated delete
// finds nothing and answers ResourceNotFound.InvalidUsagePlan, which callers
// take as done.
func (c *Client) DeleteUsagePlan(ctx context.Context, id string) error {
	req := apigw.NewDeleteUsagePlanRequest()
	req.UsagePlanId = common.StringPtr(id)
	_, err := call(ctx, c, op{action: actionDeletePlan, safeToRepeat: true}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.DeleteUsagePlanWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionDeletePlan, resp.Response.Result)
	})
	return err
}

// UsagePlanFilter narrows UsagePlans (a DescribeUsagePlansStatus filter).
type UsagePlanFilter struct {
	Name  string
	Value string
}

// UsagePlans pages through DescribeUsagePlansStatus, 100 plans a call, and
// yields the plans that match all filters in the API's order, each once
// (see offsetPages). The plans carry no bindings. An error is yielded once,
// with a nil plan, and ends the listing.
func (c *Client) UsagePlans(ctx context.Context, filters ...UsagePlanFilter) iter.Seq2[*UsagePlan, error] {
	fetch := func(ctx context.Context, offset int64) ([]*UsagePlan, *int64, error) {
		req := apigw.NewDescribeUsagePlansStatusRequest()
		req.Limit = common.Int64Ptr(maxPageSize)
		req.Offset = common.Int64Ptr(offset)
		for _, f := range filters {
			req.Filters = append(req.Filters, &apigw.Filter{Name: common.StringPtr(f.Name), Values: common.StringPtrs([]string{f.Value})})
		}
		page, err := call(ctx, c, op{action: actionListPlans, safeToRepeat: true}, func(ctx context.Context) (*apigw.UsagePlansStatus, string, error) {
			resp, err := c.api.DescribeUsagePlansStatusWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			return resp.Response.Result, deref(resp.Response.RequestId), nil
		})
		if err != nil || page == nil {
			return nil, nil, err
		}
		plans := make([]*UsagePlan, 0, len(page.UsagePlanStatusSet))
		for _, p := range page.UsagePlanStatusSet {
			plan, err := planFromStatus(p)
			if err != nil {
				return nil, nil, err
			}
			plans = append(plans, plan)
		}
		return plans, page.TotalCount, nil
	}
	return offsetPages(ctx, fetch, func(p *UsagePlan) (string, error) { return p.ID, nil })
}

// ListUsagePlans returns every plan that matches all filters (see UsagePlans).
func (c *Client) ListUsagePlans(ctx context.Context, filters ...UsagePlanFilter) ([]*UsagePlan, error) {
	out := []*UsagePlan{}
	for plan, err := range c.UsagePlans(ctx, filters...) {
		if err != nil {
			return nil, err
		}
		out = append(out, plan)
	}
	return out, nil
}

// UsagePlanEnvironments returns the services (bindType BindTypeService) or
// APIs (BindTypeAPI) that the plan is bound to, paging through
// DescribeUsagePlanEnvironments 100 a call.
func (c *Client) UsagePlanEnvironments(ctx context.Context, planID, bindType string) ([]*UsagePlanEnvironment, error) {
	fetch := func(ctx context.Context, offset int64) ([]*UsagePlanEnvironment, *int64, error) {
		req := apigw.NewDescribeUsagePlanEnvironmentsRequest()
		req.UsagePlanId = common.StringPtr(planID)
		req.BindType = common.StringPtr(bindType)
		req.Limit = common.Int64Ptr(maxPageSize)
		req.Offset = common.Int64Ptr(offset)
		page, err := call(ctx, c, op{action: actionDescribePlanEnvs, safeToRepeat: true}, func(ctx context.Context) (*apigw.UsagePlanEnvironmentStatus, string, error) {
			resp, err := c.api.DescribeUsagePlanEnvironmentsWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			return resp.Response.Result, deref(resp.Response.RequestId), nil
		})
		if err != nil || page == nil {
			return nil, nil, err
		}
		envs := make([]*UsagePlanEnvironment, 0, len(page.EnvironmentList))
		for _, e := range page.EnvironmentList {
			if e == nil {
				continue
			}
			envs = append(envs, &UsagePlanEnvironment{
				ServiceID: deref(e.ServiceId), ServiceName: deref(e.ServiceName), APIID: deref(e.ApiId), APIName: deref(e.ApiName),
				Path: deref(e.Path), Method: deref(e.Method), Environment: deref(e.Environment),
				CreatedTime: deref(e.CreatedTime), ModifiedTime: deref(e.ModifiedTime),
			})
		}
		return envs, page.TotalCount, nil
	}
	// An environment is one service (and API) in one environment.
	id := func(e *UsagePlanEnvironment) (string, error) {
		return e.ServiceID + "\x00" + e.APIID + "\x00" + e.Environment, nil
	}
	out := []*UsagePlanEnvironment{}
	for env, err := range offsetPages(ctx, fetch, id) {
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}
