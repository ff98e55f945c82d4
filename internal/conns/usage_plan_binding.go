package conns

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Bindings of API keys to usage plans.
//
// BindSecretIds (https://www.tencentcloud.com/document/api/628/36612) and
// UnBindSecretIds (https://www.tencentcloud.com/document/api/628/36603) take
// one usage plan and any number of keys; DescribeUsagePlanSecretIds
// (https://www.tencentcloud.com/document/api/628/36606) lists a plan's keys,
// 100 a page. A plan holds at most 50 keys, so one page lists a plan.
//
// Terraform creates, reads and deletes each attachment on its own, up to
// -parallelism at once. So that a for_each of 50 keys bound to one plan does
// not cost 50 calls of each kind, this file shares calls between the
// attachments of one plan within a provider process:
//
//   - Reads of one plan's bindings share one listing of the plan, kept for
//     the rest of the walk unless this process binds or unbinds keys of the
//     plan meanwhile (or maxListingAge passes).
//   - Binds (and unbinds) of one plan that arrive together gather for a few
//     milliseconds, for as long as the action's rate limiter holds the call
//     back, and while the plan's previous call is in flight, into one call
//     with all their AccessKeyIds.
//
// Safety: a shared call's answer is taken for all its keys only when it is
// a success. When it fails (a lost answer, a server error after the commit,
// or a refusal caused by one key such as a missing key or the plan's
// quota, which may or may not have bound the others), nothing is assumed:
// the plan's bindings are listed, and each key that is not bound (or, for
// an unbind, still bound) is sent again on its own, so that each attachment
// gets its own true outcome and error. A key is reported bound only when a
// BindSecretIds that named it alone succeeded, a shared one succeeded, or a
// listing holds it.

// Actions of usage plan bindings.
const (
	actionBindKeys   = "BindSecretIds"
	actionUnbindKeys = "UnBindSecretIds"
)

// Error codes of bindings.
const (
	// CodePlanKeyLimit: the plan would hold more than 50 keys.
	CodePlanKeyLimit = "LimitExceeded.AccessKeyCountInUsagePlanLimitExceeded"
	// CodeKeyAlreadyBound: the key is already bound to the plan.
	CodeKeyAlreadyBound = "UnsupportedOperation.UnsupportedBindApiKey"
	// CodeAlreadyBindUsagePlan: the key is bound to as many plans as a key
	// can be (10).
	CodeAlreadyBindUsagePlan = "UnsupportedOperation.AlreadyBindUsagePlan"
	// CodeBindOutcomeUnknown: a bind whose outcome was unclear, and the
	// plan's bindings could not be listed to settle it.
	CodeBindOutcomeUnknown = "ClientError.BindOutcomeUnknown"
)

// MaxKeysPerUsagePlan is the service's quota of keys on one plan; a shared
// BindSecretIds never names more.
const MaxKeysPerUsagePlan = 50

// bindKeysOnce is one BindSecretIds of ids to a plan. It is not repeated
// after a lost answer: a repeat of a bind that was carried out is refused
// (already bound), so the caller settles an unclear outcome by listing.
func (c *Client) bindKeysOnce(ctx context.Context, planID string, ids []string) error {
	req := apigw.NewBindSecretIdsRequest()
	req.UsagePlanId = common.StringPtr(planID)
	req.AccessKeyIds = common.StringPtrs(ids)
	c.planKeys.beginWrite(planID)
	defer c.planKeys.endWrite(planID)
	_, err := call(ctx, c, op{action: actionBindKeys, keyID: oneID(ids)}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.BindSecretIdsWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionBindKeys, resp.Response.Result)
	})
	return err
}

// unbindKeysOnce is one UnBindSecretIds of ids from a plan, repeated on
// transient errors: unbinding twice leaves the keys unbound.
func (c *Client) unbindKeysOnce(ctx context.Context, planID string, ids []string) error {
	req := apigw.NewUnBindSecretIdsRequest()
	req.UsagePlanId = common.StringPtr(planID)
	req.AccessKeyIds = common.StringPtrs(ids)
	c.planKeys.beginWrite(planID)
	defer c.planKeys.endWrite(planID)
	_, err := call(ctx, c, op{action: actionUnbindKeys, keyID: oneID(ids), safeToRepeat: true}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.UnBindSecretIdsWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionUnbindKeys, resp.Response.Result)
	})
	return err
}

