package conns

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Defaults shared with the existing TencentCloud provider.
const (
	DefaultRegion   = "ap-guangzhou"
	DefaultProtocol = "HTTPS"
	DefaultDomain   = "tencentcloudapi.com"
	serviceName     = "apigateway"
)

// Config is the resolved provider configuration: every value already chosen
// from the provider block, the environment or the default.
type Config struct {
	SecretID      string
	SecretKey     string
	SecurityToken string
	Region        string
	Protocol      string // HTTPS or HTTP
	Domain        string
	// Endpoint, when set, is a full URL (scheme://host[:port]) that replaces
	// the API Gateway endpoint built from Protocol and Domain.
	Endpoint string
	// RateLimit is the most calls per second of each action (0: DefaultRateLimit).
	RateLimit int
	// Version of the provider, sent in the SDK's RequestClient header.
	Version string

	// Keyless credentials and account guards; see credentials.go for the
	// precedence. Profile or SharedCredentialsDir set means a named profile.
	AssumeRole           *AssumeRoleConfig
	WebIdentity          *WebIdentityConfig
	Profile              string
	SharedCredentialsDir string
	AllowedAccountIDs    []string
	ForbiddenAccountIDs  []string
	// STSEndpoint, when set, is a full URL that replaces sts.<domain>.
	STSEndpoint string
}

// ErrNoCredentials means neither static keys nor any SDK credential source
// (credentials file, tccli profile) provided a credential.
var ErrNoCredentials = errors.New("no TencentCloud credentials found")

// ParseEndpoint checks an endpoint override and splits it into the SDK's
// scheme (HTTP or HTTPS) and host[:port]. Its errors never quote user
// information (https://user:token@proxy): that is a credential. They show
// the URL as RedactEndpoint renders it, and a URL with user information is
// rejected before it is parsed, so no parser message can quote it either.
func ParseEndpoint(raw string) (scheme, host string, err error) {
	shown := RedactEndpoint(raw)
	if shown != raw {
		return "", "", fmt.Errorf("%q must be scheme://host[:port] with no user information: credentials do not belong in the endpoint (a forward proxy that needs them goes in HTTPS_PROXY)", shown)
	}
	u, err := url.Parse(raw)
	if err != nil {
		reason := err
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			reason = urlErr.Err // without the URL, which is quoted once already
		}
		return "", "", fmt.Errorf("%q is not a URL: %w", shown, reason)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return "", "", fmt.Errorf("%q must be an http:// or https:// URL", shown)
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("%q has no host", shown)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", "", fmt.Errorf("%q must be scheme://host[:port] with no path, query or user information", shown)
	}
	return strings.ToUpper(u.Scheme), u.Host, nil
}

// RedactEndpoint returns an endpoint URL fit for a message: any user
// information (everything between "://" and the last "@", or before the
// last "@" when there is no scheme) is replaced by REDACTED. It works on
// the text, so it also covers URLs that do not parse, and a password with
// a "/" or "#" in it; an "@" in a path is redacted too, which only hides
// part of an endpoint that is invalid anyway.
func RedactEndpoint(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 && i < at {
		start = i + len("://")
	}
	return raw[:start] + "REDACTED" + raw[at:]
}

// endpoint returns the scheme and host that API Gateway calls go to.
func (c Config) endpoint() (scheme, host string, err error) {
	if c.Endpoint != "" {
		return ParseEndpoint(c.Endpoint)
	}
	protocol := strings.ToUpper(c.Protocol)
	if protocol == "" {
		protocol = DefaultProtocol
	}
	if protocol != "HTTP" && protocol != "HTTPS" {
		return "", "", fmt.Errorf("protocol %q must be HTTPS or HTTP", c.Protocol)
	}
	domain := c.Domain
	if domain == "" {
		domain = DefaultDomain
	}
	return protocol, serviceName + "." + domain, nil
}

// credential returns the keys that sign API calls, resolved as
// resolveCredentials documents; temporary credentials are not obtained yet.
func (c Config) credential() (credentials, error) {
	plan, err := c.resolveCredentials()
	if err != nil {
		return nil, err
	}
	return plan.buildCredentials(c, orDefault(c.Region, orDefault(plan.region, DefaultRegion)))
}
