-- A re-publication the read side asked for (a gap in an aggregate's events that did not close:
-- the message was lost on its way). Sent with this duplicate id instead of the event's id, so that
-- the broker's duplicate detection, which has seen the event id, lets it through; the projections
-- still apply each event once, by its sequence.
ALTER TABLE outbox ADD COLUMN resend_id uuid;
