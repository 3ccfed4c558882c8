-- Failed sign-ins per user name (lower-cased, trimmed), counted by every instance on this
-- database: after five within the window the name is refused on all of them (D49). A success
-- removes the row. (SQLite has one process, which counts in memory.)
CREATE TABLE aanmeldpogingen (
    naam    TEXT PRIMARY KEY,
    mislukt BIGINT NOT NULL,
    sinds   BIGINT NOT NULL
);
