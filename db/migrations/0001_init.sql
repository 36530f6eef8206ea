-- Tenants. Every other table carries account_id and keys on it.
CREATE TABLE accounts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    email      text NOT NULL,
    role       text NOT NULL CHECK (role IN ('ADMINISTRATOR', 'AGENT')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, email)
);

-- API tokens are stored as SHA-256 digests of random secrets.
CREATE TABLE api_tokens (
    account_id uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);

CREATE TABLE inboxes (
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    name         text NOT NULL,
    channel_type text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id)
);

CREATE TABLE contacts (
    account_id            uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                    uuid NOT NULL DEFAULT gen_random_uuid(),
    first_name            text,
    last_name             text,
    identifier            text,
    status                text,
    pipeline_id           text,
    pipeline_stage        text,
    outreach_config_id    text,
    thumbnail             text,
    assignee_ids          uuid[] NOT NULL DEFAULT '{}',
    labels                text[] NOT NULL DEFAULT '{}',
    custom_attributes     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_attributes) = 'object'),
    additional_attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(additional_attributes) = 'object'),
    documents             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(documents) = 'array'),
    misc                  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(misc) = 'object'),
    blocked               boolean NOT NULL DEFAULT false,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    last_activity_at      timestamptz,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX contacts_newest ON contacts (account_id, created_at DESC, id DESC);
CREATE INDEX contacts_labels ON contacts USING gin (labels);

-- A contact's emails and phone numbers, in order (position 0 is primary).
-- The primary keys make each address unique within an account.
CREATE TABLE contact_emails (
    account_id uuid NOT NULL,
    email      text NOT NULL,
    contact_id uuid NOT NULL,
    position   integer NOT NULL,
    PRIMARY KEY (account_id, email),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_emails_contact ON contact_emails (account_id, contact_id, position);

CREATE TABLE contact_phone_numbers (
    account_id   uuid NOT NULL,
    phone_number text NOT NULL,
    contact_id   uuid NOT NULL,
    position     integer NOT NULL,
    PRIMARY KEY (account_id, phone_number),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_phone_numbers_contact ON contact_phone_numbers (account_id, contact_id, position);

-- A merged-away contact id and the survivor it now resolves to (always one hop).
CREATE TABLE contact_redirects (
    account_id     uuid NOT NULL,
    old_contact_id uuid NOT NULL,
    new_contact_id uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, old_contact_id),
    FOREIGN KEY (account_id, new_contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_redirects_new ON contact_redirects (account_id, new_contact_id);

CREATE TABLE contact_inboxes (
    account_id uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id uuid NOT NULL,
    inbox_id   uuid NOT NULL,
    source_id  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, inbox_id, source_id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, inbox_id) REFERENCES inboxes (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_inboxes_contact ON contact_inboxes (account_id, contact_id, created_at, id);

CREATE TABLE conversations (
    account_id   uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id   uuid NOT NULL,
    inbox_id     uuid NOT NULL,
    channel      text NOT NULL,
    subject      text,
    status       text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'PENDING', 'RESOLVED')),
    assignee_ids uuid[] NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, inbox_id) REFERENCES inboxes (account_id, id) ON DELETE CASCADE
);
CREATE INDEX conversations_contact ON conversations (account_id, contact_id, created_at, id);

CREATE TABLE messages (
    account_id        uuid NOT NULL,
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    conversation_id   uuid NOT NULL,
    content           text NOT NULL,
    sender_type       text NOT NULL CHECK (sender_type IN ('CONTACT', 'USER', 'SYSTEM')),
    sender_contact_id uuid,
    sender_user_id    uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, sender_contact_id) REFERENCES contacts (account_id, id) ON DELETE SET NULL (sender_contact_id),
    FOREIGN KEY (account_id, sender_user_id) REFERENCES users (account_id, id) ON DELETE SET NULL (sender_user_id)
);
CREATE INDEX messages_timeline ON messages (account_id, conversation_id, created_at, id);
CREATE INDEX messages_sender_contact ON messages (account_id, sender_contact_id) WHERE sender_contact_id IS NOT NULL;

CREATE TABLE applications (
    account_id uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id uuid NOT NULL,
    job_title  text,
    status     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX applications_contact ON applications (account_id, contact_id, created_at, id);

CREATE TABLE contact_notes (
    account_id uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id uuid NOT NULL,
    content    text NOT NULL,
    author_id  uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, author_id) REFERENCES users (account_id, id) ON DELETE SET NULL (author_id)
);
CREATE INDEX contact_notes_contact ON contact_notes (account_id, contact_id, created_at, id);

CREATE TABLE reminders (
    account_id uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id uuid NOT NULL,
    title      text NOT NULL,
    due_at     timestamptz,
    done       boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX reminders_contact ON reminders (account_id, contact_id, created_at, id);

CREATE TABLE training_snapshots (
    account_id uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id uuid NOT NULL,
    data       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX training_snapshots_contact ON training_snapshots (account_id, contact_id, created_at, id);

-- One row per merge or separation: who, when, the input, before-images and
-- the ids of every record moved, so the operation can be undone.
CREATE TABLE operation_journal (
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    kind          text NOT NULL CHECK (kind IN ('MERGE', 'SEPARATE')),
    actor_user_id uuid,
    input         jsonb NOT NULL,
    before_images jsonb NOT NULL,
    moved         jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id)
);
