package rest

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the REST routes' Prometheus metrics, labelled by route name
// and status, never by anything a client names.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

// NewMetrics registers the routes' metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "contactid_rest_requests_total",
			Help: "REST requests answered, by route and HTTP status."}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "contactid_rest_request_duration_seconds",
			Help:    "Time to answer a REST request, by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"route"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "contactid_rest_errors_total",
			Help: "Error entries in REST answers, by route and code."}, []string{"route", "code"}),
	}
	reg.MustRegister(m.requests, m.duration, m.errors)
	return m
}

// observe counts and times one answered request (nothing without m).
func (m *Metrics) observe(route string, status int, codes []string, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
	for _, c := range codes {
		m.errors.WithLabelValues(route, c).Inc()
	}
}
