# daihoi — make run starts the app with demo data; make test runs every test.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
BIN := bin/daihoi
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run build test fuzz e2e vet fmt bench clean

## run: build and start daihoi on http://localhost:8080 with the demo data (embedded PostgreSQL in .data/)
run: build
	./$(BIN) serve --demo

## build: compile cmd/daihoi into bin/daihoi
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/daihoi

## test: vet, run every test against a real PostgreSQL (TEST_DATABASE_URL, or a throwaway cluster), then the fuzz targets
test: vet
	$(GO) test -count=1 ./...
	$(MAKE) fuzz

## fuzz: run each fuzz target of a decoder for $(FUZZTIME) inputs beyond its corpus in testdata/fuzz (a few
## seconds each). A count, not a duration: Go 1.26's fuzzer can fail a duration-bounded run with a spurious
## "context deadline exceeded" when the machine is busy (go.dev/issue/75804).
FUZZTIME ?= 10000x
FUZZ_TARGETS := internal/web:FuzzDecodeJSON internal/web:FuzzReadForm internal/unitfile:FuzzReadUnitFile \
	internal/domain:FuzzParseDate internal/domain:FuzzParseDay internal/domain:FuzzParseWeek internal/domain:FuzzCleanText \
	internal/paperfile:FuzzSniff internal/domain:FuzzPlaceScan
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$${t##*:}\$$" -fuzztime $(FUZZTIME) ./$${t%%:*} || exit 1; \
	done

## e2e: browser tests (chromedp + Debian's chromium, headless); screenshots of the main pages go to $(E2E_SCREENSHOTS)
E2E_SCREENSHOTS ?= e2e-screenshots
e2e:
	$(GO) vet -tags e2e ./internal/e2e
	$(GO) test -tags e2e -count=1 ./internal/e2e -screenshots "$(abspath $(E2E_SCREENSHOTS))"
	@echo "e2e: screenshots in $(abspath $(E2E_SCREENSHOTS))"

## bench: on a throwaway PostgreSQL (fsync on), generate the national tree and print the speed figures (~3 min)
bench:
	$(GO) test -run '^$$' -bench National -benchtime 1x -timeout 30m ./internal/bench

vet:
	@unformatted=$$(gofmt -l cmd internal migrations templates); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w cmd internal migrations templates

clean:
	rm -rf bin
