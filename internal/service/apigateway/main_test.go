package apigateway_test

import (
	"testing"

	"github.com/tcapigw/terraform-provider-tencentcloud/internal/acctest"
)

func TestMain(m *testing.M) { acctest.RunTests(m) }
