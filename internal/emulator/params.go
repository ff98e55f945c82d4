package emulator

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Formats of manual keys (create and update).
var (
	manualKeyIDPattern     = regexp.MustCompile(`^[A-Za-z0-9_]{5,50}$`)
	manualKeySecretPattern = regexp.MustCompile(`^[A-Za-z0-9_]{10,50}$`)
)

// checkContentType accepts the JSON bodies tencentcloud-sdk-go sends; the
// form-encoded variants of the protocol are not emulated.
func checkContentType(r *http.Request) *apiError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return newError("UnsupportedProtocol", "Content-Type %q is not supported: send a JSON body as application/json.", r.Header.Get("Content-Type"))
	}
	return nil
}

// decodeParams decodes a request body into dst, a pointer to a params
// struct. encoding/json ignores unknown names and matches known ones
// case-insensitively, while the service is strict and case-sensitive, so the
// names are then checked against the struct's json tags.
func decodeParams(body []byte, dst any) *apiError {
	if err := json.Unmarshal(body, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return newError("InvalidParameter", "The value type of parameter `%s` is invalid: expected %s, got %s.", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return newError("InvalidParameter", "The request body is not a valid JSON object: %v.", err)
	}
	return checkNames(body, reflect.TypeOf(dst).Elem(), "")
}

// checkNames reports the first parameter of the JSON object raw that the
// struct type t does not declare, descending into objects and arrays of
// objects. raw has already been decoded into t, so its shape is known good.
func checkNames(raw []byte, t reflect.Type, prefix string) *apiError {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return newError("InvalidParameter", "The value of `%s` is not a JSON object: %v.", strings.TrimSuffix(prefix, "."), err)
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	slices.Sort(names) // deterministic choice of the reported parameter
	for _, name := range names {
		f, ok := fieldByJSONName(t, name)
		if !ok {
			return newError("UnknownParameter", "The parameter `%s%s` is not recognized.", prefix, name)
		}
		ft := derefType(f.Type)
		switch {
		case ft.Kind() == reflect.Struct:
			if e := checkNames(obj[name], ft, prefix+name+"."); e != nil {
				return e
			}
		case ft.Kind() == reflect.Slice && derefType(ft.Elem()).Kind() == reflect.Struct:
			var items []json.RawMessage
			if err := json.Unmarshal(obj[name], &items); err != nil {
				return newError("InvalidParameter", "The value of `%s%s` is not a JSON array: %v.", prefix, name, err)
			}
			for i, item := range items {
				if e := checkNames(item, derefType(ft.Elem()), prefix+name+"."+strconv.Itoa(i)+"."); e != nil {
					return e
				}
			}
		}
	}
	return nil
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func missing(name string) *apiError {
	return newError("MissingParameter", "The request is missing a required parameter `%s`.", name)
}

func formatError(format string, args ...any) *apiError {
	return newError("InvalidParameter.FormatError", format, args...)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// logFields picks AccessKeyId, SecretName and UsagePlanId out of any body,
// for the call log of calls that are rejected before their parameters are
// decoded.
func logFields(body []byte, c *Call) {
	var p struct {
		AccessKeyID any `json:"AccessKeyId"`
		SecretName  any `json:"SecretName"`
		UsagePlanID any `json:"UsagePlanId"`
	}
	if json.Unmarshal(body, &p) != nil {
		return
	}
	if id, ok := p.AccessKeyID.(string); ok {
		c.AccessKeyID = id
	}
	if name, ok := p.SecretName.(string); ok {
		c.SecretName = name
	}
	if id, ok := p.UsagePlanID.(string); ok {
		c.UsagePlanID = id
	}
}
