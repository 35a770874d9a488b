# loopkit: the commands of the README. Everything here needs only Go, but for
# make browser, which installs Chromium with apt for the live view's test;
# the tools it runs (staticcheck) are fetched at a pinned version by `go run`.

GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The tests' time bounds are scaled by this on a slow machine (see looptest).
export LOOPKIT_TIME_SCALE ?= 1

.PHONY: all test lint vet fmt-check staticcheck bench compare homelands darwin-check prepare browser \
	tutorials-check check hint reset progress doctor student-edition release

all: lint test

## test: the whole suite, with the race detector.
test:
	LOOPKIT_IMPL=solution $(GO) test -race -count=1 -timeout 8m ./...

## browser: install Debian's chromium if no Chromium is on PATH: the live view's
## test (loopkit watch) drives one, and skips without it, except in CI (CI=true).
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	command -v google-chrome >/dev/null || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

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

## compare: the comparison of pollers and styles (see cmd/loopkit);
## ARGS=--yours adds your poller of step 03 beside select, poll and epoll.
compare:
	$(GO) run ./cmd/loopkit compare $(ARGS)

## homelands: each style beside its homeland (Node, asyncio, gevent, C, Go net), in rounds
## on pinned CPUs (a few minutes; it names what to install for a missing runtime).
homelands:
	$(GO) run ./cmd/loopkit compare --homelands $(ARGS)

## prepare: download and build everything once, so a workshop room needs no network.
## The tutorial's packages are built with -race too, as make check runs them:
## else a learner's first make check spends half a minute compiling.
prepare:
	$(GO) mod download
	$(GO) build ./...
	$(GO) test -count=1 -run '^$$' ./... > /dev/null
	$(GO) test -race -count=1 -run '^$$' ./tutorials/... > /dev/null

## The tutorial (tutorials/README.md). S is a step number, H a hint.
## make test checks the steps' reference solutions (LOOPKIT_IMPL=solution);
## the targets below check what the student wrote.
STEPCHECK := $(GO) run ./tutorials/internal/stepcheck
RACE      ?= 1

## tutorials-check: CI for the tutorial: each skeleton fails its checks, each
## solution passes them (-race, 3 times), each mutant is caught, each program runs.
tutorials-check:
	$(STEPCHECK) ci

## check: check your exercise of step S, with a hint on failure (RACE= to go without -race).
check:
	@$(STEPCHECK) check -race=$(if $(RACE),true,false) $(S)

## hint: print hint level H (1, 2, 3) of every hole of step S, or the hint anchor H; no H lists them.
hint:
	@$(STEPCHECK) hint $(S) $(H)

## reset: put back the skeleton of step S (your changes to its exercise/ are lost).
reset:
	@dir=$$(ls -d tutorials/$(S)-* 2>/dev/null | head -1); \
	if [ -z "$(S)" ] || [ -z "$$dir" ]; then echo "usage: make reset S=03"; exit 2; fi; \
	git restore -- $$dir/exercise && echo "restored $$dir/exercise"

## progress: one line per step: PASS, FAIL and the check to fix, or not started;
## SEND=HOST:PORT NAME=you also sends them to the teacher's loopkit room (NAME: as typed
## on the command line, not the environment's, which some systems set to the machine's name).
progress:
	@$(STEPCHECK) progress $(if $(SEND),-send $(SEND) $(if $(filter command line,$(origin NAME)),-name "$(NAME)"))

## doctor: is this machine ready for the workshop? (Go, open files, ports, -race)
doctor:
	@$(STEPCHECK) doctor

## student-edition: the repository without the answers (each step's solution/ and
## mutants) into the new directory DIR, for a teacher to hand out (docs/workshop.md).
student-edition:
	@if [ -z "$(DIR)" ]; then echo "usage: make student-edition DIR=../loopkit-student"; exit 2; fi
	@$(GO) run ./tutorials/internal/edition $(DIR)

## release: put step S's reference into the student edition in DIR, at the end of its block.
release:
	@if [ -z "$(S)" ] || [ -z "$(DIR)" ]; then echo "usage: make release S=03 DIR=../loopkit-student"; exit 2; fi
	@$(GO) run ./tutorials/internal/edition -release $(S) $(DIR)
