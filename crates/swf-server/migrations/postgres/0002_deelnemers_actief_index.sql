-- Active memberships of an organisation in creation order: serves both the count and the first
-- page of "my samenwerkingen" from the index alone.
CREATE INDEX deelnemers_oin_actief ON deelnemers (oin, volgnummer) WHERE verwijderd IS NULL;
