"""Web pages without a feed, watched for changes (kind = "page")."""
