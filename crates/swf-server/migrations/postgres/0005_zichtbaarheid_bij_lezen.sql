-- Visibility of history lines, notifications and feed events is decided when reading
-- (decision D4): every row that names or concerns a document carries its id, every history
-- line about an actieverzoek carries the actieverzoek's id, and `alleen_volledig` keeps the
-- document's last known confidentiality for when the document itself is gone.
-- (The SQLite migration also backfills rows written by older builds; a PostgreSQL database
-- starts at this schema, so it has none.)

-- History lines about an actieverzoek are shown only to its sender and receiver.
ALTER TABLE audit ADD COLUMN actieverzoek_id TEXT;
-- Feed events about a document: its id, and 1 when it is (or was, when deleted) SV.
ALTER TABLE gebeurtenissen ADD COLUMN document_id TEXT;
ALTER TABLE gebeurtenissen ADD COLUMN alleen_volledig BIGINT NOT NULL DEFAULT 0;
