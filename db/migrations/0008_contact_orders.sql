-- Indexes of the orders contacts can be listed in (besides creation).
CREATE INDEX contacts_updated ON contacts (account_id, updated_at, id);
CREATE INDEX contacts_last_activity ON contacts (account_id, coalesce(last_activity_at, '-infinity'), id);
CREATE INDEX contacts_name ON contacts (account_id, btrim(lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))), id);
