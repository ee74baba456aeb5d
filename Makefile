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
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $(STAMP)

# Re-resolve every dependency (setup.py install_requires + the `test` extra) to the newest versions
# its ranges allow and write requirements.lock; run after changing setup.py, then `make test`.
lock:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --upgrade --strip-extras --extra test \
	    --no-emit-index-url --no-emit-trusted-host --no-emit-find-links -o requirements.lock setup.py

install: $(STAMP)

# MongoDB is written when MONGO_URI is set (e.g. mongodb://localhost:27017); otherwise feed only.
crawl: $(STAMP)
	MONGO_ENABLED=$(if $(MONGO_URI),1,0) $(VENV)/bin/scrapy crawlall --replay data/snapshot -s WARC_ENABLED=1

test: $(STAMP)
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	for f in benchmarks/bench_*.py benchmarks/extraction_quality.py; do echo "== $$f"; $(PY) $$f || exit 1; done

.PHONY: install crawl test bench lock
