package conns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apigw "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/apigateway/v20180808"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"golang.org/x/time/rate"
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
		return nil, &APIError{Action: action, Code: codeEmptyResult, Message: "the API returned no key", ambiguous: true, answered: true}
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

// usableKey is the key of an answer that describes one key, or an error
// when the answer cannot be used as the key's state: no key, or a key
// without an ID, a known status or (when needSecret) a secret. Such an
// answer still means the call was carried out.
func usableKey(action string, k *apigw.ApiKey, requestID string, needSecret bool) (*APIKey, error) {
	key, err := fromSDK(action, k)
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		apiErr.RequestID = requestID
		return nil, apiErr
	}
	var missing []string
	if key.AccessKeyID == "" {
		missing = append(missing, "AccessKeyId")
	}
	if key.Status != StatusEnabled && key.Status != StatusDisabled {
		missing = append(missing, "Status")
	}
	if needSecret && key.AccessKeySecret == "" {
		missing = append(missing, "AccessKeySecret")
	}
	if len(missing) > 0 {
		return nil, &APIError{Action: action, Code: codeIncompleteResult, RequestID: requestID,
			Message:   "the API returned a key without a valid " + strings.Join(missing, ", "),
			ambiguous: true, answered: true, answeredKeyID: key.AccessKeyID}
	}
	return key, nil
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
// CreateApiKey is not safe to repeat: whenever its outcome is unclear (the
// answer was lost, could not be read, or was a server error that can follow
// a commit: InternalError*, HTTP 5xx), the key may exist. Before trying
// again it looks for the key that attempt may have made (see findCreated),
// so a retry never makes a second key. RequestLimitExceeded, auth and
// validation errors are answered before anything is done.
//
// For an auto key it first lists the keys that already carry the name (one
// DescribeApiKeysStatus call): those can never be the one this call makes.
//
// When the context ends while a request is in flight, it may return a key
// together with an error: the key exists and must be recorded. When the
// key may exist but cannot be found, the error says how to look for it.
func (c *Client) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	req := apigw.NewCreateApiKeyRequest()
	req.SecretName = common.StringPtr(in.SecretName)
	req.AccessKeyType = common.StringPtr(in.AccessKeyType)
	if in.AccessKeyType == KeyTypeManual {
		req.AccessKeyId = common.StringPtr(in.AccessKeyID)
		req.AccessKeySecret = common.StringPtr(in.AccessKeySecret)
	}
	o := op{action: actionCreate, keyID: in.AccessKeyID, secrets: nonEmpty(in.AccessKeySecret)}
	ctx = maskedContext(ctx, c.knownSecrets(o.secrets...))

	look := &createLookup{in: in}
	if in.AccessKeyType != KeyTypeManual {
		existing, err := c.ListAPIKeys(ctx, ListAPIKeysFilter{Name: "SecretName", Value: in.SecretName})
		if err != nil {
			return nil, err // nothing was created yet
		}
		look.existing = make(map[string]bool, len(existing))
		for _, k := range existing {
			look.existing[k.AccessKeyID] = true
		}
	}
	look.started = time.Now()

	lostAnswer := false
	for attempt := 1; ; attempt++ {
		// An auto key's create is marked in flight until its key, if its
		// answer names one, is recorded: lookups of siblings wait for it.
		end := func(id string) { c.claims.record(id) }
		if in.AccessKeyType != KeyTypeManual {
			end = c.claims.begin(in.SecretName)
		}
		key, err := call(ctx, c, o, func(ctx context.Context) (*APIKey, string, error) {
			resp, err := c.api.CreateApiKeyWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			requestID := deref(resp.Response.RequestId)
			key, err := usableKey(actionCreate, resp.Response.Result, requestID, true)
			return key, requestID, err
		})
		if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.answeredKeyID != "" {
			look.answeredID = apiErr.answeredKeyID
		}
		if err == nil {
			end(key.AccessKeyID)
			return key, nil
		}
		// An incomplete answer still names this call's key: no sibling may take it.
		end(look.answeredID)
		switch {
		case ctx.Err() != nil && IsAmbiguous(err):
			// Timed out or cancelled while the request was on its way: it
			// may have created the key. Look once more on a short context
			// of its own, so the caller can still record the key.
			return c.findAfterCancel(ctx, look, err)
		case lostAnswer && HasCode(err, CodeAccessKeyExist):
			// An earlier attempt whose outcome was unclear made this manual key.
			key, findErr := c.findCreated(ctx, look)
			switch {
			case findErr != nil:
				return nil, look.mayExist(err, findErr)
			case key != nil:
				return key, nil
			}
			return nil, err
		case !IsAmbiguous(err):
			return nil, err
		}
		lostAnswer = true
		tflog.Debug(ctx, "CreateApiKey outcome unclear; looking for the key before trying again",
			map[string]any{"attempt": attempt, "error_code": ErrorCode(err)})
		key, findErr := c.findCreated(ctx, look)
		switch {
		case findErr != nil:
			return nil, look.mayExist(err, findErr)
		case key != nil:
			return key, nil
		}
		// The key does not exist: creating again is safe.
		if attempt >= maxAttempts || !sleep(ctx, backoff(attempt)) {
			return nil, err
		}
	}
}

