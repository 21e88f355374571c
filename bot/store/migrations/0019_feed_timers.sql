-- Feed and page polls on the durable clock (bot/timers.py): one timer of kind 'feeds.poll'
-- per active feed, kept by triggers from feed_state.next_poll as migration 0008 does for
-- reminders and announcements, so that no writer of feed_state can forget the clock.
-- A feed never polled (next_poll NULL) is due now; a paused feed has no timer.

INSERT OR REPLACE INTO timers(kind, key, due_at)
    SELECT 'feeds.poll', CAST(feed_id AS TEXT),
           coalesce(next_poll, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))
      FROM feed_state WHERE paused = 0;

CREATE TRIGGER feed_state_timer_insert AFTER INSERT ON feed_state
WHEN NEW.paused = 0
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    VALUES ('feeds.poll', CAST(NEW.feed_id AS TEXT),
            coalesce(NEW.next_poll, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')));
END;

-- A poll ends by writing next_poll (success or back-off): the timer moves there, pending
-- again. Pausing removes the timer; resuming (next_poll NULL) makes it due now.
CREATE TRIGGER feed_state_timer_update AFTER UPDATE OF next_poll, paused ON feed_state
BEGIN
    INSERT OR REPLACE INTO timers(kind, key, due_at)
    SELECT 'feeds.poll', CAST(NEW.feed_id AS TEXT),
           coalesce(NEW.next_poll, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))
     WHERE NEW.paused = 0;
    DELETE FROM timers WHERE kind = 'feeds.poll' AND key = CAST(NEW.feed_id AS TEXT)
       AND NEW.paused <> 0;
END;

-- Removing a feed (its feed_state goes with it, ON DELETE CASCADE) removes its timer.
CREATE TRIGGER feed_state_timer_delete AFTER DELETE ON feed_state
BEGIN
    DELETE FROM timers WHERE kind = 'feeds.poll' AND key = CAST(OLD.feed_id AS TEXT);
END;
