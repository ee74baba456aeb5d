"""Running crawls: runner, exit statuses, run lock, incremental state, distributed crawling, offline replay, WARC, progress and log lines."""
