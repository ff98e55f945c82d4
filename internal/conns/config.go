package conns

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
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

// credential returns static keys when both are set, and otherwise the SDK's
// own credential sources. The CVM role provider is left out on purpose: it
// calls the instance metadata service, and configuring must not touch the network.
func (c Config) credential() (common.CredentialIface, error) {
	switch {
	case c.SecretID != "" && c.SecretKey != "":
		if c.SecurityToken != "" {
			return common.NewTokenCredential(c.SecretID, c.SecretKey, c.SecurityToken), nil
		}
		return common.NewCredential(c.SecretID, c.SecretKey), nil
	case c.SecretID != "":
		return nil, errors.New("secret_id is set but secret_key is not")
	case c.SecretKey != "":
		return nil, errors.New("secret_key is set but secret_id is not")
	}
	chain := common.NewProviderChain([]common.Provider{
		common.DefaultProfileProvider(),
		common.DefaultTccliProfileProvider(),
	})
	cred, err := chain.GetCredential()
	if err != nil {
		// The SDK's message says which source failed (e.g. a malformed tccli file).
		return nil, fmt.Errorf("%w: %s", ErrNoCredentials, err)
	}
	return cred, nil
}
