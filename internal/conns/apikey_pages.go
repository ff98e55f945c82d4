package conns

import (
	"context"
	"errors"
	"iter"

	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// APIKeys pages through DescribeApiKeysStatus, 100 keys a call, and yields
// the keys that match all filters in the order the API lists them, each
// once (see offsetPages for how paging stays correct while keys come and
// go). A page is fetched only when the consumer wants more keys than the
// earlier pages gave. An error is yielded once, with a nil key, and ends
// the listing.
//
// Each key listed passes the checks of a single read (usableKey); one that
// fails them but names its ID (a null Status, say) is read with its own
// DescribeApiKey, and skipped if that finds it gone.
func (c *Client) APIKeys(ctx context.Context, filters ...ListAPIKeysFilter) iter.Seq2[*APIKey, error] {
	// listed is one entry of a page: its key, or the ID of a key listed
	// unusable that its own read found gone (it still counts for paging).
	type listed struct {
		key    *APIKey
		goneID string
	}
	fetch := func(ctx context.Context, offset int64) ([]listed, *int64, error) {
		page, requestID, err := c.listPage(ctx, offset, filters)
		if err != nil {
			return nil, nil, err
		}
		entries := make([]listed, 0, len(page.ApiKeySet))
		for _, k := range page.ApiKeySet {
			key, err := usableKey(actionList, k, requestID, false)
			if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.answeredKeyID != "" {
				key, err = c.DescribeAPIKey(ctx, apiErr.answeredKeyID)
				if IsNotFound(err) {
					entries = append(entries, listed{goneID: apiErr.answeredKeyID})
					continue
				}
			}
			if err != nil {
				return nil, nil, err
			}
			entries = append(entries, listed{key: key})
		}
		return entries, page.TotalCount, nil
	}
	id := func(e listed) (string, error) {
		if e.key == nil {
			return e.goneID, nil
		}
		return e.key.AccessKeyID, nil
	}
	return func(yield func(*APIKey, error) bool) {
		for e, err := range offsetPages(ctx, fetch, id) {
			if err == nil && e.key == nil {
				continue // listed, then found gone
			}
			if !yield(e.key, err) {
				return
			}
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
