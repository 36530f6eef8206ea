package app

import (
	"fmt"
	"net/http"
	"strings"

	"contactid/graph"
	"contactid/rest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultMetricsPath is where Prometheus metrics are served by default.
const DefaultMetricsPath = "/metrics"

// readMetrics reads METRICS_PATH: the path of the metrics on the API's
// port ("off" serves none).
func readMetrics(getenv func(string) string, c *Config) error {
	v := strings.TrimSpace(getenv("METRICS_PATH"))
	switch {
	case v == "":
		c.MetricsPath = DefaultMetricsPath
	case v == "off":
		c.MetricsPath = ""
	case !strings.HasPrefix(v, "/") || v == "/" || v == "/graphql" || v == "/openapi.json" || strings.HasPrefix(v, "/api/") || strings.ContainsAny(v, " {}"):
		return fmt.Errorf("METRICS_PATH=%q: want a path such as /metrics, or off", v)
	default:
		c.MetricsPath = v
	}
	return nil
}

// metrics registers the process's metrics (the Go runtime, the process, the
// database pool, the GraphQL endpoint's and the REST routes') on a
// registry of its own and returns the endpoint's and the routes' metrics
// and the handler that serves them all.
func (m *Main) metrics() (*graph.Metrics, *rest.Metrics, http.Handler) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(m.Store.DB().DB, "contactid"))
	return graph.NewMetrics(reg), rest.NewMetrics(reg), promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
