-- Visibility of history lines, notifications and feed events is decided when reading
-- (decision D4): every row that names or concerns a document carries its id, every history
-- line about an actieverzoek carries the actieverzoek's id, and `alleen_volledig` keeps the
-- document's last known confidentiality for when the document itself is gone.

-- History lines about an actieverzoek are shown only to its sender and receiver.
ALTER TABLE audit ADD COLUMN actieverzoek_id TEXT;
-- Feed events about a document: its id, and 1 when it is (or was, when deleted) SV.
ALTER TABLE gebeurtenissen ADD COLUMN document_id TEXT;
ALTER TABLE gebeurtenissen ADD COLUMN alleen_volledig INTEGER NOT NULL DEFAULT 0;

-- Backfill 1: the flags of history lines and notifications about a document that still exists
-- follow its confidentiality now (the attach path used to write 0 for SV documents).
UPDATE audit SET alleen_volledig =
    (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = audit.document_id)
WHERE document_id IN (SELECT id FROM documenten);
UPDATE notificaties SET alleen_volledig =
    (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = notificaties.document_id)
WHERE document_id IN (SELECT id FROM documenten);

-- Backfill 2: a deleted document was SV at the end if any line about it says so (every change
-- of confidentiality rewrote all its flags, so a 1 can only come from its last state).
UPDATE audit SET alleen_volledig = 1
WHERE alleen_volledig = 0 AND document_id IS NOT NULL
  AND document_id NOT IN (SELECT id FROM documenten)
  AND document_id IN (SELECT document_id FROM audit WHERE alleen_volledig = 1 AND document_id IS NOT NULL);

-- Backfill 3: history lines about an actieverzoek. Its id was not stored; the line names its
-- title and was written by one of its parties. Only an unambiguous match is taken; the rest get
-- '' (no actieverzoek), which shows the line to its author only: fail closed.
UPDATE audit SET actieverzoek_id = COALESCE((
    SELECT CASE WHEN COUNT(*) = 1 THEN MAX(av.id) END
    FROM actieverzoeken av
    WHERE av.samenwerking_id = audit.samenwerking_id
      AND (av.zender = audit.oin OR av.ontvanger = audit.oin)
      AND instr(audit.omschrijving, '''' || av.titel || '''') > 0
), '')
WHERE actie IN ('actieverzoek-verstuurd', 'actieverzoek-status', 'actieverzoek-gewijzigd',
                'document-gekoppeld', 'document-ontkoppeld', 'bericht-verstuurd')
  AND samenwerking_id IS NOT NULL;

-- Backfill 4: feed events about documents carry the document. DOCUMENT_VERWIJDERD events of
-- organisations with limited access now may be the "no longer available to you" notice for a
-- document that became SV, which they must keep: those stay without reference.
UPDATE gebeurtenissen SET document_id = object_id,
    alleen_volledig = COALESCE(
        (SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = gebeurtenissen.object_id),
        (SELECT MAX(a.alleen_volledig) FROM audit a WHERE a.document_id = gebeurtenissen.object_id),
        1)
WHERE object_id IS NOT NULL
  AND (soort = 'DOCUMENT_GEWIJZIGD'
       OR (soort = 'DOCUMENT_VERWIJDERD' AND NOT EXISTS (
            SELECT 1 FROM deelnemers dn
            WHERE dn.samenwerking_id = gebeurtenissen.samenwerking_id AND dn.oin = gebeurtenissen.oin
              AND dn.verwijderd IS NULL AND dn.rol <> 'INITIATOR' AND dn.privilege = 'BEPERKTE_TOEGANG')));
-- NOTIFICATIE_NIEUW events follow the notification they announce.
UPDATE gebeurtenissen SET
    document_id = (SELECT n.document_id FROM notificaties n WHERE n.id = gebeurtenissen.object_id),
    alleen_volledig = (SELECT n.alleen_volledig FROM notificaties n WHERE n.id = gebeurtenissen.object_id)
WHERE soort = 'NOTIFICATIE_NIEUW'
  AND object_id IN (SELECT id FROM notificaties WHERE document_id IS NOT NULL);
