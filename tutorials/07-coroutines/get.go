package main

import (
	"io"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/httpget"
)

// get fetches url with one HTTP/1.0 GET and returns its body, in
// straight-line code on a coroutine: connect, send the request, read to
// the end, parse. The HTTP is the fetch example's (internal/httpget).
func get(co Co, url string) (string, error) {
	target, err := httpget.Parse(url)
	if err != nil {
		return "", err
	}
	fd, err := co.Dial(target.Addr)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	if _, err := co.Write(fd, target.Request()); err != nil {
		return "", err
	}
	var raw []byte
	buf := make([]byte, 4<<10)
	for {
		n, err := co.Read(fd, buf)
		raw = append(raw, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if len(raw) > httpget.MaxResponse {
			return "", httpget.ErrTooLarge
		}
	}
	body, err := target.Body(raw)
	return string(body), err
}
