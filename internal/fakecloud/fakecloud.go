// Package fakecloud is an in-process Keystone + Glance for hermetic provider
// tests. Its member endpoints answer exactly as the real Glance does (see the
// project's notes on Glance image members): the same status codes for owner,
// member, stranger and admin, hidden members of non-shared images, quota
// before duplicates, 204 on delete. It also injects faults a real Glance
// cannot produce on demand.
package fakecloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Region is the only region in the fake catalog.
const Region = "RegionOne"

// Project is an identity of the fake cloud: a project with one user of the
// same name.
type Project struct {
	ID       string
	Name     string
	Password string
	Admin    bool
}

// Image is the part of a Glance image the member API looks at.
type Image struct {
	ID         string
	Name       string
	Owner      string
	Visibility string
	Tags       []string
	CreatedAt  time.Time
	members    map[string]*Member
	deleted    bool
}

// Member is one row of an image's member list.
type Member struct {
	ImageID   string
	MemberID  string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Fault is an injected answer for the next matching request.
type Fault struct {
	Method string // "" matches any
	Path   string // suffix of the URL path; "" matches any
	Status int    // HTTP status to answer with; 0 closes the connection
	Body   string
	Header map[string]string
}

// Cloud is the running fake.
type Cloud struct {
	URL string

	server   *httptest.Server
	mu       sync.Mutex
	projects map[string]*Project // by name
	tokens   map[string]*Project
	images   map[string]*Image
	quota    int
	pageSize int
	faults   []Fault
	requests []string
	seq      int
	now      time.Time
}

// New starts a fake cloud that stops when the test ends. It has one admin
// project, "admin".
func New(t testing.TB) *Cloud {
	c := &Cloud{
		projects: map[string]*Project{},
		tokens:   map[string]*Project{},
		images:   map[string]*Image{},
		quota:    128,
		now:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	c.server = httptest.NewServer(http.HandlerFunc(c.serve))
	c.URL = c.server.URL
	t.Cleanup(c.server.Close)
	c.AddProject("admin").Admin = true
	return c
}

// AuthURL is the fake Keystone's v3 endpoint.
func (c *Cloud) AuthURL() string { return c.URL + "/v3" }

// AddProject creates a project and its user; the password is "pw-" + name.
func (c *Cloud) AddProject(name string) *Project {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	p := &Project{ID: fmt.Sprintf("%032x", c.seq), Name: name, Password: "pw-" + name}
	c.projects[name] = p
	return p
}

// Project returns the named project ("admin" always exists).
func (c *Cloud) Project(name string) *Project {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.projects[name]
}

// ProviderConfig is a provider block that logs in as the named project.
func (c *Cloud) ProviderConfig(alias, name string) string {
	p := c.projects[name]
	aliasLine := ""
	if alias != "" {
		aliasLine = fmt.Sprintf("  alias = %q\n", alias)
	}
	return fmt.Sprintf(`provider "openstack" {
%s  auth_url    = %q
  user_name   = %q
  password    = %q
  tenant_name = %q
  region      = %q
}
`, aliasLine, c.AuthURL(), p.Name, p.Password, p.Name, Region)
}

// IssueToken returns a new token scoped to the project, as if the user had
// run `openstack token issue`.
func (c *Cloud) IssueToken(p *Project) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.newToken(p)
}

func (c *Cloud) newToken(p *Project) string {
	c.seq++
	token := fmt.Sprintf("tok-%s-%d", p.Name, c.seq)
	c.tokens[token] = p
	return token
}

// SetMemberQuota sets Glance's image_member_quota.
func (c *Cloud) SetMemberQuota(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quota = n
}

// SetPageSize makes GET /v2/images answer at most n images per page when the
// request asks for no limit or a larger one, as Glance's limit_param_default
// and api_limit_max do. 0 (the default) answers everything in one page.
func (c *Cloud) SetPageSize(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pageSize = n
}

// AddImage creates an image owned by the project; visibility defaults to
// "shared" as in Glance.
func (c *Cloud) AddImage(owner *Project, name, visibility string, tags ...string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if visibility == "" {
		visibility = "shared"
	}
	c.seq++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", c.seq)
	c.images[id] = &Image{ID: id, Name: name, Owner: owner.ID, Visibility: visibility, Tags: tags,
		CreatedAt: c.tick(), members: map[string]*Member{}}
	return id
}

// SetVisibility changes an image's visibility, as the owner would.
func (c *Cloud) SetVisibility(imageID, visibility string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.images[imageID].Visibility = visibility
}

// DeleteImage deletes an image; its members go with it.
func (c *Cloud) DeleteImage(imageID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.images[imageID].deleted = true
}

// PutMember adds or changes a member behind the provider's back.
func (c *Cloud) PutMember(imageID, memberID, status string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	img := c.images[imageID]
	now := c.tick()
	if m, ok := img.members[memberID]; ok {
		m.Status, m.UpdatedAt = status, now
		return
	}
	img.members[memberID] = &Member{ImageID: imageID, MemberID: memberID, Status: status, CreatedAt: now, UpdatedAt: now}
}

// RemoveMember removes a member behind the provider's back.
func (c *Cloud) RemoveMember(imageID, memberID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.images[imageID].members, memberID)
}

