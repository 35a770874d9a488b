# loopkit: the commands of the README. Everything here needs only Go;
# the tools it runs (staticcheck) are fetched at a pinned version by `go run`.

GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The tests' time bounds are scaled by this on a slow machine (see looptest).
export LOOPKIT_TIME_SCALE ?= 1

.PHONY: all test lint vet fmt-check staticcheck bench compare darwin-check prepare

all: lint test

## test: the whole suite, with the race detector.
test:
	$(GO) test -race -count=1 -timeout 8m ./...

## lint: gofmt, go vet and staticcheck must all be silent.
lint: fmt-check vet staticcheck darwin-check

fmt-check:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

## darwin-check: the kqueue backend and the BSD code must at least compile.
darwin-check:
	GOOS=darwin $(GO) vet ./...
	GOOS=freebsd $(GO) vet ./...

## bench: every benchmark of the kit, once.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## compare: the comparison of pollers and styles (see cmd/loopkit).
compare:
	$(GO) run ./cmd/loopkit compare

## prepare: download and build everything once, so a workshop room needs no network.
prepare:
	$(GO) mod download
	$(GO) build ./...
	$(GO) test -count=1 -run '^$$' ./... > /dev/null
