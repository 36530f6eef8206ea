-- Idempotency keys. A request sent with an Idempotency-Key header claims the
-- key within its account; when it has answered, its response (HTTP status,
-- content type and body) is kept with the key, so that a retry with the same
-- key, the same user and the same body (request_hash, its SHA-256) gets that
-- response instead of running again. A row without a response belongs to a
-- request still running, or to one whose process died: a retry takes it over
-- once it is older than the request time limit plus the shutdown drain.
-- Keys are kept 24 hours; older rows count as absent and are deleted when a
-- key of the account is claimed.
CREATE TABLE idempotency_keys (
    account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key             text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    user_id         uuid NOT NULL,
    request_hash    bytea NOT NULL CHECK (length(request_hash) = 32),
    claim_id        uuid NOT NULL DEFAULT gen_random_uuid(),
    response_status integer CHECK (response_status BETWEEN 100 AND 599),
    content_type    text,
    response_body   bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
    CHECK ((response_status IS NULL) = (response_body IS NULL))
);
-- Finds an account's expired keys for deletion, oldest first.
CREATE INDEX idempotency_keys_oldest ON idempotency_keys (account_id, created_at);
