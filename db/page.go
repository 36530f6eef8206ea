package db

import (
	"contactid/contact"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Page sizes: First defaults to DefaultPageSize and is clamped to MaxPageSize.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageInfo tells whether more items follow or precede the page, and the
// cursors to fetch them.
type PageInfo struct {
	HasNextPage     bool
	EndCursor       *string
	HasPreviousPage bool
	StartCursor     *string
	// Cursors are the cursors of the page's nodes, in order (Relay edges).
	Cursors []string
}

// Page is one page of a connection.
type Page[T any] struct {
	Nodes      []T
	PageInfo   PageInfo
	TotalCount int
}

// PageArgs selects a page: at most First items after the After cursor (and
// before the Before cursor), or with Backward the last First of them.
// The zero value of the Skip flags computes the whole page; a caller that
// knows the client did not select totalCount or pageInfo sets them, and the
// page leaves that part zero without doing its work (no count query; no
// look-ahead row and no cursor).
type PageArgs struct {
	First        int // the page size, in either direction
	After        string
	Before       string
	Backward     bool // the page is the last First items before Before (or the end): `last`
	SkipTotal    bool // leave TotalCount 0: no count query
	SkipPageInfo bool // leave PageInfo zero: fetch First rows, not First+1, and no cursors
}

// limit is how many rows to fetch for the page: one more than First when
// PageInfo.HasNextPage is wanted.
func (a PageArgs) limit() int {
	if a.SkipPageInfo {
		return a.First
	}
	return a.First + 1
}

// NewPageArgs normalises optional first/after arguments: first defaults to
// DefaultPageSize, is clamped to MaxPageSize, and is at least 0.
func NewPageArgs(first *int, after *string) PageArgs {
	a := PageArgs{First: DefaultPageSize}
	if first != nil {
		a.First = min(max(*first, 0), MaxPageSize)
	}
	if after != nil {
		a.After = *after
	}
	return a
}

// PageArgsOf normalises Relay's first/after/last/before arguments: the
// page size defaults to DefaultPageSize and is clamped like NewPageArgs';
// last pages backward. Giving both first and last is INVALID; the
// cursors are checked by the list they are for.
func PageArgsOf(first *int, after *string, last *int, before *string) (PageArgs, error) {
	if first != nil && last != nil {
		return PageArgs{}, contact.UserErrors{{Field: []string{"last"}, Message: "give first or last, not both", Code: contact.Invalid}}
	}
	a := NewPageArgs(first, after)
	if last != nil {
		a = NewPageArgs(last, after)
		a.Backward = true
	}
	if before != nil {
		a.Before = *before
	}
	return a, nil
}

// CheckCursors returns an INVALID UserErrors when After or Before is not a
// cursor of a timeline (the lists of records of a contact or a
// conversation), so callers can refuse it before batching it with other
// requests.
func (a PageArgs) CheckCursors() error {
	_, _, err := a.bounds()
	return err
}

// bounds decodes the After and Before cursors (nil for none).
func (a PageArgs) bounds() (after, before *cursor, err error) {
	if after, err = decodeCursorOf("after", a.After); err != nil {
		return nil, nil, err
	}
	before, err = decodeCursorOf("before", a.Before)
	return after, before, err
}

// cursor is a decoded position: (created_at, id) of the last item seen.
type cursor struct {
	At time.Time
	ID string
}

// encodeCursor returns the opaque cursor for an item.
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

// decodeCursor parses an `after` cursor; an empty string means "from the start".
func decodeCursor(s string) (*cursor, error) { return decodeCursorOf("after", s) }

// decodeCursorOf parses the cursor argument arg; empty means none.
func decodeCursorOf(arg, s string) (*cursor, error) {
	if s == "" {
		return nil, nil //nolint:nilnil // no cursor is a valid answer
	}
	malformed := contact.UserErrors{{Field: []string{arg}, Message: "malformed cursor", Code: contact.Invalid}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, malformed
	}
	at, id, ok := strings.Cut(string(raw), "|")
	t, terr := time.Parse(time.RFC3339Nano, at)
	if !ok || terr != nil || contact.CanonicalID(id) == "" {
		return nil, malformed
	}
	return &cursor{At: t, ID: contact.CanonicalID(id)}, nil
}

// at returns the cursor's position as SQL parameters (nil, nil for none).
func (c *cursor) at() (*time.Time, *string) {
	if c == nil {
		return nil, nil
	}
	return &c.At, &c.ID
}

// pageOf trims rows fetched with limit args.limit() into a page. Rows of a
// backward page come in reverse order (nearest to Before first) and are
// put back in the list's order.
func pageOf[T any](rows []T, args PageArgs, total int, key func(T) (time.Time, string)) Page[T] {
	return pageWithCursors(rows, args, total, func(r T) string { return encodeCursor(key(r)) })
}

// pageWithCursors is pageOf for any cursor: cursorOf encodes a row's.
func pageWithCursors[T any](rows []T, args PageArgs, total int, cursorOf func(T) string) Page[T] {
	p := Page[T]{Nodes: rows, TotalCount: total}
	more := len(rows) > args.First
	if more {
		p.Nodes = rows[:args.First]
	}
	if p.Nodes == nil {
		p.Nodes = []T{}
	}
	if args.Backward {
		slices.Reverse(p.Nodes)
		p.PageInfo.HasPreviousPage, p.PageInfo.HasNextPage = more, args.Before != ""
	} else {
		p.PageInfo.HasNextPage, p.PageInfo.HasPreviousPage = more, args.After != ""
	}
	if n := len(p.Nodes); n > 0 && !args.SkipPageInfo {
		p.PageInfo.Cursors = make([]string, n)
		for i, r := range p.Nodes {
			p.PageInfo.Cursors[i] = cursorOf(r)
		}
		p.PageInfo.StartCursor, p.PageInfo.EndCursor = &p.PageInfo.Cursors[0], &p.PageInfo.Cursors[n-1]
	}
	return p
}

// timeline returns the keyset condition and order of a page of rows listed
// by (col, id): oldest first when newestFirst is false. $a, $a+1 are the
// After cursor's time and id, $a+2, $a+3 the Before cursor's.
func (a PageArgs) timeline(col, id string, newestFirst bool, param int) (where, order string) {
	later, earlier := ">", "<"
	if newestFirst {
		later, earlier = "<", ">"
	}
	asc := newestFirst == a.Backward
	dir := "ASC"
	if !asc {
		dir = "DESC"
	}
	where = fmt.Sprintf(`($%[1]d::timestamptz IS NULL OR (%[3]s, %[4]s) %[5]s ($%[1]d, $%[2]d::uuid))
		AND ($%[6]d::timestamptz IS NULL OR (%[3]s, %[4]s) %[7]s ($%[6]d, $%[8]d::uuid))`,
		param, param+1, col, id, later, param+2, earlier, param+3)
	return where, fmt.Sprintf(`%s %s, %s %s`, col, dir, id, dir)
}

// ChildPageKey asks for one page of the children of one parent.
type ChildPageKey struct {
	ParentID string
	PageArgs
}

// childTable describes a table whose rows hang off a parent in timeline
// order (created_at, id).
type childTable[T any] struct {
	table     string // table name
	parentCol string // column holding the parent id
	columns   string // select list
	parentOf  func(T) string
	keyOf     func(T) (time.Time, string)
}

// loadChildPages answers many page requests with one statement per distinct
// PageArgs for the rows, and one more for the totals unless SkipTotal.
func loadChildPages[T any](ctx context.Context, db q, acct string, t childTable[T], keys []ChildPageKey) (map[ChildPageKey]Page[T], error) {
	groups := map[PageArgs][]string{}
	for _, k := range keys {
		if id := contact.CanonicalID(k.ParentID); id != "" {
			groups[k.PageArgs] = append(groups[k.PageArgs], id)
		}
	}
	out := make(map[ChildPageKey]Page[T], len(keys))
	for args, parents := range groups {
		after, before, err := args.bounds()
		if err != nil {
			return nil, err
		}
		afterAt, afterID := after.at()
		beforeAt, beforeID := before.at()
		// One index range per parent (LATERAL … LIMIT), so a page reads about
		// First rows whatever the size of the account.
		var rows []T
		where, order := args.timeline("created_at", "id", false, 3)
		query := fmt.Sprintf(`SELECT t.* FROM unnest($2::uuid[]) AS p(id)
			CROSS JOIN LATERAL (
				SELECT %[1]s FROM %[2]s
				WHERE account_id = $1 AND %[3]s = p.id AND %[4]s
				ORDER BY %[5]s LIMIT $7
			) t`, t.columns, t.table, t.parentCol, where, order)
		if err := db.SelectContext(ctx, &rows, query, acct, pq.Array(parents), afterAt, afterID, beforeAt, beforeID, args.limit()); err != nil {
			return nil, fmt.Errorf("load %s: %w", t.table, err)
		}
		totals, err := countChildren(ctx, db, acct, t, parents, args.SkipTotal)
		if err != nil {
			return nil, err
		}
		byParent := map[string][]T{}
		for _, r := range rows {
			byParent[t.parentOf(r)] = append(byParent[t.parentOf(r)], r)
		}
		for _, p := range parents {
			out[ChildPageKey{ParentID: p, PageArgs: args}] = pageOf(byParent[p], args, totals[p], t.keyOf)
		}
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			out[k] = Page[T]{Nodes: []T{}}
		}
	}
	return out, nil
}

// countChildren returns how many rows of t each parent has (none of them
// when skip: the client did not select totalCount).
func countChildren[T any](ctx context.Context, db q, acct string, t childTable[T], parents []string, skip bool) (map[string]int, error) {
	if skip {
		return nil, nil //nolint:nilnil // a nil map reads as zero for every parent
	}
	var counts []struct {
		Parent string `db:"parent"`
		N      int    `db:"n"`
	}
	countQuery := fmt.Sprintf(`SELECT %[2]s AS parent, count(*) AS n FROM %[1]s
			WHERE account_id = $1 AND %[2]s = ANY($2::uuid[]) GROUP BY %[2]s`, t.table, t.parentCol)
	if err := db.SelectContext(ctx, &counts, countQuery, acct, pq.Array(parents)); err != nil {
		return nil, fmt.Errorf("count %s: %w", t.table, err)
	}
	totals := make(map[string]int, len(counts))
	for _, c := range counts {
		totals[c.Parent] = c.N
	}
	return totals, nil
}
