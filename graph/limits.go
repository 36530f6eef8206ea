package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bound what one request may cost before any of it runs. Zero fields
// take the defaults below.
type Limits struct {
	// MaxBodyBytes bounds a request body; a larger one is answered 413.
	MaxBodyBytes int64
	// MaxTokens bounds the lexical tokens of a document.
	MaxTokens int
	// MaxDepth bounds how deeply selections nest, fragments expanded.
	MaxDepth int
	// MaxFields bounds how many fields an operation selects, fragments
	// expanded (each spread counts its fragment's fields again).
	MaxFields int
	// QueryCacheBytes bounds the text of the parsed documents kept for reuse.
	QueryCacheBytes int64
	// RequestTimeout bounds a request's run time; its database work is
	// cancelled when it is reached.
	RequestTimeout time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxBodyBytes    = 1 << 20
	DefaultMaxTokens       = 15000
	DefaultMaxDepth        = 20
	DefaultMaxFields       = 1000
	DefaultQueryCacheBytes = 1 << 20
	DefaultRequestTimeout  = 15 * time.Second
)

// WithDefaults returns l with its zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	if l.QueryCacheBytes <= 0 {
		l.QueryCacheBytes = DefaultQueryCacheBytes
	}
	if l.RequestTimeout <= 0 {
		l.RequestTimeout = DefaultRequestTimeout
	}
	return l
}

// codeLimit is extensions.code of a request refused for its size or shape.
const codeLimit = "LIMIT_EXCEEDED"

// documentLimits refuses documents over the token, depth or field limits
// before the executor validates them, so validation (whose cost can grow with
// the square of the fields and with every fragment spread) only ever sees
// documents of bounded size. Documents already in the query cache passed
// these checks before and are not parsed again.
type documentLimits struct {
	extensionName
	limits Limits
	cache  *queryCache
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimits{}

// MutateOperationParameters parses the document with the token limit and
// measures it; it returns a request error when a limit is exceeded.
func (d documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := d.cache.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, d.limits.MaxTokens)
	if err != nil {
		gerr, ok := err.(*gqlerror.Error)
		if !ok {
			gerr = gqlerror.Wrap(err)
		}
		errcode.Set(gerr, errcode.ParseFailed)
		return gerr
	}
	m := measurer{fragments: doc.Fragments, sizes: map[string]shape{}, visiting: map[string]bool{}}
	for _, op := range doc.Operations {
		s := m.selections(op.SelectionSet)
		if s.depth > d.limits.MaxDepth {
			return limitError("the operation nests %d levels deep; the limit is %d", s.depth, d.limits.MaxDepth)
		}
		if s.fields > d.limits.MaxFields {
			return limitError("the operation selects %d fields (fragments expanded); the limit is %d", s.fields, d.limits.MaxFields)
		}
	}
	for _, f := range doc.Fragments {
		if s := m.fragment(f.Name); s.fields > d.limits.MaxFields || s.depth > d.limits.MaxDepth {
			return limitError("fragment %s exceeds the limit of %d fields or %d levels", f.Name, d.limits.MaxFields, d.limits.MaxDepth)
		}
	}
	return nil
}

// limitError is a request error with code LIMIT_EXCEEDED.
func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": codeLimit}
	return err
}

// shape is the size of a selection set with its fragments expanded.
type shape struct {
	fields int // field selections, each spread counting its fragment again
	depth  int // deepest nesting of fields
}

// saturation caps counts and costs so that exponential documents cannot
// overflow them.
const saturation = 1 << 40

// measurer computes shapes, each fragment once, so the cost of measuring is
// linear in the document even when its expansion is exponential.
type measurer struct {
	fragments ast.FragmentDefinitionList
	sizes     map[string]shape
	visiting  map[string]bool
}

// selections measures a selection set.
func (m *measurer) selections(set ast.SelectionSet) shape {
	var out shape
	for _, sel := range set {
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			s = m.selections(sel.SelectionSet)
			s.fields++
			s.depth++
		case *ast.InlineFragment:
			s = m.selections(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = m.fragment(sel.Name)
		}
		out.fields = min(out.fields+s.fields, saturation)
		out.depth = max(out.depth, s.depth)
	}
	return out
}

// fragment measures a named fragment. Unknown fragments and cycles measure
// zero here; validation reports them.
func (m *measurer) fragment(name string) shape {
	if s, ok := m.sizes[name]; ok {
		return s
	}
	def := m.fragments.ForName(name)
	if def == nil || m.visiting[name] {
		return shape{}
	}
	m.visiting[name] = true
	s := m.selections(def.SelectionSet)
	delete(m.visiting, name)
	m.sizes[name] = s
	return s
}
