-- The overview of an organisation ("my samenwerkingen") without scanning its memberships
-- (decision D58): per organisation the number of active memberships (the list's total) and a
-- generation that every change the overview may show increases, so a rendered page stays
-- current until that organisation's overview changes, not until anyone writes anything.
-- Triggers keep both in the write transaction (which holds the write lock, D48, so these
-- rows are never contended), whichever code path writes. The same rules as
-- migrations/sqlite/0007_overzicht.sql.
CREATE TABLE overzicht (
    oin       TEXT PRIMARY KEY,
    aantal    BIGINT NOT NULL DEFAULT 0,
    generatie BIGINT NOT NULL DEFAULT 0
);
INSERT INTO overzicht (oin, aantal, generatie)
    SELECT oin, SUM(CASE WHEN verwijderd IS NULL THEN 1 ELSE 0 END), 1 FROM deelnemers GROUP BY oin;

-- Memberships: the count, and the member's own view (role, privilege, leaving).
CREATE FUNCTION overzicht_deelnemer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE overzicht SET aantal = aantal - (CASE WHEN OLD.verwijderd IS NULL THEN 1 ELSE 0 END),
            generatie = generatie + 1 WHERE oin = OLD.oin;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO overzicht (oin, aantal, generatie)
            VALUES (NEW.oin, CASE WHEN NEW.verwijderd IS NULL THEN 1 ELSE 0 END, 1)
            ON CONFLICT (oin) DO UPDATE SET aantal = overzicht.aantal + EXCLUDED.aantal,
                generatie = overzicht.generatie + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER overzicht_deelnemer AFTER INSERT OR UPDATE OR DELETE ON deelnemers
    FOR EACH ROW EXECUTE FUNCTION overzicht_deelnemer();

-- The samenwerking itself (title, status, dates …): every organisation taking part.
CREATE FUNCTION overzicht_samenwerking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE overzicht SET generatie = generatie + 1
        WHERE oin IN (SELECT oin FROM deelnemers WHERE samenwerking_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER overzicht_samenwerking AFTER UPDATE ON samenwerkingen
    FOR EACH ROW EXECUTE FUNCTION overzicht_samenwerking();

-- The count of actieverzoeken an organisation is party to.
CREATE FUNCTION overzicht_actieverzoek() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE overzicht SET generatie = generatie + 1 WHERE oin IN (OLD.zender, OLD.ontvanger);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE overzicht SET generatie = generatie + 1 WHERE oin IN (NEW.zender, NEW.ontvanger);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER overzicht_actieverzoek_in_uit AFTER INSERT OR DELETE ON actieverzoeken
    FOR EACH ROW EXECUTE FUNCTION overzicht_actieverzoek();
CREATE TRIGGER overzicht_actieverzoek_anders AFTER UPDATE OF zender, ontvanger, samenwerking_id
    ON actieverzoeken FOR EACH ROW EXECUTE FUNCTION overzicht_actieverzoek();

-- The count of notifications an organisation may see.
CREATE FUNCTION overzicht_notificatie() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE overzicht SET generatie = generatie + 1 WHERE oin = OLD.ontvanger;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE overzicht SET generatie = generatie + 1 WHERE oin = NEW.ontvanger;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER overzicht_notificatie AFTER INSERT OR UPDATE OR DELETE ON notificaties
    FOR EACH ROW EXECUTE FUNCTION overzicht_notificatie();

-- Which notifications about a document are visible follows its confidentiality.
CREATE FUNCTION overzicht_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE overzicht SET generatie = generatie + 1
        WHERE oin IN (SELECT oin FROM deelnemers WHERE samenwerking_id = OLD.samenwerking_id);
    RETURN NULL;
END $$;
CREATE TRIGGER overzicht_document_anders AFTER UPDATE OF vertrouwelijkheid ON documenten
    FOR EACH ROW EXECUTE FUNCTION overzicht_document();
CREATE TRIGGER overzicht_document_uit AFTER DELETE ON documenten
    FOR EACH ROW EXECUTE FUNCTION overzicht_document();
