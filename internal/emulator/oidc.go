package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Defaults of the emulator's own OIDC identity provider.
const (
	// DefaultIssuerURL is the "iss" of the tokens the in-process issuer signs.
	// Nothing is served there: the emulator holds the issuer's keys itself.
	DefaultIssuerURL = "https://oidc.emulator.invalid"
	// DefaultAudience is the token audience, which CAM calls the identity
	// provider's client ID; CI systems commonly use the STS host.
	DefaultAudience = "sts.tencentcloudapi.com"
	// DefaultSubject is the "sub" of tokens minted without one, in the form
	// GitHub Actions uses.
	DefaultSubject = "repo:example/infrastructure:ref:refs/heads/main"
	// DefaultTokenTTL is how long minted tokens are valid, like GitHub's.
	DefaultTokenTTL = 5 * time.Minute
)

// OIDCIssuer is a test OpenID Connect issuer: it signs JWTs with an ECDSA
// P-256 key made when it is created, and publishes the public key as a JWKS.
// It stands in for GitHub Actions' or GitLab's token service.
type OIDCIssuer struct {
	url    string
	signer jose.Signer
	jwks   jose.JSONWebKeySet
	now    func() time.Time
}

// NewOIDCIssuer makes an issuer with a fresh key. now may be nil (time.Now).
func NewOIDCIssuer(url string, now func() time.Time) (*OIDCIssuer, error) {
	if now == nil {
		now = time.Now
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the issuer key: %w", err)
	}
	kid := "emulator-" + randomAlnum(12)
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: string(jose.ES256), Use: "sig"}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("creating the issuer signer: %w", err)
	}
	return &OIDCIssuer{
		url:    url,
		signer: signer,
		jwks: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
			Key: &priv.PublicKey, KeyID: kid, Algorithm: string(jose.ES256), Use: "sig",
		}}},
		now: now,
	}, nil
}

// URL is the issuer's "iss".
func (i *OIDCIssuer) URL() string { return i.url }

// JWKS is the issuer's public key set, what a relying party would fetch
// from its jwks_uri.
func (i *OIDCIssuer) JWKS() jose.JSONWebKeySet { return i.jwks }

// TokenClaims are the claims of a token to mint. Zero values take the
// defaults: audience DefaultAudience, subject DefaultSubject, TTL
// DefaultTokenTTL. A negative TTL mints a token that has already expired.
type TokenClaims struct {
	Audience string
	Subject  string
	TTL      time.Duration
	// Issuer overrides the issuer's own URL (to test a wrong "iss").
	Issuer string
}

// Mint signs a token.
func (i *OIDCIssuer) Mint(c TokenClaims) (string, error) {
	if c.Audience == "" {
		c.Audience = DefaultAudience
	}
	if c.Subject == "" {
		c.Subject = DefaultSubject
	}
	if c.TTL == 0 {
		c.TTL = DefaultTokenTTL
	}
	if c.Issuer == "" {
		c.Issuer = i.url
	}
	now := i.now()
	issuedAt := now
	if c.TTL < 0 {
		issuedAt = now.Add(c.TTL - time.Minute)
	}
	claims := jwt.Claims{
		Issuer:    c.Issuer,
		Subject:   c.Subject,
		Audience:  jwt.Audience{c.Audience},
		IssuedAt:  jwt.NewNumericDate(issuedAt),
		NotBefore: jwt.NewNumericDate(issuedAt),
		Expiry:    jwt.NewNumericDate(now.Add(c.TTL)),
		ID:        randomAlnum(16),
	}
	return jwt.Signed(i.signer).Claims(claims).Serialize()
}

// MustMint is Mint for tests and the standalone command, where a failure
// to sign with a key just made is a bug.
func (i *OIDCIssuer) MustMint(c TokenClaims) string {
	tok, err := i.Mint(c)
	if err != nil {
		panic(fmt.Sprintf("emulator: minting a token: %v", err))
	}
	return tok
}

// errTokenSignature: no key of the provider's JWKS verifies the token.
var errTokenSignature = errors.New("the signature does not verify with the identity provider's keys")

// verifyToken checks a JWT against an identity provider as CAM does:
// signature (ES256 or RS256 with a key of the provider's JWKS), issuer,
// audience among the provider's client IDs, and the time claims. It returns
// the verified claims.
func verifyToken(raw string, p OIDCProvider, now time.Time) (*jwt.Claims, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		return nil, fmt.Errorf("the token is not a signed JWT: %w", err)
	}
	var claims jwt.Claims
	verified := false
	for _, h := range tok.Headers {
		for _, k := range p.Keys.Key(h.KeyID) {
			if tok.Claims(k.Key, &claims) == nil {
				verified = true
				break
			}
		}
	}
	if !verified {
		return nil, errTokenSignature
	}
	if claims.Issuer != p.Issuer {
		return nil, fmt.Errorf("the issuer %q is not the identity provider's %q", claims.Issuer, p.Issuer)
	}
	if err := claims.ValidateWithLeeway(jwt.Expected{AnyAudience: jwt.Audience(p.ClientIDs), Time: now}, 0); err != nil {
		switch {
		case errors.Is(err, jwt.ErrInvalidAudience):
			return nil, fmt.Errorf("the audience %q is not a client ID of the identity provider", []string(claims.Audience))
		case errors.Is(err, jwt.ErrExpired):
			return nil, errors.New("the token has expired")
		default:
			return nil, fmt.Errorf("the token is not valid: %w", err)
		}
	}
	if claims.Expiry == nil {
		return nil, errors.New("the token has no expiry")
	}
	return &claims, nil
}
