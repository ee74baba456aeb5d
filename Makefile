# Two commands do all set-up on a fresh machine (Python 3.11+, network to PyPI):
#   make crawl   -- the main job: an offline crawl of the real saved pages in data/snapshot
#   make test    -- the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat setup.py requirements.lock | cksum | cut -d' ' -f1)

# requirements.lock: the exact versions CI tested (`make lock` refreshes it from setup.py's ranges)
$(STAMP): setup.py requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[test,server]'
	rm -f $(VENV)/.installed-*; touch $(STAMP)

# Re-resolve every dependency (setup.py install_requires + the `test` extra) to the newest versions
# its ranges allow and write requirements.lock; run after changing setup.py, then `make test`.
lock:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --upgrade --strip-extras --extra test \
	    --no-emit-index-url --no-emit-trusted-host --no-emit-find-links -o requirements.lock setup.py

install: $(STAMP)

# Items are stored in MongoDB: MONGO_URI when set, else a local MongoDB-compatible server that
# newscrawl starts and stops itself (data in data/db); then the store is exported from MongoDB
# beside the per-run feeds.  MONGO_ENABLED=0: feeds only.
EXPORT_DIR ?= data/replay/export
crawl: $(STAMP)
	$(VENV)/bin/scrapy crawlall --replay data/snapshot -s WARC_ENABLED=1
ifeq ($(filter 0 False false,$(MONGO_ENABLED)),)
	@mkdir -p $(EXPORT_DIR)
	$(VENV)/bin/scrapy export -o $(EXPORT_DIR)/articles.jsonl
	$(VENV)/bin/scrapy export --type ticker -o $(EXPORT_DIR)/tickers.jsonl
	@echo "newscrawl: store: $(if $(MONGO_URI),the MongoDB of MONGO_URI,the local server's data/db/ (delete it to start empty)); exported from it: $(EXPORT_DIR)/articles.jsonl, $(EXPORT_DIR)/tickers.jsonl"
endif

test: $(STAMP)
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	for f in benchmarks/bench_*.py benchmarks/extraction_quality.py; do echo "== $$f"; $(PY) $$f || exit 1; done

.PHONY: install crawl test bench lock
