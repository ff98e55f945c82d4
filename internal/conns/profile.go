package conns

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultProfile is the tccli profile used when none is named.
const DefaultProfile = "default"

// tccliProfile is one profile of tccli's shared configuration:
// <dir>/<name>.credential (keys, and optionally a role to assume) and
// <dir>/<name>.configure (the region).
type tccliProfile struct {
	Name            string
	Path            string
	SecretID        string `json:"secretId"`
	SecretKey       string `json:"secretKey"`
	Token           string `json:"token"`
	RoleARN         string `json:"role-arn"`
	RoleSessionName string `json:"role-session-name"`
	Region          string `json:"-"`
}

// DefaultSharedCredentialsDir is tccli's configuration folder, ~/.tccli.
func DefaultSharedCredentialsDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".tccli"
	}
	return filepath.Join(home, ".tccli")
}

// errProfileNotFound: the profile's credential file does not exist.
var errProfileNotFound = errors.New("profile not found")

// ValidateProfileName refuses a profile name that would reach outside the
// shared credentials folder: the name becomes part of a file path.
func ValidateProfileName(name string) error {
	if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") {
		return fmt.Errorf("profile name %q must not contain a path separator or \"..\": it names a file in the shared credentials folder", name)
	}
	return nil
}

// readTccliProfile reads a profile. The error names the file, never its content.
func readTccliProfile(dir, name string) (*tccliProfile, error) {
	if dir == "" {
		dir = DefaultSharedCredentialsDir()
	}
	if name == "" {
		name = DefaultProfile
	}
	// The name may come from TENCENTCLOUD_PROFILE or TCCLI_PROFILE, which
	// no schema validator sees.
	if err := ValidateProfileName(name); err != nil {
		return nil, err
	}
	p := &tccliProfile{Name: name, Path: filepath.Join(dir, name+".credential")}
	data, err := os.ReadFile(p.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %s does not exist", errProfileNotFound, p.Path)
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", p.Path, err)
	}
	if err := json.Unmarshal(data, p); err != nil {
		// The JSON error can quote the file; say only where it is.
		return nil, fmt.Errorf("%s is not a tccli credential file (JSON with secretId and secretKey)", p.Path)
	}
	switch {
	case p.SecretID == "" || p.SecretKey == "":
		return nil, fmt.Errorf("%s must set both secretId and secretKey", p.Path)
	case (p.RoleARN == "") != (p.RoleSessionName == ""):
		return nil, fmt.Errorf("%s must set role-arn and role-session-name together", p.Path)
	}

	// The region is optional; a missing or unreadable .configure file just
	// leaves it to the provider's other sources.
	var conf struct {
		SysParam struct {
			Region string `json:"region"`
		} `json:"_sys_param"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, name+".configure")); err == nil && json.Unmarshal(data, &conf) == nil {
		p.Region = conf.SysParam.Region
	}
	return p, nil
}
