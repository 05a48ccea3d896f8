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
	tagPattern = regexp.MustCompile(`<[^>]*>`)
	// The title and heading of webob's error page repeat the status line.
	headingPattern = regexp.MustCompile(`(?is)<(title|h1)>.*?</(title|h1)>`)
	spacePattern   = regexp.MustCompile(`\s+`)
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
	text = headingPattern.ReplaceAllString(text, " ")
	text = html.UnescapeString(tagPattern.ReplaceAllString(text, " "))
	text = strings.TrimSpace(spacePattern.ReplaceAllString(text, " "))
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
