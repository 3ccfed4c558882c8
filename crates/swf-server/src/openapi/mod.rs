//! The OpenAPI 3.1 document, generated from the code: schemas from the Rust types (utoipa
//! derives), operations from the route table below, which a test checks against the router.
use crate::auth::{MAX_NAME_BYTES, MAX_PASSWORD_BYTES};
use crate::error::{Problem, PROBLEM_JSON};
use crate::http::HAL_JSON;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;
use swf_domain::validation::{MAX_KORT, MAX_TEKST, MAX_TITEL};
use swf_domain::*;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder, ServerBuilder};

mod params;
use params::*;

/// One documented operation.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    /// Our addition to the DSO v5 API (`x-extension: true`).
    pub extension: bool,
    pub body: Option<&'static str>,
    pub response: Option<&'static str>,
}

macro_rules! op {
    ($m:literal, $p:literal, $id:literal, $s:literal, $ext:literal, $body:expr, $resp:expr) => {
        Op {
            method: $m,
            path: $p,
            id: $id,
            summary: $s,
            extension: $ext,
            body: $body,
            response: $resp,
        }
    };
}

pub const OPS: &[Op] = &[
    op!("get", "/samenwerkingen", "listSamenwerkingen", "Samenwerkingen van mijn organisatie (filters status, titel, verzoeknummer, rol; pagina, aantal, _sort)", true, None, Some("SamenwerkingLijst")),
    op!("post", "/samenwerkingen", "startSamenwerking", "Start een samenwerking (met of zonder verzoeknummer)", true, Some("SamenwerkingStarten"), Some("Samenwerking")),
    op!("get", "/samenwerkingen/{samenwerkingId}", "getSamenwerking", "Eén samenwerking", false, None, Some("Samenwerking")),
    op!("patch", "/samenwerkingen/{samenwerkingId}", "wijzigSamenwerking", "Gegevens wijzigen of sluiten (status GESLOTEN); merge-patch", true, Some("SamenwerkingWijzigen"), Some("Samenwerking")),
    op!("delete", "/samenwerkingen/{samenwerkingId}", "verwijderSamenwerking", "Verwijder een gesloten samenwerking met alles erin", true, None, None),
    op!("get", "/samenwerkingen/{samenwerkingId}/deelnemers", "listDeelnemers", "Deelnemers", true, None, Some("DeelnemerLijst")),
    op!("post", "/samenwerkingen/{samenwerkingId}/deelnemers", "nodigUit", "Nodig een ketenpartner uit (OIN, privilege)", true, Some("DeelnemerUitnodigen"), Some("Deelnemer")),
    op!("get", "/samenwerkingen/{samenwerkingId}/deelnemers/{oin}", "getDeelnemer", "Eén deelnemer", true, None, Some("Deelnemer")),
    op!("patch", "/samenwerkingen/{samenwerkingId}/deelnemers/{oin}", "wijzigPrivilege", "Wijzig de toegang van een ketenpartner", true, Some("DeelnemerWijzigen"), Some("Deelnemer")),
    op!("delete", "/samenwerkingen/{samenwerkingId}/deelnemers/{oin}", "verwijderDeelnemer", "Verwijder een ketenpartner", true, None, None),
    op!("get", "/samenwerkingen/{samenwerkingId}/documenten", "listDocumenten", "Documenten (aangemaaktDoor[not], aangemaaktDoorNaam[not], _sort, pagina, aantal)", false, None, Some("DocumentLijst")),
    op!("post", "/samenwerkingen/{samenwerkingId}/documenten", "voegDocumentToe", "Document toevoegen: multipart deel 'file'; metadata als query (documentOmschrijving, vertrouwelijkheidsAanduiding, kenmerkSysteem, nummerBinnenSysteem, taal)", false, Some("multipart"), Some("Document")),
    op!("post", "/samenwerkingen/{samenwerkingId}/actieverzoeken", "stelActieverzoekOp", "Stuur een actieverzoek aan één andere deelnemer", false, Some("ActieverzoekOpstellen"), Some("Actieverzoek")),
    op!("get", "/samenwerkingen/{samenwerkingId}/notificaties", "listSamenwerkingNotificaties", "Notificaties van één samenwerking", false, None, Some("NotificatieLijst")),
    op!("get", "/samenwerkingen/{samenwerkingId}/historie", "historie", "Historie (auditlog) van een samenwerking", true, None, Some("HistorieLijst")),
    op!("get", "/documenten/{documentId}", "getDocument", "Eén document", true, None, Some("Document")),
    op!("patch", "/documenten/{documentId}", "wijzigDocument", "Omschrijving of vertrouwelijkheid wijzigen (de toevoegende organisatie)", true, Some("DocumentWijzigen"), Some("Document")),
    op!("delete", "/documenten/{documentId}", "verwijderDocument", "Document verwijderen (de toevoegende organisatie)", false, None, None),
    op!("get", "/documenten/{documentId}/content", "downloadDocument", "Inhoud; ondersteunt Range; bestandsnaam in Content-Disposition", false, None, None),
    op!("get", "/actieverzoeken", "listActieverzoeken", "Actieverzoeken waarbij mijn organisatie zender of ontvanger is (samenwerkingId, organisatie, zender, status, status[not])", false, None, Some("ActieverzoekLijst")),
    op!("get", "/actieverzoeken/{actieverzoekId}", "getActieverzoek", "Eén actieverzoek; _links noemen de toegestane overgangen", false, None, Some("Actieverzoek")),
    op!("patch", "/actieverzoeken/{actieverzoekId}", "wijzigActieverzoek", "Status wijzigen met melding (merge-patch); If-Match met de ETag voorkomt verloren wijzigingen", false, Some("ActieverzoekWijzigen"), Some("Actieverzoek")),
    op!("get", "/actieverzoeken/{actieverzoekId}/berichten", "listBerichten", "Berichten bij een actieverzoek", false, None, Some("BerichtLijst")),
    op!("post", "/actieverzoeken/{actieverzoekId}/berichten", "verstuurBericht", "Bericht versturen", false, Some("BerichtVerzenden"), Some("Bericht")),
    op!("post", "/actieverzoeken/{actieverzoekId}/documenten", "koppelDocument", "Document koppelen aan een actieverzoek", true, Some("DocumentKoppelen"), Some("Actieverzoek")),
    op!("delete", "/actieverzoeken/{actieverzoekId}/documenten/{documentId}", "ontkoppelDocument", "Document ontkoppelen (rel ontkoppelenVanActieverzoek)", false, None, Some("Actieverzoek")),
    op!("get", "/notificaties", "listNotificaties", "Mijn notificaties (eventDatumTijd[gt], eventDatumTijd[lte], notificatieType, page, size)", false, None, Some("NotificatieLijst")),
    op!("get", "/notificaties/{notificatieId}", "getNotificatie", "Eén notificatie", false, None, Some("Notificatie")),
    op!("delete", "/notificaties/{notificatieId}", "verwijderNotificatie", "Verwijder mijn exemplaar van een notificatie", false, None, None),
    op!("post", "/auth/token", "aanmelden", "Aanmelden met gebruikersnaam en wachtwoord; geeft een bearer token", true, Some("TokenAanvraag"), Some("Token")),
    op!("delete", "/auth/token", "afmelden", "Het gebruikte token intrekken (een aanmeldtoken; een systeemtoken beheert de beheerder: 403 systeemtoken)", true, None, None),
    op!("get", "/gebeurtenissen", "leesGebeurtenissen", "Wijzigingen-feed van mijn organisatie na volgnummer 'na' (limit 1-1000; zonder na: lege pagina met de kop als 'volgende'); 410 als de positie is opgeruimd", true, None, Some("Gebeurtenissen")),
    op!("get", "/gebeurtenissen/stream", "volgGebeurtenissen", "Live wijzigingen als Server-Sent Events (text/event-stream; id = volgnummer, event 'gebeurtenis'); hervat na Last-Event-ID of 'na'; 410 als die positie is opgeruimd", true, None, None),
    op!("get", "/organisaties", "zoekOrganisaties", "Organisaties zoeken op naam of OIN (zoek)", true, None, Some("OrganisatieLijst")),
    op!("get", "/organisaties/mijn", "mijnOrganisatie", "De organisatie en gebruiker van het token", true, None, Some("MijnOrganisatie")),
    op!("get", "/health", "health", "Gezondheid van de service (een oefenservice zegt 'oefenomgeving': true)", true, None, Some("Gezondheid")),
    op!("get", "/ready", "ready", "Klaar voor verkeer: de database en de documentopslag zijn bereikbaar (503 als een van beide dat niet is)", true, None, Some("Gezondheid")),
    op!("get", "/oefenomgeving/verzoeken", "oefenVerzoeken", "De demoverzoeken van het gesimuleerde Omgevingsloket (alleen een oefenservice heeft ze; anders een lege lijst)", true, None, Some("OefenVerzoeken")),
    op!("get", "/openapi.json", "openapi", "Dit document", false, None, None),
];

