-- A new actieverzoek or notification adds to the counts of D63 instead of recounting them
-- (decision D71): a recount reads every actieverzoek and notification of the samenwerking, so
-- each new one cost more the busier the samenwerking was. Changes and removals still recount
-- (rare, and a recount stays right by definition). An insertion adds exactly what the recount
-- would find more: the count before it was right, and the row is counted by the same rule.
-- The same rules as migrations/postgres/0011.
DROP TRIGGER tellingen_actieverzoek_in;
CREATE TRIGGER tellingen_actieverzoek_in AFTER INSERT ON actieverzoeken BEGIN
    -- the sender's and the receiver's row: one row when they are the same organisation
    UPDATE deelnemers SET aantal_actieverzoeken = aantal_actieverzoeken + 1
        WHERE samenwerking_id = NEW.samenwerking_id AND oin IN (NEW.zender, NEW.ontvanger);
END;

DROP TRIGGER tellingen_notificatie_in;
CREATE TRIGGER tellingen_notificatie_in AFTER INSERT ON notificaties BEGIN
    UPDATE deelnemers SET
        aantal_notificaties = aantal_notificaties + 1,
        aantal_notificaties_beperkt = aantal_notificaties_beperkt +
            CASE WHEN NEW.na_vertrek = 1 OR NOT COALESCE(
                (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = NEW.document_id),
                NEW.alleen_volledig = 1) THEN 1 ELSE 0 END
        WHERE samenwerking_id = NEW.samenwerking_id AND oin = NEW.ontvanger;
END;
