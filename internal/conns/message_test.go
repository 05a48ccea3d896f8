package conns

import (
	"strings"
	"testing"
)

func TestServerMessage(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"webob page", "<html>\n <head>\n  <title>403 Forbidden</title>\n </head>\n <body>\n  <h1>403 Forbidden</h1>\n  Only shared images have members.<br /><br />\n\n\n\n </body>\n</html>", "Only shared images have members."},
		{"keystone json", `{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}`, "The request you have made requires authentication."},
		{"glance json", `{"message": "Member x already exists", "code": "409 Conflict", "title": "Conflict"}`, "Member x already exists"},
		{"entities", "<html><body><h1>404 Not Found</h1>No image found with ID &lt;x&gt;</body></html>", "No image found with ID <x>"},
		{"plain", "service unavailable", "service unavailable"},
		{"empty", "", "no message"},
		{"only heading", "<html><body><h1>500 Internal Server Error</h1></body></html>", "no message"},
	} {
		if got := ServerMessage([]byte(tc.body)); got != tc.want {
			t.Errorf("%s: ServerMessage = %q, want %q", tc.name, got, tc.want)
		}
	}
	long := ServerMessage([]byte(strings.Repeat("word ", 200)))
	if len(long) > maxMessage+len("…") || !strings.HasSuffix(long, "…") {
		t.Errorf("long message not cut: %d bytes", len(long))
	}
}
