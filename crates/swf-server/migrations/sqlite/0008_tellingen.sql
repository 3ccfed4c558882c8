-- The overview's per-row counts without counting on every read (decision D63): each deelnemer
-- row keeps the number of actieverzoeken its organisation is party to in that samenwerking, the
-- number of notifications it received there, and how many of those a partner with limited
-- access may see (not about an SV document, or kept after leaving; D4). Which of the two
-- notification counts a deelnemer sees follows its own role and privilege, read with the row.
-- Triggers recount the affected rows in the write transaction, whichever code path writes;
-- a recount (not an increment) keeps them equal to the count by definition. The same rules are
-- in migrations/postgres/0009_tellingen.sql.
ALTER TABLE deelnemers ADD COLUMN aantal_actieverzoeken BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deelnemers ADD COLUMN aantal_notificaties BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deelnemers ADD COLUMN aantal_notificaties_beperkt BIGINT NOT NULL DEFAULT 0;

UPDATE deelnemers SET
    aantal_actieverzoeken = (SELECT COUNT(*) FROM actieverzoeken a
        WHERE a.samenwerking_id = deelnemers.samenwerking_id
          AND (a.zender = deelnemers.oin OR a.ontvanger = deelnemers.oin)),
    aantal_notificaties = (SELECT COUNT(*) FROM notificaties n
        WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin),
    aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
        WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
          AND (n.na_vertrek = 1 OR NOT COALESCE(
              (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
              n.alleen_volledig = 1)));

-- The recounts below only change the count columns: the overview's generation (D58) is bumped
-- by the triggers on the rows counted, so the membership trigger need not fire for them.
DROP TRIGGER overzicht_deelnemer_anders;
CREATE TRIGGER overzicht_deelnemer_anders
    AFTER UPDATE OF samenwerking_id, oin, rol, privilege, toegevoegd, verwijderd, volgnummer
    ON deelnemers BEGIN
    UPDATE overzicht SET aantal = aantal - (CASE WHEN OLD.verwijderd IS NULL THEN 1 ELSE 0 END),
        generatie = generatie + 1 WHERE oin = OLD.oin;
    INSERT INTO overzicht (oin, aantal, generatie)
        VALUES (NEW.oin, CASE WHEN NEW.verwijderd IS NULL THEN 1 ELSE 0 END, 1)
        ON CONFLICT (oin) DO UPDATE SET aantal = aantal + excluded.aantal, generatie = generatie + 1;
END;

-- A new membership starts with what is already there (an organisation invited again).
CREATE TRIGGER tellingen_deelnemer_in AFTER INSERT ON deelnemers BEGIN
    UPDATE deelnemers SET
        aantal_actieverzoeken = (SELECT COUNT(*) FROM actieverzoeken a
            WHERE a.samenwerking_id = NEW.samenwerking_id
              AND (a.zender = NEW.oin OR a.ontvanger = NEW.oin)),
        aantal_notificaties = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = NEW.samenwerking_id AND n.ontvanger = NEW.oin),
        aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = NEW.samenwerking_id AND n.ontvanger = NEW.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
    WHERE samenwerking_id = NEW.samenwerking_id AND oin = NEW.oin;
END;

-- Actieverzoeken: the sender's and the receiver's row, before and after.
CREATE TRIGGER tellingen_actieverzoek_in AFTER INSERT ON actieverzoeken BEGIN
    UPDATE deelnemers SET aantal_actieverzoeken = (SELECT COUNT(*) FROM actieverzoeken a
            WHERE a.samenwerking_id = deelnemers.samenwerking_id
              AND (a.zender = deelnemers.oin OR a.ontvanger = deelnemers.oin))
        WHERE samenwerking_id = NEW.samenwerking_id AND oin IN (NEW.zender, NEW.ontvanger);
END;
CREATE TRIGGER tellingen_actieverzoek_uit AFTER DELETE ON actieverzoeken BEGIN
    UPDATE deelnemers SET aantal_actieverzoeken = (SELECT COUNT(*) FROM actieverzoeken a
            WHERE a.samenwerking_id = deelnemers.samenwerking_id
              AND (a.zender = deelnemers.oin OR a.ontvanger = deelnemers.oin))
        WHERE samenwerking_id = OLD.samenwerking_id AND oin IN (OLD.zender, OLD.ontvanger);
END;
CREATE TRIGGER tellingen_actieverzoek_anders AFTER UPDATE OF zender, ontvanger, samenwerking_id
    ON actieverzoeken BEGIN
    UPDATE deelnemers SET aantal_actieverzoeken = (SELECT COUNT(*) FROM actieverzoeken a
            WHERE a.samenwerking_id = deelnemers.samenwerking_id
              AND (a.zender = deelnemers.oin OR a.ontvanger = deelnemers.oin))
        WHERE (samenwerking_id = OLD.samenwerking_id AND oin IN (OLD.zender, OLD.ontvanger))
           OR (samenwerking_id = NEW.samenwerking_id AND oin IN (NEW.zender, NEW.ontvanger));
END;

-- Notifications: the receiver's row, before and after.
CREATE TRIGGER tellingen_notificatie_in AFTER INSERT ON notificaties BEGIN
    UPDATE deelnemers SET
        aantal_notificaties = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin),
        aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
        WHERE samenwerking_id = NEW.samenwerking_id AND oin = NEW.ontvanger;
END;
CREATE TRIGGER tellingen_notificatie_uit AFTER DELETE ON notificaties BEGIN
    UPDATE deelnemers SET
        aantal_notificaties = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin),
        aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
        WHERE samenwerking_id = OLD.samenwerking_id AND oin = OLD.ontvanger;
END;
CREATE TRIGGER tellingen_notificatie_anders AFTER UPDATE ON notificaties BEGIN
    UPDATE deelnemers SET
        aantal_notificaties = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin),
        aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
        WHERE (samenwerking_id = OLD.samenwerking_id AND oin = OLD.ontvanger)
           OR (samenwerking_id = NEW.samenwerking_id AND oin = NEW.ontvanger);
END;

-- A document's confidentiality (and its existence: a notification about a document that is
-- gone falls back to its flag) decides which notifications a limited partner sees.
CREATE TRIGGER tellingen_document_in AFTER INSERT ON documenten BEGIN
    UPDATE deelnemers SET aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
        WHERE samenwerking_id = NEW.samenwerking_id;
END;
CREATE TRIGGER tellingen_document_anders AFTER UPDATE OF vertrouwelijkheid ON documenten BEGIN
    UPDATE deelnemers SET aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
        WHERE samenwerking_id IN (OLD.samenwerking_id, NEW.samenwerking_id);
END;
CREATE TRIGGER tellingen_document_uit AFTER DELETE ON documenten BEGIN
    UPDATE deelnemers SET aantal_notificaties_beperkt = (SELECT COUNT(*) FROM notificaties n
            WHERE n.samenwerking_id = deelnemers.samenwerking_id AND n.ontvanger = deelnemers.oin
              AND (n.na_vertrek = 1 OR NOT COALESCE(
                  (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id),
                  n.alleen_volledig = 1)))
        WHERE samenwerking_id = OLD.samenwerking_id;
END;
