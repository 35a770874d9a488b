package coroutines_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// net/http serves, unchanged, on a kit listener in goroutine mode: its
// goroutines call Accept, Read and Write as they would on Go's net, and the
// loop makes every socket call. The loop runs until the server is closed,
// since open goroutine-mode sockets hold it.
func ExampleListener_NetListener() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()

	ln, err := coroutines.Listen(h, "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	nl := ln.NetListener()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from the loop, %s", r.URL.Path[1:])
	})}
	go srv.Serve(nl)

	go func() {
		defer srv.Close() // closes the listener and the connections: the loop may end
		client := &http.Client{Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		resp, err := client.Get("http://" + nl.Addr().String() + "/gopher")
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(string(body))
	}()

	if err := h.Run(); err != nil {
		fmt.Println(err)
	}
	// Output: hello from the loop, gopher
}
