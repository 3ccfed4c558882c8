-- Samenwerkruimte collaboration service, initial schema (PostgreSQL): the same tables, columns
-- and indexes as migrations/sqlite/0001_init.sql. Integer columns are BIGINT (the rows decode them
-- as i64); text that lists are sorted on uses the "C" collation, byte order as SQLite's BINARY.
-- Timestamps are microseconds since the Unix epoch (BIGINT), so the SQL stays portable.

CREATE TABLE volgnummers (
    naam   TEXT PRIMARY KEY,
    waarde BIGINT NOT NULL
);
INSERT INTO volgnummers (naam, waarde) VALUES ('samenwerking', 10000);

CREATE TABLE organisaties (
    oin        TEXT PRIMARY KEY,
    naam       TEXT COLLATE "C" NOT NULL,
    soort      TEXT NOT NULL,
    aangemaakt BIGINT NOT NULL
);
CREATE INDEX organisaties_naam ON organisaties (naam);

CREATE TABLE gebruikers (
    id              TEXT PRIMARY KEY,
    gebruikersnaam  TEXT NOT NULL UNIQUE,
    naam            TEXT NOT NULL,
    oin             TEXT NOT NULL REFERENCES organisaties (oin),
    wachtwoord_hash TEXT NOT NULL,
    aangemaakt      BIGINT NOT NULL
);

CREATE TABLE tokens (
    hash         TEXT PRIMARY KEY,
    oin          TEXT NOT NULL REFERENCES organisaties (oin),
    gebruiker_id TEXT REFERENCES gebruikers (id) ON DELETE CASCADE,
    soort        TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    aangemaakt   BIGINT NOT NULL,
    verloopt     BIGINT
);