/// HAL lists: (schema, `_embedded` key, item schema). Every list answers
/// `{_embedded: {<key>: [...]}, _links: {self, next?, prev?}, page}`.
pub const LISTS: &[(&str, &str, &str)] = &[
    ("SamenwerkingLijst", "samenwerkingen", "Samenwerking"),
    ("DeelnemerLijst", "deelnemers", "Deelnemer"),
    ("DocumentLijst", "documenten", "Document"),
    ("NotificatieLijst", "notificaties", "Notificatie"),
    ("HistorieLijst", "historie", "HistorieRegel"),
    ("ActieverzoekLijst", "actieverzoeken", "Actieverzoek"),
    ("BerichtLijst", "berichten", "Bericht"),
    ("OrganisatieLijst", "organisaties", "Organisatie"),
];

// The text rules of `swf_domain::validation` as ECMA-262 character classes (written out, not
// `\s`: the validator's `\s` is not Rust's `char::is_whitespace`).
/// Control characters (`char::is_control`, Unicode Cc): refused in single-line fields.
const CC: &str = r"\u0000-\u001f\u007f-\u009f";
/// Control characters other than tab, line feed and carriage return: refused in multi-line text.
const CC_TEXT: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";
/// Control characters and white space (`char::is_whitespace`): what `trim()` removes.
const CC_WS: &str = r"\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// White space only (`char::is_whitespace`).
const WS: &str =
    r"\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// The rule a text field of a request follows (see `swf_domain::validation`).
