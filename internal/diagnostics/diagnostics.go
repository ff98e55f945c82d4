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
	conns.CodeResourceIsInUse: "The key is still bound to a usage plan. Unbind it from every usage plan, or manage the binding " +
		"with a tencentcloud_api_gateway_api_key_attachment resource, then destroy again.",
	conns.CodeKeyCountLimit: "The account has reached its API key quota. Delete unused keys or ask TencentCloud for a larger quota.",
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
	return diag.NewErrorDiagnostic(summary, apiErrorDetail(err, credentialID, true))
}

// apiErrorDetail is APIError's detail; withHint adds the code's hint.
func apiErrorDetail(err error, credentialID string, withHint bool) string {
	var b strings.Builder
	b.WriteString(err.Error())
	code := conns.ErrorCode(err)
	if hint, ok := hints[code]; ok && withHint {
		b.WriteString("\n\n" + hint)
	} else if !ok && conns.IsAuthFailure(err) {
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
	return b.String()
}

// DeleteFailed is the error diagnostic for a delete that failed with the
// key as it was before: this delete did not disable it, so it says nothing
// about turning it back on. It says how to finish.
func DeleteFailed(keyID string, deleteErr error, credentialID string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Error deleting API key "+keyID,
		apiErrorDetail(deleteErr, credentialID, false)+"\n\n"+howToFinishDelete(keyID, deleteErr))
}

// DeleteFailedAfterDisable is the error diagnostic for a delete that failed
// after the key was disabled for it (the API deletes only disabled keys).
// restoreErr is the outcome of turning the key back on: nil means it is on
// again. Either way the diagnostic says what state the key is in, because
// a key left off locks out every caller that uses it.
func DeleteFailedAfterDisable(keyID string, deleteErr, restoreErr error, credentialID string) diag.Diagnostic {
	var b strings.Builder
	b.WriteString(apiErrorDetail(deleteErr, credentialID, false))
	if restoreErr == nil {
		b.WriteString("\n\nAPI key " + keyID + " was disabled to be deleted, and has been enabled again: callers that use it keep working.")
	} else {
		b.WriteString("\n\nAPI key " + keyID + " was disabled to be deleted, and enabling it again failed: " + restoreErr.Error() +
			"\n\nAPI key " + keyID + " is now DISABLED: every caller that uses it is refused until it is enabled again. " +
			"Enable it now in the TencentCloud console, or with: tccli apigateway EnableApiKey --AccessKeyId " + keyID)
	}
	b.WriteString("\n\n" + howToFinishDelete(keyID, deleteErr))
	return diag.NewErrorDiagnostic("Error deleting API key "+keyID, b.String())
}

// howToFinishDelete names the ways out of a failed delete. A key bound to
// a usage plan cannot be deleted (DeleteApiKey,
// https://www.tencentcloud.com/document/api/628/36638): the binding must go
// first (UnBindSecretIds, https://www.tencentcloud.com/document/api/628/36603),
// through Terraform or by hand, or the key leaves Terraform.
func howToFinishDelete(keyID string, deleteErr error) string {
	const stateRm = "keep the key and stop managing it with Terraform: terraform state rm <this resource's address>."
	if conns.ErrorCode(deleteErr) != conns.CodeResourceIsInUse {
		return "To finish, remove the cause above and run the apply or destroy again, or " + stateRm
	}
	return "API key " + keyID + " is still bound to a usage plan, and a bound key cannot be deleted. To finish, do one of:\n" +
		"- Manage the binding with Terraform: a tencentcloud_api_gateway_api_key_attachment resource for this key and its usage plan " +
		"(bring an existing binding in with: terraform import <attachment address> " + keyID + "#<usage plan ID>). " +
		"Terraform then destroys the binding before the key.\n" +
		"- Unbind the key from every usage plan it is bound to, in the API Gateway console (Usage Plans, the plan, its bound keys, Unbind) " +
		"or with: tccli apigateway UnBindSecretIds --UsagePlanId <usage plan ID> --AccessKeyIds '[\"" + keyID + "\"]'; " +
		"then run the apply or destroy again.\n" +
		"- Or " + stateRm
}
