-- The overview of an organisation ("my samenwerkingen") without scanning its memberships
-- (decision D58): per organisation the number of active memberships (the list's total) and a
-- generation that every change the overview may show increases, so a rendered page stays
-- current until that organisation's overview changes, not until anyone writes anything.
-- Triggers keep both in the write transaction, whichever code path (API, admin command,
-- retention job) writes. The same rules are in migrations/postgres/0008_overzicht.sql.
CREATE TABLE overzicht (
    oin       TEXT PRIMARY KEY,
    aantal    BIGINT NOT NULL DEFAULT 0,
    generatie BIGINT NOT NULL DEFAULT 0
);
INSERT INTO overzicht (oin, aantal, generatie)
    SELECT oin, SUM(CASE WHEN verwijderd IS NULL THEN 1 ELSE 0 END), 1 FROM deelnemers GROUP BY oin;

-- Memberships: the count, and the member's own view (role, privilege, leaving).
CREATE TRIGGER overzicht_deelnemer_in AFTER INSERT ON deelnemers BEGIN
    INSERT INTO overzicht (oin, aantal, generatie)
        VALUES (NEW.oin, CASE WHEN NEW.verwijderd IS NULL THEN 1 ELSE 0 END, 1)
        ON CONFLICT (oin) DO UPDATE SET aantal = aantal + excluded.aantal, generatie = generatie + 1;
END;
CREATE TRIGGER overzicht_deelnemer_uit AFTER DELETE ON deelnemers BEGIN
    UPDATE overzicht SET aantal = aantal - (CASE WHEN OLD.verwijderd IS NULL THEN 1 ELSE 0 END),
        generatie = generatie + 1 WHERE oin = OLD.oin;
END;
CREATE TRIGGER overzicht_deelnemer_anders AFTER UPDATE ON deelnemers BEGIN
    UPDATE overzicht SET aantal = aantal - (CASE WHEN OLD.verwijderd IS NULL THEN 1 ELSE 0 END),
        generatie = generatie + 1 WHERE oin = OLD.oin;
    INSERT INTO overzicht (oin, aantal, generatie)
        VALUES (NEW.oin, CASE WHEN NEW.verwijderd IS NULL THEN 1 ELSE 0 END, 1)
        ON CONFLICT (oin) DO UPDATE SET aantal = aantal + excluded.aantal, generatie = generatie + 1;
END;

-- The samenwerking itself (title, status, dates …): every organisation taking part.
CREATE TRIGGER overzicht_samenwerking AFTER UPDATE ON samenwerkingen BEGIN
    UPDATE overzicht SET generatie = generatie + 1
        WHERE oin IN (SELECT oin FROM deelnemers WHERE samenwerking_id = NEW.id);
END;

-- The count of actieverzoeken an organisation is party to.
CREATE TRIGGER overzicht_actieverzoek_in AFTER INSERT ON actieverzoeken BEGIN
    UPDATE overzicht SET generatie = generatie + 1 WHERE oin IN (NEW.zender, NEW.ontvanger);
END;
CREATE TRIGGER overzicht_actieverzoek_uit AFTER DELETE ON actieverzoeken BEGIN
    UPDATE overzicht SET generatie = generatie + 1 WHERE oin IN (OLD.zender, OLD.ontvanger);
END;
CREATE TRIGGER overzicht_actieverzoek_anders AFTER UPDATE OF zender, ontvanger, samenwerking_id
    ON actieverzoeken BEGIN
    UPDATE overzicht SET generatie = generatie + 1
        WHERE oin IN (OLD.zender, OLD.ontvanger, NEW.zender, NEW.ontvanger);
END;

-- The count of notifications an organisation may see.
CREATE TRIGGER overzicht_notificatie_in AFTER INSERT ON notificaties BEGIN
    UPDATE overzicht SET generatie = generatie + 1 WHERE oin = NEW.ontvanger;
END;
CREATE TRIGGER overzicht_notificatie_uit AFTER DELETE ON notificaties BEGIN
    UPDATE overzicht SET generatie = generatie + 1 WHERE oin = OLD.ontvanger;
END;
CREATE TRIGGER overzicht_notificatie_anders AFTER UPDATE ON notificaties BEGIN
    UPDATE overzicht SET generatie = generatie + 1 WHERE oin IN (OLD.ontvanger, NEW.ontvanger);
END;

-- Which notifications about a document are visible follows its confidentiality.
CREATE TRIGGER overzicht_document_anders AFTER UPDATE OF vertrouwelijkheid ON documenten BEGIN
    UPDATE overzicht SET generatie = generatie + 1
        WHERE oin IN (SELECT oin FROM deelnemers WHERE samenwerking_id = NEW.samenwerking_id);
END;
CREATE TRIGGER overzicht_document_uit AFTER DELETE ON documenten BEGIN
    UPDATE overzicht SET generatie = generatie + 1
        WHERE oin IN (SELECT oin FROM deelnemers WHERE samenwerking_id = OLD.samenwerking_id);
END;
