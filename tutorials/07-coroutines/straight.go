package main

import "io"

// Echo serves one connection: it reads what has arrived and writes it
// back, until the client closes. It is step 05's Echo without callbacks:
// the same loop, the same non-blocking socket, but Read parks the
// coroutine where the callback version waited for its next call, and
// Write parks it while the client does not read, which is all the
// backpressure it needs.
func Echo(co Co, fd int) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := co.Read(fd, buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := co.Write(fd, buf[:n]); err != nil {
			return err
		}
	}
}

// BeerThenFruit is the talk's get_fruit as gevent writes it: fetch the
// beer's id, then the fruit with it, and return the fruit or the first
// error. One request after the other, in the order they happen; the
// result is a return value, and an error cannot be dropped without a
// line that drops it.
func BeerThenFruit(co Co, base string) (string, error) {
	beer, err := get(co, base+"/api/beer")
	if err != nil {
		return "", err
	}
	return get(co, base+"/api/fruit/"+beer)
}
