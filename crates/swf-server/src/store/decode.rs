//! The rows every list reads most, decoded by position and checked by name (D79).
//!
//! sqlx's derived `FromRow` finds each column by its name: a hash of the name and a lookup, for
//! every column of every row (600 on an overview page of 20 rows and 30 columns; about 8 % of
//! the service's instructions for the overview). The statements that read these rows list the
//! columns in the order of the struct (`SAM_COLS`, then the view's own), so each column is
//! first looked for at its place: one compare of its name. A statement that lists them
//! otherwise still decodes correctly, by name, only slower.
use super::{SamenwerkingKort, SamenwerkingRow, SamenwerkingView};
use sqlx::{Column, ColumnIndex, Decode, Row, Type};
use swf_domain::{Privilege, Rol, SamenwerkingStatus};

/// Column `name`, looked for first at position `i`.
///
/// Found there, its value is decoded without sqlx's check that the column's SQL type suits `T`
/// in release builds: that check compared type names for every value of every row, a tenth of
/// an overview request's instructions (D83). The columns' types are the migrations' own, and
/// debug builds (every test, on both backends) keep the check. A value that does not decode
/// is still an error, never a panic.
fn get<'r, R, T>(row: &'r R, i: usize, name: &'static str) -> Result<T, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    &'r str: ColumnIndex<R>,
    T: Decode<'r, R::Database> + Type<R::Database>,
{
    match row.columns().get(i) {
        // a value that does not decode is reported by the column's name, as sqlx does
        Some(c) if c.name() == name => if cfg!(debug_assertions) {
            row.try_get(i)
        } else {
            row.try_get_unchecked(i)
        }
        .map_err(|e| match e {
            sqlx::Error::ColumnDecode { source, .. } => sqlx::Error::ColumnDecode {
                index: format!("{name:?}"),
                source,
            },
            e => e,
        }),
        _ => row.try_get(name),
    }
}

impl<'r, R> sqlx::FromRow<'r, R> for SamenwerkingRow
where
    R: Row,
    usize: ColumnIndex<R>,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    SamenwerkingStatus: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(SamenwerkingRow {
            id: get(row, 0, "id")?,
            volgnummer: get(row, 1, "volgnummer")?,
            verzoeknummer: get(row, 2, "verzoeknummer")?,
            olo_verzoeknummer: get(row, 3, "olo_verzoeknummer")?,
            bron_verzoek: get(row, 4, "bron_verzoek")?,
            type_verzoek: get(row, 5, "type_verzoek")?,
            globale_locatie: get(row, 6, "globale_locatie")?,
            titel: get(row, 7, "titel")?,
            beschrijving: get(row, 8, "beschrijving")?,
            taal: get(row, 9, "taal")?,
            status: get(row, 10, "status")?,
            aangemaakt_door: get(row, 11, "aangemaakt_door")?,
            aangemaakt_door_naam: get(row, 12, "aangemaakt_door_naam")?,
            creatie: get(row, 13, "creatie")?,
            eind: get(row, 14, "eind")?,
            laatst_aangepast_door: get(row, 15, "laatst_aangepast_door")?,
            laatst_aangepast_door_naam: get(row, 16, "laatst_aangepast_door_naam")?,
            laatst_aangepast: get(row, 17, "laatst_aangepast")?,
            kenmerk_systeem: get(row, 18, "kenmerk_systeem")?,
            nummer_binnen_systeem: get(row, 19, "nummer_binnen_systeem")?,
            contactpersoon_naam: get(row, 20, "contactpersoon_naam")?,
            contactpersoon_emailadres: get(row, 21, "contactpersoon_emailadres")?,
            contactpersoon_telefoonnummer: get(row, 22, "contactpersoon_telefoonnummer")?,
            gesloten: get(row, 23, "gesloten")?,
            verwijder_na: get(row, 24, "verwijder_na")?,
            versie: get(row, 25, "versie")?,
        })
    }
}

/// The columns of a [`SamenwerkingRow`]; the view's own follow them.
const ROW_COLUMNS: usize = 26;

impl<'r, R> sqlx::FromRow<'r, R> for SamenwerkingView
where
    R: Row,
    usize: ColumnIndex<R>,
    &'r str: ColumnIndex<R>,
    SamenwerkingRow: sqlx::FromRow<'r, R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Rol: Decode<'r, R::Database> + Type<R::Database>,
    Privilege: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(SamenwerkingView {
            s: SamenwerkingRow::from_row(row)?,
            mijn_rol: get(row, ROW_COLUMNS, "mijn_rol")?,
            mijn_privilege: get(row, ROW_COLUMNS + 1, "mijn_privilege")?,
            aantal_actieverzoeken: get(row, ROW_COLUMNS + 2, "aantal_actieverzoeken")?,
            aantal_notificaties: get(row, ROW_COLUMNS + 3, "aantal_notificaties")?,
        })
    }
}

