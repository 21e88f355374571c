-- Staff announcements (now and scheduled), their audit history, the follow-up of relayed
-- communications ("Pris en charge"), and the full-text index over communications.

CREATE TABLE announcements (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    channels_json  TEXT NOT NULL,                 -- logical channel keys
    ping_roles_json TEXT NOT NULL DEFAULT '[]',   -- logical role names or ids
    ping_everyone  INTEGER NOT NULL DEFAULT 0,    -- only when staff chose it explicitly
    due_at         TEXT NOT NULL,                 -- UTC ISO 8601; "now" announcements too
    status         TEXT NOT NULL DEFAULT 'scheduled'
                   CHECK (status IN ('scheduled', 'sent', 'cancelled')),
    origin         TEXT NOT NULL DEFAULT 'discord',  -- discord, file
    author_id      TEXT,
    author_name    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    sent_at        TEXT
);
CREATE INDEX announcements_due ON announcements(status, due_at);

-- Who posted, scheduled, changed or cancelled what, and when (never updated, only appended).
CREATE TABLE announcement_history (
    id              INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    action          TEXT NOT NULL,   -- published, scheduled, modified, cancelled, sent
    actor_id        TEXT,
    actor_name      TEXT NOT NULL,
    at              TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX announcement_history_at ON announcement_history(at);

CREATE TABLE followups (
    communication_id INTEGER PRIMARY KEY REFERENCES communications(id) ON DELETE CASCADE,
    taken_by_id      TEXT NOT NULL,
    taken_by_name    TEXT NOT NULL,
    taken_at         TEXT NOT NULL
);

-- The index reads its text through this view (an FTS5 external content table may be a view):
-- the summary is stored as a JSON list, and json_each turns it back into words, accents intact.
CREATE VIEW communications_search_source AS
SELECT id, title,
       CASE WHEN json_valid(summary_json)
            THEN (SELECT group_concat(value, ' ') FROM json_each(summary_json))
            ELSE summary_json END AS summary,
       text
FROM communications;

CREATE VIRTUAL TABLE communications_fts USING fts5(
    title, summary, text,
    content = 'communications_search_source',
    content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 2"
);

CREATE TRIGGER communications_fts_insert AFTER INSERT ON communications BEGIN
    INSERT INTO communications_fts(rowid, title, summary, text)
    SELECT id, title, summary, text FROM communications_search_source WHERE id = new.id;
END;

CREATE TRIGGER communications_fts_delete BEFORE DELETE ON communications BEGIN
    INSERT INTO communications_fts(communications_fts, rowid, title, summary, text)
    SELECT 'delete', id, title, summary, text FROM communications_search_source WHERE id = old.id;
END;

CREATE TRIGGER communications_fts_update_before BEFORE UPDATE OF title, summary_json, text
ON communications BEGIN
    INSERT INTO communications_fts(communications_fts, rowid, title, summary, text)
    SELECT 'delete', id, title, summary, text FROM communications_search_source WHERE id = old.id;
END;

CREATE TRIGGER communications_fts_update_after AFTER UPDATE OF title, summary_json, text
ON communications BEGIN
    INSERT INTO communications_fts(rowid, title, summary, text)
    SELECT id, title, summary, text FROM communications_search_source WHERE id = new.id;
END;

-- Communications relayed before this migration are indexed once here.
INSERT INTO communications_fts(rowid, title, summary, text)
SELECT id, title, summary, text FROM communications_search_source;
