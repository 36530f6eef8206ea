-- The ids a merge or separation moved, one row per record kind and previous
-- owner (journal format version 2). Each operation writes its rows once, in
-- the statement that moves the records, instead of rewriting a growing
-- jsonb document per step; operation_journal.moved keeps the operation's
-- other values (a separation's new contact id and dividers). Rows of
-- versions 0 and 1 keep every id in operation_journal.moved.
CREATE TABLE operation_journal_moves (
    account_id uuid NOT NULL,
    journal_id uuid NOT NULL,
    kind       text NOT NULL,
    owner_id   uuid NOT NULL,
    ids        uuid[] NOT NULL,
    PRIMARY KEY (account_id, journal_id, kind, owner_id),
    FOREIGN KEY (account_id, journal_id) REFERENCES operation_journal (account_id, id) ON DELETE CASCADE
);
-- Random uuids do not compress: store large id lists out of line as they are.
ALTER TABLE operation_journal_moves ALTER COLUMN ids SET STORAGE EXTERNAL;