// oneID is the key ID to log with a call of ids: the ID itself for one key.
func oneID(ids []string) string {
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// BindResult is the outcome of binding one key to a plan.
type BindResult struct {
	// Bound: the key is bound to the plan. With an error, it may be: the
	// caller records the binding (as tainted) so that it is not orphaned.
	Bound bool
	// Existed: the key was already bound before this bind (by another
	// resource, or outside Terraform), and has been adopted.
	Existed bool
}

// BindAPIKey binds a key to a plan, sharing a BindSecretIds with the other
// binds of the plan that arrive together (see the top of this file).
func (c *Client) BindAPIKey(ctx context.Context, planID, keyID string) (BindResult, error) {
	return c.binds.submit(ctx, planID, keyID)
}

// UnbindAPIKey unbinds a key from a plan, sharing an UnBindSecretIds with
// the other unbinds of the plan that arrive together. A key that is not
// bound, a missing key and a missing plan count as done.
func (c *Client) UnbindAPIKey(ctx context.Context, planID, keyID string) error {
	_, err := c.unbinds.submit(ctx, planID, keyID)
	return err
}

// ReadAPIKeyBinding reports whether the key is bound to the plan (a missing
// key is not). A missing plan gives an error for which IsUsagePlanNotFound
// is true. Reads of one plan share one listing (see planKeyListings).
func (c *Client) ReadAPIKeyBinding(ctx context.Context, planID, keyID string) (bool, error) {
	keys, err := c.planKeys.get(ctx, planID)
	if err != nil {
		return false, err
	}
	return keys[keyID], nil
}

// --- shared listings of a plan's keys ----------------------------------------

// planKeyListings shares DescribeUsagePlanSecretIds listings between the
// reads of one plan's bindings.
type planKeyListings struct {
	c      *Client
	window time.Duration

	mu     sync.Mutex
	byPlan map[string]*planKeyListing
	// gen changes at the start and the end of every bind or unbind of a
	// plan, writing counts those in flight: a listing taken across either
	// answers no later read.
	gen     map[string]uint64
	writing map[string]int
}

type planKeyListing struct {
	gen uint64
	// waiters counts the reads waiting; the listing is cancelled when the
	// last one leaves (l.mu held).
	waiters int
	cancel  context.CancelFunc
	// Set before done is closed.
	done chan struct{}
	at   time.Time
	keys map[string]bool
	err  error
}

func newPlanKeyListings(c *Client) *planKeyListings {
	return &planKeyListings{c: c, window: batchWindow, byPlan: map[string]*planKeyListing{},
		gen: map[string]uint64{}, writing: map[string]int{}}
}

// get returns the plan's keys by ID from a listing that is current or in
// flight, or from a new one that reads arriving in the next batchWindow
// share. When a shared listing fails for another reason than a missing
// plan, the read lists the plan on its own, with its own retries and error.
func (l *planKeyListings) get(ctx context.Context, planID string) (map[string]bool, error) {
	l.mu.Lock()
	cur := l.byPlan[planID]
	if cur == nil || cur.gen != l.gen[planID] || l.writing[planID] > 0 || cur.stale() {
		// The listing's context is no reader's: a reader that gives up
		// does not fail the others; the last one to leave cancels it.
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cur = &planKeyListing{gen: l.gen[planID], done: make(chan struct{}), cancel: cancel}
		l.byPlan[planID] = cur
		go l.fetch(lctx, planID, cur)
	}
	cur.waiters++
	l.mu.Unlock()

	select {
	case <-cur.done:
	case <-ctx.Done():
		l.mu.Lock()
		if cur.waiters--; cur.waiters == 0 {
			cur.cancel()
		}
		l.mu.Unlock()
		return nil, &APIError{Action: actionDescribePlanSecretID, Code: "ClientError.Canceled", Message: "waiting for a shared listing: " + ctx.Err().Error(), err: ctx.Err()}
	}
	switch {
	case cur.err == nil:
		return cur.keys, nil
	case IsUsagePlanNotFound(cur.err):
		return nil, cur.err
	}
	tflog.Debug(ctx, "shared listing of a usage plan's keys failed; listing it for this read", map[string]any{
		"tencentcloud_usage_plan_id": planID, "error_code": ErrorCode(cur.err)})
	keys, err := l.c.UsagePlanKeyIDs(ctx, planID)
	if err != nil {
		return nil, err
	}
	return idSet(keys), nil
}

// stale reports whether a finished listing is too old or failed. l.mu is held.
func (p *planKeyListing) stale() bool {
	select {
	case <-p.done:
		return p.err != nil || time.Since(p.at) >= maxListingAge
	default:
		return false // in flight: join it
	}
}

// fetch takes the listing after the gathering window.
func (l *planKeyListings) fetch(ctx context.Context, planID string, p *planKeyListing) {
	defer p.cancel()
	defer close(p.done)
	if !sleep(ctx, l.window) {
		p.err = ctx.Err()
		return
	}
	p.at = time.Now()
	keys, err := l.c.UsagePlanKeyIDs(ctx, planID)
	p.keys, p.err = idSet(keys), err
}

func (l *planKeyListings) beginWrite(planID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen[planID]++
	l.writing[planID]++
}

func (l *planKeyListings) endWrite(planID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen[planID]++
	l.writing[planID]--
}

func idSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// --- shared binds and unbinds ------------------------------------------------

// bindingBatcher gathers binds (or unbinds) of keys to one plan into shared
// calls. One call per plan is in flight at a time; what arrives meanwhile
// waits for the next.
type bindingBatcher struct {
	c      *Client
	action string
	window time.Duration
	// shared sends one call for several keys.
	shared func(ctx context.Context, planID string, ids []string) error
	// settle gives each key of a failed shared call its own outcome.
	settle func(ctx context.Context, planID string, ids []string, sharedErr error) map[string]bindOutcome

	mu    sync.Mutex
	plans map[string]*bindQueue
}

// bindQueue is one plan's gathering batch and its call in flight.
type bindQueue struct {
	open *bindBatch
	// idle is closed when the plan's call in flight ends; nil when none is.
	idle chan struct{}
}

type bindBatch struct {
	ids  []string
	want map[string]bool
	// full is closed when the batch holds MaxKeysPerUsagePlan keys.
	full chan struct{}
	// ctx carries the calls; cancelled when every waiter has left.
	ctx     context.Context
	cancel  context.CancelFunc
	waiters int
	// Set before done is closed.
	done     chan struct{}
	outcomes map[string]bindOutcome
}

type bindOutcome struct {
	result BindResult
	err    error
}

func newBindBatcher(c *Client) *bindingBatcher {
	return &bindingBatcher{c: c, action: actionBindKeys, window: batchWindow, plans: map[string]*bindQueue{},
		shared: c.bindKeysOnce, settle: c.settleBinds}
}

func newUnbindBatcher(c *Client) *bindingBatcher {
	return &bindingBatcher{c: c, action: actionUnbindKeys, window: batchWindow, plans: map[string]*bindQueue{},
		shared: c.unbindKeysOnce, settle: c.settleUnbinds}
}

// submit adds a key to the plan's gathering batch and waits for its outcome.
func (b *bindingBatcher) submit(ctx context.Context, planID, keyID string) (BindResult, error) {
	b.mu.Lock()
	q := b.plans[planID]
	if q == nil {
		q = &bindQueue{}
		b.plans[planID] = q
	}
	if q.open == nil {
		// The shared call's context is no caller's: one that gives up must
		// not cancel the call for the others. The last to leave does.
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		q.open = &bindBatch{want: map[string]bool{}, full: make(chan struct{}), ctx: bctx, cancel: cancel, done: make(chan struct{})}
		go b.run(planID, q, q.open)
	}
	batch := q.open
	batch.waiters++
	if !batch.want[keyID] {
		batch.want[keyID] = true
		batch.ids = append(batch.ids, keyID)
		if len(batch.ids) == MaxKeysPerUsagePlan {
			q.open = nil
			close(batch.full)
		}
	}
	b.mu.Unlock()

	select {
	case <-batch.done:
		o := batch.outcomes[keyID]
		return o.result, o.err
	case <-ctx.Done():
		b.mu.Lock()
		if batch.waiters--; batch.waiters == 0 {
			if q.open == batch {
				q.open = nil
			}
			batch.cancel()
		}
		b.mu.Unlock()
		// The shared call may have bound the key: say so, so that the
		// attachment is recorded rather than orphaned.
		err := &APIError{Action: b.action, Code: "ClientError.Canceled", err: ctx.Err(),
			Message: fmt.Sprintf("cancelled while the call for key %s was being made: it may have been carried out (%s)", keyID, ctx.Err())}
		return BindResult{Bound: b.action == actionBindKeys}, err
	}
}

// run gathers the batch, waits for the plan's call in flight, then makes
// the call and hands out the outcomes.
func (b *bindingBatcher) run(planID string, q *bindQueue, batch *bindBatch) {
	defer batch.cancel()
	defer close(batch.done)
	b.gather(q, batch)

	b.mu.Lock()
	if q.open == batch {
		q.open = nil
	}
	idle := make(chan struct{})
	q.idle = idle
	ids := batch.ids
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		if q.idle == idle {
			q.idle = nil
		}
		if q.idle == nil && q.open == nil {
			delete(b.plans, planID)
		}
		b.mu.Unlock()
		close(idle)
	}()

	ctx := batch.ctx
	if len(ids) > 1 {
		tflog.Debug(ctx, "one call for several keys of a usage plan", map[string]any{
			"tencentcloud_action": b.action, "tencentcloud_usage_plan_id": planID, "keys": len(ids)})
	}
	err := b.shared(ctx, planID, ids)
	if err == nil {
		batch.outcomes = make(map[string]bindOutcome, len(ids))
		for _, id := range ids {
			batch.outcomes[id] = bindOutcome{result: BindResult{Bound: b.action == actionBindKeys}}
		}
		return
	}
	batch.outcomes = b.settle(ctx, planID, ids, err)
}

