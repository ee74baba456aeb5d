#!/usr/bin/env bash
# One cron run of newscrawl: the project's venv, its folder, the run lock, one log file per run.
#   */15 * * * * /path/to/newscrawl/deploy/cron.sh            (all spiders)
#   */5  * * * * /path/to/newscrawl/deploy/cron.sh youm7 thiqa (some spiders)
# Exit status: that of `scrapy crawlall` (0 ok, 2 a spider closed for an error reason -- or a
# usage error: bad option, unknown spider --, 3 no page fetched, 4 MongoDB kept failing or
# refused items, 5 too few items, 6 a spider could not start (configuration error: bad -a
# value, MongoDB URI/auth, REDIS_URL, the local server, an unwritable lock or spool), 7 a feed
# could not be written, 75 previous run still going), or 1 when the project folder is missing.
set -u
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:/usr/local/bin:/usr/bin:/bin"
LOG_DIR="${NEWSCRAWL_LOG_DIR:-data/logs}"
KEEP_DAYS="${NEWSCRAWL_LOG_KEEP_DAYS:-14}"
mkdir -p "$LOG_DIR"
log="$LOG_DIR/crawl-$(date -u +%Y%m%dT%H%M%SZ).log"
scrapy crawlall "$@" --lock data/newscrawl.ops.lock -s LOG_FILE="$log" -s LOG_FILE_APPEND=False
status=$?
# rotation: one file per run, removed after KEEP_DAYS days
find "$LOG_DIR" -name 'crawl-*.log' -mtime +"$KEEP_DAYS" -delete 2>/dev/null
[ "$status" -ne 0 ] && echo "newscrawl: exit $status, see $log" >&2
exit "$status"
