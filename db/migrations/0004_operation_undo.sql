-- Undo of merges and separations. Every journal row now says which
-- contacts it involved (for history and conflict checks), the summary its
-- payload returned, the version each involved contact had right after it
-- (an undo requires the contacts unchanged since), and how it relates to
-- other rows: an UNDO row undoes an earlier row, which records it in
-- undone_by. depth is the row's distance from the merge or separation it
-- acts on (0 for the operation, 1 for its undo, 2 for a redo, ...): the
-- operation's effect stands when the last row of its chain has an even
-- depth.
ALTER TABLE operation_journal DROP CONSTRAINT operation_journal_kind_check;
ALTER TABLE operation_journal ADD CONSTRAINT operation_journal_kind_check CHECK (kind IN ('MERGE', 'SEPARATE', 'UNDO'));
ALTER TABLE operation_journal
    ADD COLUMN contact_ids    uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN summary        jsonb,
    ADD COLUMN after_versions jsonb,
    ADD COLUMN root_id        uuid,
    ADD COLUMN undoes         uuid,
    ADD COLUMN undone_by      uuid,
    ADD COLUMN depth          int NOT NULL DEFAULT 0;

-- root_id NULL reads as the row itself.
-- Rows written before: their contacts from the before-images and the new
-- contact of a separation. They have no after_versions and cannot be
-- undone (the history says why).
UPDATE operation_journal SET root_id = id, contact_ids = ARRAY(
    SELECT DISTINCT x::uuid FROM (
        SELECT before_images #>> '{base,id}' AS x
        UNION ALL SELECT m ->> 'id' FROM jsonb_array_elements(coalesce(before_images -> 'mergees', '[]')) m
        UNION ALL SELECT before_images #>> '{original,id}'
        UNION ALL SELECT moved ->> 'newContactId'
        UNION ALL SELECT moved ->> 'NewContactID') ids
    WHERE x IS NOT NULL);

CREATE INDEX operation_journal_contacts ON operation_journal USING gin (contact_ids);
CREATE INDEX operation_journal_newest ON operation_journal (account_id, created_at DESC, id DESC);