// gather waits batchWindow, then for as long as the action's limiter would
// hold the call back or the plan's previous call is in flight, so that
// keys arriving meanwhile share the call.
func (b *bindingBatcher) gather(q *bindQueue, batch *bindBatch) {
	wait := b.window
	for {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-batch.full:
			t.Stop()
		case <-batch.ctx.Done():
			t.Stop()
			return
		}
		b.mu.Lock()
		idle := q.idle
		b.mu.Unlock()
		if idle != nil {
			select {
			case <-idle:
			case <-batch.ctx.Done():
				return
			}
			continue
		}
		if wait = b.c.limiters.readyIn(b.action); wait <= 0 {
			return
		}
	}
}

// settleBinds gives each key of a failed BindSecretIds its own outcome: a
// key the plan lists is bound; any other is bound on its own. When the plan
// cannot be listed, each key is bound on its own, which tells too.
func (c *Client) settleBinds(ctx context.Context, planID string, ids []string, sharedErr error) map[string]bindOutcome {
	out := make(map[string]bindOutcome, len(ids))
	if len(ids) == 1 {
		r, err := c.bindAlone(ctx, planID, ids[0], sharedErr)
		out[ids[0]] = bindOutcome{r, err}
		return out
	}
	tflog.Debug(ctx, "a shared BindSecretIds failed; settling each key", map[string]any{
		"tencentcloud_usage_plan_id": planID, "keys": len(ids), "error_code": ErrorCode(sharedErr)})
	keys, err := c.UsagePlanKeyIDs(ctx, planID)
	switch {
	case IsUsagePlanNotFound(err) || IsUsagePlanNotFound(sharedErr) && err != nil:
		for _, id := range ids {
			out[id] = bindOutcome{err: planErr(err, sharedErr)}
		}
		return out
	case err != nil:
		keys = nil
	}
	bound := idSet(keys)
	var rest []string
	for _, id := range ids {
		if bound[id] && err == nil {
			// Bound by the failed call, or before it: either way bound.
			// Only a refusal (not a lost answer) says it was there before.
			out[id] = bindOutcome{result: BindResult{Bound: true, Existed: !IsAmbiguous(sharedErr) && isAlreadyBound(sharedErr)}}
			continue
		}
		rest = append(rest, id)
	}
	c.eachAlone(ctx, rest, out, func(ctx context.Context, id string) bindOutcome {
		r, err := c.bindAlone(ctx, planID, id, nil)
		return bindOutcome{r, err}
	})
	return out
}

