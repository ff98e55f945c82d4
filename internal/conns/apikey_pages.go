package conns

import (
	"context"
	"errors"
	"iter"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// APIKeys pages through DescribeApiKeysStatus, 100 keys a call, and yields
// the keys that match all filters in the order the API lists them. A page
// is fetched only when the consumer wants more keys than the earlier pages
// gave, so breaking out of the loop ends the listing without another call.
//
// Paging by Offset is not a snapshot: a key created or deleted between two
// pages shifts the later ones. Each page after the first therefore starts
// one key before the previous page ended, so a key deleted meanwhile
// cannot make the next page skip one, and keys are de-duplicated by ID, so
// a key created meanwhile cannot be yielded twice. Paging stops at
// TotalCount, at an empty page, or at a page that adds no new key, so a
// service that ignores Offset or overstates TotalCount cannot make it loop.
// An error is yielded once, with a nil key, and ends the listing.
//
// Each key listed passes the checks of a single read (usableKey); one that
// fails them but names its ID (a null Status, say) is read with its own
// DescribeApiKey, and skipped if that finds it gone.
func (c *Client) APIKeys(ctx context.Context, filters ...ListAPIKeysFilter) iter.Seq2[*APIKey, error] {
	return func(yield func(*APIKey, error) bool) {
		seen := make(map[string]bool)
		for offset := int64(0); ; {
			page, requestID, err := c.listPage(ctx, offset, filters)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page.ApiKeySet) == 0 {
				return
			}
			added := 0
			for _, k := range page.ApiKeySet {
				if k != nil && k.AccessKeyId != nil && seen[*k.AccessKeyId] {
					continue
				}
				key, err := usableKey(actionList, k, requestID, false)
				if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.answeredKeyID != "" {
					key, err = c.DescribeAPIKey(ctx, apiErr.answeredKeyID)
					if IsNotFound(err) {
						seen[apiErr.answeredKeyID] = true
						added++
						continue
					}
				}
				if err != nil {
					yield(nil, err)
					return
				}
				seen[key.AccessKeyID] = true
				added++
				if !yield(key, nil) {
					return
				}
			}
			end := offset + int64(len(page.ApiKeySet))
			if added == 0 || page.TotalCount == nil || end >= *page.TotalCount {
				return
			}
			offset = end - 1
		}
	}
}

// listPage is one DescribeApiKeysStatus call: up to 100 keys from offset.
func (c *Client) listPage(ctx context.Context, offset int64, filters []ListAPIKeysFilter) (*apigw.ApiKeysStatus, string, error) {
	var apiFilters []*apigw.Filter
	for _, f := range filters {
		apiFilters = append(apiFilters, &apigw.Filter{Name: common.StringPtr(f.Name), Values: common.StringPtrs([]string{f.Value})})
	}
	return c.describeKeysStatus(ctx, offset, apiFilters)
}

// describeKeysStatus is one DescribeApiKeysStatus call of maxPageSize keys
// from offset, and its request ID. A null Result is an error, as for a
// single read: taken for "no keys", it would let a create's lookup miss the
// key and make a second one.
func (c *Client) describeKeysStatus(ctx context.Context, offset int64, filters []*apigw.Filter) (*apigw.ApiKeysStatus, string, error) {
	req := apigw.NewDescribeApiKeysStatusRequest()
	req.Limit = common.Int64Ptr(maxPageSize)
	req.Offset = common.Int64Ptr(offset)
	req.Filters = filters
	type answer struct {
		page      *apigw.ApiKeysStatus
		requestID string
	}
	out, err := call(ctx, c, op{action: actionList, safeToRepeat: true}, func(ctx context.Context) (answer, string, error) {
		resp, err := c.api.DescribeApiKeysStatusWithContext(ctx, req)
		if err != nil {
			return answer{}, "", err
		}
		requestID := deref(resp.Response.RequestId)
		if resp.Response.Result == nil {
			return answer{}, requestID, &APIError{Action: actionList, Code: codeEmptyResult, RequestID: requestID,
				Message: "the API returned no list of keys", ambiguous: true, answered: true}
		}
		return answer{resp.Response.Result, requestID}, requestID, nil
	})
	return out.page, out.requestID, err
}