// Member returns a member's row as stored, whatever the image's visibility.
func (c *Cloud) Member(imageID, memberID string) (Member, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	img := c.images[imageID]
	if img == nil || img.deleted {
		return Member{}, false
	}
	m, ok := img.members[memberID]
	if !ok {
		return Member{}, false
	}
	return *m, true
}

// Fail queues a fault for the next request that matches it.
func (c *Cloud) Fail(f Fault) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, f)
}

// Requests returns "METHOD /path?query" for every request served so far.
func (c *Cloud) Requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.requests...)
}

func (c *Cloud) tick() time.Time {
	c.now = c.now.Add(time.Second)
	return c.now
}

func (c *Cloud) serve(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, r.Method+" "+r.URL.RequestURI())
	for i, f := range c.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasSuffix(r.URL.Path, f.Path) {
			c.faults = append(c.faults[:i], c.faults[i+1:]...)
			if f.Status == 0 {
				if hj, ok := w.(http.Hijacker); ok {
					conn, _, _ := hj.Hijack()
					_ = conn.Close()
					return
				}
			}
			for k, v := range f.Header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(f.Status)
			_, _ = w.Write([]byte(f.Body))
			return
		}
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/v3"):
		c.serveKeystone(w, r)
	case strings.HasPrefix(r.URL.Path, "/image"):
		caller := c.tokens[r.Header.Get("X-Auth-Token")]
		if caller == nil {
			writeKeystoneError(w, http.StatusUnauthorized, "The request you have made requires authentication.")
			return
		}
		c.serveGlance(w, r, caller, strings.TrimPrefix(r.URL.Path, "/image"))
	default:
		http.NotFound(w, r)
	}
}

// writeGlanceError answers as Glance does to a JSON client: webob's JSON
// error document, whose message still carries webob's "<br /><br />" tail.
func writeGlanceError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{
		"message": message + "<br /><br />\n\n\n",
		"code":    fmt.Sprintf("%d %s", status, http.StatusText(status)),
		"title":   http.StatusText(status),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeKeystoneError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": message, "title": http.StatusText(status)}})
}

func (c *Cloud) serveKeystone(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v3/auth/tokens" && r.Method == http.MethodPost:
		c.issueToken(w, r)
	case r.URL.Path == "/v3/auth/tokens" && r.Method == http.MethodGet:
		subject := r.Header.Get("X-Subject-Token")
		p := c.tokens[subject]
		if p == nil {
			writeKeystoneError(w, http.StatusNotFound, "Could not find token.")
			return
		}
		w.Header().Set("X-Subject-Token", subject)
		writeJSON(w, http.StatusOK, c.tokenBody(p))
	case strings.TrimSuffix(r.URL.Path, "/") == "/v3":
		writeJSON(w, http.StatusOK, map[string]any{"version": map[string]any{"id": "v3.14", "status": "stable",
			"links": []any{map[string]any{"rel": "self", "href": c.AuthURL() + "/"}}}})
	default:
		writeKeystoneError(w, http.StatusNotFound, "The resource could not be found.")
	}
}

