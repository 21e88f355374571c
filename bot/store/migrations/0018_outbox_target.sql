-- Where an outbox row goes: the sink that sends it ('discord' today). A second sink (another
-- publisher, a mailing list) gets its own rows and its own worker filtering on this column,
-- so that a retry for one sink never resends to another (CONTRIBUTING.md, "add a sink").
ALTER TABLE outbox ADD COLUMN target TEXT NOT NULL DEFAULT 'discord';
CREATE INDEX outbox_target ON outbox(target, status);