CREATE TABLE samenwerkingen (
    id                            TEXT PRIMARY KEY,
    volgnummer                    BIGINT NOT NULL UNIQUE,
    verzoeknummer                 TEXT,
    olo_verzoeknummer             TEXT,
    bron_verzoek                  TEXT,
    type_verzoek                  TEXT,
    globale_locatie               TEXT,
    titel                         TEXT COLLATE "C" NOT NULL,
    beschrijving                  TEXT,
    taal                          TEXT NOT NULL,
    status                        TEXT NOT NULL,
    aangemaakt_door               TEXT NOT NULL,
    aangemaakt_door_naam          TEXT NOT NULL,
    creatie                       BIGINT NOT NULL,
    eind                          BIGINT NOT NULL,
    laatst_aangepast_door         TEXT NOT NULL,
    laatst_aangepast_door_naam    TEXT NOT NULL,
    laatst_aangepast              BIGINT NOT NULL,
    kenmerk_systeem               TEXT,
    nummer_binnen_systeem         TEXT,
    contactpersoon_naam           TEXT,
    contactpersoon_emailadres     TEXT,
    contactpersoon_telefoonnummer TEXT,
    gesloten                      BIGINT,
    verwijder_na                  BIGINT,
    aankondiging_30               BIGINT NOT NULL DEFAULT 0,
    aankondiging_7                BIGINT NOT NULL DEFAULT 0,
    verwijderd                    BIGINT,
    verwijderd_door               TEXT,
    versie                        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX samenwerkingen_status ON samenwerkingen (status, verwijder_na);

CREATE TABLE deelnemers (
    samenwerking_id TEXT NOT NULL REFERENCES samenwerkingen (id) ON DELETE CASCADE,
    oin             TEXT NOT NULL REFERENCES organisaties (oin),
    rol             TEXT NOT NULL,
    privilege       TEXT NOT NULL,
    toegevoegd      BIGINT NOT NULL,
    verwijderd      BIGINT,
    volgnummer      BIGINT NOT NULL,
    PRIMARY KEY (samenwerking_id, oin)
);
CREATE INDEX deelnemers_oin ON deelnemers (oin, volgnummer);

CREATE TABLE documenten (
    id                         TEXT PRIMARY KEY,
    samenwerking_id            TEXT NOT NULL REFERENCES samenwerkingen (id) ON DELETE CASCADE,
    bestandsnaam               TEXT COLLATE "C" NOT NULL,
    kenmerk_systeem            TEXT,
    nummer_binnen_systeem      TEXT,
    aangemaakt_door            TEXT NOT NULL,
    aangemaakt_door_naam       TEXT NOT NULL,
    creatie                    BIGINT NOT NULL,
    laatst_aangepast_door      TEXT NOT NULL,
    laatst_aangepast_door_naam TEXT NOT NULL,
    laatst_aangepast           BIGINT NOT NULL,
    omschrijving               TEXT NOT NULL,
    vertrouwelijkheid          TEXT NOT NULL,
    taal                       TEXT,
    formaat                    TEXT NOT NULL,
    hash                       TEXT NOT NULL,
    grootte                    BIGINT NOT NULL
);
CREATE INDEX documenten_samenwerking ON documenten (samenwerking_id, creatie);

CREATE TABLE actieverzoeken (
    id                         TEXT PRIMARY KEY,
    samenwerking_id            TEXT NOT NULL REFERENCES samenwerkingen (id) ON DELETE CASCADE,
    titel                      TEXT NOT NULL,
    omschrijving               TEXT NOT NULL,
    melding                    TEXT,
    product_id                 TEXT,
    status                     TEXT NOT NULL,
    zender                     TEXT NOT NULL,
    zender_naam                TEXT NOT NULL,
    ontvanger                  TEXT NOT NULL,
    ontvanger_naam             TEXT NOT NULL,
    creatie                    BIGINT NOT NULL,
    laatst_aangepast           BIGINT NOT NULL,
    laatst_aangepast_door      TEXT NOT NULL,
    laatst_aangepast_door_naam TEXT NOT NULL,
    versie                     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX actieverzoeken_samenwerking ON actieverzoeken (samenwerking_id, creatie);
CREATE INDEX actieverzoeken_ontvanger ON actieverzoeken (ontvanger, status);
CREATE INDEX actieverzoeken_zender ON actieverzoeken (zender, status);

CREATE TABLE actieverzoek_documenten (
    actieverzoek_id TEXT NOT NULL REFERENCES actieverzoeken (id) ON DELETE CASCADE,
    document_id     TEXT NOT NULL REFERENCES documenten (id) ON DELETE CASCADE,
    PRIMARY KEY (actieverzoek_id, document_id)
);
CREATE INDEX actieverzoek_documenten_document ON actieverzoek_documenten (document_id);

CREATE TABLE berichten (
    id              TEXT PRIMARY KEY,
    actieverzoek_id TEXT NOT NULL REFERENCES actieverzoeken (id) ON DELETE CASCADE,
    samenwerking_id TEXT NOT NULL REFERENCES samenwerkingen (id) ON DELETE CASCADE,
    creatie         BIGINT NOT NULL,
    inhoud          TEXT NOT NULL,
    zender          TEXT NOT NULL,
    zender_naam     TEXT NOT NULL,
    ontvanger       TEXT NOT NULL,
    ontvanger_naam  TEXT NOT NULL
);
CREATE INDEX berichten_actieverzoek ON berichten (actieverzoek_id, creatie);

-- One row per recipient organisation: deleting a notification deletes only that copy.
CREATE TABLE notificaties (
    -- UUIDv7: sorts in creation order
    id                   TEXT PRIMARY KEY,
    ontvanger            TEXT NOT NULL,
    ontvanger_naam       TEXT NOT NULL,
    samenwerking_id      TEXT NOT NULL,
    type                 TEXT NOT NULL,
    titel                TEXT NOT NULL,
    tekst                TEXT NOT NULL,
    event_initiator      TEXT NOT NULL,
    event_initiator_naam TEXT NOT NULL,
    event_datum          BIGINT NOT NULL,
    properties           TEXT NOT NULL,
    document_id          TEXT,
    -- 1: about an SV document; hidden from limited-access partners
    alleen_volledig      BIGINT NOT NULL DEFAULT 0,
    -- 1: stays visible after the recipient left or the samenwerking was deleted
    na_vertrek           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notificaties_ontvanger ON notificaties (ontvanger, event_datum);
CREATE INDEX notificaties_samenwerking ON notificaties (samenwerking_id, ontvanger);

CREATE TABLE audit (
    volgnummer       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tijd             BIGINT NOT NULL,
    oin              TEXT NOT NULL,
    organisatie_naam TEXT NOT NULL,
    gebruiker        TEXT,
    samenwerking_id  TEXT,
    actie            TEXT NOT NULL,
    omschrijving     TEXT NOT NULL,
    document_id      TEXT,
    alleen_volledig  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX audit_samenwerking ON audit (samenwerking_id, volgnummer);
