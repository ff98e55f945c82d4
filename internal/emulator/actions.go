package emulator

import "slices"

// actionFunc performs one action: it decodes body, applies the change and
// returns the value of Response.Result. It may fill call fields it learns.
type actionFunc func(s *Server, body []byte, call *Call) (any, *apiError)

var actions = map[string]actionFunc{
	"CreateApiKey":          (*Server).createAPIKey,
	"DescribeApiKey":        (*Server).describeAPIKey,
	"DescribeApiKeysStatus": (*Server).describeAPIKeysStatus,
	"UpdateApiKey":          (*Server).updateAPIKey,
	"EnableApiKey":          (*Server).enableAPIKey,
	"DisableApiKey":         (*Server).disableAPIKey,
	"DeleteApiKey":          (*Server).deleteAPIKey,

	"CreateUsagePlan":               (*Server).createUsagePlan,
	"DescribeUsagePlan":             (*Server).describeUsagePlan,
	"ModifyUsagePlan":               (*Server).modifyUsagePlan,
	"DeleteUsagePlan":               (*Server).deleteUsagePlan,
	"DescribeUsagePlansStatus":      (*Server).describeUsagePlansStatus,
	"BindSecretIds":                 (*Server).bindSecretIDs,
	"UnBindSecretIds":               (*Server).unbindSecretIDs,
	"DescribeUsagePlanSecretIds":    (*Server).describeUsagePlanSecretIDs,
	"DescribeUsagePlanEnvironments": (*Server).describeUsagePlanEnvironments,
}

