"""Feed files, feed exporters, the export from MongoDB and the HTML crawl report."""
