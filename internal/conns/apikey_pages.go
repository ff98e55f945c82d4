package conns

import (
	"context"
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
func (c *Client) APIKeys(ctx context.Context, filters ...ListAPIKeysFilter) iter.Seq2[*APIKey, error] {
	return func(yield func(*APIKey, error) bool) {
		seen := make(map[string]bool)
		for offset := int64(0); ; {
			page, err := c.listPage(ctx, offset, filters)
			if err != nil {
				yield(nil, err)
				return
			}
			if page == nil || len(page.ApiKeySet) == 0 {
				return
			}
			added := 0
			for _, k := range page.ApiKeySet {
				key, err := fromSDK(actionList, k)
				if err != nil {
					yield(nil, err)
					return
				}
				if seen[key.AccessKeyID] {
					continue
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
func (c *Client) listPage(ctx context.Context, offset int64, filters []ListAPIKeysFilter) (*apigw.ApiKeysStatus, error) {
	req := apigw.NewDescribeApiKeysStatusRequest()
	req.Limit = common.Int64Ptr(maxPageSize)
	req.Offset = common.Int64Ptr(offset)
	for _, f := range filters {
		req.Filters = append(req.Filters, &apigw.Filter{Name: common.StringPtr(f.Name), Values: common.StringPtrs([]string{f.Value})})
	}
	return call(ctx, c, op{action: actionList, safeToRepeat: true}, func(ctx context.Context) (*apigw.ApiKeysStatus, string, error) {
		resp, err := c.api.DescribeApiKeysStatusWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		return resp.Response.Result, deref(resp.Response.RequestId), nil
	})
}
