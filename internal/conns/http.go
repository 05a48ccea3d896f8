package conns

import (
	"crypto/tls"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// newHTTPClient is the one place where the provider's HTTP client is built:
// TLS settings, and a transport that logs each request without its headers
// or bodies, so tokens and passwords never reach the log.
func newHTTPClient(tlsConfig *tls.Config) http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if tlsConfig != nil {
		transport.TLSClientConfig = tlsConfig
	}
	return http.Client{Transport: &loggingTransport{next: transport}}
}

type loggingTransport struct {
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"url":         req.URL.Redacted(),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(req.Context(), "OpenStack API request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	if id := resp.Header.Get("X-Openstack-Request-Id"); id != "" {
		fields["request_id"] = id
	}
	tflog.Debug(req.Context(), "OpenStack API request", fields)
	return resp, nil
}
