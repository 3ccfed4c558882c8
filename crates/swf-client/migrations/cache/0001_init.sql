-- mirror.sqlite: what the service sent, a cache that may be dropped and rebuilt at any time
-- (corrupt, from a newer app, account switch, 410 resync). Local-only state lives in local.sqlite.
--
-- Every resource keeps its full wire JSON in `data`; the other columns exist for queries only.
-- Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ', so text order is time order.
-- No foreign keys from children to samenwerkingen: the sync engine may apply an actieverzoek
-- before its samenwerking arrives (full sync in progress); a rejected batch would stall sync.
-- Purges delete by samenwerking_id in every table instead.

CREATE TABLE sync_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    -- change-feed cursor; committed in the same transaction as the rows it describes
    cursor         INTEGER,
    -- the sync engine's full-sync progress (JSON it defines)
    full_sync      TEXT,
    last_synced_at TEXT,
    -- which service + organisation these rows belong to
    account_key    TEXT,
    -- the OIN the denormalised counters of samenwerkingen were computed for
    counters_oin   TEXT
);
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE samenwerkingen (
    id                 TEXT PRIMARY KEY NOT NULL,
    titel              TEXT NOT NULL,
    verzoeknummer      TEXT,
    status             TEXT NOT NULL,
    -- 1 = INITIALISATIE or OPEN
    actief             INTEGER NOT NULL,
    mijn_rol           TEXT,
    laatst_aangepast   TEXT NOT NULL,
    data               TEXT NOT NULL,
    -- denormalised by the mirror for the overview (recomputed when anything of it changes)
    -- JSON array of the partners' names (deelnemers other than counters_oin), sorted
    partner_namen      TEXT NOT NULL DEFAULT '[]',
    -- lowercase titel, verzoeknummer, partner names and OINs, one per line
    zoektekst          TEXT NOT NULL DEFAULT '',
    open_inkomend      INTEGER NOT NULL DEFAULT 0,
    open_uitgaand      INTEGER NOT NULL DEFAULT 0,
    ongelezen          INTEGER NOT NULL DEFAULT 0,
    -- 2 * (open_inkomend > 0) + (ongelezen > 0): "asked of me" first, then unread
    prioriteit         INTEGER NOT NULL DEFAULT 0,
    -- latest of laatst_aangepast and its actieverzoeken, documenten, notificaties
    laatste_activiteit TEXT NOT NULL
);
-- The overview walks these in order; zoektekst is included so a search scans the narrow
-- index instead of the wide rows (which carry the JSON), then fetches one page of rows by id.
CREATE INDEX samenwerkingen_volgorde
    ON samenwerkingen (prioriteit DESC, laatste_activiteit DESC, id, zoektekst);
CREATE INDEX samenwerkingen_actief_volgorde
    ON samenwerkingen (actief, prioriteit DESC, laatste_activiteit DESC, id, zoektekst);

CREATE TABLE deelnemers (
    samenwerking_id TEXT NOT NULL,
    oin             TEXT NOT NULL,
    naam            TEXT NOT NULL,
    rol             TEXT NOT NULL,
    privilege       TEXT NOT NULL,
    data            TEXT NOT NULL,
    PRIMARY KEY (samenwerking_id, oin)
) WITHOUT ROWID;

CREATE TABLE documenten (
    id                TEXT PRIMARY KEY NOT NULL,
    samenwerking_id   TEXT NOT NULL,
    bestandsnaam      TEXT NOT NULL,
    vertrouwelijkheid TEXT NOT NULL,
    document_hash     TEXT NOT NULL,
    grootte           INTEGER NOT NULL,
    laatst_aangepast  TEXT NOT NULL,
    data              TEXT NOT NULL
);
CREATE INDEX documenten_samenwerking ON documenten (samenwerking_id, laatst_aangepast DESC);

-- Document bytes on disk (<dir>/documenten/<id>); a row per file that is complete and checked.
CREATE TABLE gecachte_documenten (
    document_id   TEXT PRIMARY KEY NOT NULL REFERENCES documenten (id) ON DELETE CASCADE,
    sha256        TEXT NOT NULL,
    grootte       INTEGER NOT NULL,
    opgeslagen_op TEXT NOT NULL
);

CREATE TABLE actieverzoeken (
    id               TEXT PRIMARY KEY NOT NULL,
    samenwerking_id  TEXT NOT NULL,
    titel            TEXT NOT NULL,
    status           TEXT NOT NULL,
    -- 1 = not terminal (OPEN, IN_BEHANDELING, GEREEDGEMELD)
    actief           INTEGER NOT NULL,
    zender           TEXT NOT NULL,
    ontvanger        TEXT NOT NULL,
    laatst_aangepast TEXT NOT NULL,
    data             TEXT NOT NULL
);
CREATE INDEX actieverzoeken_samenwerking ON actieverzoeken (samenwerking_id, laatst_aangepast DESC);

CREATE TABLE berichten (
    id              TEXT PRIMARY KEY NOT NULL,
    actieverzoek_id TEXT NOT NULL REFERENCES actieverzoeken (id) ON DELETE CASCADE,
    samenwerking_id TEXT NOT NULL,
    creatie         TEXT NOT NULL,
    data            TEXT NOT NULL
);
CREATE INDEX berichten_actieverzoek ON berichten (actieverzoek_id, creatie);
CREATE INDEX berichten_samenwerking ON berichten (samenwerking_id);

CREATE TABLE notificaties (
    id              TEXT PRIMARY KEY NOT NULL,
    samenwerking_id TEXT NOT NULL,
    type            TEXT NOT NULL,
    datum           TEXT NOT NULL,
    data            TEXT NOT NULL
);
CREATE INDEX notificaties_datum ON notificaties (datum DESC, id DESC);
CREATE INDEX notificaties_samenwerking ON notificaties (samenwerking_id, datum DESC);
