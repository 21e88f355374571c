-- Calendar: delegations, meetings, deadlines, their reminders, attendance, date proposals.
-- Datetimes are UTC ISO 8601 text. external_key makes loading config/calendar.toml idempotent.

CREATE TABLE cal_delegations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role       TEXT NOT NULL,           -- Discord role id or name, pinged by reminders
    channel    TEXT NOT NULL,           -- logical channel key, channel name or id
    created_at TEXT NOT NULL
);

CREATE TABLE cal_delegation_members (
    delegation_id INTEGER NOT NULL REFERENCES cal_delegations(id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL,        -- Discord user id, or a name when only that is known
    display_name  TEXT,
    member_role   TEXT NOT NULL CHECK (member_role IN ('delegate', 'substitute')),
    PRIMARY KEY (delegation_id, user_id)
);

CREATE TABLE cal_meetings (
    id                      INTEGER PRIMARY KEY,
    title                   TEXT NOT NULL,
    start_at                TEXT NOT NULL,
    end_at                  TEXT NOT NULL,
    place                   TEXT,
    video_link              TEXT,
    notes                   TEXT,
    status                  TEXT NOT NULL DEFAULT 'scheduled'
                            CHECK (status IN ('scheduled', 'cancelled')),
    source_communication_id INTEGER REFERENCES communications(id) ON DELETE SET NULL,
    preparatory_id          INTEGER REFERENCES cal_meetings(id) ON DELETE SET NULL,
    debrief_id              INTEGER REFERENCES cal_meetings(id) ON DELETE SET NULL,
    discord_event_id        TEXT,
    sequence                INTEGER NOT NULL DEFAULT 0,   -- iCalendar SEQUENCE: bumped on edit
    external_key            TEXT UNIQUE,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX cal_meetings_start ON cal_meetings(status, start_at);

CREATE TABLE cal_meeting_delegations (
    meeting_id    INTEGER NOT NULL REFERENCES cal_meetings(id) ON DELETE CASCADE,
    delegation_id INTEGER NOT NULL REFERENCES cal_delegations(id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, delegation_id)
);

CREATE TABLE cal_deadlines (
    id                      INTEGER PRIMARY KEY,
    title                   TEXT NOT NULL,
    due_at                  TEXT NOT NULL,
    period_start            TEXT,
    delegation_id           INTEGER REFERENCES cal_delegations(id) ON DELETE SET NULL,
    notes                   TEXT,
    status                  TEXT NOT NULL DEFAULT 'scheduled'
                            CHECK (status IN ('scheduled', 'cancelled')),
    source_communication_id INTEGER REFERENCES communications(id) ON DELETE SET NULL,
    sequence                INTEGER NOT NULL DEFAULT 0,
    external_key            TEXT UNIQUE,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX cal_deadlines_due ON cal_deadlines(status, due_at);

CREATE TABLE cal_reminders (
    id          INTEGER PRIMARY KEY,
    event_kind  TEXT NOT NULL CHECK (event_kind IN ('meeting', 'deadline')),
    event_id    INTEGER NOT NULL,
    offset_spec TEXT NOT NULL,          -- "J-7", "H-2", "J0 08:00"
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
    late        INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,                   -- why skipped
    outbox_id   INTEGER,
    done_at     TEXT
);
CREATE INDEX cal_reminders_pending ON cal_reminders(status, due_at);
CREATE INDEX cal_reminders_event ON cal_reminders(event_kind, event_id);

CREATE TABLE cal_attendance (
    meeting_id INTEGER NOT NULL REFERENCES cal_meetings(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    user_name  TEXT,
    status     TEXT NOT NULL CHECK (status IN ('present', 'absent', 'uncertain')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE cal_proposals (
    id               INTEGER PRIMARY KEY,
    communication_id INTEGER REFERENCES communications(id) ON DELETE CASCADE,
    date             TEXT NOT NULL,     -- as found: AAAA-MM-JJ or AAAA-MM
    end_date         TEXT,
    precision        TEXT NOT NULL,
    kind             TEXT NOT NULL,     -- rencontre, echeance, periode
    found_text       TEXT NOT NULL,
    label            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'meeting', 'deadline', 'ignored')),
    item_id          INTEGER,           -- the meeting or deadline created from it
    decided_by       TEXT,
    decided_at       TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (communication_id, date, kind, found_text)
);
