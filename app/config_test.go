package app

import (
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
