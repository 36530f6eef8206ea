package app

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"contactid/db"
	"contactid/graph"
	"contactid/webhook"
)

// Config is the service's configuration, read from the environment.
type Config struct {
	DatabaseURL   string         // DATABASE_URL; empty: embedded cluster under DataDir
	DataDir       string         // DATA_DIR, default ./.data
	Port          int            // PORT, default 8080
	Introspection bool           // GRAPHQL_INTROSPECTION, default true; false also turns the IDE off
	MaxComplexity int            // GRAPHQL_MAX_COMPLEXITY, default graph.DefaultMaxComplexity
	LogLevel      slog.Level     // LOG_LEVEL, default info
	LogFormat     string         // LOG_FORMAT: text (default) or json
	Limits        graph.Limits   // request limits; see readLimits
	DB            db.Options     // database pool limits; see readLimits
	ShutdownDrain time.Duration  // SHUTDOWN_DRAIN, default DefaultShutdownDrain, at most MaxShutdownDrain
	CompiledReads bool           // GRAPHQL_COMPILED_READS, default true: plain nested reads run as one SQL statement
	Webhooks      webhook.Config // WEBHOOK_…: the delivery worker; see readWebhooks
	CORS          CORS           // CORS_ALLOWED_ORIGINS; see readCORS
	MetricsPath   string         // METRICS_PATH, default /metrics; empty: no metrics
}

// Bounds of Config.ShutdownDrain: how long a shutdown waits for in-flight
// requests before it cuts them.
const (
	DefaultShutdownDrain = 20 * time.Second
	MaxShutdownDrain     = 30 * time.Second
)

// ConfigFromEnv reads the configuration; it returns an error naming the bad
// variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:   getenv("DATABASE_URL"),
		DataDir:       getenv("DATA_DIR"),
		Port:          8080,
		Introspection: true,
		LogFormat:     "text",
		ShutdownDrain: DefaultShutdownDrain,
		CompiledReads: true,
	}
	if c.DataDir == "" {
		c.DataDir = ".data"
	}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("PORT=%q: want a port number", v)
		}
		c.Port = p
	}
	if v := getenv("GRAPHQL_INTROSPECTION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("GRAPHQL_INTROSPECTION=%q: want true or false", v)
		}
		c.Introspection = b
	}
	if v := getenv("GRAPHQL_COMPILED_READS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("GRAPHQL_COMPILED_READS=%q: want true or false", v)
		}
		c.CompiledReads = b
	}
	if v := getenv("GRAPHQL_MAX_COMPLEXITY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("GRAPHQL_MAX_COMPLEXITY=%q: want a positive number", v)
		}
		c.MaxComplexity = n
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	if v := getenv("LOG_FORMAT"); v != "" {
		if v != "text" && v != "json" {
			return c, fmt.Errorf("LOG_FORMAT=%q: want text or json", v)
		}
		c.LogFormat = v
	}
	if v := getenv("SHUTDOWN_DRAIN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > MaxShutdownDrain {
			return c, fmt.Errorf("SHUTDOWN_DRAIN=%q: want a positive duration of at most %v, such as 20s", v, MaxShutdownDrain)
		}
		c.ShutdownDrain = d
	}
	if err := readLimits(getenv, &c); err != nil {
		return c, err
	}
	if err := readWebhooks(getenv, &c); err != nil {
		return c, err
	}
	if err := readCORS(getenv, &c); err != nil {
		return c, err
	}
	if err := readMetrics(getenv, &c); err != nil {
		return c, err
	}
	return c, nil
}

// NewLogger returns the process logger: stderr, at c.LogLevel, as text or
// JSON per c.LogFormat.
func NewLogger(c Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
