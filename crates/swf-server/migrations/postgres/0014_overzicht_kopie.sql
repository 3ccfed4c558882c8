-- What the overview shows of a samenwerking, copied onto each of its deelnemer rows (decision
-- D81): its status and the two dates kept as columns, and the stored part of its JSON (D80) when
-- that is of the samenwerking's current `versie` (otherwise NULL, and the overview renders that
-- row from the samenwerking's columns). An organisation's overview then reads its memberships
-- alone, without looking up each samenwerking. Triggers keep the copy in the write transaction,
-- whichever code path (or older instance) writes: a new membership copies from its samenwerking,
-- a change of the samenwerking is copied to all of its memberships.
-- The same rules are in migrations/sqlite/0011_overzicht_kopie.sql.
ALTER TABLE deelnemers
    ADD COLUMN samenwerking_status TEXT,
    ADD COLUMN samenwerking_gesloten BIGINT,
    ADD COLUMN samenwerking_verwijder_na BIGINT,
    ADD COLUMN samenwerking_weergave TEXT;

UPDATE deelnemers d SET samenwerking_status = s.status, samenwerking_gesloten = s.gesloten,
    samenwerking_verwijder_na = s.verwijder_na,
    samenwerking_weergave = CASE WHEN s.weergave_versie = s.versie THEN s.weergave END
    FROM samenwerkingen s WHERE s.id = d.samenwerking_id;

CREATE FUNCTION kopie_deelnemer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.status, s.gesloten, s.verwijder_na,
           CASE WHEN s.weergave_versie = s.versie THEN s.weergave END
        INTO NEW.samenwerking_status, NEW.samenwerking_gesloten, NEW.samenwerking_verwijder_na,
             NEW.samenwerking_weergave
        FROM samenwerkingen s WHERE s.id = NEW.samenwerking_id;
    RETURN NEW;
END $$;
CREATE TRIGGER kopie_deelnemer BEFORE INSERT ON deelnemers
    FOR EACH ROW EXECUTE FUNCTION kopie_deelnemer();

CREATE FUNCTION kopie_samenwerking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE deelnemers SET samenwerking_status = NEW.status, samenwerking_gesloten = NEW.gesloten,
        samenwerking_verwijder_na = NEW.verwijder_na,
        samenwerking_weergave = CASE WHEN NEW.weergave_versie = NEW.versie THEN NEW.weergave END
        WHERE samenwerking_id = NEW.id;
    RETURN NULL;
END $$;
-- Only when one of them changed (a change raises `versie`, D80).
CREATE TRIGGER kopie_samenwerking AFTER UPDATE ON samenwerkingen FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.gesloten IS DISTINCT FROM NEW.gesloten
        OR OLD.verwijder_na IS DISTINCT FROM NEW.verwijder_na OR OLD.versie IS DISTINCT FROM NEW.versie
        OR OLD.weergave IS DISTINCT FROM NEW.weergave
        OR OLD.weergave_versie IS DISTINCT FROM NEW.weergave_versie)
    EXECUTE FUNCTION kopie_samenwerking();
