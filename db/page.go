package db

import (
	"contactid/contact"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Page sizes: First defaults to DefaultPageSize and is clamped to MaxPageSize.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageInfo tells whether more items follow and the cursor to fetch them.
type PageInfo struct {
	HasNextPage bool
	EndCursor   *string
}

// Page is one page of a connection.
type Page[T any] struct {
	Nodes      []T
	PageInfo   PageInfo
	TotalCount int
}

// PageArgs selects a page: at most First items after the After cursor.
// The zero value of the Skip flags computes the whole page; a caller that
// knows the client did not select totalCount or pageInfo sets them, and the
// page leaves that part zero without doing its work (no count query; no
// look-ahead row and no cursor).
type PageArgs struct {
	First        int
	After        string
	SkipTotal    bool // leave TotalCount 0: no count query
	SkipPageInfo bool // leave PageInfo zero: fetch First rows, not First+1
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

// cursor is a decoded position: (created_at, id) of the last item seen.
type cursor struct {
	At time.Time
	ID string
}

// encodeCursor returns the opaque cursor for an item.
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

// decodeCursor parses a cursor; an empty string means "from the start".
func decodeCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil //nolint:nilnil // no cursor is a valid answer
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, contact.UserErrors{{Field: []string{"after"}, Message: "malformed cursor", Code: contact.Invalid}}
	}
	at, id, ok := strings.Cut(string(raw), "|")
	t, terr := time.Parse(time.RFC3339Nano, at)
	if !ok || terr != nil || contact.CanonicalID(id) == "" {
		return nil, contact.UserErrors{{Field: []string{"after"}, Message: "malformed cursor", Code: contact.Invalid}}
	}
	return &cursor{At: t, ID: contact.CanonicalID(id)}, nil
}

// CheckCursor returns an INVALID UserErrors when after is not a cursor this
// store issued (empty is fine), so callers can refuse it before batching it
// with other requests.
func CheckCursor(after string) error {
	_, err := decodeCursor(after)
	return err
}

// pageOf trims rows fetched with limit args.limit() into a page.
func pageOf[T any](rows []T, args PageArgs, total int, key func(T) (time.Time, string)) Page[T] {
	p := Page[T]{Nodes: rows, TotalCount: total}
	if len(rows) > args.First {
		p.Nodes = rows[:args.First]
		p.PageInfo.HasNextPage = true
	}
	if p.Nodes == nil {
		p.Nodes = []T{}
	}
	if n := len(p.Nodes); n > 0 && !args.SkipPageInfo {
		at, id := key(p.Nodes[n-1])
		c := encodeCursor(at, id)
		p.PageInfo.EndCursor = &c
	}
	return p
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
		c, err := decodeCursor(args.After)
		if err != nil {
			return nil, err
		}
		var afterAt *time.Time
		var afterID *string
		if c != nil {
			afterAt, afterID = &c.At, &c.ID
		}
		// One index range per parent (LATERAL … LIMIT), so a page reads about
		// First rows whatever the size of the account.
		var rows []T
		query := fmt.Sprintf(`SELECT t.* FROM unnest($2::uuid[]) AS p(id)
			CROSS JOIN LATERAL (
				SELECT %[1]s FROM %[2]s
				WHERE account_id = $1 AND %[3]s = p.id
				  AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
				ORDER BY created_at, id LIMIT $5
			) t`, t.columns, t.table, t.parentCol)
		if err := db.SelectContext(ctx, &rows, query, acct, pq.Array(parents), afterAt, afterID, args.limit()); err != nil {
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
