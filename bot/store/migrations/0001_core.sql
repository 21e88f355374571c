-- Core tables: relayed communications, the outbox every post goes through, small key/values.

CREATE TABLE communications (
    id           INTEGER PRIMARY KEY,
    scope        TEXT NOT NULL,           -- "feed:<name>" or "file": where external_id is unique
    external_id  TEXT NOT NULL,           -- feed item identity or SHA-256 of the file
    source_kind  TEXT NOT NULL,           -- feed, inbox, upload
    source_name  TEXT NOT NULL,
    kind         TEXT NOT NULL,           -- rss, atom, eml, pdf, docx, txt, html...
    title        TEXT NOT NULL,
    link         TEXT,
    sender       TEXT,
    published    TEXT,                    -- UTC ISO 8601
    text         TEXT NOT NULL,
    summary_json TEXT NOT NULL DEFAULT '[]',
    dates_json   TEXT NOT NULL DEFAULT '[]',
    categories_json TEXT NOT NULL DEFAULT '[]',
    channel      TEXT NOT NULL,
    parent_id    INTEGER REFERENCES communications(id),
    created_at   TEXT NOT NULL,
    UNIQUE (scope, external_id)
);
CREATE INDEX communications_created ON communications(created_at);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,       -- communication, reminder, announcement, digest, notice...
    channel          TEXT NOT NULL,       -- logical channel key, name or id
    payload          TEXT NOT NULL,       -- Post as JSON
    nonce            TEXT NOT NULL UNIQUE,
    dedupe_key       TEXT UNIQUE,
    communication_id INTEGER REFERENCES communications(id),
    status           TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, set_aside
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    waiting_reason   TEXT,                -- e.g. channel not configured
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    channel_id       TEXT,
    message_id       TEXT,
    message_url      TEXT
);
CREATE INDEX outbox_pending ON outbox(status, channel, id);
CREATE INDEX outbox_communication ON outbox(communication_id);

CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