/// The overview's row (D80): its columns in the order of `KORT_SELECT` (`sql/samenwerkingen.rs`).
impl<'r, R> sqlx::FromRow<'r, R> for SamenwerkingKort
where
    R: Row,
    usize: ColumnIndex<R>,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    SamenwerkingStatus: Decode<'r, R::Database> + Type<R::Database>,
    Rol: Decode<'r, R::Database> + Type<R::Database>,
    Privilege: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(SamenwerkingKort {
            id: get(row, 0, "id")?,
            status: get(row, 1, "status")?,
            gesloten: get(row, 2, "gesloten")?,
            verwijder_na: get(row, 3, "verwijder_na")?,
            weergave: get(row, 4, "weergave")?,
            mijn_rol: get(row, 5, "mijn_rol")?,
            mijn_privilege: get(row, 6, "mijn_privilege")?,
            aantal_actieverzoeken: get(row, 7, "aantal_actieverzoeken")?,
            aantal_notificaties: get(row, 8, "aantal_notificaties")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{Connection, SqliteConnection};

    /// The view's columns as `(name, SQL value)`, in the struct's order.
    const COLUMNS: [(&str, &str); 30] = [
        ("id", "'SAM-1'"),
        ("volgnummer", "7"),
        ("verzoeknummer", "'V-1'"),
        ("olo_verzoeknummer", "NULL"),
        ("bron_verzoek", "'OLO'"),
        ("type_verzoek", "NULL"),
        ("globale_locatie", "'Utrecht'"),
        ("titel", "'Dakkapel'"),
        ("beschrijving", "'Aan de achterzijde'"),
        ("taal", "'NL'"),
        ("status", "'GESLOTEN'"),
        ("aangemaakt_door", "'00000001002220647000'"),
        ("aangemaakt_door_naam", "'Gemeente A'"),
        ("creatie", "100"),
        ("eind", "200"),
        ("laatst_aangepast_door", "'00000001812579446000'"),
        ("laatst_aangepast_door_naam", "'VR B'"),
        ("laatst_aangepast", "150"),
        ("kenmerk_systeem", "'K'"),
        ("nummer_binnen_systeem", "'N'"),
        ("contactpersoon_naam", "'Jan'"),
        ("contactpersoon_emailadres", "'jan@example.nl'"),
        ("contactpersoon_telefoonnummer", "NULL"),
        ("gesloten", "160"),
        ("verwijder_na", "NULL"),
        ("versie", "3"),
        ("mijn_rol", "'KETENPARTNER'"),
        ("mijn_privilege", "'BEPERKTE_TOEGANG'"),
        ("aantal_actieverzoeken", "4"),
        ("aantal_notificaties", "5"),
    ];

    /// The view decoded from `SELECT {front}` and the columns in `order`.
    async fn view(front: &str, order: &[usize]) -> SamenwerkingView {
        let cols: Vec<String> = order
            .iter()
            .map(|&i| format!("{} AS {}", COLUMNS[i].1, COLUMNS[i].0))
            .collect();
        let mut db = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query_as(&format!("SELECT {front}{}", cols.join(", ")))
            .fetch_one(&mut db)
            .await
            .unwrap()
    }

    fn check(v: &SamenwerkingView) {
        let s = &v.s;
        assert_eq!((s.id.as_str(), s.volgnummer, s.versie), ("SAM-1", 7, 3));
        assert_eq!(s.verzoeknummer.as_deref(), Some("V-1"));
        assert_eq!(
            (s.olo_verzoeknummer.as_deref(), s.bron_verzoek.as_deref()),
            (None, Some("OLO"))
        );
        assert_eq!(
            (s.type_verzoek.as_deref(), s.globale_locatie.as_deref()),
            (None, Some("Utrecht"))
        );
        assert_eq!(
            (s.titel.as_str(), s.beschrijving.as_deref()),
            ("Dakkapel", Some("Aan de achterzijde"))
        );
        assert_eq!(
            (s.taal.as_str(), s.status),
            ("NL", SamenwerkingStatus::Gesloten)
        );
        assert_eq!(
            (s.aangemaakt_door.as_str(), s.aangemaakt_door_naam.as_str()),
            ("00000001002220647000", "Gemeente A")
        );
        assert_eq!((s.creatie, s.eind, s.laatst_aangepast), (100, 200, 150));
        assert_eq!(
            (
                s.laatst_aangepast_door.as_str(),
                s.laatst_aangepast_door_naam.as_str()
            ),
            ("00000001812579446000", "VR B")
        );
        assert_eq!(
            (
                s.kenmerk_systeem.as_deref(),
                s.nummer_binnen_systeem.as_deref()
            ),
            (Some("K"), Some("N"))
        );
        assert_eq!(
            (
                s.contactpersoon_naam.as_deref(),
                s.contactpersoon_emailadres.as_deref(),
                s.contactpersoon_telefoonnummer.as_deref()
            ),
            (Some("Jan"), Some("jan@example.nl"), None)
        );
        assert_eq!((s.gesloten, s.verwijder_na), (Some(160), None));
        assert_eq!(
            (v.mijn_rol, v.mijn_privilege),
            (Rol::Ketenpartner, Privilege::BeperkteToegang)
        );
        assert_eq!((v.aantal_actieverzoeken, v.aantal_notificaties), (4, 5));
    }

    #[tokio::test]
    async fn a_row_decodes_the_same_whatever_the_order_of_its_columns() {
        let in_order: Vec<usize> = (0..COLUMNS.len()).collect();
        check(&view("", &in_order).await);
        // reversed: no column at its place, every one found by name
        let reversed: Vec<usize> = in_order.iter().rev().copied().collect();
        check(&view("", &reversed).await);
        // two neighbours of the same type swapped (each found by name, not taken by place)
        let mut swapped = in_order.clone();
        swapped.swap(7, 8);
        swapped.swap(13, 14);
        check(&view("", &swapped).await);
        // one extra column in front: everything shifted by one
        check(&view("1 AS extra, ", &in_order).await);
    }
}
