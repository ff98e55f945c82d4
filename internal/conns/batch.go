package conns

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Batched reads.
//
// Terraform refreshes a configuration with one ReadResource per key, up to
// -parallelism of them at once, all in one provider process per walk. One
// DescribeApiKey per key makes a plan over N keys take N/20 seconds at the
// API's rate limit, while one DescribeApiKeysStatus answers for up to 100
// keys, secrets included. So ReadAPIKey shares calls between the reads of a
// process:
//
//   - Reads that arrive together gather for a few milliseconds, and for as
//     long as the list action's rate limiter holds the next call back, into
//     one DescribeApiKeysStatus filtered on their AccessKeyIds.
//   - Once the process has read listAfterReads keys, and the account holds
//     at most listAccountRatio times as many keys as it has read, it lists
//     the whole account once (100 keys a call) and answers the rest of the
//     walk from that listing without further calls.
//   - A lone read stays one DescribeApiKey, so a single resource, an import
//     or a data source costs what it always did.
//
// Safety: a key missing from a batched answer or a listing is only ever
// reported gone by its own DescribeApiKey, so a service that ignored the
// filter, honoured one value of it, or paged past a key deleted meanwhile
// can make no key vanish from state. A listing is never used across a write
// made by this process (any create, update, enable, disable or delete
// discards it) nor after maxListingAge. A batched call that fails leaves
// each read to its own DescribeApiKey, with its own retries and error.
const (
	// batchWindow is how long the first read of a batch waits for others.
	batchWindow = 10 * time.Millisecond
	// maxBatchKeys is the most AccessKeyId values in one filtered call: one
	// page of the answer.
	maxBatchKeys = maxPageSize
	// listAfterReads is how many reads a process makes before it considers
	// listing the whole account.
	listAfterReads = 20
	// listAccountRatio bounds the account listing: it is made only when the
	// account holds at most this many keys per key read so far, i.e. when
	// its calls (one per 100 keys) are no more than the filtered calls the
	// reads seen so far needed, assuming about as many reads are to come.
	listAccountRatio = 10
	// maxListingAge bounds how long one listing answers reads.
	maxListingAge = 30 * time.Second
)

// readBatcher gathers the reads of one Client.
type readBatcher struct {
	c      *Client
	window time.Duration

	mu sync.Mutex
	// open is the batch that new reads join; nil when none is gathering.
	open *readBatch
	// reads counts ReadAPIKey calls, for the decision to list the account.
	reads int
	// gen changes at the start and at the end of every write, writing
	// counts writes in flight: a listing taken across either is not kept.
	gen     uint64
	writing int
	// listing is the account listing answering reads, if any.
	listing *keyListing
	// listingDone is closed when the account listing in flight ends; nil
	// when none is in flight.
	listingDone chan struct{}
	// accountKeys is the account's key count seen by the last listing that
	// was abandoned because the account was too large (0: not known).
	accountKeys int
	// off: DescribeApiKeysStatus failed for a reason that retrying will
	// not cure (a permission, say); every read is a DescribeApiKey.
	off bool
}

// keyListing is every key of the account, as one listing saw them.
type keyListing struct {
	keys map[string]*APIKey
	gen  uint64
	at   time.Time
}

// readBatch is one gathering of reads answered by one call.
type readBatch struct {
	ids  []string
	want map[string]bool
	// full is closed when the batch holds maxBatchKeys keys.
	full chan struct{}
	// until is when the batch stops gathering, unless it fills up first.
	until time.Time
	// ctx carries the call; cancelled when every waiter has left.
	ctx     context.Context
	cancel  context.CancelFunc
	waiters int

	// Set before done is closed.
	done  chan struct{}
	found map[string]*APIKey
	// alone: the batch holds one key, which its reader describes itself.
	alone bool
	err   error
}

func newReadBatcher(c *Client) *readBatcher {
	return &readBatcher{c: c, window: batchWindow}
}

