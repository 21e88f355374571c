-- Feeds: definitions (config-declared ones are synced at start), polling state, items seen.

CREATE TABLE feeds (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,            -- shown as the posts' source
    name_key         TEXT NOT NULL UNIQUE,     -- name folded (case and accents) for lookups
    url              TEXT NOT NULL,
    origin           TEXT NOT NULL CHECK (origin IN ('config', 'discord')),
    channels_json    TEXT NOT NULL DEFAULT '[]',
    interval_minutes REAL NOT NULL DEFAULT 5,
    role             TEXT,
    include_json     TEXT NOT NULL DEFAULT '[]',
    exclude_json     TEXT NOT NULL DEFAULT '[]',
    added_by         TEXT,
    created_at       TEXT NOT NULL
);

CREATE TABLE feed_state (
    feed_id          INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    etag             TEXT,
    last_modified    TEXT,
    body_hash        TEXT,
    final_url        TEXT,
    initialized      INTEGER NOT NULL DEFAULT 0,  -- first successful poll done (no flood after)
    last_success     TEXT,
    last_error       TEXT,
    last_error_at    TEXT,
    next_poll        TEXT,                        -- UTC ISO 8601
    failures         INTEGER NOT NULL DEFAULT 0,  -- consecutive
    paused           INTEGER NOT NULL DEFAULT 0,
    paused_at        TEXT,
    items_relayed    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feed_state_next_poll ON feed_state(paused, next_poll);

CREATE TABLE feed_items (
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    external_id  TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    relayed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feed_id, external_id)
) WITHOUT ROWID;
