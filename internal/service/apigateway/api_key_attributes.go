package apigateway

import (
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

// keyAttribute is one computed attribute of a key as the data sources and
// the ephemeral resource return it. Each kind of schema has its own
// attribute types, so the list is shared and each builds its own.
type keyAttribute struct {
	name, doc string
	sensitive bool
}

// readKeyAttributes are the attributes of a key that a read returns,
// besides its ID.
var readKeyAttributes = []keyAttribute{
	{name: "secret_name", doc: "The key's name."},
	{name: "access_key_type", doc: "`auto` (the service generated the ID and secret) or `manual`."},
	{name: "access_key_secret", doc: "The key secret.", sensitive: true},
	{name: "status", doc: "`on` (enabled) or `off` (disabled)."},
	{name: "create_time", doc: "When the key was created (ISO 8601, UTC)."},
	{name: "modify_time", doc: "When the key was last changed (ISO 8601, UTC)."},
}

// dataSourceKeyAttributes adds the read attributes of a key, and a computed
// attribute idName holding its ID, to attrs.
func dataSourceKeyAttributes(attrs map[string]dsschema.Attribute, idName string) map[string]dsschema.Attribute {
	attrs[idName] = dsschema.StringAttribute{MarkdownDescription: "The key ID.", Computed: true}
	for _, a := range readKeyAttributes {
		attrs[a.name] = dsschema.StringAttribute{MarkdownDescription: a.doc, Computed: true, Sensitive: a.sensitive}
	}
	return attrs
}

// ephemeralKeyAttributes is dataSourceKeyAttributes for the ephemeral resource.
func ephemeralKeyAttributes(attrs map[string]ephschema.Attribute, idName string) map[string]ephschema.Attribute {
	attrs[idName] = ephschema.StringAttribute{MarkdownDescription: "The key ID.", Computed: true}
	for _, a := range readKeyAttributes {
		attrs[a.name] = ephschema.StringAttribute{MarkdownDescription: a.doc, Computed: true, Sensitive: a.sensitive}
	}
	return attrs
}
