-- A new actieverzoek or notification adds to the counts of D63 instead of recounting them
-- (decision D71): a recount reads every actieverzoek and notification of the samenwerking, so
-- each new one cost more the busier the samenwerking was, three times per new actieverzoek,
-- inside the write lock (D48). Changes and removals still recount (rare, and a recount stays
-- right by definition). An insertion adds exactly what the recount would find more: the count
-- before it was right, and the row is counted by the same rule. The AFTER ROW triggers of one
-- statement each add their own row; a membership inserted by an earlier statement was
-- recounted then (tellingen_deelnemer). The same rules as migrations/sqlite/0009.
CREATE OR REPLACE FUNCTION tellingen_actieverzoek() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- the sender's and the receiver's row: one row when they are the same organisation
        UPDATE deelnemers SET aantal_actieverzoeken = aantal_actieverzoeken + 1
            WHERE samenwerking_id = NEW.samenwerking_id AND oin IN (NEW.zender, NEW.ontvanger);
        RETURN NULL;
    END IF;
    PERFORM tellingen_herteel(OLD.samenwerking_id, OLD.zender);
    PERFORM tellingen_herteel(OLD.samenwerking_id, OLD.ontvanger);
    IF TG_OP = 'UPDATE' THEN
        PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.zender);
        PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.ontvanger);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tellingen_notificatie() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE deelnemers SET
            aantal_notificaties = aantal_notificaties + 1,
            aantal_notificaties_beperkt = aantal_notificaties_beperkt +
                CASE WHEN NEW.na_vertrek = 1 OR NOT COALESCE(
                    (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = NEW.document_id),
                    NEW.alleen_volledig = 1) THEN 1 ELSE 0 END
            WHERE samenwerking_id = NEW.samenwerking_id AND oin = NEW.ontvanger;
        RETURN NULL;
    END IF;
    PERFORM tellingen_herteel(OLD.samenwerking_id, OLD.ontvanger);
    IF TG_OP = 'UPDATE' THEN
        PERFORM tellingen_herteel(NEW.samenwerking_id, NEW.ontvanger);
    END IF;
    RETURN NULL;
END $$;