#[derive(Debug, Clone, Copy)]
pub enum Tekst {
    /// `optional_line`: at most n characters, no control characters.
    Regel(usize),
    /// `required_line`: as `Regel`, and not empty or only white space.
    VerplichteRegel(usize),
    /// `text`: at most n characters, no control characters except tab and line breaks.
    Tekst(usize),
    /// `text` with `required`: as `Tekst`, and not empty or only white space.
    VerplichteTekst(usize),
    /// `verzoeknummer`: 1-40 letters, digits and '-'.
    Verzoeknummer,
    /// An e-mail address (one '@', a dot inside the domain, no white space) or empty.
    Email,
    /// At most n bytes of UTF-8: documented as n / 4 characters, which always fit (a longer
    /// text may still fit, but is not promised).
    Bytes(usize),
}

impl Tekst {
    pub fn schema(self) -> Value {
        match self {
            Tekst::Regel(max) => json!({"maxLength": max, "pattern": format!("^[^{CC}]*$")}),
            Tekst::VerplichteRegel(max) => json!({
                "minLength": 1, "maxLength": max,
                "pattern": format!("^[^{CC}]*[^{CC_WS}][^{CC}]*$"),
            }),
            Tekst::Tekst(max) => json!({"maxLength": max, "pattern": format!("^[^{CC_TEXT}]*$")}),
            Tekst::VerplichteTekst(max) => json!({
                "minLength": 1, "maxLength": max,
                "pattern": format!("^[^{CC_TEXT}]*[^{CC_WS}][^{CC_TEXT}]*$"),
            }),
            Tekst::Verzoeknummer => {
                json!({"minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9-]+$"})
            }
            Tekst::Email => json!({
                "maxLength": MAX_KORT,
                "pattern": format!(
                    "^(|[^@{CC_WS}]+@[^@.{CC_WS}][^@{CC_WS}]*[.][^@{CC_WS}]*[^@.{CC_WS}])$"
                ),
            }),
            Tekst::Bytes(max) => json!({
                "maxLength": max / 4,
                "description": format!("hooguit {max} bytes (UTF-8)"),
            }),
        }
    }
}

