package conns

import (
	"context"
	"fmt"
	"time"

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
func (c *Client) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr(in.SecretName)
	req.AccessKeyType = common.StringPtr(in.AccessKeyType)
	if in.AccessKeyType == KeyTypeManual {
		req.AccessKeyId = common.StringPtr(in.AccessKeyID)
		req.AccessKeySecret = common.StringPtr(in.AccessKeySecret)
	}
	return call(ctx, c, actionCreate, in.AccessKeyID, func(ctx context.Context) (*APIKey, string, error) {
		resp, err := c.api.CreateApiKeyWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		key, err := fromSDK(actionCreate, resp.Response.Result)
		return key, deref(resp.Response.RequestId), err
	})
}

// DescribeAPIKey reads one key, with its secret. A missing key gives an
// error for which IsNotFound is true.
func (c *Client) DescribeAPIKey(ctx context.Context, id string) (*APIKey, error) {
	req := apigw.NewDescribeApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	return call(ctx, c, actionDescribe, id, func(ctx context.Context) (*APIKey, string, error) {
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
	return call(ctx, c, actionUpdate, id, func(ctx context.Context) (*APIKey, string, error) {
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
	_, err := call(ctx, c, actionEnable, id, func(ctx context.Context) (struct{}, string, error) {
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
	_, err := call(ctx, c, actionDisable, id, func(ctx context.Context) (struct{}, string, error) {
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
	_, err := call(ctx, c, actionDeleteKey, id, func(ctx context.Context) (struct{}, string, error) {
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
		page, err := call(ctx, c, actionList, "", func(ctx context.Context) (*apigw.ApiKeysStatus, string, error) {
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

func boolResult(action string, ok *bool) error {
	if ok != nil && !*ok {
		return &APIError{Action: action, Code: "FailedOperation", Message: fmt.Sprintf("%s returned false", action)}
	}
	return nil
}
