-- The history check asks "is this Discord message already some row's?": by message id.
CREATE INDEX outbox_message ON outbox(message_id);
