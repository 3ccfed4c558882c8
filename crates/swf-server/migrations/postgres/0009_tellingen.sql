-- The overview's per-row counts without counting on every read (decision D63): each deelnemer
-- row keeps the number of actieverzoeken its organisation is party to in that samenwerking, the
-- number of notifications it received there, and how many of those a partner with limited
-- access may see (not about an SV document, or kept after leaving; D4). Which of the two
-- notification counts a deelnemer sees follows its own role and privilege, read with the row.
-- Triggers recount the affected rows in the write transaction (which holds the write lock,
-- D48), whichever code path writes; a recount (not an increment) keeps them equal to the count
-- by definition. The same rules as migrations/sqlite/0008_tellingen.sql.
ALTER TABLE deelnemers ADD COLUMN aantal_actieverzoeken BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deelnemers ADD COLUMN aantal_notificaties BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deelnemers ADD COLUMN aantal_notificaties_beperkt BIGINT NOT NULL DEFAULT 0;

-- The counts of one organisation's row in one samenwerking (both recounted: cheap, and one rule).
CREATE FUNCTION tellingen_herteel(sid TEXT, org TEXT) RETURNS void LANGUAGE sql AS $$
    UPDATE deelnemers SET
        aantal_actieverzoeken = (SELECT COUNT(*) FROM actieverzoeken a
            WHERE a.samenwerking_id = sid AND (a.zender = org OR a.ontvanger = org)),
        aantal_notificaties = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = sid AND n.ontvanger = org),
        aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = sid AND n.ontvanger = org
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
    WHERE samenwerking_id = sid AND oin = org;
$$;

SELECT tellingen_herteel(samenwerking_id, oin) FROM deelnemers;

-- The recounts only change the count columns: the overview's generation (D58) is bumped by the
-- triggers on the rows counted, so the membership trigger need not fire for them.
DROP TRIGGER overzicht_deelnemer ON deelnemers;
CREATE TRIGGER overzicht_deelnemer
    AFTER INSERT OR DELETE OR UPDATE OF samenwerking_id, oin, rol, privilege, toegevoegd, verwijderd, volgnummer
    ON deelnemers FOR EACH ROW EXECUTE FUNCTION overzicht_deelnemer();

-- A new membership starts with what is already there (an organisation invited again).
CREATE FUNCTION tellingen_deelnemer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.oin);
    RETURN NULL;
END $$;
CREATE TRIGGER tellingen_deelnemer_in AFTER INSERT ON deelnemers
    FOR EACH ROW EXECUTE FUNCTION tellingen_deelnemer();

-- Actieverzoeken: the sender's and the receiver's row, before and after.
CREATE FUNCTION tellingen_actieverzoek() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM tellingen_herteel(OLD.samenwerking_id, OLD.zender);
        PERFORM tellingen_herteel(OLD.samenwerking_id, OLD.ontvanger);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.zender);
        PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.ontvanger);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tellingen_actieverzoek_in_uit AFTER INSERT OR DELETE ON actieverzoeken
    FOR EACH ROW EXECUTE FUNCTION tellingen_actieverzoek();
CREATE TRIGGER tellingen_actieverzoek_anders AFTER UPDATE OF zender, ontvanger, samenwerking_id
    ON actieverzoeken FOR EACH ROW EXECUTE FUNCTION tellingen_actieverzoek();

-- Notifications: the receiver's row, before and after.
CREATE FUNCTION tellingen_notificatie() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM tellingen_herteel(OLD.samenwerking_id, OLD.ontvanger);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.ontvanger);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tellingen_notificatie AFTER INSERT OR UPDATE OR DELETE ON notificaties
    FOR EACH ROW EXECUTE FUNCTION tellingen_notificatie();

-- A document's confidentiality (and its existence: a notification about a document that is
-- gone falls back to its flag) decides which notifications a limited partner sees.
CREATE FUNCTION tellingen_document() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sid TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        sid := NEW.samenwerking_id;
    ELSE
        sid := OLD.samenwerking_id;
    END IF;
    PERFORM tellingen_herteel(dn.samenwerking_id, dn.oin) FROM deelnemers dn
        WHERE dn.samenwerking_id = sid;
    RETURN NULL;
END $$;
CREATE TRIGGER tellingen_document_in_uit AFTER INSERT OR DELETE ON documenten
    FOR EACH ROW EXECUTE FUNCTION tellingen_document();
CREATE TRIGGER tellingen_document_anders AFTER UPDATE OF vertrouwelijkheid ON documenten
    FOR EACH ROW EXECUTE FUNCTION tellingen_document();
