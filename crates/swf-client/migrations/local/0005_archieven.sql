-- Archives this installation made (issue 12): one row per verified archive, written by the use
-- case `werk::archief` after the bag (or its zip) got its final name. Device-only and precious
-- like the rest of local.sqlite: nothing refers to the mirror's rows, so a record stays when its
-- samenwerking is deleted and purged from the mirror (that is when it matters most).
CREATE TABLE archieven (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    samenwerking_id   TEXT NOT NULL,
    -- the title at archive time (the samenwerking may be gone later)
    titel             TEXT NOT NULL,
    -- RFC 3339, UTC, microseconds
    gemaakt_op        TEXT NOT NULL,
    -- the bag folder or the .zip
    pad               TEXT NOT NULL,
    soort             TEXT NOT NULL CHECK (soort IN ('zip', 'map')),
    -- bytes on disk: the zip, or every file of the bag folder
    grootte           INTEGER NOT NULL,
    -- lowercase hex SHA-256 of the zip, or of the folder's tagmanifest-sha256.txt
    sha256            TEXT NOT NULL,
    -- the samenwerking's last change (as the mirror had it) that the archive holds
    laatste_wijziging TEXT NOT NULL,
    -- 1 = made by the automatic archive setting, not by a person
    automatisch       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX archieven_samenwerking ON archieven (samenwerking_id, gemaakt_op);
