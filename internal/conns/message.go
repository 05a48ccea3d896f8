package conns

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

var (
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
	// webob prefixes its messages with the status line, e.g. "403 Forbidden".
	statusPrefix = regexp.MustCompile(`^\d{3} [A-Za-z ]+?(: |\s{2,}|$)`)
)

const maxMessage = 300

// ServerMessage extracts the human message from an OpenStack error body:
// Keystone's {"error": {...}}, Glance's JSON or webob HTML pages. It never
// returns markup and never more than a short sentence or two.
func ServerMessage(body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "no message"
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		if m := jsonMessage(doc); m != "" {
			text = m
		}
	}
	if i := strings.Index(strings.ToLower(text), "<body"); i >= 0 {
		text = text[i:]
	}
	text = html.UnescapeString(tagPattern.ReplaceAllString(text, " "))
	text = strings.TrimSpace(spacePattern.ReplaceAllString(text, " "))
	if m := statusPrefix.FindString(text); m != "" && len(m) < len(text) {
		text = strings.TrimSpace(text[len(m):])
	}
	if len(text) > maxMessage {
		text = text[:maxMessage] + "…"
	}
	if text == "" {
		return "no message"
	}
	return text
}

func jsonMessage(doc map[string]any) string {
	for _, key := range []string{"error", "badRequest", "forbidden", "itemNotFound", "conflictingRequest"} {
		if inner, ok := doc[key].(map[string]any); ok {
			if m := jsonMessage(inner); m != "" {
				return m
			}
		}
	}
	for _, key := range []string{"message", "detail", "title"} {
		if s, ok := doc[key].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// Said renders what the server said in a failed call: "HTTP 403: message",
// or the transport error when there was no answer.
func Said(err error) string {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		return fmt.Sprintf("HTTP %d: %s", code.Actual, ServerMessage(code.Body))
	}
	return err.Error()
}
