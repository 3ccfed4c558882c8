-- The samenwerking's own fields as the overview sends them (decision D80): the part of its JSON
-- that is the same for every deelnemer, rendered by the service when it writes the row, and the
-- `versie` it was rendered at. A row whose `weergave_versie` is not its `versie` (written before
-- this migration, or by an older instance during an upgrade) is rendered from its columns when
-- it is read; the service fills the column in for such rows when it starts.
-- The same columns as migrations/postgres/0013.
ALTER TABLE samenwerkingen ADD COLUMN weergave TEXT;
ALTER TABLE samenwerkingen ADD COLUMN weergave_versie INTEGER;
