package watch

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
)

// The page is plain HTML, CSS and JavaScript, written by hand and built
// into the binary: it needs no network, no framework, no build step.
//
//go:embed page
var pageFiles embed.FS

// routes returns the page's handlers:
//
//	GET  /            the page (page/index.html, page.css, page.js)
//	GET  /events      the frames, as Server-Sent Events
//	POST /step        let one more iteration run
//	POST /run         let the loop run
//	POST /pause       hold the loop at the start of its next iteration
func (w *Watcher) routes() http.Handler {
	files, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic("watch: the embedded page has no directory page: " + err.Error())
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("GET /events", w.serveEvents)
	mux.HandleFunc("POST /step", w.button(w.Step))
	mux.HandleFunc("POST /run", w.button(w.Run))
	mux.HandleFunc("POST /pause", w.button(w.Pause))
	return mux
}

// buttonHeader must be on a button's POST. The page's script sets it; a
// form on another site cannot, and a script on another site may only ask
// the browser to, which asks this server first (CORS) and is not allowed:
// so no web page but this one can pause the program.
const buttonHeader = "X-Loopkit-Watch"

// button returns the handler of a button of the page.
func (w *Watcher) button(do func()) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if r.Header.Get(buttonHeader) == "" {
			http.Error(rw, "watch: a button's request comes from the page, with "+buttonHeader, http.StatusForbidden)
			return
		}
		do()
		rw.WriteHeader(http.StatusNoContent)
	}
}

// A page is an open page's stream: what it has been sent, and a bell that
// rings when there is more. The bell holds one ring: rings while the page
// is busy writing merge into one, and the page then takes all there is.
type page struct {
	wake chan struct{}

	// Guarded by the watcher's mu.
	seq       uint64 // the last row sent
	frames    uint64 // the watcher's frames count when last sent
	dropped   uint64 // rows never sent, as the page fell behind
	coalesced uint64 // frames never sent, merged into a later one
}

// An update is one message to a page: the latest frame, the rows it has
// not had yet, and how the loop and the page stand.
type update struct {
	Title     string `json:"title"`
	Held      bool   `json:"held"`
	Ended     bool   `json:"ended"`
	Frame     frame  `json:"frame"`
	Rows      []row  `json:"rows"`
	Dropped   uint64 `json:"dropped"`
	Coalesced uint64 `json:"coalesced"`
}

// serveEvents streams updates to one page until it goes away or the
// watcher closes. The handler runs on a goroutine of net/http's; its
// writes wait on the page (through the watcher's own loop), never the
// watched loop, which only rings the bell.
func (w *Watcher) serveEvents(rw http.ResponseWriter, r *http.Request) {
	flusher, ok := rw.(http.Flusher)
	if !ok {
		http.Error(rw, "watch: this connection cannot stream", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/event-stream")
	rw.Header().Set("Cache-Control", "no-store")
	p := w.openPage()
	defer w.closePage(p)
	for {
		msg, err := json.Marshal(w.next(p))
		if err != nil {
			panic("watch: an update does not encode: " + err.Error())
		}
		if _, err := fmt.Fprintf(rw, "data: %s\n\n", msg); err != nil {
			return
		}
		flusher.Flush()
		select {
		case <-p.wake:
		case <-r.Context().Done():
			return
		case <-w.closing:
			return
		}
	}
}

// openPage adds a page, which gets the rows the watcher still holds (and
// counts none dropped), and starts the recording if it was off.
func (w *Watcher) openPage() *page {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := &page{wake: make(chan struct{}, 1)}
	p.seq = w.rows.oldest()
	p.frames = w.frames
	w.pages[p] = true
	w.wanted.Store(true)
	return p
}

// closePage removes a page. A held loop stays held: a page reloaded finds
// the loop where it left it, and the person who paused it lets it go (Run)
// from the next page, or Close does.
func (w *Watcher) closePage(p *page) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.pages, p)
	w.wanted.Store(w.held || len(w.pages) > 0)
}

// next returns p's next update, and counts what p missed.
func (w *Watcher) next(p *page) update {
	w.mu.Lock()
	defer w.mu.Unlock()
	rows, lost := w.rows.after(p.seq)
	p.seq = w.rows.last
	p.dropped += lost
	if w.frames > p.frames+1 {
		p.coalesced += w.frames - p.frames - 1
	}
	p.frames = w.frames
	return update{
		Title: w.title, Held: w.held, Ended: w.ended, Frame: w.frame, Rows: rows,
		Dropped: p.dropped, Coalesced: p.coalesced,
	}
}

// wakePages rings every page's bell, without waiting.
func (w *Watcher) wakePages() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.pages {
		select {
		case p.wake <- struct{}{}:
		default: // rung already: the page will take this too
		}
	}
}