// ReadAPIKey reads one key like DescribeAPIKey, sharing calls with the
// other reads of this client (see readBatcher). A missing key gives an
// error for which IsNotFound is true, always from DescribeApiKey itself.
func (c *Client) ReadAPIKey(ctx context.Context, id string) (*APIKey, error) {
	return c.readAPIKey(ctx, id, time.Time{})
}

// readAPIKey is ReadAPIKey; a batch that this read opens gathers at least
// until gatherUntil, when the reader has nothing better to do meanwhile.
func (c *Client) readAPIKey(ctx context.Context, id string, gatherUntil time.Time) (*APIKey, error) {
	b := c.reads
	key, listed, batch := b.join(ctx, id, gatherUntil)
	switch {
	case listed && key != nil:
		return key, nil
	case listed:
		// Not in a current listing: created since, or gone. Ask.
		return c.DescribeAPIKey(ctx, id)
	case batch == nil:
		return c.DescribeAPIKey(ctx, id)
	}
	select {
	case <-batch.done:
	case <-ctx.Done():
		b.leave(batch)
		return nil, &APIError{Action: actionDescribe, Code: "ClientError.Canceled", Message: "waiting for a batched read: " + ctx.Err().Error(), err: ctx.Err()}
	}
	switch {
	case batch.alone:
		return c.DescribeAPIKey(ctx, id)
	case batch.err != nil:
		tflog.Debug(ctx, "batched read failed; reading the key on its own", map[string]any{
			"tencentcloud_access_key_id": id, "error_code": ErrorCode(batch.err)})
		return c.DescribeAPIKey(ctx, id)
	}
	if k, ok := batch.found[id]; ok {
		return copyKey(k), nil
	}
	// Absent from the answer: only the key's own DescribeApiKey may say
	// that it is gone.
	tflog.Debug(ctx, "key absent from a batched read; confirming with DescribeApiKey", map[string]any{"tencentcloud_access_key_id": id})
	return c.DescribeAPIKey(ctx, id)
}

// join answers id from a current listing (listed), or adds it to the open
// batch, opening one that gathers for the window or until gatherUntil,
// whichever is later, if needed. Neither (nil batch) means: describe it.
func (b *readBatcher) join(ctx context.Context, id string, gatherUntil time.Time) (key *APIKey, listed bool, batch *readBatch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reads++
	if b.off {
		return nil, false, nil
	}
	if l := b.currentListing(); l != nil {
		if k, ok := l.keys[id]; ok {
			return copyKey(k), true, nil
		}
		return nil, true, nil
	}
	if b.open == nil {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		until := time.Now().Add(b.window)
		if gatherUntil.After(until) {
			until = gatherUntil
		}
		b.open = &readBatch{want: map[string]bool{}, full: make(chan struct{}), until: until, ctx: bctx, cancel: cancel, done: make(chan struct{})}
		go b.run(b.open)
	}
	batch = b.open
	batch.waiters++
	if !batch.want[id] {
		batch.want[id] = true
		batch.ids = append(batch.ids, id)
		if len(batch.ids) == maxBatchKeys {
			b.open = nil
			close(batch.full)
		}
	}
	return nil, false, batch
}

// leave is called by a reader that stopped waiting; the batch's call is
// cancelled when nobody waits for it any more.
func (b *readBatcher) leave(batch *readBatch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	batch.waiters--
	if batch.waiters == 0 {
		if b.open == batch {
			b.open = nil
		}
		batch.cancel()
	}
}

// currentListing returns the listing if it may still answer reads. b.mu is held.
func (b *readBatcher) currentListing() *keyListing {
	if l := b.listing; l != nil && l.gen == b.gen && b.writing == 0 && time.Since(l.at) < maxListingAge {
		return l
	}
	return nil
}

// beginWrite and endWrite bracket every write call of the client.
func (b *readBatcher) beginWrite() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gen++
	b.writing++
	b.listing = nil
}

