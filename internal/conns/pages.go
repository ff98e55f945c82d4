package conns

import (
	"context"
	"iter"
)

// offsetPages pages through an action that lists up to 100 items a call
// from an offset (DescribeApiKeysStatus, DescribeUsagePlansStatus,
// DescribeUsagePlanSecretIds), and yields each item once, in the API's
// order. fetch is one call: the items from offset and the TotalCount it
// reported (nil when none). id names an item, or fails for an item the
// API returned without one.
//
// A page is fetched only when the consumer wants more items than the
// earlier pages gave, so breaking out of the loop ends the listing without
// another call. Paging by Offset is not a snapshot: an item created or
// deleted between two pages shifts the later ones. Each page after the
// first therefore starts one item before the previous page ended, so an
// item deleted meanwhile cannot make the next page skip one, and items are
// de-duplicated by ID, so an item created meanwhile cannot be yielded
// twice. Paging stops at TotalCount, at an empty page, or at a page that
// adds no new item, so a service that ignores Offset or overstates
// TotalCount cannot make it loop. An error is yielded once, with the zero
// item, and ends the listing.
func offsetPages[T any](ctx context.Context, fetch func(ctx context.Context, offset int64) ([]T, *int64, error), id func(T) (string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := make(map[string]bool)
		for offset := int64(0); ; {
			items, total, err := fetch(ctx, offset)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(items) == 0 {
				return
			}
			added := 0
			for _, item := range items {
				itemID, err := id(item)
				if err != nil {
					yield(zero, err)
					return
				}
				if seen[itemID] {
					continue
				}
				seen[itemID] = true
				added++
				if !yield(item, nil) {
					return
				}
			}
			end := offset + int64(len(items))
			if added == 0 || total == nil || end >= *total {
				return
			}
			offset = end - 1
		}
	}
}