/// The text fields of the request bodies with the rule the service applies to each.
pub const BODY_RULES: &[(&str, &str, Tekst)] = &[
    (
        "SamenwerkingStarten",
        "titel",
        Tekst::VerplichteRegel(MAX_TITEL),
    ),
    (
        "SamenwerkingStarten",
        "beschrijving",
        Tekst::Tekst(MAX_TEKST),
    ),
    ("SamenwerkingStarten", "verzoeknummer", Tekst::Verzoeknummer),
    ("SamenwerkingStarten", "bronVerzoek", Tekst::Regel(MAX_KORT)),
    ("SamenwerkingStarten", "typeVerzoek", Tekst::Regel(MAX_KORT)),
    (
        "SamenwerkingStarten",
        "globaleLocatie",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingStarten",
        "kenmerkSysteem",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingStarten",
        "nummerBinnenSysteem",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingStarten",
        "contactpersoonNaam",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingStarten",
        "contactpersoonEmailadres",
        Tekst::Email,
    ),
    (
        "SamenwerkingStarten",
        "contactpersoonTelefoonnummer",
        Tekst::Regel(MAX_KORT),
    ),
    ("SamenwerkingStarten", "taal", Tekst::Regel(MAX_KORT)),
    (
        "SamenwerkingWijzigen",
        "titel",
        Tekst::VerplichteRegel(MAX_TITEL),
    ),
    (
        "SamenwerkingWijzigen",
        "beschrijving",
        Tekst::Tekst(MAX_TEKST),
    ),
    (
        "SamenwerkingWijzigen",
        "kenmerkSysteem",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingWijzigen",
        "nummerBinnenSysteem",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingWijzigen",
        "contactpersoonNaam",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "SamenwerkingWijzigen",
        "contactpersoonEmailadres",
        Tekst::Email,
    ),
    (
        "SamenwerkingWijzigen",
        "contactpersoonTelefoonnummer",
        Tekst::Regel(MAX_KORT),
    ),
    (
        "ActieverzoekOpstellen",
        "titel",
        Tekst::VerplichteRegel(MAX_TITEL),
    ),
    (
        "ActieverzoekOpstellen",
        "omschrijving",
        Tekst::VerplichteTekst(MAX_TEKST),
    ),
    ("ActieverzoekOpstellen", "productId", Tekst::Regel(MAX_KORT)),
    (
        "ActieverzoekWijzigen",
        "titel",
        Tekst::VerplichteRegel(MAX_TITEL),
    ),
    (
        "ActieverzoekWijzigen",
        "omschrijving",
        Tekst::Tekst(MAX_TEKST),
    ),
    ("ActieverzoekWijzigen", "melding", Tekst::Tekst(MAX_TEKST)),
    ("ActieverzoekWijzigen", "productId", Tekst::Regel(MAX_KORT)),
    (
        "BerichtVerzenden",
        "bericht",
        Tekst::VerplichteTekst(MAX_TEKST),
    ),
    (
        "DocumentWijzigen",
        "documentOmschrijving",
        Tekst::VerplichteRegel(MAX_KORT * 5),
    ),
    ("DocumentWijzigen", "kenmerkSysteem", Tekst::Regel(MAX_KORT)),
    (
        "DocumentWijzigen",
        "nummerBinnenSysteem",
        Tekst::Regel(MAX_KORT),
    ),
    ("DocumentWijzigen", "taal", Tekst::Regel(MAX_KORT)),
    (
        "TokenAanvraag",
        "gebruikersnaam",
        Tekst::Bytes(MAX_NAME_BYTES),
    ),
    (
        "TokenAanvraag",
        "wachtwoord",
        Tekst::Bytes(MAX_PASSWORD_BYTES),
    ),
];

