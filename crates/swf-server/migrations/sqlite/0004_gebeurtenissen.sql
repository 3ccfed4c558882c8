-- The change feed (extension): per organisation an ordered sequence of events it is entitled
-- to see, written in the same transaction as the change. AUTOINCREMENT: a volgnummer is never
-- reused, also after pruning, so a client's cursor keeps its meaning.
CREATE TABLE gebeurtenissen (
    volgnummer      INTEGER PRIMARY KEY AUTOINCREMENT,
    oin             TEXT NOT NULL,
    soort           TEXT NOT NULL,
    samenwerking_id TEXT NOT NULL,
    object_id       TEXT,
    tijd            BIGINT NOT NULL
);
CREATE INDEX gebeurtenissen_oin ON gebeurtenissen (oin, volgnummer);
CREATE INDEX gebeurtenissen_tijd ON gebeurtenissen (tijd);
-- Highest volgnummer removed by pruning: a cursor below it has missed events (410).
INSERT INTO volgnummers (naam, waarde) VALUES ('gebeurtenissen_gesnoeid_tot', 0);
