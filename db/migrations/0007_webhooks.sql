-- Webhooks: an account's HTTP endpoints that receive its contact events, and
-- the delivery queue. The delivery worker of every replica fans new events
-- out into webhook_deliveries (fanned_seq is each webhook's cursor into
-- contact_events: the last event number it has rows for) and claims due
-- deliveries with FOR UPDATE SKIP LOCKED. A delivery being sent keeps
-- status PENDING with next_attempt_at pushed past the send's timeout (a
-- lease): if its replica dies, the lease runs out and another one retries.
CREATE TABLE webhooks (
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    url         text NOT NULL,
    event_kinds text[] NOT NULL DEFAULT '{}',
    description text,
    -- The signing secret as shown once (whsec_<base64>); kept because
    -- signing needs it.
    secret      text NOT NULL,
    fanned_seq  bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id)
);

CREATE TABLE webhook_deliveries (
    account_id       uuid NOT NULL,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    webhook_id       uuid NOT NULL,
    event_id         uuid NOT NULL,
    event_seq        bigint NOT NULL,
    event_kind       text NOT NULL,
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts         int NOT NULL DEFAULT 0,
    last_status_code int,
    last_error       text,
    next_attempt_at  timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, webhook_id, event_seq),
    FOREIGN KEY (account_id, webhook_id) REFERENCES webhooks (account_id, id) ON DELETE CASCADE
);
-- The head of each webhook's queue: its pending delivery with the lowest
-- event number.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (account_id, webhook_id, event_seq)
    WHERE status = 'PENDING';