/// merge-patches that must change something: at least one member that is not null (a patch
/// without one is refused with 400 `empty-patch`).
pub const NON_EMPTY_PATCHES: &[&str] = &["SamenwerkingWijzigen", "DocumentWijzigen"];

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    })
}

fn content(media: &str, schema: &str) -> Value {
    json!({media: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}})
}

/// A link from an operation's success answer to an operation that takes what it returns
/// (OpenAPI `links`, named after the operation it leads to).
struct OpLink {
    from: &'static str,
    to: &'static str,
    /// `(parameter, runtime expression)`
    parameters: &'static [(&'static str, &'static str)],
}

/// The links where nothing else in the document says where an identifier comes from: a client
/// generator and schemathesis' stateful phase follow them.
const LINKS: &[OpLink] = &[
    OpLink {
        from: "startSamenwerking",
        to: "verwijderSamenwerking",
        parameters: &[("samenwerkingId", "$response.body#/samenwerkingId")],
    },
    OpLink {
        from: "koppelDocument",
        to: "ontkoppelDocument",
        parameters: &[
            ("actieverzoekId", "$request.path.actieverzoekId"),
            ("documentId", "$request.body#/documentId"),
        ],
    },
];

/// The media type of an operation's success answer.
fn success_media(op: &Op) -> &'static str {
    match op.id {
        "leesGebeurtenissen" | "aanmelden" | "health" | "ready" | "openapi" | "oefenVerzoeken" => {
            "application/json"
        }
        _ => HAL_JSON,
    }
}

