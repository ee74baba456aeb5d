# Two commands do all set-up on a fresh machine (Python 3.11+, network to PyPI):
#   make crawl   -- the main job: an offline crawl of the real saved pages in data/snapshot
#   make test    -- the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat setup.py | cksum | cut -d' ' -f1)

$(STAMP): setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# MongoDB is written when MONGO_URI is set (e.g. mongodb://localhost:27017); otherwise feed only.
crawl: $(STAMP)
	MONGO_ENABLED=$(if $(MONGO_URI),1,0) $(VENV)/bin/scrapy crawlall --replay data/snapshot -s WARC_ENABLED=1

test: $(STAMP)
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	for f in benchmarks/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

.PHONY: install crawl test bench
