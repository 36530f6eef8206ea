package db_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"contactid/db"
	"contactid/internal/pgtest"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// awkward are strings whose array text needs quoting or escaping, or that
// look like something else there.
var awkward = []*string{
	ptr(`plain`), ptr(`a"quote`), ptr(`back\slash`), ptr(`\"both\\`), ptr(`{braces}`), ptr(`comma,`),
	ptr(`NULL`), ptr(`null`), ptr(``), ptr(` spaced `), ptr("ünïcødé ✓ 🙂"), ptr("ctl\x01\n\t\r"), nil,
}

func ptr(s string) *string { return &s }

// TestTextArraysRoundTrip has PostgreSQL write the awkward strings three
// lists deep, as the compiled reads nest them, and checks the rendered JSON
// gives every string back, NULL as null, in order.
func TestTextArraysRoundTrip(t *testing.T) {
	conn := sqlx.MustConnect("postgres", pgtest.NewDSN(t))
	defer conn.Close()
	var vals []any
	var want []any
	for _, s := range awkward {
		if s == nil {
			vals = append(vals, nil)
			want = append(want, nil)
			continue
		}
		vals = append(vals, *s)
		want = append(want, *s)
	}
	const v = `(SELECT x.v, x.n FROM unnest($1::text[]) WITH ORDINALITY AS x(v, n))`
	var top []byte
	err := conn.QueryRowContext(context.Background(), `SELECT array(SELECT ARRAY[a.v, array(SELECT ARRAY[b.v, array(SELECT ARRAY[c.v] FROM `+v+` c ORDER BY c.n)::text]
		FROM `+v+` b ORDER BY b.n)::text, array(SELECT x FROM unnest($1::text[]) x)::text] FROM `+v+` a ORDER BY a.n)::text`,
		pq.Array(vals)).Scan(&top)
	if err != nil {
		t.Fatal(err)
	}
	fields := []db.Render{
		db.NewRender("a", db.RenderString, ""),
		db.NewRender("inner", db.RenderObjects, "",
			db.NewRender("b", db.RenderString, ""),
			db.NewRender("__typename", db.RenderConst, `"Inner"`),
			db.NewRender("deep", db.RenderObjects, "", db.NewRender("c", db.RenderString, ""))),
		db.NewRender("list", db.RenderStrings, ""),
	}
	out, err := db.WriteObjects(fields, top)
	if err != nil {
		t.Fatalf("render %s: %v", top, err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(got) != len(want) {
		t.Fatalf("%d objects, want %d", len(got), len(want))
	}
	for i, o := range got {
		if o["a"] != want[i] || !reflect.DeepEqual(o["list"], want) {
			t.Fatalf("object %d: a = %#v, list = %#v; want %#v and %#v", i, o["a"], o["list"], want[i], want)
		}
		inner, _ := o["inner"].([]any)
		if len(inner) != len(want) {
			t.Fatalf("object %d: %d inner objects", i, len(inner))
		}
		for j, in := range inner {
			m, _ := in.(map[string]any)
			if m["b"] != want[j] || m["__typename"] != "Inner" {
				t.Fatalf("object %d.%d: %#v", i, j, m)
			}
			deep, _ := m["deep"].([]any)
			for k, d := range deep {
				if d.(map[string]any)["c"] != want[k] {
					t.Fatalf("object %d.%d.%d: %#v, want %#v", i, j, k, d, want[k])
				}
			}
			if len(deep) != len(want) {
				t.Fatalf("object %d.%d: %d deep objects", i, j, len(deep))
			}
		}
	}
}

// TestTextArrayTimes checks that timestamps in PostgreSQL's output at UTC
// are written as the Time scalar writes the same instant.
func TestTextArrayTimes(t *testing.T) {
	conn := sqlx.MustConnect("postgres", pgtest.NewDSN(t)+" timezone=UTC")
	defer conn.Close()
	for _, lit := range []string{"2026-01-02 03:04:05+00", "2026-01-02 03:04:05.1+00", "2026-01-02 03:04:05.120000+00",
		"1900-01-01 00:00:00.000001+00", "9999-12-31 23:59:59.999999+00", "2026-06-30 23:00:00.5-07:30"} {
		var text string
		var at time.Time
		if err := conn.QueryRow(`SELECT $1::timestamptz::text, $1::timestamptz`, lit).Scan(&text, &at); err != nil {
			t.Fatal(err)
		}
		out, err := db.WriteTime([]byte(text))
		if err != nil {
			t.Fatalf("%s (%s): %v", lit, text, err)
		}
		if want := `"` + at.UTC().Format(time.RFC3339Nano) + `"`; out != want {
			t.Errorf("%s: wrote %s, want %s", lit, out, want)
		}
	}
}

// TestTextArrayMalformed checks that text the statement never writes is an
// error, not a panic or a wrong answer.
func TestTextArrayMalformed(t *testing.T) {
	fields := []db.Render{db.NewRender("a", db.RenderString, ""), db.NewRender("b", db.RenderStrings, "")}
	for _, text := range []string{``, `{`, `}`, `{{a}`, `{{a,{x}}`, `{{"a,{x}}}`, `{{a,{x}},}`, `{{a}}`, `{{a,b,c}}`, `x`, `{{a,"b}}`, `{{a,{x}}x}`} {
		if out, err := db.WriteObjects(fields, []byte(text)); err == nil {
			t.Errorf("%q: rendered %s, want an error", text, out)
		}
	}
}