func (b *readBatcher) endWrite() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gen++
	b.writing--
	b.listing = nil
}

// isWrite reports whether an action changes keys.
func isWrite(action string) bool {
	switch action {
	case actionCreate, actionUpdate, actionEnable, actionDisable, actionDeleteKey:
		return true
	}
	return false
}

// run gathers the batch, then answers it.
func (b *readBatcher) run(batch *readBatch) {
	defer batch.cancel()
	defer close(batch.done)
	b.gather(batch)

	for {
		b.mu.Lock()
		if b.open == batch {
			b.open = nil
		}
		switch {
		case batch.waiters == 0:
			b.mu.Unlock()
			batch.err = batch.ctx.Err()
			return
		case b.currentListing() != nil:
			batch.found = pick(b.currentListing().keys, batch.ids)
			b.mu.Unlock()
			return
		case b.listingDone != nil:
			// A listing is on its way: wait for it rather than call too.
			done := b.listingDone
			b.mu.Unlock()
			select {
			case <-done:
			case <-batch.ctx.Done():
			}
			continue
		case len(batch.ids) == 1:
			b.mu.Unlock()
			batch.alone = true
			return
		case b.reads >= listAfterReads && b.writing == 0 && (b.accountKeys == 0 || b.accountKeys <= listAccountRatio*b.reads):
			// (While the client writes, a listing would answer this batch
			// only, not be kept: one filtered call does that for less.)
			b.listingDone = make(chan struct{})
			reads := b.reads
			b.mu.Unlock()
			rest := b.listAccount(batch, reads)
			if len(rest) > 0 {
				b.readByID(batch, rest)
			}
			return
		}
		b.mu.Unlock()
		b.readByID(batch, batch.ids)
		return
	}
}

// gather waits until the batch's time (batchWindow, or longer for a
// reader that waits its turn for a write anyway), then for as long as the
// list action's limiter would hold the call back, so that reads arriving
// meanwhile share it.
func (b *readBatcher) gather(batch *readBatch) {
	wait := time.Until(batch.until)
	for wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-batch.full:
			t.Stop()
			return
		case <-batch.ctx.Done():
			t.Stop()
			return
		}
		wait = b.c.limiters.readyIn(actionList)
	}
}

// readByID answers ids with one DescribeApiKeysStatus filtered on them.
func (b *readBatcher) readByID(batch *readBatch, ids []string) {
	keys, _, _, err := b.c.keysPage(batch.ctx, 0, &apigw.Filter{Name: common.StringPtr("AccessKeyId"), Values: common.StringPtrs(ids)})
	if err != nil {
		b.failed(batch, err)
		return
	}
	if batch.found == nil {
		batch.found = map[string]*APIKey{}
	}
	for id, k := range pick(byID(keys), ids) {
		batch.found[id] = k
	}
}

// listAccount lists the account's keys, keeps the listing for later reads
// when no write came between, and answers the batch from it. It gives up
// after the first page when the account holds more than listAccountRatio
// keys per key read, and returns the batch's keys it did not find then.
func (b *readBatcher) listAccount(batch *readBatch, reads int) (rest []string) {
	gen, at := b.startListing()
	var all []*APIKey
	complete := false
	var err error
	defer func() { b.endListing(all, complete, gen, at, err) }()

	seen := map[string]bool{}
	for offset := 0; ; {
		var keys []*APIKey
		var ids []string
		var total int
		keys, ids, total, err = b.c.keysPage(batch.ctx, offset)
		if err != nil {
			b.failed(batch, err)
			return nil
		}
		// Keys that failed the checks count for paging but stay out of
		// the listing: reads ask DescribeApiKey for them.
		usable := byID(keys)
		added := 0
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				if k, ok := usable[id]; ok {
					all = append(all, k)
				}
				added++
			}
		}
		offset += len(ids)
		if offset == len(ids) && total > listAccountRatio*reads {
			b.mu.Lock()
			b.accountKeys = total
			b.mu.Unlock()
			tflog.Debug(batch.ctx, "account too large to list for this walk; reading keys by ID", map[string]any{"account_keys": total, "reads": reads})
			batch.found = pick(byID(all), batch.ids)
			for _, id := range batch.ids {
				if _, ok := batch.found[id]; !ok {
					rest = append(rest, id)
				}
			}
			return rest
		}
		// Keys created or deleted meanwhile shift the pages: a key skipped
		// so is absent, and absent keys are asked for one by one. A page
		// that adds nothing ends it, whatever TotalCount says.
		if added == 0 || offset >= total {
			complete = true
			break
		}
	}
	batch.found = pick(byID(all), batch.ids)
	return nil
}

