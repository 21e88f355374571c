-- Outbox retries on the durable clock (bot/timers.py): a row put off to a later time (a retry
-- after a failure, a rate limit, Discord unreachable, a channel not there yet, a post queued
-- for later) holds one timer of kind 'outbox.<target>' at that time, kept by triggers as 0008
-- and 0019 do. Its handler only wakes that sink's worker, which then sends the channel heads
-- that are due: the worker never sleeps until a time of its own.

INSERT OR REPLACE INTO timers(kind, key, due_at)
    SELECT 'outbox.' || target, CAST(id AS TEXT), next_attempt_at FROM outbox
     WHERE status = 'pending' AND next_attempt_at > strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now');

CREATE TRIGGER outbox_timer_insert AFTER INSERT ON outbox
WHEN NEW.status = 'pending' AND NEW.next_attempt_at > NEW.created_at
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    VALUES ('outbox.' || NEW.target, CAST(NEW.id AS TEXT), NEW.next_attempt_at);
END;

-- Put off to a later time: the timer moves there. Made due now (Discord back, a staff requeue):
-- the writer's commit wakes the worker, and the timer, no longer needed, goes.
CREATE TRIGGER outbox_timer_update AFTER UPDATE OF next_attempt_at ON outbox
WHEN NEW.status = 'pending'
 AND NEW.next_attempt_at > strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    VALUES ('outbox.' || NEW.target, CAST(NEW.id AS TEXT), NEW.next_attempt_at);
END;

CREATE TRIGGER outbox_timer_due_now AFTER UPDATE OF next_attempt_at ON outbox
WHEN NEW.next_attempt_at <= strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
BEGIN
    DELETE FROM timers WHERE kind = 'outbox.' || NEW.target AND key = CAST(NEW.id AS TEXT)
       AND status = 'pending';
END;

-- Sent or set aside: nothing more to wake for.
CREATE TRIGGER outbox_timer_settled AFTER UPDATE OF status ON outbox
WHEN NEW.status <> 'pending'
BEGIN
    DELETE FROM timers WHERE kind = 'outbox.' || NEW.target AND key = CAST(NEW.id AS TEXT)
       AND status = 'pending';
END;

CREATE TRIGGER outbox_timer_delete AFTER DELETE ON outbox
BEGIN
    DELETE FROM timers WHERE kind = 'outbox.' || OLD.target AND key = CAST(OLD.id AS TEXT);
END;
