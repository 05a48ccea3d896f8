package localcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// keystoneClient is a minimal Keystone v3 client: just what Up needs.
type keystoneClient struct {
	base  string // http://127.0.0.1:PORT/v3
	token string
	http  *http.Client
}

// httpClient never uses a proxy: everything the harness talks to is on
// loopback.
func httpClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16},
	}
}

func newKeystoneClient(base string) *keystoneClient {
	return &keystoneClient{base: strings.TrimRight(base, "/"), http: httpClient(30 * time.Second)}
}

// apiError is a non-2xx answer.
type apiError struct {
	Method, URL string
	Status      int
	Body        string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.URL, e.Status, strings.TrimSpace(e.Body))
}

// do sends a JSON request and decodes a JSON answer into out (if not nil).
// It returns the response headers.
func (k *keystoneClient) do(ctx context.Context, method, path string, in, out any, want ...int) (http.Header, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	u := k.base + path
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.token != "" {
		req.Header.Set("X-Auth-Token", k.token)
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	ok := false
	for _, w := range want {
		ok = ok || resp.StatusCode == w
	}
	if !ok {
		return resp.Header, &apiError{Method: method, URL: u, Status: resp.StatusCode, Body: string(rb)}
	}
	if out != nil && len(rb) > 0 {
		if err := json.Unmarshal(rb, out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: decoding answer: %w", method, u, err)
		}
	}
	return resp.Header, nil
}

// passwordAuth returns the body of POST /v3/auth/tokens for a password
// authentication scoped to a project, both in domain Default.
func passwordAuth(user, password, project string) map[string]any {
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []string{"password"},
			"password": map[string]any{"user": map[string]any{
				"name": user, "password": password,
				"domain": map[string]string{"name": domainName},
			}},
		},
		"scope": map[string]any{"project": map[string]any{
			"name": project, "domain": map[string]string{"name": domainName},
		}},
	}}
}

// authenticate gets a project-scoped token and keeps it for later calls. It
// returns the project id and user id of the token.
func (k *keystoneClient) authenticate(ctx context.Context, user, password, project string) (projectID, userID string, err error) {
	var out struct {
		Token struct {
			Project struct{ ID string } `json:"project"`
			User    struct{ ID string } `json:"user"`
		} `json:"token"`
	}
	h, err := k.do(ctx, http.MethodPost, "/auth/tokens", passwordAuth(user, password, project), &out, http.StatusCreated)
	if err != nil {
		return "", "", err
	}
	tok := h.Get("X-Subject-Token")
	if tok == "" {
		return "", "", fmt.Errorf("keystone answered without X-Subject-Token")
	}
	k.token = tok
	return out.Token.Project.ID, out.Token.User.ID, nil
}

// roleID looks a role up by name.
func (k *keystoneClient) roleID(ctx context.Context, name string) (string, error) {
	var out struct {
		Roles []struct{ ID, Name string } `json:"roles"`
	}
	if _, err := k.do(ctx, http.MethodGet, "/roles?name="+url.QueryEscape(name), nil, &out, http.StatusOK); err != nil {
		return "", err
	}
	for _, r := range out.Roles {
		if r.Name == name {
			return r.ID, nil
		}
	}
	return "", fmt.Errorf("keystone has no role %q", name)
}

func (k *keystoneClient) createProject(ctx context.Context, name, description string) (string, error) {
	var out struct {
		Project struct{ ID string } `json:"project"`
	}
	in := map[string]any{"project": map[string]any{"name": name, "domain_id": domainID, "description": description, "enabled": true}}
	if _, err := k.do(ctx, http.MethodPost, "/projects", in, &out, http.StatusCreated); err != nil {
		return "", err
	}
	return out.Project.ID, nil
}

func (k *keystoneClient) createUser(ctx context.Context, name, password, defaultProjectID string) (string, error) {
	var out struct {
		User struct{ ID string } `json:"user"`
	}
	in := map[string]any{"user": map[string]any{
		"name": name, "password": password, "domain_id": domainID,
		"default_project_id": defaultProjectID, "enabled": true,
	}}
	if _, err := k.do(ctx, http.MethodPost, "/users", in, &out, http.StatusCreated); err != nil {
		return "", err
	}
	return out.User.ID, nil
}

func (k *keystoneClient) grantProjectRole(ctx context.Context, projectID, userID, roleID string) error {
	_, err := k.do(ctx, http.MethodPut, "/projects/"+projectID+"/users/"+userID+"/roles/"+roleID, nil, nil, http.StatusNoContent)
	return err
}

func (k *keystoneClient) createService(ctx context.Context, typ, name, description string) (string, error) {
	var out struct {
		Service struct{ ID string } `json:"service"`
	}
	in := map[string]any{"service": map[string]any{"type": typ, "name": name, "description": description, "enabled": true}}
	if _, err := k.do(ctx, http.MethodPost, "/services", in, &out, http.StatusCreated); err != nil {
		return "", err
	}
	return out.Service.ID, nil
}

func (k *keystoneClient) createEndpoint(ctx context.Context, serviceID, iface, u string) error {
	in := map[string]any{"endpoint": map[string]any{
		"service_id": serviceID, "interface": iface, "url": u, "region_id": regionName, "enabled": true,
	}}
	_, err := k.do(ctx, http.MethodPost, "/endpoints", in, nil, http.StatusCreated)
	return err
}

// probe GETs u and returns the status code (0 when nothing answered).
func probe(ctx context.Context, u string) int {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode
}

var probeClient = httpClient(5 * time.Second)
