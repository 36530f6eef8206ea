package pgcluster

import (
	"io"
	"os"
	"strings"
)

// tailFile returns roughly the last maxBytes of a file, starting at a line
// boundary, or "" when it cannot be read.
func tailFile(path string, maxBytes int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return ""
	}
	off := max(size-maxBytes, 0)
	b := make([]byte, size-off)
	if _, err := f.ReadAt(b, off); err != nil && err != io.EOF {
		return ""
	}
	s := string(b)
	if off > 0 {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return strings.TrimRight(s, "\n")
}

// withLog appends the tail of the server log to a failure message.
func (c *Cluster) withLog(msg string) string {
	if t := tailFile(c.logFile, 4096); t != "" {
		return msg + "\n--- tail of " + c.logFile + " ---\n" + t
	}
	return msg
}
