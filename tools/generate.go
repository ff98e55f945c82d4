// Package tools holds the project's pinned development tools (see the tool
// directives in go.mod) and the code-generation steps for the docs.
//
// Run through `make generate`, which builds bin/tfplugindocs and the pinned
// Terraform CLI first and puts both in front of PATH: tfplugindocs looks for
// a terraform on PATH and would otherwise try to download one.
package tools

// Format the Terraform examples used in the documentation.
//go:generate terraform fmt -recursive ../examples/

// Generate the registry documentation under docs/ from the provider schema
// (exported by the pinned Terraform 1.16.3, see docs.sh), examples/ and templates/.
//go:generate bash docs.sh
