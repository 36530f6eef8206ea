package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
)

// Metrics are the GraphQL endpoint's Prometheus metrics. Labels are bounded
// by the schema, never by what a client names: an operation is labelled by
// its type and its first root field.
type Metrics struct {
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	operations *prometheus.HistogramVec
}

// NewMetrics registers the endpoint's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "contactid_graphql_requests_total",
			Help: "GraphQL operations answered, by type and first root field."}, []string{"type", "field"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "contactid_graphql_request_duration_seconds",
			Help: "Time to answer a GraphQL operation, by type and first root field.", Buckets: prometheus.DefBuckets},
			[]string{"type", "field"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "contactid_graphql_errors_total",
			Help: "Errors in GraphQL answers (top-level errors and user errors), by code."}, []string{"code"}),
		operations: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "contactid_contact_operation_duration_seconds",
			Help:    "Time of mergeContacts, separateContact and undoContactOperation (dry runs included), by field.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"field"}),
	}
	reg.MustRegister(m.requests, m.duration, m.errors, m.operations)
	return m
}

// observe is a gqlgen extension that names each answered operation in the
// request's log line (operation name, type, error codes) and counts it.
type observe struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = observe{}

// ExtensionName names the extension.
func (observe) ExtensionName() string { return "Observe" }

// Validate accepts any schema.
func (observe) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse logs and counts the operation once its answer is ready
// (each event of a subscription counts once).
func (o observe) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	oc := graphql.GetOperationContext(ctx)
	typ, field, name := "unknown", "none", ""
	if oc != nil && oc.Operation != nil {
		typ, name = string(oc.Operation.Operation), oc.Operation.Name
		if sel := oc.Operation.SelectionSet; len(sel) > 0 {
			if f, ok := sel[0].(*ast.Field); ok {
				field = f.Name
			}
		}
	}
	var codes []string
	if resp != nil {
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			codes = append(codes, code)
		}
		if typ == string(ast.Mutation) {
			codes = append(codes, userErrorCodes(resp.Data)...)
		}
	}
	for _, c := range codes {
		o.m.errors.WithLabelValues(c).Inc()
	}
	o.m.requests.WithLabelValues(typ, field).Inc()
	o.m.duration.WithLabelValues(typ, field).Observe(time.Since(start).Seconds())
	slices.Sort(codes)
	SetLogAttrs(ctx, slog.String("operation", name), slog.String("operation_type", typ), slog.String("root_field", field),
		slog.String("error_codes", strings.Join(slices.Compact(codes), ",")))
	return resp
}

// InterceptField times the root fields that merge, separate or undo.
func (o observe) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Parent == nil || fc.Parent.Parent != nil || !expensiveMutations[fc.Field.Name] {
		return next(ctx)
	}
	start := time.Now()
	res, err := next(ctx)
	o.m.operations.WithLabelValues(fc.Field.Name).Observe(time.Since(start).Seconds())
	return res, err
}

// userErrorCodes returns the codes of the userErrors in a mutation's
// answer (data is {"<field>": {"userErrors": [{"code": …}]}}).
func userErrorCodes(data []byte) []string {
	var roots map[string]json.RawMessage
	if json.Unmarshal(data, &roots) != nil {
		return nil
	}
	var out []string
	for _, raw := range roots {
		var p struct {
			UserErrors []struct {
				Code string `json:"code"`
			} `json:"userErrors"`
		}
		if json.Unmarshal(raw, &p) != nil {
			continue
		}
		for _, e := range p.UserErrors {
			out = append(out, e.Code)
		}
	}
	return out
}
