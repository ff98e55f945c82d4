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
// scheme (HTTP or HTTPS) and host[:port].
func ParseEndpoint(raw string) (scheme, host string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return "", "", fmt.Errorf("%q must be an http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("%q has no host", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", "", fmt.Errorf("%q must be scheme://host[:port] with no path, query or user information", raw)
	}
	return strings.ToUpper(u.Scheme), u.Host, nil
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
