package callbacks_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// Get chains callbacks as Node's http.get('/api/beer', handleResponse)
// does: the response arrives as the argument of the function given. The
// server here is net/http's, standing in for any web server.
func ExampleGet() {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"beer": "stout"}`)
	}))
	defer server.Close()

	l, err := loop.New()
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	handleResponse := func(resp *http.Response, err error) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.Status, string(body))
	}
	callbacks.Get(l, server.URL+"/api/beer", handleResponse)

	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 200 OK {"beer": "stout"}
}