fn operation(op: &Op) -> Value {
    let mut o = json!({"operationId": op.id, "summary": op.summary});
    let mut params: Vec<Value> = op
        .path
        .split('/')
        .filter(|s| s.starts_with('{'))
        .map(|s| path_param(s.trim_matches(|c| c == '{' || c == '}')))
        .collect();
    params.extend(query_params(op));
    if !params.is_empty() {
        o["parameters"] = Value::Array(params);
    }
    if let Some(body) = op.body {
        o["requestBody"] = if body == "multipart" {
            json!({"required": true, "content": {"multipart/form-data": {"schema": {
                "type": "object",
                "additionalProperties": false,
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                    "description": "Het document; de bestandsnaam van het deel wordt de bestandsnaam"}},
            }}}})
        } else if op.method == "patch" {
            json!({"required": true, "content": content("application/merge-patch+json", body)})
        } else {
            json!({"required": true, "content": content("application/json", body)})
        };
    }
    let mut responses = Map::new();
    let ok_status = match (op.method, op.response) {
        ("delete", None) => "204",
        ("post", _) if op.id != "koppelDocument" => "201",
        _ => "200",
    };
    let mut ok = json!({"description": "Gelukt"});
    if let Some(r) = op.response {
        ok["content"] = content(success_media(op), r);
    }
    match op.id {
        "downloadDocument" => {
            let bytes = json!({"*/*": {"schema": {"type": "string", "format": "binary"}}});
            ok["content"] = bytes.clone();
            responses.insert(
                "206".into(),
                json!({"description": "Een deel (Range)", "content": bytes}),
            );
            responses.insert("416".into(), problem("Bereik buiten het document"));
        }
        "volgGebeurtenissen" => {
            ok["content"] = json!({"text/event-stream": {"schema": {"type": "string"}}});
        }
        "openapi" => ok["content"] = json!({"application/json": {"schema": {"type": "object"}}}),
        "health" => {
            ok["headers"] = json!({"SWF-Oefenomgeving": {
                "description": "Alleen bij een oefenservice, op elk antwoord: true",
                "schema": {"type": "string", "enum": ["true"]},
                "x-extension": true,
            }});
        }
        _ => {}
    }
    let links: Map<String, Value> = LINKS
        .iter()
        .filter(|l| l.from == op.id)
        .map(|l| {
            let params: Map<String, Value> = l
                .parameters
                .iter()
                .map(|(name, expr)| ((*name).to_owned(), json!(expr)))
                .collect();
            (
                l.to.to_owned(),
                json!({"operationId": l.to, "parameters": params}),
            )
        })
        .collect();
    if !links.is_empty() {
        ok["links"] = Value::Object(links);
    }
    responses.insert(ok_status.into(), ok);
    let public = matches!(op.id, "aanmelden" | "health" | "ready" | "openapi");
    if op.id == "health" {
        responses.insert("503".into(), problem("De database is niet bereikbaar"));
    } else if op.id == "ready" {
        responses.insert(
            "503".into(),
            problem("De database of de documentopslag is niet bereikbaar"),
        );
    } else if op.id != "openapi" {
        responses.insert(
            "400".into(),
            problem("Ongeldige invoer (invalid-params noemt elk veld)"),
        );
        responses.insert(
            "401".into(),
            problem("Niet aangemeld, of token onbekend, verlopen of ingetrokken"),
        );
        if !public {
            responses.insert(
                "403".into(),
                problem("Niet toegestaan voor uw rol of toegang"),
            );
            responses.insert(
                "404".into(),
                problem("Niet gevonden of niet zichtbaar voor u"),
            );
            responses.insert("409".into(), problem("Conflict met de huidige status"));
        }
    }
    if op.body.is_some() {
        responses.insert("415".into(), problem("Verkeerd mediatype van de body"));
        responses.insert(
            "408".into(),
            problem("De body kwam te traag binnen (te-traag); de verbinding wordt gesloten"),
        );
    }
    match op.id {
        "voegDocumentToe" => {
            responses.insert(
                "413".into(),
                problem("Het document is groter dan toegestaan"),
            );
        }
        "leesGebeurtenissen" | "volgGebeurtenissen" => {
            responses.insert(
                "410".into(),
                problem("De positie is opgeruimd of onbekend: synchroniseer opnieuw volledig"),
            );
        }
        "afmelden" => {
            responses.insert(
                "403".into(),
                problem(
                    "Een systeemtoken (code systeemtoken): dat beheert de beheerder, het blijft geldig",
                ),
            );
        }
        "aanmelden" => {
            responses.insert(
                "413".into(),
                problem("Het aanmeldverzoek is groter dan toegestaan"),
            );
            responses.insert(
                "429".into(),
                problem("Te veel mislukte pogingen (Retry-After)"),
            );
            responses.insert(
                "503".into(),
                problem("Te veel aanmeldingen tegelijk in controle (Retry-After)"),
            );
        }
        _ => {}
    }
    o["responses"] = Value::Object(responses);
    if !public {
        o["security"] = json!([{"bearer": []}]);
    }
    if op.extension {
        o["x-extension"] = Value::Bool(true);
    }
    o
}

/// The components: the schemas derived from the Rust types, and the security scheme.
fn components() -> utoipa::openapi::Components {
    ComponentsBuilder::new()
        .schema_from::<Samenwerking>()
        .schema_from::<SamenwerkingStarten>()
        .schema_from::<SamenwerkingWijzigen>()
        .schema_from::<StatusObject>()
        .schema_from::<Deelnemer>()
        .schema_from::<DeelnemerUitnodigen>()
        .schema_from::<DeelnemerWijzigen>()
        .schema_from::<Document>()
        .schema_from::<DocumentWijzigen>()
        .schema_from::<DocumentKoppelen>()
        .schema_from::<Actieverzoek>()
        .schema_from::<ActieverzoekOpstellen>()
        .schema_from::<ActieverzoekWijzigen>()
        .schema_from::<DocumentRef>()
        .schema_from::<Bericht>()
        .schema_from::<BerichtVerzenden>()
        .schema_from::<Notificatie>()
        .schema_from::<Organisatie>()
        .schema_from::<HistorieRegel>()
        .schema_from::<Gebeurtenis>()
        .schema_from::<Gebeurtenissen>()
        .schema_from::<GebeurtenisSoort>()
        .schema_from::<TokenAanvraag>()
        .schema_from::<Token>()
        .schema_from::<Link>()
        .schema_from::<Page>()
        .schema_from::<Oin>()
        .schema_from::<SamenwerkingStatus>()
        .schema_from::<ActieverzoekStatus>()
        .schema_from::<Vertrouwelijkheid>()
        .schema_from::<Privilege>()
        .schema_from::<Rol>()
        .schema_from::<SamenwerkVorm>()
        .schema_from::<SamenwerkDoel>()
        .schema_from::<NotificatieType>()
        .schema_from::<OrganisatieSoort>()
        .schema_from::<InvalidParam>()
        .schema_from::<Problem>()
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .build()
}

