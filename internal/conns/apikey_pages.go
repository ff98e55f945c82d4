package conns

import (
	"context"
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
func (c *Client) APIKeys(ctx context.Context, filters ...ListAPIKeysFilter) iter.Seq2[*APIKey, error] {
	fetch := func(ctx context.Context, offset int64) ([]*APIKey, *int64, error) {
		page, err := c.listPage(ctx, offset, filters)
		if err != nil || page == nil {
			return nil, nil, err
		}
		keys := make([]*APIKey, 0, len(page.ApiKeySet))
		for _, k := range page.ApiKeySet {
			key, err := fromSDK(actionList, k)
			if err != nil {
				return nil, nil, err
			}
			keys = append(keys, key)
		}
		return keys, page.TotalCount, nil
	}
	return offsetPages(ctx, fetch, func(k *APIKey) (string, error) { return k.AccessKeyID, nil })
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