func (b *readBatcher) startListing() (uint64, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.gen, time.Now()
}

// endListing keeps a complete listing unless a write began or ended while
// it was taken, and wakes the batches that waited for it.
func (b *readBatcher) endListing(keys []*APIKey, complete bool, gen uint64, at time.Time, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if complete && err == nil && gen == b.gen && b.writing == 0 {
		b.listing = &keyListing{keys: byID(keys), gen: gen, at: at}
	}
	close(b.listingDone)
	b.listingDone = nil
}

// failed records a batched call's error. One that retrying cannot cure
// turns batching off for this client: every read then describes its key.
func (b *readBatcher) failed(batch *readBatch, err error) {
	batch.err = err
	if batch.ctx.Err() != nil || IsTransient(err) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.off = true
	tflog.Warn(batch.ctx, "DescribeApiKeysStatus failed; reading every key with DescribeApiKey from now on", map[string]any{"error_code": ErrorCode(err)})
}

// keysPage is one DescribeApiKeysStatus call of maxPageSize keys from
// offset, with filters of any number of values: the keys that pass the
// checks of a single read (usableKey), the IDs of every key on the page
// (for paging), and the number of keys matching the filters. A key that
// fails the checks (a null Status, say) is left out of keys, so its reader
// asks DescribeApiKey for it, as for any key absent from an answer.
func (c *Client) keysPage(ctx context.Context, offset int, filters ...*apigw.Filter) (keys []*APIKey, ids []string, total int, err error) {
	page, requestID, err := c.describeKeysStatus(ctx, int64(offset), filters)
	if err != nil {
		return nil, nil, 0, err
	}
	keys = make([]*APIKey, 0, len(page.ApiKeySet))
	for _, k := range page.ApiKeySet {
		key, err := usableKey(actionList, k, requestID, false)
		if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.answeredKeyID != "" {
			ids = append(ids, apiErr.answeredKeyID)
			continue
		}
		if err != nil {
			return nil, nil, 0, err
		}
		keys = append(keys, key)
		ids = append(ids, key.AccessKeyID)
	}
	if page.TotalCount != nil {
		total = int(*page.TotalCount)
	}
	return keys, ids, total, nil
}

// readyIn is how long the action's limiter would make a call wait now.
func (l *rateLimiters) readyIn(action string) time.Duration {
	l.mu.Lock()
	lim, ok := l.byAction[action]
	l.mu.Unlock()
	if !ok {
		return 0
	}
	tokens := lim.Tokens()
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
}

func byID(keys []*APIKey) map[string]*APIKey {
	m := make(map[string]*APIKey, len(keys))
	for _, k := range keys {
		m[k.AccessKeyID] = k
	}
	return m
}

// pick returns the keys of ids found in m.
func pick(m map[string]*APIKey, ids []string) map[string]*APIKey {
	out := make(map[string]*APIKey, len(ids))
	for _, id := range ids {
		if k, ok := m[id]; ok {
			out[id] = k
		}
	}
	return out
}

func copyKey(k *APIKey) *APIKey {
	c := *k
	return &c
}
