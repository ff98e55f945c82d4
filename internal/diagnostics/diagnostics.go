// Package diagnostics builds the user-facing diagnostics that resources
// report for failed API calls, so every resource explains errors alike.
package diagnostics

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/conns"
)

// hints say what to do about an API error code, where the code tells.
var hints = map[string]string{
	conns.CodeUinNotInWhiteList: "This account is not on TencentCloud's allowlist for manual API keys. " +
		"Use access_key_type = \"auto\", or ask TencentCloud to allowlist the account for manual keys.",
	conns.CodeResourceIsInUse: "The key is still bound to a usage plan. Unbind it from every usage plan, then destroy again.",
	conns.CodeKeyCountLimit:   "The account has reached its API key quota. Delete unused keys or ask TencentCloud for a larger quota.",
	conns.CodeAccessKeyExist: "A key with this access_key_id already exists. Choose another ID, or bring the existing key under " +
		"Terraform with `terraform import`.",
	conns.CodeSignatureExpire: "The request's timestamp was more than 5 minutes off the server's clock: check this machine's clock.",
	conns.CodeUsagePlanLimit:  "The account has reached its usage plan quota (200). Delete unused usage plans or ask TencentCloud for a larger quota.",
	conns.CodeUsagePlanInUse: "The usage plan is still bound to a service or an API. Unbind it from them (UnBindEnvironment, or the API Gateway " +
		"console), then destroy again.",
}

// APIError is the error diagnostic for a failed API call: what failed, the
// API's code, message and request ID, and what to do where the code says.
// credentialID names the SecretId in use (never its key) for auth failures.
func APIError(summary string, err error, credentialID string) diag.Diagnostic {
	var b strings.Builder
	b.WriteString(err.Error())
	code := conns.ErrorCode(err)
	if hint, ok := hints[code]; ok {
		b.WriteString("\n\n" + hint)
	} else if conns.IsAuthFailure(err) {
		b.WriteString("\n\nTencentCloud rejected the credential with SecretId " + credentialID +
			": check that the SecretId and SecretKey (and the token, for temporary credentials) are current and belong together.")
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		b.WriteString("\n\nThe operation did not finish within its timeout. If the API is slow, raise the timeout in the resource's timeouts block.")
	case errors.Is(err, context.Canceled):
		b.WriteString("\n\nThe operation was cancelled.")
	case conns.IsTransient(err):
		b.WriteString("\n\nThis error is temporary; running the operation again should succeed.")
	}
	return diag.NewErrorDiagnostic(summary, b.String())
}

// DeleteFailedAfterDisable is the error diagnostic for a delete that failed
// after the key was disabled for it (the API deletes only disabled keys).
// restoreErr is the outcome of turning the key back on: nil means it is on
// again. Either way the diagnostic says what state the key is in, because
// a key left off locks out every caller that uses it.
func DeleteFailedAfterDisable(keyID string, deleteErr, restoreErr error, credentialID string) diag.Diagnostic {
	d := APIError("Error deleting API key "+keyID, deleteErr, credentialID)
	var b strings.Builder
	b.WriteString(d.Detail())
	if restoreErr == nil {
		b.WriteString("\n\nAPI key " + keyID + " was disabled to be deleted, and has been enabled again: callers that use it keep working.")
	} else {
		b.WriteString("\n\nAPI key " + keyID + " was disabled to be deleted, and enabling it again failed: " + restoreErr.Error() +
			"\n\nAPI key " + keyID + " is now DISABLED: every caller that uses it is refused until it is enabled again. " +
			"Enable it now in the TencentCloud console, or with: tccli apigateway EnableApiKey --AccessKeyId " + keyID)
	}
	b.WriteString("\n\nTo finish, either unbind the key from every usage plan it is bound to (or remove the cause above) and " +
		"run the apply or destroy again, or keep the key and stop managing it with Terraform: terraform state rm <this resource's address>.")
	return diag.NewErrorDiagnostic(d.Summary(), b.String())
}
