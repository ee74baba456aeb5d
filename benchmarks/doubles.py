"""In-process MongoDB double for benchmarks (``-s MONGO_CLIENT_FACTORY=benchmarks.doubles.mongomock_client``)."""


def mongomock_client(config):
    import mongomock_ng

    return mongomock_ng.MongoClient(tz_aware=True)