func (c *Cloud) issueToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
					} `json:"user"`
				} `json:"password"`
				Token struct {
					ID string `json:"id"`
				} `json:"token"`
			} `json:"identity"`
		} `json:"auth"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeKeystoneError(w, http.StatusBadRequest, "Expecting to find auth in request body.")
		return
	}
	var p *Project
	if u := body.Auth.Identity.Password.User; u.Name != "" {
		if cand := c.projects[u.Name]; cand != nil && cand.Password == u.Password {
			p = cand
		}
	} else if id := body.Auth.Identity.Token.ID; id != "" {
		p = c.tokens[id]
	}
	if p == nil {
		writeKeystoneError(w, http.StatusUnauthorized, "The request you have made requires authentication.")
		return
	}
	w.Header().Set("X-Subject-Token", c.newToken(p))
	writeJSON(w, http.StatusCreated, c.tokenBody(p))
}

func (c *Cloud) tokenBody(p *Project) map[string]any {
	roles := []any{map[string]any{"id": "r-member", "name": "member"}, map[string]any{"id": "r-reader", "name": "reader"}}
	if p.Admin {
		roles = append(roles, map[string]any{"id": "r-admin", "name": "admin"})
	}
	endpoints := func(url string) []any {
		var out []any
		for _, iface := range []string{"public", "internal", "admin"} {
			out = append(out, map[string]any{"id": "e-" + iface, "interface": iface, "region": Region, "region_id": Region, "url": url})
		}
		return out
	}
	return map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"expires_at": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"),
		"issued_at":  time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		"user":       map[string]any{"id": "u-" + p.ID, "name": p.Name, "domain": map[string]any{"id": "default", "name": "Default"}},
		"project":    map[string]any{"id": p.ID, "name": p.Name, "domain": map[string]any{"id": "default", "name": "Default"}},
		"roles":      roles,
		"catalog": []any{
			map[string]any{"type": "identity", "name": "keystone", "id": "s-identity", "endpoints": endpoints(c.AuthURL())},
			map[string]any{"type": "image", "name": "glance", "id": "s-image", "endpoints": endpoints(c.URL + "/image")},
		},
	}}
}

// visible tells whether the caller may see the image at all.
func (c *Cloud) visible(img *Image, caller *Project) bool {
	if img == nil || img.deleted {
		return false
	}
	if caller.Admin || img.Owner == caller.ID || img.Visibility == "public" || img.Visibility == "community" {
		return true
	}
	_, member := img.members[caller.ID]
	return img.Visibility == "shared" && member
}

func (c *Cloud) serveGlance(w http.ResponseWriter, r *http.Request, caller *Project, path string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) == 1 && parts[0] == "" {
		writeJSON(w, http.StatusMultipleChoices, map[string]any{"versions": []any{map[string]any{
			"id": "v2.16", "status": "CURRENT", "links": []any{map[string]any{"rel": "self", "href": c.URL + "/image/v2/"}}}}})
		return
	}
	if len(parts) < 2 || parts[0] != "v2" || parts[1] != "images" {
		writeGlanceError(w, http.StatusNotFound, "The resource could not be found.")
		return
	}
	if len(parts) == 2 && r.Method == http.MethodGet {
		c.listImages(w, r, caller)
		return
	}
	img := c.images[parts[2]]
	if !c.visible(img, caller) {
		writeGlanceError(w, http.StatusNotFound, fmt.Sprintf("Image %s not found.", parts[2]))
		return
	}
	owner := caller.Admin || img.Owner == caller.ID
	switch {
	case len(parts) == 3 && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, imageJSON(img))
	case len(parts) == 4 && parts[3] == "members":
		c.serveMembers(w, r, caller, img, owner)
	case len(parts) == 5 && parts[3] == "members":
		c.serveMember(w, r, caller, img, owner, parts[4])
	default:
		writeGlanceError(w, http.StatusNotFound, "The resource could not be found.")
	}
}

func (c *Cloud) serveMembers(w http.ResponseWriter, r *http.Request, caller *Project, img *Image, owner bool) {
	if img.Visibility != "shared" && !caller.Admin {
		writeGlanceError(w, http.StatusForbidden, fmt.Sprintf("Not allowed to %s members for image %s.", map[string]string{"GET": "list", "POST": "create"}[r.Method], img.ID))
		return
	}
	switch r.Method {
	case http.MethodGet:
		var rows []any
		for _, m := range sortedMembers(img) {
			if owner || m.MemberID == caller.ID {
				rows = append(rows, memberJSON(m))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"members": rows, "schema": "/v2/schemas/members"})
	case http.MethodPost:
		if !owner {
			writeGlanceError(w, http.StatusForbidden, fmt.Sprintf("Not allowed to create members for image %s.", img.ID))
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeGlanceError(w, http.StatusBadRequest, "Body expected in request.")
			return
		}
		id, _ := body["member"].(string)
		if id == "" {
			writeGlanceError(w, http.StatusBadRequest, "Member can't be empty")
			return
		}
		if len(img.members) >= c.quota {
			writeGlanceError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request returned a 413 Request Entity Too Large. Attempted: %d, Maximum: %d", len(img.members)+1, c.quota))
			return
		}
		if _, dup := img.members[id]; dup {
			writeGlanceError(w, http.StatusConflict, fmt.Sprintf("Member %s is duplicated for image %s", id, img.ID))
			return
		}
		now := c.tick()
		m := &Member{ImageID: img.ID, MemberID: id, Status: "pending", CreatedAt: now, UpdatedAt: now}
		img.members[id] = m
		writeJSON(w, http.StatusOK, memberJSON(m))
	default:
		writeGlanceError(w, http.StatusMethodNotAllowed, "The method is not allowed for this resource.")
	}
}

func (c *Cloud) serveMember(w http.ResponseWriter, r *http.Request, caller *Project, img *Image, owner bool, id string) {
	m, exists := img.members[id]
	self := id == caller.ID
	notFound := func() {
		writeGlanceError(w, http.StatusNotFound, fmt.Sprintf("%s not found in the member list of the image %s.", id, img.ID))
	}
	switch r.Method {
	case http.MethodGet:
		// Members of an image that is not shared are hidden, even from the owner.
		if exists && img.Visibility != "shared" {
			writeGlanceError(w, http.StatusNotFound, "Only shared images have members.")
			return
		}
		if !exists || (!owner && !self) {
			notFound()
			return
		}
		writeJSON(w, http.StatusOK, memberJSON(m))
	case http.MethodPut:
		if img.Visibility != "shared" && !caller.Admin {
			writeGlanceError(w, http.StatusForbidden, fmt.Sprintf("Not allowed to update members for image %s.", img.ID))
			return
		}
		if !exists || (!owner && !self) {
			notFound()
			return
		}
		if !self && !caller.Admin {
			writeGlanceError(w, http.StatusForbidden, fmt.Sprintf("Not allowed to update members for image %s.", img.ID))
			return
		}
		var body struct {
			Status string `json:"status"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.Status != "pending" && body.Status != "accepted" && body.Status != "rejected" {
			writeGlanceError(w, http.StatusBadRequest, `Incorrect request: Status must be "pending", "accepted" or "rejected".`)
			return
		}
		m.Status, m.UpdatedAt = body.Status, c.tick()
		writeJSON(w, http.StatusOK, memberJSON(m))
	case http.MethodDelete:
		if !owner {
			writeGlanceError(w, http.StatusForbidden, fmt.Sprintf("Not allowed to delete members for image %s.", img.ID))
			return
		}
		if img.Visibility != "shared" && !caller.Admin {
			writeGlanceError(w, http.StatusForbidden, fmt.Sprintf("Not allowed to delete members for image %s.", img.ID))
			return
		}
		if !exists {
			notFound()
			return
		}
		delete(img.members, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeGlanceError(w, http.StatusMethodNotAllowed, "The method is not allowed for this resource.")
	}
}

