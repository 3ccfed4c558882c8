-- The user's human name ("Vera Vergunningverlener") as the service gives it, for display; NULL
-- for a system token, or until the service has told us (older service, account from before).
ALTER TABLE account ADD COLUMN naam TEXT;

-- An older app (that does not know this column) signing in over the stored account would keep
-- the previous person's name: forget it whenever the identity changes and the name does not.
CREATE TRIGGER account_naam_bij_ander_account
AFTER UPDATE OF service_url, gebruikersnaam, oin ON account
WHEN NEW.naam IS OLD.naam
  AND (NEW.service_url IS NOT OLD.service_url
       OR NEW.gebruikersnaam IS NOT OLD.gebruikersnaam
       OR NEW.oin IS NOT OLD.oin)
BEGIN
    UPDATE account SET naam = NULL WHERE id = NEW.id;
END;
