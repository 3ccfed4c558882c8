//! The parameters of an operation in the OpenAPI document: its path parameters and the query
//! parameters of each list and download (filters, paging, sorting).
use super::*;

pub(super) fn query(name: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({
        "name": name, "in": "query", "required": required,
        "description": description, "schema": schema,
    })
}

pub(super) fn int_range(min: u64, max: u64) -> Value {
    json!({"type": "integer", "format": "int64", "minimum": min, "maximum": max})
}

pub(super) fn wire_enum(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

pub(super) fn oin_schema() -> Value {
    json!({"type": "string", "pattern": "^[0-9]{20}$"})
}

/// `pagina`/`aantal` (or DSO's `page`/`size` for notificaties); only one pair is documented:
/// the service reads the first valid one of a pair and ignores the other.
pub(super) fn paging(page: &str, size: &str) -> Vec<Value> {
    vec![
        query(
            page,
            false,
            "Paginanummer, vanaf 0",
            int_range(0, 1_000_000),
        ),
        query(
            size,
            false,
            "Aantal per pagina (standaard 20)",
            int_range(1, 100),
        ),
    ]
}

pub(super) fn sort(fields: &[&str]) -> Value {
    let values: Vec<String> = fields
        .iter()
        .flat_map(|f| [f.to_string(), format!("-{f}")])
        .collect();
    json!({"type": "string", "enum": values})
}

/// The query parameters an operation reads.
pub(super) fn query_params(op: &Op) -> Vec<Value> {
    match op.id {
        "listSamenwerkingen" => {
            let mut v = vec![
                query(
                    "status",
                    false,
                    "Alleen samenwerkingen met deze status",
                    wire_enum(&["INITIALISATIE", "OPEN", "GESLOTEN"]),
                ),
                query(
                    "titel",
                    false,
                    "Titel bevat deze tekst",
                    json!({"type": "string"}),
                ),
                query(
                    "verzoeknummer",
                    false,
                    "Met dit verzoeknummer",
                    json!({"type": "string"}),
                ),
                query(
                    "rol",
                    false,
                    "Mijn rol",
                    wire_enum(&Rol::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
                ),
                query(
                    "_sort",
                    false,
                    "Sortering; '-' is aflopend",
                    sort(&["creatieDatumTijd", "titel", "laatstAangepastDatumTijd"]),
                ),
            ];
            v.extend(paging("pagina", "aantal"));
            v
        }
        "listDocumenten" => {
            let mut v = vec![
                query(
                    "aangemaaktDoor",
                    false,
                    "Toegevoegd door deze organisatie",
                    oin_schema(),
                ),
                query(
                    "aangemaaktDoor[not]",
                    false,
                    "Niet toegevoegd door deze organisatie",
                    oin_schema(),
                ),
                query(
                    "aangemaaktDoorNaam",
                    false,
                    "Naam van de toevoegende organisatie",
                    json!({"type": "string"}),
                ),
                query(
                    "aangemaaktDoorNaam[not]",
                    false,
                    "Niet deze naam",
                    json!({"type": "string"}),
                ),
                query(
                    "_sort",
                    false,
                    "Sortering; '-' is aflopend",
                    sort(&[
                        "creatieDatumTijd",
                        "bestandsNaam",
                        "laatstAangepastDatumTijd",
                    ]),
                ),
            ];
            v.extend(paging("pagina", "aantal"));
            v
        }
        "voegDocumentToe" => {
            let mut v = vec![
                query(
                    "documentOmschrijving",
                    true,
                    "Omschrijving",
                    json_merge(
                        json!({"type": "string"}),
                        Tekst::VerplichteRegel(MAX_KORT * 5).schema(),
                    ),
                ),
                query(
                    "vertrouwelijkheidsAanduiding",
                    true,
                    "RV of SV",
                    wire_enum(
                        &Vertrouwelijkheid::ALL
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>(),
                    ),
                ),
            ];
            for k in ["kenmerkSysteem", "nummerBinnenSysteem", "taal"] {
                v.push(query(
                    k,
                    false,
                    k,
                    json_merge(json!({"type": "string"}), Tekst::Regel(MAX_KORT).schema()),
                ));
            }
            v
        }
        "listActieverzoeken" => {
            let statuses: Vec<&str> = ActieverzoekStatus::ALL.iter().map(|s| s.as_str()).collect();
            let mut v = vec![
                query(
                    "samenwerkingId",
                    false,
                    "Alleen van deze samenwerking",
                    json!({"type": "string"}),
                ),
                query("organisatie", false, "Ontvanger", oin_schema()),
                query("zender", false, "Zender", oin_schema()),
                query("status", false, "Met deze status", wire_enum(&statuses)),
                query(
                    "status[not]",
                    false,
                    "Niet met deze status",
                    wire_enum(&statuses),
                ),
            ];
            v.extend(paging("pagina", "aantal"));
            v
        }
        "listNotificaties" | "listSamenwerkingNotificaties" => {
            let types = NotificatieType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join("|");
            let mut v = vec![
                query(
                    "eventDatumTijd[gt]",
                    false,
                    "Na dit moment (RFC 3339)",
                    json!({"type": "string", "format": "date-time"}),
                ),
                query(
                    "eventDatumTijd[lte]",
                    false,
                    "Tot en met dit moment (RFC 3339)",
                    json!({"type": "string", "format": "date-time"}),
                ),
                query(
                    "notificatieType",
                    false,
                    "Eén of meer typen, gescheiden door komma's",
                    json!({
                        "type": "string",
                        "pattern": format!("^[{WS}]*({types})[{WS}]*(,[{WS}]*({types})[{WS}]*)*$"),
                    }),
                ),
            ];
            if op.id == "listNotificaties" {
                v.push(query(
                    "samenwerkingId",
                    false,
                    "Alleen van deze samenwerking",
                    json!({"type": "string"}),
                ));
            }
            v.extend(paging("page", "size"));
            v
        }
        "historie" | "listBerichten" => paging("pagina", "aantal"),
        "leesGebeurtenissen" => vec![
            query(
                "na",
                false,
                "Volgnummer waarna gelezen wordt; zonder: lege pagina met de kop als 'volgende'",
                json!({"type": "integer", "format": "int64", "minimum": 0}),
            ),
            query(
                "limit",
                false,
                "Hooguit zoveel gebeurtenissen (standaard 100)",
                int_range(1, 1000),
            ),
        ],
        "zoekOrganisaties" => vec![query(
            "zoek",
            false,
            "Deel van de naam of het OIN",
            json!({"type": "string", "maxLength": 100}),
        )],
        _ => vec![],
    }
}

pub(super) fn json_merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

pub(super) fn path_param(name: &str) -> Value {
    let schema = match name {
        "oin" => oin_schema(),
        "samenwerkingId" => json!({"type": "string"}),
        _ => json!({"type": "string", "format": "uuid"}),
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}
