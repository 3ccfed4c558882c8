-- What the overview shows of a samenwerking, copied onto each of its deelnemer rows (decision
-- D81): its status and the two dates kept as columns, and the stored part of its JSON (D80) when
-- that is of the samenwerking's current `versie` (otherwise NULL, and the overview renders that
-- row from the samenwerking's columns). An organisation's overview then reads its memberships
-- alone, without looking up each samenwerking. Triggers keep the copy in the write transaction,
-- whichever code path (or older instance) writes: a new membership copies from its samenwerking,
-- a change of the samenwerking is copied to all of its memberships.
-- The same rules are in migrations/postgres/0014_overzicht_kopie.sql.
ALTER TABLE deelnemers ADD COLUMN samenwerking_status TEXT;
ALTER TABLE deelnemers ADD COLUMN samenwerking_gesloten BIGINT;
ALTER TABLE deelnemers ADD COLUMN samenwerking_verwijder_na BIGINT;
ALTER TABLE deelnemers ADD COLUMN samenwerking_weergave TEXT;

UPDATE deelnemers SET (samenwerking_status, samenwerking_gesloten, samenwerking_verwijder_na,
        samenwerking_weergave) =
    (SELECT s.status, s.gesloten, s.verwijder_na,
            CASE WHEN s.weergave_versie = s.versie THEN s.weergave END
        FROM samenwerkingen s WHERE s.id = deelnemers.samenwerking_id);

CREATE TRIGGER kopie_deelnemer_in AFTER INSERT ON deelnemers BEGIN
    UPDATE deelnemers SET (samenwerking_status, samenwerking_gesloten, samenwerking_verwijder_na,
            samenwerking_weergave) =
        (SELECT s.status, s.gesloten, s.verwijder_na,
                CASE WHEN s.weergave_versie = s.versie THEN s.weergave END
            FROM samenwerkingen s WHERE s.id = NEW.samenwerking_id)
        WHERE samenwerking_id = NEW.samenwerking_id AND oin = NEW.oin;
END;

-- Every statement that sets one of these columns (a change raises `versie`, D80).
CREATE TRIGGER kopie_samenwerking
    AFTER UPDATE OF status, gesloten, verwijder_na, weergave, weergave_versie, versie
    ON samenwerkingen BEGIN
    UPDATE deelnemers SET samenwerking_status = NEW.status, samenwerking_gesloten = NEW.gesloten,
        samenwerking_verwijder_na = NEW.verwijder_na,
        samenwerking_weergave = CASE WHEN NEW.weergave_versie = NEW.versie THEN NEW.weergave END
        WHERE samenwerking_id = NEW.id;
END;