// createLookup is what finding the key of an unclear CreateApiKey needs.
type createLookup struct {
	in      CreateAPIKeyInput
	started time.Time
	// existing holds the IDs that carried the name before the first
	// CreateApiKey of an auto key: never candidates.
	existing map[string]bool
	// answeredID is the key ID that an incomplete answer named.
	answeredID string
}

// findAfterCancel looks for a key that a cancelled CreateApiKey may have
// made. A key found is returned together with the cancellation error, so
// that the resource records it (tainted) instead of losing it.
func (c *Client) findAfterCancel(ctx context.Context, look *createLookup, cause error) (*APIKey, error) {
	lookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupAfterCancelTimeout)
	defer cancel()
	key, err := c.findCreated(lookCtx, look)
	if err != nil {
		tflog.Warn(ctx, "CreateApiKey was cancelled and the key it may have made could not be looked up", map[string]any{"error": err.Error()})
		return nil, look.mayExist(cause, err)
	}
	return key, cause
}

// lookupAfterCancelTimeout bounds the lookup after a cancelled create.
const lookupAfterCancelTimeout = 10 * time.Second

// creationClockSlack widens "created since the attempt started" for the
// difference between this machine's clock and the service's: the API
// accepts requests signed up to 5 minutes off its clock, so a working
// client's clock can be that far off.
const creationClockSlack = 5*time.Minute + 30*time.Second

// codeAmbiguousCreate: several keys could be the one a CreateApiKey made.
const codeAmbiguousCreate = "ClientError.AmbiguousCreate"

