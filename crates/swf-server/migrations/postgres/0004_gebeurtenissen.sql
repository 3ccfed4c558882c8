-- The change feed (extension): per organisation an ordered sequence of events it is entitled
-- to see, written in the same transaction as the change. The volgnummer is not a sequence:
-- sequences are handed out at insert and can commit out of order (a reader would skip an
-- event, D21). Each event takes the next value of the 'gebeurtenis' counter row instead; the
-- row stays locked until the transaction ends, so volgnummers are gap-free and in commit order
-- across every instance on this database (D48). Never reused, also after pruning.
CREATE TABLE gebeurtenissen (
    volgnummer      BIGINT PRIMARY KEY,
    oin             TEXT NOT NULL,
    soort           TEXT NOT NULL,
    samenwerking_id TEXT NOT NULL,
    object_id       TEXT,
    tijd            BIGINT NOT NULL
);
CREATE INDEX gebeurtenissen_oin ON gebeurtenissen (oin, volgnummer);
CREATE INDEX gebeurtenissen_tijd ON gebeurtenissen (tijd);
INSERT INTO volgnummers (naam, waarde) VALUES ('gebeurtenis', 0);
-- Highest volgnummer removed by pruning: a cursor below it has missed events (410).
INSERT INTO volgnummers (naam, waarde) VALUES ('gebeurtenissen_gesnoeid_tot', 0);
