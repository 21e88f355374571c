"""RSS/Atom feeds: fetch (aiohttp), safety, parse (feedparser off-loop), identity, poller."""