// findCreated looks for the key that a CreateApiKey with an unclear outcome
// may have made. It returns nil, nil when there is none, so creating again
// is safe. A key whose ID is known (a manual key, or one an incomplete
// answer named) is read by ID; a manual key must carry the configured name
// and secret. An auto key is otherwise found by name among the keys that
// did not carry it before the first attempt, were created since it started
// and were not made or adopted by another create of this client (see
// keyClaims); more than one candidate is an error naming them all, since
// adopting the wrong one would orphan the other.
func (c *Client) findCreated(ctx context.Context, look *createLookup) (*APIKey, error) {
	in := look.in
	id := look.answeredID
	if in.AccessKeyType == KeyTypeManual {
		id = in.AccessKeyID
	}
	if id != "" {
		key, err := c.DescribeAPIKey(ctx, id)
		switch {
		case IsNotFound(err) && in.AccessKeyType == KeyTypeManual:
			return nil, nil
		case IsNotFound(err):
			// An answer named a key that cannot be found: look by name.
		case err != nil:
			return nil, err
		case in.AccessKeyType == KeyTypeManual && (key.AccessKeySecret != in.AccessKeySecret || key.SecretName != in.SecretName):
			return nil, &APIError{Action: actionCreate, Code: CodeAccessKeyExist,
				Message: fmt.Sprintf("key %s exists with another name or secret than configured", in.AccessKeyID)}
		default:
			c.claims.record(key.AccessKeyID)
			return key, nil
		}
	}

	since := look.started.Add(-creationClockSlack).UTC().Truncate(time.Second)
	for {
		// The key of a sibling's create still in flight is listed before
		// it is recorded as the sibling's: judge only once none is.
		if err := c.claims.settle(ctx, in.SecretName); err != nil {
			return nil, fmt.Errorf("waiting for the other creates of keys named %q in this run: %w", in.SecretName, err)
		}
		keys, err := c.ListAPIKeys(ctx, ListAPIKeysFilter{Name: "SecretName", Value: in.SecretName})
		if err != nil {
			return nil, err
		}
		var candidates []*APIKey
		for _, k := range keys {
			created, err := k.Created()
			if k.SecretName == in.SecretName && k.AccessKeyType == KeyTypeAuto && !look.existing[k.AccessKeyID] &&
				err == nil && !created.Before(since) {
				candidates = append(candidates, k)
			}
		}
		key, unclaimed, busy := c.claims.claimSole(in.SecretName, candidates)
		switch {
		case busy:
			continue // a sibling's create began meanwhile
		case key != nil:
			return key, nil
		case len(unclaimed) == 0:
			return nil, nil
		}
		ids := make([]string, len(unclaimed))
		for i, k := range unclaimed {
			ids[i] = k.AccessKeyID + " (created " + k.CreatedTime + ")"
		}
		return nil, &APIError{Action: actionCreate, Code: codeAmbiguousCreate, Message: fmt.Sprintf(
			"the outcome of CreateApiKey was unclear and %d new auto keys named %q were created since, none of them by another "+
				"resource of this run: %s. Any of them may be another writer's (a workspace or script using the same name), so none "+
				"was adopted. Find the one this resource's apply made, bring it under Terraform with "+
				"`terraform import <resource address> <AccessKeyId>`, and delete only a key that nothing uses",
			len(unclaimed), in.SecretName, strings.Join(ids, ", "))}
	}
}

// mayExist is the error for a CreateApiKey whose outcome was unclear when
// looking for the key failed too: it names the key ID (or, for an auto
// key, the name) and says how to find and import the key. Errors of the
// lookup that already say what to do are returned as they are.
func (l *createLookup) mayExist(cause, lookupErr error) error {
	if HasCode(lookupErr, codeAmbiguousCreate) || HasCode(lookupErr, CodeAccessKeyExist) {
		return lookupErr
	}
	id := l.answeredID
	if l.in.AccessKeyType == KeyTypeManual {
		id = l.in.AccessKeyID
	}
	var what string
	if id != "" {
		what = fmt.Sprintf("Key %s may exist. Check with DescribeApiKey or in the API Gateway console; if it exists, "+
			"bring it under Terraform with `terraform import <resource address> %s` (or delete it) before applying again.", id, id)
	} else {
		what = fmt.Sprintf("An auto key named %q may exist. Look for keys named %q created since %s (for example with the "+
			"tencentcloud_api_gateway_api_keys data source and secret_name = %q, or in the API Gateway console); bring the one "+
			"this apply made under Terraform with `terraform import <resource address> <AccessKeyId>` (or delete it) before applying again.",
			l.in.SecretName, l.in.SecretName, l.started.UTC().Format(apiTimeLayout), l.in.SecretName)
	}
	out := &APIError{Action: actionCreate, Code: CodeCreateOutcomeUnknown, err: cause,
		Message: fmt.Sprintf("CreateApiKey may have made a key (%s), and looking for it failed (%s). %s", cause, lookupErr, what)}
	if apiErr, ok := errors.AsType[*APIError](cause); ok {
		out.RequestID = apiErr.RequestID
	}
	return out
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
		requestID := deref(resp.Response.RequestId)
		key, err := usableKey(actionDescribe, resp.Response.Result, requestID, false)
		return key, requestID, err
	})
}

