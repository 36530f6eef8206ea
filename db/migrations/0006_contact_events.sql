-- The transactional outbox: one row per committed change to a contact
-- (created, updated, deleted, merged, separated, operation undone), written
-- in the change's own transaction, so an event exists if and only if the
-- change committed. seq numbers an account's events in commit order: the
-- writer takes the account's counter (accounts.event_seq) as its last
-- statement, so the row lock orders the commits. Subscribers and webhooks
-- read the events from here; NOTIFY contact_events only wakes them.
ALTER TABLE accounts ADD COLUMN event_seq bigint NOT NULL DEFAULT 0;

CREATE TABLE contact_events (
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    seq           bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('CONTACT_CREATED', 'CONTACT_UPDATED', 'CONTACT_DELETED',
                                                'CONTACTS_MERGED', 'CONTACT_SEPARATED', 'CONTACT_OPERATION_UNDONE')),
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    actor_user_id uuid,
    contact_ids   uuid[] NOT NULL,
    operation_id  uuid,
    summary       jsonb,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, seq)
);
CREATE INDEX contact_events_time ON contact_events (occurred_at);
