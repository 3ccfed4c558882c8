-- local.sqlite: state of this installation that the service does not have. Precious: never
-- dropped with the cache. Migrations here are additive only, so an older app can still open a
-- file a newer app migrated (the mirror ignores applied migrations it does not know).
-- No secrets: tokens live in the OS keychain.

CREATE TABLE account (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    service_url      TEXT NOT NULL,
    gebruikersnaam   TEXT,
    oin              TEXT NOT NULL,
    organisatie_naam TEXT NOT NULL,
    remember         INTEGER NOT NULL
);

CREATE TABLE instellingen (
    sleutel TEXT PRIMARY KEY NOT NULL,
    waarde  TEXT NOT NULL
) WITHOUT ROWID;

-- Read marks of notificaties; kept when the cache is cleared or rebuilt.
CREATE TABLE gelezen (
    notificatie_id TEXT PRIMARY KEY NOT NULL,
    gelezen_op     TEXT NOT NULL
) WITHOUT ROWID;

-- Actieverzoeken an OS notification was shown for, so a restart never notifies twice.
CREATE TABLE gemeld (
    actieverzoek_id TEXT PRIMARY KEY NOT NULL,
    gemeld_op       TEXT NOT NULL
) WITHOUT ROWID;

-- Samenwerkingen whose documents the user wants on this machine.
CREATE TABLE offline_beschikbaar (
    samenwerking_id TEXT PRIMARY KEY NOT NULL,
    sinds           TEXT NOT NULL
) WITHOUT ROWID;

-- Background work (later: queued uploads, archive exports).
CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    soort           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'WACHTEND',
    pogingen        INTEGER NOT NULL DEFAULT 0,
    volgende_poging TEXT,
    laatste_fout    TEXT,
    aangemaakt      TEXT NOT NULL,
    bijgewerkt      TEXT NOT NULL
);
CREATE INDEX jobs_wachtend ON jobs (status, volgende_poging);