// planErr prefers the listing's plan-not-found error, else the shared call's.
func planErr(listErr, sharedErr error) error {
	if IsUsagePlanNotFound(listErr) {
		return listErr
	}
	return sharedErr
}

// eachAlone settles keys one call each, in parallel (the action's limiter
// spaces the calls).
func (c *Client) eachAlone(ctx context.Context, ids []string, out map[string]bindOutcome, one func(context.Context, string) bindOutcome) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			o := one(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			out[id] = o
		})
	}
	wg.Wait()
}

// isAlreadyBound reports whether err refuses a bind because the key is
// bound to the plan already.
func isAlreadyBound(err error) bool { return HasCode(err, CodeKeyAlreadyBound) }

// bindAlone binds one key with BindSecretIds calls that name it alone.
// first, when not nil, is the error of a call that named the key alone
// already. An unclear outcome is settled by listing the plan before
// binding again; a refusal because the key is bound is confirmed by the
// listing too, and then adopted.
func (c *Client) bindAlone(ctx context.Context, planID, keyID string, first error) (BindResult, error) {
	lostAnswer := false
	for attempt := 1; ; attempt++ {
		err := first
		if attempt > 1 || first == nil {
			err = c.bindKeysOnce(ctx, planID, []string{keyID})
		}
		if err == nil {
			return BindResult{Bound: true}, nil
		}
		ambiguous := IsAmbiguous(err)
		if !ambiguous && !isAlreadyBound(err) {
			return BindResult{}, err
		}
		lostAnswer = lostAnswer || ambiguous
		keys, listErr := c.UsagePlanKeyIDs(listContext(ctx), planID)
		switch {
		case listErr != nil && ambiguous:
			return BindResult{Bound: true}, bindOutcomeUnknown(planID, keyID, err, listErr)
		case listErr != nil:
			return BindResult{}, err
		}
		if idSet(keys)[keyID] {
			return BindResult{Bound: true, Existed: !lostAnswer}, nil
		}
		if !ambiguous {
			return BindResult{}, err // "already bound", yet not listed: report the refusal as it is
		}
		tflog.Debug(ctx, "BindSecretIds outcome unclear and the key is not bound; binding again", map[string]any{
			"tencentcloud_usage_plan_id": planID, "tencentcloud_access_key_id": keyID, "attempt": attempt, "error_code": ErrorCode(err)})
		if attempt >= maxAttempts || !sleep(ctx, backoff(attempt)) {
			return BindResult{}, err
		}
	}
}

