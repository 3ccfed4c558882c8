-- OS notifications ("attendering") this installation gave or deliberately left out, one row per
-- dedupe key "<soort>:<object id>:<status>" (for example "antwoord:<actieverzoek id>:GEWEIGERD").
-- A process claims a key (INSERT ... ON CONFLICT DO NOTHING RETURNING) before it shows
-- anything, so the app and `swf` on the same folder never both show it, and a restart or a full
-- resync never shows it again. Replaces `gemeld` (one row per actieverzoek, which nothing
-- wrote); that table stays, as migrations here are additive.
CREATE TABLE attenderingen (
    sleutel       TEXT PRIMARY KEY NOT NULL,
    soort         TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    status        TEXT NOT NULL,
    -- 1 = recorded without showing (old history, or the kind was switched off)
    stil          INTEGER NOT NULL,
    vastgelegd_op TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX attenderingen_object ON attenderingen (object_id);

INSERT INTO attenderingen (sleutel, soort, object_id, status, stil, vastgelegd_op)
SELECT 'nieuw-actieverzoek:' || actieverzoek_id || ':OPEN', 'nieuw-actieverzoek', actieverzoek_id,
       'OPEN', 0, gemeld_op
FROM gemeld;