// UpdateAPIKey changes a key's secret: the given one for a manual key, a
// newly generated one for an auto key (secret ""). It returns the key after
// the change, so no read has to follow.
//
// Repeating UpdateApiKey is safe: a manual key gets the same secret again,
// and an auto key a newer one; either way the secret of the last answer is
// the key's secret, and that is what goes to state. An answer that cannot
// be used (null, incomplete or unparsable) still means the change was made:
// the key is then read again, so the old secret is never kept.
func (c *Client) UpdateAPIKey(ctx context.Context, id, secret string) (*APIKey, error) {
	req := apigw.NewUpdateApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	if secret != "" {
		req.AccessKeySecret = common.StringPtr(secret)
	}
	key, err := call(ctx, c, op{action: actionUpdate, keyID: id, safeToRepeat: true, secrets: nonEmpty(secret)}, func(ctx context.Context) (*APIKey, string, error) {
		resp, err := c.api.UpdateApiKeyWithContext(ctx, req)
		if err != nil {
			return nil, "", err
		}
		requestID := deref(resp.Response.RequestId)
		key, err := usableKey(actionUpdate, resp.Response.Result, requestID, true)
		return key, requestID, err
	})
	if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.answered {
		tflog.Debug(maskedContext(ctx, c.knownSecrets(nonEmpty(secret)...)), "UpdateApiKey answer unusable; reading the key again",
			map[string]any{"tencentcloud_access_key_id": id, "error_code": apiErr.Code})
		return c.DescribeAPIKey(ctx, id)
	}
	return key, err
}

// EnableAPIKey turns a key on. Repeating it is safe: enabling an enabled
// key changes nothing.
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

// DisableAPIKey turns a key off. Repeating it is safe, as for EnableAPIKey.
func (c *Client) DisableAPIKey(ctx context.Context, id string) error {
	return c.disableAPIKey(ctx, id, nil)
}

// readAheadOfTurn is how long before a DisableApiKey's turn at the rate
// limiter DisableAPIKeyIfEnabled sends its read: about one read call.
const readAheadOfTurn = 100 * time.Millisecond

// DisableAPIKeyIfEnabled reads the key's live status and turns it off if it
// is on; wasOn reports that it was on, so that this call (maybe, when err
// is ambiguous) turned it off. A missing key is an error for which
// IsNotFound is true. A key that is already off is left alone: only its
// caller knows it is off, a stored status may be stale.
//
// The read costs no time and, at scale, almost no calls: the disable's
// turn at the rate limiter is taken first, and the read is made while the
// turn comes, in a batch (ReadAPIKey) that gathers the reads of the other
// callers waiting for theirs.
func (c *Client) DisableAPIKeyIfEnabled(ctx context.Context, id string) (wasOn bool, err error) {
	turn := c.limiters.reserve(actionDisable)
	key, err := c.readAPIKey(ctx, id, time.Now().Add(turn.Delay()-readAheadOfTurn))
	if err != nil || key.Status != StatusEnabled {
		turn.Cancel()
		return false, err
	}
	return true, c.disableAPIKey(ctx, id, turn)
}

func (c *Client) disableAPIKey(ctx context.Context, id string, turn *rate.Reservation) error {
	req := apigw.NewDisableApiKeyRequest()
	req.AccessKeyId = common.StringPtr(id)
	_, err := call(ctx, c, op{action: actionDisable, keyID: id, safeToRepeat: true, turn: turn}, func(ctx context.Context) (struct{}, string, error) {
		resp, err := c.api.DisableApiKeyWithContext(ctx, req)
		if err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, deref(resp.Response.RequestId), boolResult(actionDisable, resp.Response.Result)
	})
	return err
}

// DeleteAPIKey deletes a disabled key. Repeating it is safe: a repeated
// delete finds nothing and answers ResourceNotFound, which callers take as done.
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

// ListAPIKeys returns every key that matches all filters, each once, in
// the API's order (see APIKeys for how paging stays correct).
func (c *Client) ListAPIKeys(ctx context.Context, filters ...ListAPIKeysFilter) ([]*APIKey, error) {
	var out []*APIKey
	for key, err := range c.APIKeys(ctx, filters...) {
		if err != nil {
			return nil, err
		}
		out = append(out, key)
	}
	return out, nil
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
