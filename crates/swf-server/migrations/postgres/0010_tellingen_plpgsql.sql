-- The recount of 0009 as PL/pgSQL (decision D70): a LANGUAGE sql function that cannot be
-- inlined (this one updates) is parsed and planned again on every call on PostgreSQL before
-- 18, and a new actieverzoek calls it three times inside the write lock (D48); PL/pgSQL keeps
-- the plan of its UPDATE per connection. Same statement, same rule.
CREATE OR REPLACE FUNCTION tellingen_herteel(sid TEXT, org TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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
END $$;
