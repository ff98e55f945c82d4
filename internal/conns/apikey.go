package conns

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// API key types and statuses as the API spells them.
const (
	KeyTypeAuto     = "auto"
	KeyTypeManual   = "manual"
	StatusEnabled   = 1
	StatusDisabled  = 0
	apiTimeLayout   = "2006-01-02T15:04:05Z"
	maxPageSize     = 100
	actionCreate    = "CreateApiKey"
	actionDescribe  = "DescribeApiKey"
	actionList      = "DescribeApiKeysStatus"
	actionUpdate    = "UpdateApiKey"
	actionEnable    = "EnableApiKey"
	actionDisable   = "DisableApiKey"
	actionDeleteKey = "DeleteApiKey"
)

// APIKey is the provider's view of the API's ApiKey object.
type APIKey struct {
	AccessKeyID     string
	AccessKeySecret string
	AccessKeyType   string
	SecretName      string
	Status          int64
	CreatedTime     string
	ModifiedTime    string
}

// Created parses CreatedTime.
func (k *APIKey) Created() (time.Time, error) { return time.Parse(apiTimeLayout, k.CreatedTime) }

func fromSDK(action string, k *apigw.ApiKey) (*APIKey, error) {
	if k == nil || k.AccessKeyId == nil {
		return nil, &APIError{Action: action, Code: "ClientError.EmptyResult", Message: "the API returned no key"}
	}
	out := &APIKey{
		AccessKeyID:     deref(k.AccessKeyId),
		AccessKeySecret: deref(k.AccessKeySecret),
		AccessKeyType:   deref(k.AccessKeyType),
		SecretName:      deref(k.SecretName),
		CreatedTime:     deref(k.CreatedTime),
		ModifiedTime:    deref(k.ModifiedTime),
		Status:          -1,
	}
	if k.Status != nil {
		out.Status = *k.Status
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// CreateAPIKeyInput is what CreateApiKey takes.
type CreateAPIKeyInput struct {
	SecretName      string
	AccessKeyType   string
	AccessKeyID     string // manual keys only
	AccessKeySecret string // manual keys only
}

// CreateAPIKey creates a key and returns it as the API reports it.
//
// CreateApiKey is not safe to repeat: when its answer is lost, the key may
// exist. Before trying again it looks for the key that the lost attempt
// may have made (see findCreated), so a retry never makes a second key.
// When the context ends while a request is in flight, it may return a key
// together with an error: the key exists and must be recorded.
func (c *Client) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr(in.SecretName)
	req.AccessKeyType = common.StringPtr(in.AccessKeyType)
	if in.AccessKeyType == KeyTypeManual {
		req.AccessKeyId = common.StringPtr(in.AccessKeyID)
		req.AccessKeySecret = common.StringPtr(in.AccessKeySecret)
	}
	o := op{action: actionCreate, keyID: in.AccessKeyID, secrets: nonEmpty(in.AccessKeySecret)}
	started := time.Now()
	lostAnswer := false
	for attempt := 1; ; attempt++ {
		key, err := call(ctx, c, o, func(ctx context.Context) (*APIKey, string, error) {
			resp, err := c.api.CreateApiKeyWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			key, err := fromSDK(actionCreate, resp.Response.Result)
			return key, deref(resp.Response.RequestId), err
		})
		switch {
		case err == nil:
			return key, nil
		case ctx.Err() != nil && IsAmbiguous(err):
			// Timed out or cancelled while the request was on its way: it
			// may have created the key. Look once more on a short context
			// of its own, so the caller can still record the key.
			return c.findAfterCancel(ctx, in, started, err)
		case lostAnswer && HasCode(err, CodeAccessKeyExist):
			// An earlier attempt whose answer was lost made this manual key.
			if key, findErr := c.findCreated(ctx, in, started); findErr != nil || key != nil {
				return key, findErr
			}
			return nil, err
		case !IsAmbiguous(err):
			return nil, err
		}
		lostAnswer = true
		tflog.Debug(ctx, "CreateApiKey answer lost; looking for the key before trying again", map[string]any{"attempt": attempt})
		key, findErr := c.findCreated(ctx, in, started)
		if findErr != nil || key != nil {
			return key, findErr
		}
		if attempt >= maxAttempts || !sleep(ctx, backoff(attempt)) {
			return nil, err
		}
	}
}

// findAfterCancel looks for a key that a cancelled CreateApiKey may have
// made. A key found is returned together with the cancellation error, so
// that the resource records it (tainted) instead of losing it.
func (c *Client) findAfterCancel(ctx context.Context, in CreateAPIKeyInput, started time.Time, cause error) (*APIKey, error) {
	lookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupAfterCancelTimeout)
	defer cancel()
	key, err := c.findCreated(lookCtx, in, started)
	if err != nil {
		tflog.Warn(ctx, "CreateApiKey was cancelled and the key it may have made could not be looked up", map[string]any{"error": err.Error()})
	}
	return key, cause
}

