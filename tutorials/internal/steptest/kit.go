package steptest

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/loopkit/loopkit/loop"
)

// kitLoop is the import path whose pollers and loop a student's step must
// not hand in as their own.
const kitLoop = "github.com/loopkit/loopkit/loop"

var (
	pollerType = reflect.TypeFor[loop.Poller]()
	loopType   = reflect.TypeFor[loop.Loop]()
)

// OwnPoller wraps a step's poller constructor so that each poller it makes
// is checked with NotKitPoller first. The check gets the constructor's
// error: a poller that is the kit's own select backend fails "newPoller"
// with a sentence that says so.
func OwnPoller(newPoller func() (loop.Poller, error)) func() (loop.Poller, error) {
	return func() (loop.Poller, error) {
		p, err := newPoller()
		if err != nil || p == nil {
			return p, err
		}
		if err := NotKitPoller(p); err != nil {
			p.Close()
			return nil, err
		}
		return p, nil
	}
}

// NotKitPoller returns an error if p is, or holds in its fields (through
// pointers and interfaces, a few levels deep), one of the kit's own
// pollers or a *loop.Loop: a step 03 "poller" that only calls
// loop.NewPoller("select"). It compares the types' package paths
// (reflect's PkgPath), as codecrafters' anti-cheat compares outputs: it
// notices a shortcut taken by accident, not a determined cheat.
func NotKitPoller(p any) error { return notKit(p, true) }

// NotKitLoop returns an error if l is, or holds, a *loop.Loop: a step 04
// "loop" that wraps loop.New. Pollers are allowed: a step 04 loop holds the
// poller the check hands it, which is one of the kit's.
func NotKitLoop(l any) error { return notKit(l, false) }

func notKit(v any, pollers bool) error {
	w := walker{seen: map[uintptr]bool{}, pollers: pollers}
	path, t := w.find(reflect.ValueOf(v), "", 0)
	if t == nil {
		return nil
	}
	what := fmt.Sprintf("the value handed in is the kit's own %s", t)
	if path != "" {
		what = fmt.Sprintf("the %T handed in holds the kit's own %s in field %s", v, t, strings.TrimPrefix(path, "."))
	}
	return fmt.Errorf("%s: that is loopkit's code, not yours. Write your own in exercise/ "+
		"(this check is here so that a shortcut taken by accident is noticed)", what)
}

type walker struct {
	seen    map[uintptr]bool
	pollers bool // pollers count as the kit's, not only the loop
}

// maxDepth bounds the walk: a wrapper hides the kit's poller a field or
// two down, not ten.
const maxDepth = 4

// find returns the path to and the type of the first kit value in v.
func (w walker) find(v reflect.Value, path string, depth int) (string, reflect.Type) {
	if !v.IsValid() || depth > maxDepth {
		return "", nil
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return "", nil
		}
		return w.find(v.Elem(), path, depth)
	case reflect.Pointer:
		if v.IsNil() || w.seen[v.Pointer()] {
			return "", nil
		}
		w.seen[v.Pointer()] = true
		if w.isKit(v.Type()) {
			return path, v.Type()
		}
		return w.find(v.Elem(), path, depth)
	case reflect.Struct:
		if w.isKit(v.Type()) {
			return path, v.Type()
		}
		for i := range v.NumField() {
			if p, t := w.find(v.Field(i), path+"."+v.Type().Field(i).Name, depth+1); t != nil {
				return p, t
			}
		}
	}
	return "", nil
}

// isKit reports whether t (or what it points to) is the kit's loop or,
// when pollers count, one of the kit's pollers.
func (w walker) isKit(t reflect.Type) bool {
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.PkgPath() != kitLoop {
		return false
	}
	if base == loopType {
		return true
	}
	return w.pollers && (t.Implements(pollerType) || reflect.PointerTo(base).Implements(pollerType))
}