/// The document as JSON: operations from `OPS`, schemas from the Rust types, the HAL lists, the
/// text rules of the request bodies, and `x-extension: true` on our own schemas and fields.
pub fn document() -> Value {
    let mut info = InfoBuilder::new()
        .title("Samenwerkruimte — SWF v5-compatibele samenwerkings-API")
        .version(API_VERSION)
        .description(Some(
            "Compatibel met de DSO Samenwerkfunctionaliteit v5 (paden, veldnamen, statussen). \
             Operaties en velden met x-extension zijn toevoegingen van Samenwerkruimte; een client vraagt extra \
             notificatietypen en linkrelaties met de header `SWF-Extensies: true`. Fouten zijn application/problem+json (RFC 9457). \
             Een oefenservice (swf-server --oefenomgeving) zegt dat op elk antwoord met de header `SWF-Oefenomgeving: true` \
             en op /health met \"oefenomgeving\": true (zie x-oefenomgeving).",
        ))
        .build();
    info.contact = Some(
        utoipa::openapi::ContactBuilder::new()
            .name(Some("Team Samenwerkruimte"))
            .email(Some("api@samenwerkruimte.nl"))
            .build(),
    );
    let api = OpenApiBuilder::new()
        .info(info)
        .servers(Some([ServerBuilder::new().url(BASE_PATH).build()]))
        .components(Some(components()))
        .build();
    let Ok(mut doc) = serde_json::to_value(api) else {
        return json!({});
    };
    let mut paths = Map::new();
    for op in OPS {
        let item = paths
            .entry(op.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[op.method] = operation(op);
    }
    doc["paths"] = Value::Object(paths);
    doc["x-oefenomgeving"] = json!({
        "header": "SWF-Oefenomgeving",
        "health": "oefenomgeving",
        "description": "Een oefenservice heeft fictieve organisaties (OIN's met testprefix 00000099) en een gesimuleerd \
            Omgevingsloket: een samenwerking gestart met een van de demoverzoeken (GET /oefenomgeving/verzoeken) gaat door \
            INITIALISATIE, krijgt de documenten van het verzoek en de notificatie VERZOEK_OPHALEN_GESLAAGD; een onbekend \
            verzoeknummer geeft 400 (invalid-params: verzoeknummer, onbekend-verzoek). Een client controleert de markering \
            en meldt nooit een oefenaanmelding aan bij een echte service, of omgekeerd.",
    });
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(|v| v.as_object_mut())
    else {
        return doc;
    };
    let links =
        json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Link"}});
    for (name, key, item) in LISTS {
        schemas.insert(
            (*name).into(),
            json!({
                "type": "object",
                "description": format!("HAL-lijst van {item}"),
                "required": ["_embedded", "_links", "page"],
                "properties": {
                    "_embedded": {
                        "type": "object",
                        "required": [key],
                        "properties": {*key: {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}},
                    },
                    "_links": links,
                    "page": {"$ref": "#/components/schemas/Page"},
                },
            }),
        );
    }
    schemas.insert(
        "MijnOrganisatie".into(),
        json!({
            "type": "object",
            "required": ["organisatie", "gebruikersnaam", "naam"],
            "properties": {
                "organisatie": {"$ref": "#/components/schemas/Organisatie"},
                "gebruikersnaam": {"type": ["string", "null"], "description": "null voor een systeemtoken"},
                "naam": {"type": ["string", "null"], "description": "de naam van de gebruiker (om te tonen); null voor een systeemtoken"},
            },
        }),
    );
    schemas.insert(
        "Gezondheid".into(),
        json!({"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "oefenomgeving": {"type": "boolean", "enum": [true], "x-extension": true,
                "description": "Alleen bij een oefenservice (fictieve organisaties, gesimuleerd Omgevingsloket); een client meldt nooit een echte aanmelding aan bij een oefenservice, en omgekeerd"},
        }}),
    );
    schemas.insert(
        "OefenVerzoeken".into(),
        json!({"type": "object", "required": ["verzoeken"], "properties": {
            "verzoeken": {"type": "array", "items": {"$ref": "#/components/schemas/OefenVerzoek"}},
        }}),
    );
    schemas.insert(
        "OefenVerzoek".into(),
        json!({"type": "object",
            "required": ["verzoeknummer", "soort", "omschrijving", "aanvrager", "locatie", "documenten"],
            "properties": {
                "verzoeknummer": {"type": "string"},
                "soort": {"type": "string", "enum": ["vergunningaanvraag", "melding", "conceptverzoek"]},
                "omschrijving": {"type": "string"},
                "aanvrager": {"type": "string"},
                "locatie": {"type": "string"},
                "documenten": {"type": "array", "items": {"type": "string"}, "description": "bestandsnamen; bij de start in het dossier geplaatst"},
            }}),
    );
    for (schema, field, rule) in BODY_RULES {
        if let Some(obj) = schemas
            .get_mut(*schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
            .and_then(|v| v.as_object_mut())
        {
            if let Value::Object(rule) = rule.schema() {
                obj.extend(rule);
            }
        }
    }
    for name in NON_EMPTY_PATCHES {
        if let Some(obj) = schemas.get_mut(*name).and_then(|v| v.as_object_mut()) {
            let fields: Vec<String> = obj
                .get("properties")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            let one_of_them: Vec<Value> = fields
                .iter()
                .map(|f| json!({"required": [f], "properties": {f: {"not": {"type": "null"}}}}))
                .collect();
            obj.insert("minProperties".into(), json!(1));
            obj.insert("anyOf".into(), Value::Array(one_of_them));
        }
    }
    for name in EXTENSION_SCHEMAS {
        if let Some(obj) = schemas.get_mut(*name).and_then(|v| v.as_object_mut()) {
            obj.insert("x-extension".into(), Value::Bool(true));
        }
    }
    for (schema, fields) in EXTENSION_FIELDS {
        for f in *fields {
            if let Some(obj) = schemas
                .get_mut(*schema)
                .and_then(|s| s.pointer_mut(&format!("/properties/{f}")))
                .and_then(|v| v.as_object_mut())
            {
                obj.insert("x-extension".into(), Value::Bool(true));
            }
        }
    }
    doc
}

