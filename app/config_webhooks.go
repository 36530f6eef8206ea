package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// readWebhooks reads the webhook worker's settings (WEBHOOK_…) into c;
// unset variables keep webhook.Config's defaults. It returns an error
// naming the bad variable.
func readWebhooks(getenv func(string) string, c *Config) error {
	boolean := func(s string) (bool, error) {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return false, fmt.Errorf("want true or false")
		}
		return b, nil
	}
	positiveDuration := func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("want a positive duration such as 10s")
		}
		return d, nil
	}
	positiveInt := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 1000 {
			return 0, fmt.Errorf("want a number from 1 to 1000")
		}
		return n, nil
	}
	schedule := func(s string) ([]time.Duration, error) {
		var out []time.Duration
		for _, p := range strings.Split(s, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(p))
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("want positive durations separated by commas, such as 5s,5m,30m")
			}
			out = append(out, d)
		}
		return out, nil
	}
	enabled := !c.Webhooks.Disabled
	for _, err := range []error{
		setting(getenv, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", &c.Webhooks.AllowPrivateNetworks, boolean),
		setting(getenv, "WEBHOOK_TIMEOUT", &c.Webhooks.Timeout, positiveDuration),
		setting(getenv, "WEBHOOK_POLL_INTERVAL", &c.Webhooks.PollInterval, positiveDuration),
		setting(getenv, "WEBHOOK_CONCURRENCY", &c.Webhooks.Concurrency, positiveInt),
		setting(getenv, "WEBHOOK_RETRY_SCHEDULE", &c.Webhooks.RetrySchedule, schedule),
		setting(getenv, "WEBHOOK_WORKER", &enabled, boolean),
	} {
		if err != nil {
			return err
		}
	}
	c.Webhooks.Disabled = !enabled
	c.Webhooks = c.Webhooks.WithDefaults()
	return nil
}
