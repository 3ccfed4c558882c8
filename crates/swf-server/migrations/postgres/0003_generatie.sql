-- A counter every write transaction increments: readers compare it to know whether a cached
-- list page is still current, also when another process (an admin command) wrote.
INSERT INTO volgnummers (naam, waarde) VALUES ('generatie', 0);
