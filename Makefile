# pyrogue-ts — the two commands a new user needs:
#   make run    serve the example tree on 127.0.0.1:9099
#   make test   install what is missing, build, run every test
SHELL := /bin/bash
PY := /usr/bin/python3
PORT ?= 9099
SOAK_MINUTES ?= 10
WIRE_TOOLS := tools/wire/build/loadgen tools/wire/build/echo tools/wire/build/sub tools/wire/build/memecho
# npm writes node_modules/.package-lock.json on every install: `make run` right after a
# user's own `npm ci` does not install again.
NODE_STAMP := node_modules/.package-lock.json
# Interop tier selection (docs/interop.md), handed to python-fixtures/tier.py.
export PYROGUE_PYTHONPATH PYROGUE_LD_LIBRARY_PATH INTEROP_REQUIRE_REAL

.PHONY: all deps pydeps zmqdev chromium build web typecheck lint format run test test-long unit interop serve-reference replay golden bench soak clean

all: build

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

# Debian's pyzmq and numpy, for the Python fixtures, replay and canon tools;
# PyYAML, the reference for the YAML emitter tests.
pydeps:
	@if ! $(PY) -c 'import zmq, numpy, yaml' 2>/dev/null; then \
	  echo "installing Debian python3-zmq python3-numpy python3-yaml"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-zmq python3-numpy python3-yaml; \
	fi

# Debian's chromium, for the browser tests (interop/web-*.test.ts, driven by puppeteer-core) and the web benchmark.
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian chromium"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y chromium; \
	fi

deps: $(NODE_STAMP) pydeps chromium

# The rm: outputs of sources that moved (an old dist/tree/variable.js would shadow dist/tree/variable/).
build: $(NODE_STAMP)
	@rm -f dist/tree/variable.js dist/tree/variable.js.map dist/tree/variable.d.ts dist/tree/axiversion.js dist/tree/axiversion.js.map dist/tree/axiversion.d.ts dist/py/yaml.js dist/py/yaml.js.map dist/py/yaml.d.ts
	npx tsc -p tsconfig.json
	@$(MAKE) --no-print-directory web

# The browser page (src/web/page, docs/web.md): bundled by esbuild into dist/web/static with its HTML and
# CSS (uPlot's stylesheet, then the page's: one file).
web: $(NODE_STAMP)
	@mkdir -p dist/web/static
	npx esbuild src/web/page/main.ts --bundle --format=iife --target=es2020 --minify --sourcemap --log-level=warning --outfile=dist/web/static/app.js
	cp src/web/page/index.html dist/web/static/
	cat node_modules/uplot/dist/uPlot.min.css src/web/page/app.css > dist/web/static/app.css

# The tests and examples type-checked (ts-jest only transpiles them: tsconfig.test.json has
# isolatedModules), then ESLint (eslint.config.mjs: typescript-eslint strict type-checked).
typecheck: $(NODE_STAMP)
	npx tsc -p tsconfig.test.json
	npx tsc -p tsconfig.page.json

lint: typecheck
	npx eslint --max-warnings 0 .
	npx prettier --check .

# Rewrites the tree with Prettier (.prettierrc.json); run after a merge.
format: $(NODE_STAMP)
	npx prettier --write .

run: build
	node dist/cli.js serve --tree example --addr 127.0.0.1 --port $(PORT)

serve-reference: build
	node dist/cli.js serve --tree reference --addr 127.0.0.1 --port $(PORT)

test: deps build lint
	npx jest --ci

unit: deps build
	npx jest --ci --selectProjects unit

interop: deps build
	npx jest --ci --selectProjects interop

# Long tests, not in `make test`: the snapshot round trip (serve, snapshot, serve
# the file, compare) on a generated tree of 100,000 nodes (several minutes).
test-long: deps build
	SNAPSHOT_ROUNDTRIP_NODES=100000 npx jest --ci interop/snapshot.test.ts -t 'generated tree'

# The golden replay (python-fixtures/replay.py) against a reference server already
# running on PORT (make serve-reference PORT=N in another shell; a fresh one per replay).
TRANSCRIPT ?= golden/transcript.jsonl
replay: pydeps
	$(PY) python-fixtures/replay.py 127.0.0.1 $(PORT) --transcript $(TRANSCRIPT)

# Refresh the repository's copies of the pyrogue recordings from their upstream,
# ../shared/golden (golden/README.md); test/golden-current.test.ts checks they match.
GOLDEN_UPSTREAM ?= ../shared/golden
golden:
	@test -d $(GOLDEN_UPSTREAM) || { echo "no $(GOLDEN_UPSTREAM): nothing to refresh from"; exit 1; }
	cp $(GOLDEN_UPSTREAM)/transcript.jsonl $(GOLDEN_UPSTREAM)/semantics.jsonl $(GOLDEN_UPSTREAM)/tree.json golden/
	chmod 644 golden/transcript.jsonl golden/semantics.jsonl golden/tree.json
	cd golden && sha256sum transcript.jsonl semantics.jsonl tree.json

# Debian's C compiler and libzmq3-dev, for the C load generator and echo baseline.
zmqdev:
	@if [ ! -f /usr/include/zmq.h ] || ! command -v cc >/dev/null; then \
	  echo "installing Debian gcc libc6-dev libzmq3-dev"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y gcc libc6-dev libzmq3-dev; \
	fi

tools/wire/build/%: tools/wire/%.c tools/wire/common.h | zmqdev
	@mkdir -p tools/wire/build
	cc -O2 -Wall -o $@ $< -lzmq -lpthread

# Benchmarks print ratios to baselines measured in the same run (CPython's C
# pickle for the codec, a raw libzmq echo server for the wire). One entry,
# bench/run.js: BENCH="wire --only value8 --rounds 5" picks benchmarks and
# their options (node bench/run.js --list); a new one is a file in bench/ and
# a line in its BENCHES (bench/README.md).
BENCH ?=
bench: deps build $(WIRE_TOOLS)
	node bench/run.js $(BENCH)

# Long fuzz + load soak (SOAK_MINUTES of 8 clients and 4 subscribers).
soak: deps build $(WIRE_TOOLS)
	node bench/run.js soak --minutes $(SOAK_MINUTES)

clean:
	rm -rf dist coverage
