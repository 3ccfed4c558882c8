-- The token cache on PostgreSQL (decision D74, revising D49). Every instance keeps the tokens
-- it looked up for a few seconds; a change that can end a token, through any instance or an
-- admin command, tells every instance at commit (`NOTIFY swf_tokens`), and each then stops
-- using what it cached. The inputs of a token's lookup (`find_token`): the token row (removed,
-- its expiry or owner changed), its user (disabled, renamed, password changed, removed) and its
-- organisation (renamed, removed). Triggers, so that no code path can forget it (as D58).
-- Statement triggers: one notification per statement, and PostgreSQL sends one per channel and
-- payload per transaction.
CREATE FUNCTION tokens_melden() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('swf_tokens', '');
    RETURN NULL;
END $$;

-- Removed tokens: only when a row went (the retention job's sweep of expired tokens usually
-- removes none).
CREATE FUNCTION tokens_verwijderd_melden() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM verwijderd) THEN
        PERFORM pg_notify('swf_tokens', '');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tokens_verwijderd AFTER DELETE ON tokens
    REFERENCING OLD TABLE AS verwijderd
    FOR EACH STATEMENT EXECUTE FUNCTION tokens_verwijderd_melden();
CREATE TRIGGER tokens_gewijzigd AFTER UPDATE OF verloopt, oin, gebruiker_id, hash ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION tokens_melden();
CREATE TRIGGER tokens_gebruiker AFTER UPDATE OF uitgeschakeld, gebruikersnaam, wachtwoord_hash, oin
    OR DELETE ON gebruikers
    FOR EACH STATEMENT EXECUTE FUNCTION tokens_melden();
CREATE TRIGGER tokens_organisatie AFTER UPDATE OF naam, oin OR DELETE ON organisaties
    FOR EACH STATEMENT EXECUTE FUNCTION tokens_melden();