// listImages answers GET /v2/images with the visibility, member_status,
// owner, name and tag filters, paging with limit and marker.
func (c *Cloud) listImages(w http.ResponseWriter, r *http.Request, caller *Project) {
	q := r.URL.Query()
	memberStatus := q.Get("member_status")
	if memberStatus == "" {
		memberStatus = "accepted"
	}
	var ids []string
	for id := range c.images {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []any
	for _, id := range ids {
		img := c.images[id]
		if !c.visible(img, caller) {
			continue
		}
		if v := q.Get("visibility"); v != "" && img.Visibility != v {
			continue
		}
		if q.Get("visibility") == "shared" && !caller.Admin {
			m, ok := img.members[caller.ID]
			if !ok || (memberStatus != "all" && m.Status != memberStatus) {
				continue
			}
		}
		if o := q.Get("owner"); o != "" && img.Owner != o {
			continue
		}
		if n := q.Get("name"); n != "" && img.Name != n {
			continue
		}
		if !hasTags(img.Tags, q["tag"]) {
			continue
		}
		if marker := q.Get("marker"); marker != "" && id <= marker {
			continue
		}
		out = append(out, imageJSON(img))
	}
	body := map[string]any{"images": out, "schema": "/v2/schemas/images", "first": "/v2/images"}
	var limit int
	if _, err := fmt.Sscan(q.Get("limit"), &limit); err != nil || limit <= 0 || (c.pageSize > 0 && limit > c.pageSize) {
		limit = c.pageSize
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
		body["images"] = out
		next := q
		next.Set("marker", out[limit-1].(map[string]any)["id"].(string))
		body["next"] = "/v2/images?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, body)
}

func hasTags(have, want []string) bool {
	for _, t := range want {
		found := false
		for _, h := range have {
			found = found || h == t
		}
		if !found {
			return false
		}
	}
	return true
}

func sortedMembers(img *Image) []*Member {
	var out []*Member
	for _, m := range img.members {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].MemberID < out[j].MemberID })
	return out
}

func memberJSON(m *Member) map[string]any {
	return map[string]any{
		"image_id": m.ImageID, "member_id": m.MemberID, "status": m.Status,
		"created_at": m.CreatedAt.Format(time.RFC3339), "updated_at": m.UpdatedAt.Format(time.RFC3339),
		"schema": "/v2/schemas/member",
	}
}

func imageJSON(img *Image) map[string]any {
	tags := img.Tags
	if tags == nil {
		tags = []string{}
	}
	return map[string]any{
		"id": img.ID, "name": img.Name, "owner": img.Owner, "visibility": img.Visibility, "status": "queued",
		"tags": tags, "created_at": img.CreatedAt.Format(time.RFC3339), "updated_at": img.CreatedAt.Format(time.RFC3339),
		"disk_format": "raw", "container_format": "bare", "protected": false, "min_disk": 0, "min_ram": 0,
		"self": "/v2/images/" + img.ID, "file": "/v2/images/" + img.ID + "/file", "schema": "/v2/schemas/image",
	}
}