// Actions returns the names of the emulated actions, sorted.
func Actions() []string {
	names := make([]string, 0, len(actions))
	for name := range actions {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

const (
	isoTime         = "2006-01-02T15:04:05Z" // the API's time format (UTC)
	autoKeyIDPrefix = "AKID"
	autoKeyIDLen    = 32 // random characters after the prefix
	autoSecretLen   = 32
)

// apiKey is the ApiKey object of the API.
type apiKey struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	AccessKeyType   string `json:"AccessKeyType"`
	SecretName      string `json:"SecretName"`
	Status          int    `json:"Status"` // 1 enabled, 0 disabled
	CreatedTime     string `json:"CreatedTime"`
	ModifiedTime    string `json:"ModifiedTime"`
}

func toAPIKey(k *Key) apiKey {
	status := 0
	if k.Enabled {
		status = 1
	}
	return apiKey{
		AccessKeyID:     k.AccessKeyID,
		AccessKeySecret: k.AccessKeySecret,
		AccessKeyType:   k.AccessKeyType,
		SecretName:      k.SecretName,
		Status:          status,
		CreatedTime:     k.CreatedTime.UTC().Format(isoTime),
		ModifiedTime:    k.ModifiedTime.UTC().Format(isoTime),
	}
}

func keyNotFound(id string) *apiError {
	return newError("ResourceNotFound.InvalidAccessKeyId", "The key `%s` does not exist.", id)
}

// keyIDParams is the input of the actions that only name a key.
type keyIDParams struct {
	AccessKeyID *string `json:"AccessKeyId"`
}

func decodeKeyID(body []byte) (string, *apiError) {
	var p keyIDParams
	if e := decodeParams(body, &p); e != nil {
		return "", e
	}
	if deref(p.AccessKeyID) == "" {
		return "", missing("AccessKeyId")
	}
	return *p.AccessKeyID, nil
}

type createParams struct {
	SecretName      *string `json:"SecretName"`
	AccessKeyType   *string `json:"AccessKeyType"`
	AccessKeyID     *string `json:"AccessKeyId"`
	AccessKeySecret *string `json:"AccessKeySecret"`
}

func (s *Server) createAPIKey(body []byte, call *Call) (any, *apiError) {
	var p createParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	if deref(p.SecretName) == "" {
		return nil, missing("SecretName")
	}
	typ := deref(p.AccessKeyType)
	if typ == "" {
		typ = KeyTypeAuto
	}
	id, secret := deref(p.AccessKeyID), deref(p.AccessKeySecret)
	switch typ {
	case KeyTypeAuto:
		// Guess: the service generates both, so supplying either is a caller error.
		if id != "" || secret != "" {
			return nil, formatError("AccessKeyId and AccessKeySecret can only be set when AccessKeyType is manual.")
		}
	case KeyTypeManual:
		switch {
		case id == "":
			return nil, missing("AccessKeyId")
		case secret == "":
			return nil, missing("AccessKeySecret")
		case !manualKeyIDPattern.MatchString(id):
			return nil, formatError("AccessKeyId must be 5-50 letters, digits and underscores.")
		case !manualKeySecretPattern.MatchString(secret):
			return nil, formatError("AccessKeySecret must be 10-50 letters, digits and underscores.")
		}
	default:
		return nil, formatError("AccessKeyType must be auto or manual, not %q.", typ)
	}

	now := apiTime(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.store.get(id); typ == KeyTypeManual && exists {
		return nil, newError("FailedOperation.AccessKeyExist", "The key `%s` already exists.", id)
	}
	if s.store.len() >= s.quota {
		return nil, newError("LimitExceeded.ApiKeyCountLimitExceeded", "The number of keys has reached the limit of %d.", s.quota)
	}
	if typ == KeyTypeAuto {
		for id == "" || s.store.byID[id] != nil {
			id = autoKeyIDPrefix + randomAlnum(autoKeyIDLen)
		}
		secret = randomAlnum(autoSecretLen)
	}
	k := Key{
		AccessKeyID:     id,
		AccessKeySecret: secret,
		AccessKeyType:   typ,
		SecretName:      *p.SecretName,
		Enabled:         true,
		CreatedTime:     now,
		ModifiedTime:    now,
	}
	s.store.put(k)
	call.AccessKeyID = id
	return toAPIKey(&k), nil
}

func (s *Server) describeAPIKey(body []byte, _ *Call) (any, *apiError) {
	id, e := decodeKeyID(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	if !ok {
		return nil, keyNotFound(id)
	}
	return toAPIKey(k), nil
}

type updateParams struct {
	AccessKeyID     *string `json:"AccessKeyId"`
	AccessKeySecret *string `json:"AccessKeySecret"`
}

func (s *Server) updateAPIKey(body []byte, _ *Call) (any, *apiError) {
	var p updateParams
	if e := decodeParams(body, &p); e != nil {
		return nil, e
	}
	id := deref(p.AccessKeyID)
	if id == "" {
		return nil, missing("AccessKeyId")
	}
	secret := deref(p.AccessKeySecret)

	now := apiTime(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	if !ok {
		return nil, keyNotFound(id)
	}
	if k.AccessKeyType == KeyTypeManual {
		// UpdateApiKey documents only InvalidParameter.FormatError for a bad
		// secret, so a missing one (which fails the format) answers the same.
		if !manualKeySecretPattern.MatchString(secret) {
			return nil, formatError("AccessKeySecret is required for a manual key and must be 10-50 letters, digits and underscores.")
		}
		if !s.manualAllowlisted {
			return nil, newError("UnsupportedOperation.UinNotInWhiteList", "The current Uin is not in the manual key allowlist.")
		}
		k.AccessKeySecret = secret
	} else {
		if secret != "" {
			return nil, formatError("AccessKeySecret can only be set for a manual key; the secret of an auto key is generated.")
		}
		k.AccessKeySecret = randomAlnum(autoSecretLen)
	}
	k.ModifiedTime = now
	return toAPIKey(k), nil
}

func (s *Server) enableAPIKey(body []byte, _ *Call) (any, *apiError) {
	return s.setStatus(body, true)
}

func (s *Server) disableAPIKey(body []byte, _ *Call) (any, *apiError) {
	return s.setStatus(body, false)
}

func (s *Server) setStatus(body []byte, enabled bool) (any, *apiError) {
	id, e := decodeKeyID(body)
	if e != nil {
		return nil, e
	}
	now := apiTime(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	if !ok {
		return nil, keyNotFound(id)
	}
	if k.AccessKeyType == KeyTypeManual && !s.manualAllowlisted {
		return nil, newError("UnsupportedOperation.UinNotInWhiteList", "The current Uin is not in the manual key allowlist.")
	}
	if k.Enabled != enabled {
		k.Enabled = enabled
		k.ModifiedTime = now
	}
	return true, nil
}

func (s *Server) deleteAPIKey(body []byte, _ *Call) (any, *apiError) {
	id, e := decodeKeyID(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.store.get(id)
	switch {
	case !ok:
		return nil, keyNotFound(id)
	case k.Enabled:
		return nil, newError("UnsupportedOperation.InvalidStatus", "The key `%s` is enabled; disable it before deleting it.", id)
	case s.store.bound(k):
		return nil, newError("UnsupportedOperation.ResourceIsInUse", "The key `%s` is bound to a usage plan; unbind it before deleting it.", id)
	}
	s.store.delete(id)
	return true, nil
}
