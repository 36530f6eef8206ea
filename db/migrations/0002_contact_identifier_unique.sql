-- A contact's identifier is an external id: unique within an account.
-- Earlier versions let contacts share one (or store one too long for an
-- index). The oldest holder keeps a shared identifier; every other holder,
-- and every contact whose identifier is longer than 255 characters, keeps
-- the value under misc.formerIdentifier instead, so nothing is lost.
WITH ranked AS (
    SELECT account_id, id, identifier,
           row_number() OVER (PARTITION BY account_id, identifier ORDER BY created_at, id) AS n
    FROM contacts WHERE identifier IS NOT NULL
)
UPDATE contacts c
SET misc = c.misc || jsonb_build_object('formerIdentifier', c.identifier),
    identifier = NULL, version = c.version + 1, updated_at = now()
FROM ranked r
WHERE c.account_id = r.account_id AND c.id = r.id AND (r.n > 1 OR char_length(r.identifier) > 255);

CREATE UNIQUE INDEX contacts_identifier_unique ON contacts (account_id, identifier) WHERE identifier IS NOT NULL;
