package app

import (
	"strings"
	"testing"
	"time"
)

// TestShutdownDrainSetting checks SHUTDOWN_DRAIN: a duration of at most 30s,
// 20s by default.
func TestShutdownDrainSetting(t *testing.T) {
	for v, want := range map[string]time.Duration{"": DefaultShutdownDrain, "5s": 5 * time.Second, "30s": 30 * time.Second, "250ms": 250 * time.Millisecond} {
		c, err := ConfigFromEnv(func(k string) string {
			if k == "SHUTDOWN_DRAIN" {
				return v
			}
			return ""
		})
		if err != nil || c.ShutdownDrain != want {
			t.Errorf("SHUTDOWN_DRAIN=%q: %v, %v; want %v", v, c.ShutdownDrain, err, want)
		}
	}
	for _, v := range []string{"31s", "1m", "0", "-1s", "soon", "20"} {
		if _, err := ConfigFromEnv(func(k string) string {
			if k == "SHUTDOWN_DRAIN" {
				return v
			}
			return ""
		}); err == nil {
			t.Errorf("SHUTDOWN_DRAIN=%q accepted", v)
		}
	}
	if DefaultShutdownDrain > MaxShutdownDrain || MaxShutdownDrain > 30*time.Second {
		t.Errorf("default %v, maximum %v: want at most 30s", DefaultShutdownDrain, MaxShutdownDrain)
	}
}

// TestCompiledReadsSetting checks GRAPHQL_COMPILED_READS: on by default,
// off with false, and a bad value refused with the variable's name.
func TestCompiledReadsSetting(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
		bad   bool
	}{{"", true, false}, {"false", false, false}, {"true", true, false}, {"0", false, false}, {"sometimes", false, true}} {
		c, err := ConfigFromEnv(func(k string) string {
			if k == "GRAPHQL_COMPILED_READS" {
				return tc.value
			}
			return ""
		})
		switch {
		case tc.bad && (err == nil || !strings.Contains(err.Error(), "GRAPHQL_COMPILED_READS")):
			t.Errorf("%q: error %v", tc.value, err)
		case !tc.bad && (err != nil || c.CompiledReads != tc.want):
			t.Errorf("%q: CompiledReads = %v, error %v", tc.value, c.CompiledReads, err)
		}
	}
}

// TestMetricsPathSetting checks METRICS_PATH: /metrics by default, off, a
// path of one's own, and paths that cannot be one refused.
func TestMetricsPathSetting(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "METRICS_PATH" {
				return v
			}
			return ""
		}
	}
	for v, want := range map[string]string{"": "/metrics", "off": "", "/internal/metrics": "/internal/metrics"} {
		if c, err := ConfigFromEnv(env(v)); err != nil || c.MetricsPath != want {
			t.Errorf("METRICS_PATH=%q: %q, %v; want %q", v, c.MetricsPath, err, want)
		}
	}
	for _, v := range []string{"metrics", "/", "/graphql", "/a b"} {
		if _, err := ConfigFromEnv(env(v)); err == nil || !strings.Contains(err.Error(), "METRICS_PATH") {
			t.Errorf("METRICS_PATH=%q: %v, want an error naming it", v, err)
		}
	}
}
