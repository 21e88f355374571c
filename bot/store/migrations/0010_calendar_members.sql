-- The calendar in members' hands: recurring meetings and their per-occurrence changes,
-- lead times chosen per meeting or deadline, public delegations, subscription tokens,
-- personal reminders by direct message, attendance per occurrence.

-- RFC 5545 rule of a series (UNTIL as a local date YYYYMMDD); NULL: a single meeting.
ALTER TABLE cal_meetings ADD COLUMN rrule TEXT;
-- Reminder lead times of this meeting ("J-7,H-2"); NULL: the defaults of relais.toml.
ALTER TABLE cal_meetings ADD COLUMN reminder_offsets TEXT;
ALTER TABLE cal_deadlines ADD COLUMN reminder_offsets TEXT;
-- A public delegation's meetings appear in the public calendar feed; others never do.
ALTER TABLE cal_delegations ADD COLUMN public INTEGER NOT NULL DEFAULT 0;

-- One occurrence of a series moved or cancelled; ``occurrence`` is its original start (UTC).
CREATE TABLE cal_occurrence_changes (
    meeting_id INTEGER NOT NULL REFERENCES cal_meetings(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('moved', 'cancelled')),
    start_at   TEXT,
    end_at     TEXT,
    sequence   INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, occurrence)
);

-- Reminders of one occurrence of a series (its original start), and personal reminders
-- (user_id set: sent by direct message to that member).
ALTER TABLE cal_reminders ADD COLUMN occurrence TEXT;
ALTER TABLE cal_reminders ADD COLUMN user_id TEXT;
DELETE FROM cal_reminders WHERE status = 'pending' AND id NOT IN (
    SELECT MIN(id) FROM cal_reminders WHERE status = 'pending'
    GROUP BY event_kind, event_id, due_at
);
CREATE UNIQUE INDEX cal_reminders_once ON cal_reminders(
    event_kind, event_id, COALESCE(occurrence, ''), COALESCE(user_id, ''), due_at
) WHERE status = 'pending';

-- Calendar feeds served over HTTP: one active token per scope (public, or one delegation).
CREATE TABLE cal_feed_tokens (
    id            INTEGER PRIMARY KEY,
    token         TEXT NOT NULL UNIQUE,
    delegation_id INTEGER REFERENCES cal_delegations(id) ON DELETE CASCADE,  -- NULL: public
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT
);
CREATE INDEX cal_feed_tokens_scope ON cal_feed_tokens(delegation_id, revoked_at);

-- Members who asked for their own reminders (/rappels), and at which lead times.
CREATE TABLE cal_dm_prefs (
    user_id        TEXT PRIMARY KEY,
    offsets        TEXT NOT NULL,          -- "J-1,H-2"
    enabled        INTEGER NOT NULL DEFAULT 1,
    dm_closed_at   TEXT,                   -- DMs refused: one channel notice, no more tries
    updated_at     TEXT NOT NULL
);
CREATE TABLE cal_dm_delegations (
    user_id       TEXT NOT NULL REFERENCES cal_dm_prefs(user_id) ON DELETE CASCADE,
    delegation_id INTEGER NOT NULL REFERENCES cal_delegations(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, delegation_id)
);

-- Attendance per occurrence ('' for a single meeting): the table is rebuilt with the column
-- in its key, answers kept.
CREATE TABLE cal_attendance_new (
    meeting_id INTEGER NOT NULL REFERENCES cal_meetings(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL DEFAULT '',
    user_id    TEXT NOT NULL,
    user_name  TEXT,
    status     TEXT NOT NULL CHECK (status IN ('present', 'absent', 'uncertain')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, occurrence, user_id)
);
INSERT INTO cal_attendance_new(meeting_id, occurrence, user_id, user_name, status, updated_at)
    SELECT meeting_id, '', user_id, user_name, status, updated_at FROM cal_attendance;
DROP TABLE cal_attendance;
ALTER TABLE cal_attendance_new RENAME TO cal_attendance;
