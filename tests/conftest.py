"""Shared fixtures.

``mongo_uri``: a real MongoDB-protocol server for the whole session -- ``MONGO_URI`` when
set (real MongoDB), else a SecantusDB server started on a free loopback port
(:mod:`tests.mongo_server`).  Each test that needs isolation uses its own database name.
"""

from __future__ import annotations

import os

import pytest

from tests import mongo_server


@pytest.fixture(scope="session")
def mongo_uri():
    uri = os.environ.get("MONGO_URI")
    if uri:
        yield uri
        return
    if not mongo_server.available():
        pytest.fail("no MongoDB server: set MONGO_URI or install secantusdb (pip install -e '.[test]')")
    with mongo_server.MongoTestServer() as server:
        yield server.uri