/// Schemas that exist only in this service.
pub const EXTENSION_SCHEMAS: &[&str] = &[
    "SamenwerkingStarten",
    "SamenwerkingWijzigen",
    "Deelnemer",
    "DeelnemerUitnodigen",
    "DeelnemerWijzigen",
    "DocumentWijzigen",
    "DocumentKoppelen",
    "Organisatie",
    "OrganisatieSoort",
    "HistorieRegel",
    "Gebeurtenis",
    "Gebeurtenissen",
    "GebeurtenisSoort",
    "TokenAanvraag",
    "Token",
    "Rol",
    "Privilege",
    "Problem",
    "InvalidParam",
    "OrganisatieLijst",
    "HistorieLijst",
    "MijnOrganisatie",
    "Gezondheid",
    "OefenVerzoeken",
    "OefenVerzoek",
];

/// Fields this service adds to DSO's resources.
pub const EXTENSION_FIELDS: &[(&str, &[&str])] = &[
    (
        "Samenwerking",
        &[
            "sluitDatumTijd",
            "verwijderDatumTijd",
            "mijnRol",
            "mijnPrivilege",
        ],
    ),
    ("Document", &["grootte"]),
    ("Actieverzoek", &["versie"]),
];

/// The document as served at `/openapi.json`.
pub fn document_json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| document().to_string()).clone()
}

#[cfg(test)]
mod tests;
