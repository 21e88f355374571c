-- One durable clock (bot/timers.py): every row that is due at a time, whatever its feature.
-- A feature either writes its timers itself (timers.schedule / timers.cancel in its own
-- transaction) or, for the tables that already hold a due time, the triggers below keep one
-- timer per pending row, so that no writer of those tables can forget the clock.

CREATE TABLE timers (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,                -- the handler: 'calendar.reminder', 'announcement'…
    key         TEXT NOT NULL,                -- the feature's own id for the row
    due_at      TEXT NOT NULL,                -- UTC ISO 8601
    payload     TEXT NOT NULL DEFAULT '{}',   -- JSON, the handler's to read
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    late        INTEGER NOT NULL DEFAULT 0,   -- fired after downtime or long after its time
    attempts    INTEGER NOT NULL DEFAULT 0,   -- failed runs (retried with a back-off)
    last_error  TEXT,
    done_at     TEXT,
    UNIQUE (kind, key)
);
CREATE INDEX timers_pending ON timers(due_at) WHERE status = 'pending';

-- Calendar reminders: one timer per pending cal_reminders row.
INSERT INTO timers(kind, key, due_at)
    SELECT 'calendar.reminder', CAST(id AS TEXT), due_at FROM cal_reminders WHERE status = 'pending';

CREATE TRIGGER cal_reminders_timer_insert AFTER INSERT ON cal_reminders
WHEN NEW.status = 'pending'
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    VALUES ('calendar.reminder', CAST(NEW.id AS TEXT), NEW.due_at);
END;

CREATE TRIGGER cal_reminders_timer_update AFTER UPDATE OF status, due_at ON cal_reminders
BEGIN
    UPDATE timers SET due_at = NEW.due_at
     WHERE kind = 'calendar.reminder' AND key = CAST(NEW.id AS TEXT)
       AND NEW.status = 'pending';
    UPDATE timers SET status = 'done', done_at = NEW.done_at, late = NEW.late
     WHERE kind = 'calendar.reminder' AND key = CAST(NEW.id AS TEXT)
       AND status = 'pending' AND NEW.status <> 'pending';
END;

CREATE TRIGGER cal_reminders_timer_delete AFTER DELETE ON cal_reminders
BEGIN
    DELETE FROM timers WHERE kind = 'calendar.reminder' AND key = CAST(OLD.id AS TEXT);
END;

-- Scheduled announcements: one timer per announcement still 'scheduled'.
INSERT INTO timers(kind, key, due_at)
    SELECT 'announcement', CAST(id AS TEXT), due_at FROM announcements WHERE status = 'scheduled';

CREATE TRIGGER announcements_timer_insert AFTER INSERT ON announcements
WHEN NEW.status = 'scheduled'
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    VALUES ('announcement', CAST(NEW.id AS TEXT), NEW.due_at);
END;

CREATE TRIGGER announcements_timer_update AFTER UPDATE OF status, due_at ON announcements
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    SELECT 'announcement', CAST(NEW.id AS TEXT), NEW.due_at WHERE NEW.status = 'scheduled';
    UPDATE timers SET status = 'done', done_at = NEW.updated_at
     WHERE kind = 'announcement' AND key = CAST(NEW.id AS TEXT)
       AND status = 'pending' AND NEW.status <> 'scheduled';
END;

CREATE TRIGGER announcements_timer_delete AFTER DELETE ON announcements
BEGIN
    DELETE FROM timers WHERE kind = 'announcement' AND key = CAST(OLD.id AS TEXT);
END;