// listContext is ctx, or when it has ended a short one of its own: a call
// cancelled in flight may have been carried out, and looking costs one call.
func listContext(ctx context.Context) context.Context {
	if ctx.Err() == nil {
		return ctx
	}
	lookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupAfterCancelTimeout)
	context.AfterFunc(lookCtx, cancel)
	return lookCtx
}

// bindOutcomeUnknown is the error of a bind that may have been carried out
// when listing the plan to find out failed too.
func bindOutcomeUnknown(planID, keyID string, cause, listErr error) error {
	out := &APIError{Action: actionBindKeys, Code: CodeBindOutcomeUnknown, err: cause, Message: fmt.Sprintf(
		"BindSecretIds may have bound key %s to usage plan %s (%s), and listing the plan's keys to find out failed (%s). "+
			"The attachment is kept in state as tainted: the next apply unbinds it (a key that is not bound counts as done) and binds it again.",
		keyID, planID, cause, listErr)}
	if apiErr, ok := errors.AsType[*APIError](cause); ok {
		out.RequestID = apiErr.RequestID
	}
	return out
}

// settleUnbinds gives each key of a failed UnBindSecretIds its own
// outcome: a key the plan no longer lists is unbound; any other is unbound
// on its own.
func (c *Client) settleUnbinds(ctx context.Context, planID string, ids []string, sharedErr error) map[string]bindOutcome {
	out := make(map[string]bindOutcome, len(ids))
	if len(ids) == 1 {
		out[ids[0]] = bindOutcome{err: c.unbindAlone(ctx, planID, ids[0], sharedErr)}
		return out
	}
	keys, err := c.UsagePlanKeyIDs(ctx, planID)
	if IsUsagePlanNotFound(err) {
		return out // no plan, no binding: done
	}
	bound := idSet(keys)
	var rest []string
	for _, id := range ids {
		if bound[id] || err != nil {
			rest = append(rest, id)
		}
	}
	c.eachAlone(ctx, rest, out, func(ctx context.Context, id string) bindOutcome {
		return bindOutcome{err: c.unbindAlone(ctx, planID, id, nil)}
	})
	return out
}

// unbindAlone unbinds one key. A missing key or plan is done; any other
// refusal is checked against the plan's listing: a key no longer bound is
// done (a repeat after a lost answer, or an unbind outside Terraform).
func (c *Client) unbindAlone(ctx context.Context, planID, keyID string, first error) error {
	err := first
	if err == nil {
		err = c.unbindKeysOnce(ctx, planID, []string{keyID})
	}
	if err == nil || IsNotFound(err) || IsUsagePlanNotFound(err) {
		return nil
	}
	keys, listErr := c.UsagePlanKeyIDs(listContext(ctx), planID)
	switch {
	case IsUsagePlanNotFound(listErr):
		return nil
	case listErr != nil:
		return err
	}
	if !idSet(keys)[keyID] {
		return nil
	}
	return err
}
