-- Sources shaped from Discord (issue 16): web pages, regex filters, what a post shows,
-- the address a permanent redirect moved a feed to, and the last version of a watched page.

ALTER TABLE feeds ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed';     -- 'feed' or 'page'
ALTER TABLE feeds ADD COLUMN selector TEXT;                         -- pages: CSS selector
ALTER TABLE feeds ADD COLUMN regex_json TEXT NOT NULL DEFAULT '{}'; -- {"include": [], "exclude": []}
ALTER TABLE feeds ADD COLUMN show TEXT NOT NULL DEFAULT 'full';     -- 'full', 'summary', 'title'

ALTER TABLE feed_state ADD COLUMN moved_url TEXT;                  -- after a 301/308

CREATE TABLE page_versions (
    feed_id     INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,        -- hash of the normalised text (noise removed)
    text        TEXT NOT NULL,        -- the extracted main text, as last seen
    seen_at     TEXT NOT NULL,
    changed_at  TEXT
);