// lookupAfterCancelTimeout bounds the lookup after a cancelled create.
const lookupAfterCancelTimeout = 10 * time.Second

// creationClockSlack widens "created since the attempt started" for the
// difference between this machine's clock and the service's.
const creationClockSlack = time.Minute

// findCreated looks for the key that a CreateApiKey with a lost answer may
// have made. It returns nil, nil when there is none, so creating again is
// safe. A manual key is found by its ID and must carry the configured
// secret. An auto key is found by name among the keys created since the
// attempt started; more than one candidate is an error naming them all,
// since adopting the wrong one would orphan the other.
func (c *Client) findCreated(ctx context.Context, in CreateAPIKeyInput, started time.Time) (*APIKey, error) {
	if in.AccessKeyType == KeyTypeManual {
		key, err := c.DescribeAPIKey(ctx, in.AccessKeyID)
		switch {
		case IsNotFound(err):
			return nil, nil
		case err != nil:
			return nil, err
		case key.AccessKeySecret != in.AccessKeySecret || key.SecretName != in.SecretName:
			return nil, &APIError{Action: actionCreate, Code: CodeAccessKeyExist,
				Message: fmt.Sprintf("key %s exists with another name or secret than configured", in.AccessKeyID)}
		}
		return key, nil
	}

	keys, err := c.ListAPIKeys(ctx, ListAPIKeysFilter{Name: "SecretName", Value: in.SecretName})
	if err != nil {
		return nil, err
	}
	since := started.Add(-creationClockSlack).UTC().Truncate(time.Second)
	var candidates []*APIKey
	for _, k := range keys {
		created, err := k.Created()
		if k.SecretName == in.SecretName && k.AccessKeyType == KeyTypeAuto && err == nil && !created.Before(since) {
			candidates = append(candidates, k)
		}
	}
	switch len(candidates) {
	case 0:
		return nil, nil
	case 1:
		return candidates[0], nil
	}
	ids := make([]string, len(candidates))
	for i, k := range candidates {
		ids[i] = k.AccessKeyID + " (created " + k.CreatedTime + ")"
	}
	return nil, &APIError{Action: actionCreate, Code: "ClientError.AmbiguousCreate", Message: fmt.Sprintf(
		"the answer to CreateApiKey was lost and %d auto keys named %q were created since: %s. "+
			"Import the one that belongs to this resource with terraform import and delete the others",
		len(candidates), in.SecretName, strings.Join(ids, ", "))}
}

// DescribeAPIKey reads one key, with its secret. A missing key gives an
// error for which IsNotFound is true.
func (c *Client) DescribeAPIKey(ctx context.Context, id string) (*APIKey, error) {
	req := apigw.NewDescribeApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	return call(ctx, c, op{action: actionDescribe, keyID: id, safeToRepeat: true}, func(ctx context.Context) (*APIKey, string, error) {
		resp, err := c.api.DescribeApiKeyWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		key, err := fromSDK(actionDescribe, resp.Response.Result)
		return key, deref(resp.Response.RequestId), err
	})
}

