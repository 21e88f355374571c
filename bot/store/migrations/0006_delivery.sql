-- Delivery that survives anything: when a post may first have reached Discord, and what
-- retention needs to prune sent payloads and feed item identities safely.

-- The first moment a request for this row may have reached Discord. A row resent longer
-- than the nonce window after it is first looked for in the channel's history.
ALTER TABLE outbox ADD COLUMN attempted_at TEXT;

-- Set when retention emptied the payload of a sent row (the row stays: its dedupe_key
-- keeps a reminder or digest from being posted again, its message_id anchors history).
ALTER TABLE outbox ADD COLUMN pruned_at TEXT;

-- The last message confirmed in a channel, and the sent rows old enough to prune.
CREATE INDEX outbox_sent ON outbox(status, sent_at);

-- The last time an item was present in its feed's body: an identity is pruned only once
-- its item has left the feed for longer than the retention.
ALTER TABLE feed_items ADD COLUMN last_seen TEXT;
