package contact

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// Strings is a list of strings stored as a PostgreSQL array (text[] or
// uuid[]). It reads the array's text form itself, so the domain needs no
// driver.
type Strings []string

// Scan reads a one-dimensional PostgreSQL array in its text form, such as
// {a,"b c","d\"e"}. A NULL array reads as empty; NULL elements are refused.
func (s *Strings) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case nil:
		*s = Strings{}
		return nil
	case []byte:
		text = string(v)
	case string:
		text = v
	default:
		return fmt.Errorf("Strings: cannot scan %T", src)
	}
	out, err := parseArray(text)
	if err != nil {
		return fmt.Errorf("Strings: %w", err)
	}
	*s = out
	return nil
}

// errArray reports text that is not a one-dimensional array literal.
var errArray = errors.New("not a one-dimensional array literal")

// parseArray parses the text form of a one-dimensional array.
func parseArray(text string) (Strings, error) {
	if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
		return nil, errArray
	}
	body := text[1 : len(text)-1]
	out := Strings{}
	if body == "" {
		return out, nil
	}
	for i := 0; ; {
		var elem strings.Builder
		if i < len(body) && body[i] == '"' {
			i++
			for ; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
					if i == len(body) {
						return nil, errArray
					}
				}
				elem.WriteByte(body[i])
			}
			if i == len(body) {
				return nil, errArray
			}
			i++ // closing quote
		} else {
			start := i
			for i < len(body) && body[i] != ',' {
				if body[i] == '{' || body[i] == '"' {
					return nil, errArray
				}
				i++
			}
			if raw := body[start:i]; raw == "NULL" {
				return nil, errors.New("NULL element")
			} else {
				elem.WriteString(raw)
			}
		}
		out = append(out, elem.String())
		if i == len(body) {
			return out, nil
		}
		if body[i] != ',' {
			return nil, errArray
		}
		i++
	}
}

// arrayEscaper escapes an element of a quoted array literal.
var arrayEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// Value writes the list as a PostgreSQL array literal, every element quoted,
// which PostgreSQL reads as text[] or uuid[] as the column needs.
func (s Strings) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(arrayEscaper.Replace(v))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}