// UpdateAPIKey changes a key's secret: the given one for a manual key, a
// newly generated one for an auto key (secret ""). It returns the key after
// the change, so no read has to follow.
func (c *Client) UpdateAPIKey(ctx context.Context, id, secret string) (*APIKey, error) {
	req := apigw.NewUpdateApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	if secret != "" {
		req.AccessKeySecret = common.StringPtr(secret)
	}
	return call(ctx, c, op{action: actionUpdate, keyID: id, safeToRepeat: true, secrets: nonEmpty(secret)}, func(ctx context.Context) (*APIKey, string, error) {
		resp, err := c.api.UpdateApiKeyWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		key, err := fromSDK(actionUpdate, resp.Response.Result)
		return key, deref(resp.Response.RequestId), err
	})
}

// EnableAPIKey turns a key on.
func (c *Client) EnableAPIKey(ctx context.Context, id string) error {
	req := apigw.NewEnableApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	_, err := call(ctx, c, op{action: actionEnable, keyID: id, safeToRepeat: true}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.EnableApiKeyWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionEnable, resp.Response.Result)
	})
	return err
}

// DisableAPIKey turns a key off.
func (c *Client) DisableAPIKey(ctx context.Context, id string) error {
	req := apigw.NewDisableApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	_, err := call(ctx, c, op{action: actionDisable, keyID: id, safeToRepeat: true}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.DisableApiKeyWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionDisable, resp.Response.Result)
	})
	return err
}

// DeleteAPIKey deletes a disabled key.
func (c *Client) DeleteAPIKey(ctx context.Context, id string) error {
	req := apigw.NewDeleteApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	_, err := call(ctx, c, op{action: actionDeleteKey, keyID: id, safeToRepeat: true}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.DeleteApiKeyWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionDeleteKey, resp.Response.Result)
	})
	return err
}

// ListAPIKeysFilter narrows ListAPIKeys; empty fields are not sent.
type ListAPIKeysFilter struct {
	Name  string
	Value string
}

// ListAPIKeys pages through DescribeApiKeysStatus and returns every key that
// matches all filters.
func (c *Client) ListAPIKeys(ctx context.Context, filters ...ListAPIKeysFilter) ([]*APIKey, error) {
	var out []*APIKey
	for offset := int64(0); ; {
		req := apigw.NewDescribeApiKeysStatusRequest()
		req.Limit = common.Int64Ptr(maxPageSize)
		req.Offset = common.Int64Ptr(offset)
		for _, f := range filters {
			req.Filters = append(req.Filters, &apigw.Filter{Name: common.StringPtr(f.Name), Values: common.StringPtrs([]string{f.Value})})
		}
		page, err := call(ctx, c, op{action: actionList, safeToRepeat: true}, func(ctx context.Context) (*apigw.ApiKeysStatus, string, error) {
			resp, err := c.api.DescribeApiKeysStatusWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			return resp.Response.Result, deref(resp.Response.RequestId), nil
		})
		if err != nil {
			return nil, err
		}
		if page == nil {
			return out, nil
		}
		for _, k := range page.ApiKeySet {
			key, err := fromSDK(actionList, k)
			if err != nil {
				return nil, err
			}
			out = append(out, key)
		}
		offset += int64(len(page.ApiKeySet))
		if len(page.ApiKeySet) == 0 || page.TotalCount == nil || offset >= *page.TotalCount {
			return out, nil
		}
	}
}

// nonEmpty lists s when it is not empty.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func boolResult(action string, ok *bool) error {
	if ok != nil && !*ok {
		return &APIError{Action: action, Code: "FailedOperation", Message: fmt.Sprintf("%s returned false", action)}
	}
	return nil
}
