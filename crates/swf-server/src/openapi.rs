//! The OpenAPI 3.1 document, generated from the code: schemas from the Rust types (utoipa
//! derives), operations from the route table below, which a test checks against the router.
use crate::error::Problem;
use std::sync::OnceLock;
use swf_domain::*;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApiBuilder, PathsBuilder, Ref,
    ResponseBuilder, ServerBuilder,
};

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
    op!("get", "/samenwerkingen", "listSamenwerkingen", "Samenwerkingen van mijn organisatie (filters status, titel, verzoeknummer, rol; pagina, aantal, _sort)", true, None, Some("Samenwerking")),
    op!("post", "/samenwerkingen", "startSamenwerking", "Start een samenwerking (met of zonder verzoeknummer)", true, Some("SamenwerkingStarten"), Some("Samenwerking")),
    op!("get", "/samenwerkingen/{samenwerkingId}", "getSamenwerking", "Eén samenwerking", false, None, Some("Samenwerking")),
    op!("patch", "/samenwerkingen/{samenwerkingId}", "wijzigSamenwerking", "Gegevens wijzigen of sluiten (status GESLOTEN); merge-patch", true, Some("SamenwerkingWijzigen"), Some("Samenwerking")),
    op!("delete", "/samenwerkingen/{samenwerkingId}", "verwijderSamenwerking", "Verwijder een gesloten samenwerking met alles erin", true, None, None),
    op!("get", "/samenwerkingen/{samenwerkingId}/deelnemers", "listDeelnemers", "Deelnemers", true, None, Some("Deelnemer")),
    op!("post", "/samenwerkingen/{samenwerkingId}/deelnemers", "nodigUit", "Nodig een ketenpartner uit (OIN, privilege)", true, Some("DeelnemerUitnodigen"), Some("Deelnemer")),
    op!("get", "/samenwerkingen/{samenwerkingId}/deelnemers/{oin}", "getDeelnemer", "Eén deelnemer", true, None, Some("Deelnemer")),
    op!("patch", "/samenwerkingen/{samenwerkingId}/deelnemers/{oin}", "wijzigPrivilege", "Wijzig de toegang van een ketenpartner", true, Some("DeelnemerWijzigen"), Some("Deelnemer")),
    op!("delete", "/samenwerkingen/{samenwerkingId}/deelnemers/{oin}", "verwijderDeelnemer", "Verwijder een ketenpartner", true, None, None),
    op!("get", "/samenwerkingen/{samenwerkingId}/documenten", "listDocumenten", "Documenten (aangemaaktDoor[not], aangemaaktDoorNaam[not], _sort, pagina, aantal)", false, None, Some("Document")),
    op!("post", "/samenwerkingen/{samenwerkingId}/documenten", "voegDocumentToe", "Document toevoegen: multipart deel 'file'; metadata als query (documentOmschrijving, vertrouwelijkheidsAanduiding, kenmerkSysteem, nummerBinnenSysteem, taal)", false, Some("multipart"), Some("Document")),
    op!("post", "/samenwerkingen/{samenwerkingId}/actieverzoeken", "stelActieverzoekOp", "Stuur een actieverzoek aan één andere deelnemer", false, Some("ActieverzoekOpstellen"), Some("Actieverzoek")),
    op!("get", "/samenwerkingen/{samenwerkingId}/notificaties", "listSamenwerkingNotificaties", "Notificaties van één samenwerking", false, None, Some("Notificatie")),
    op!("get", "/samenwerkingen/{samenwerkingId}/historie", "historie", "Historie (auditlog) van een samenwerking", true, None, Some("HistorieRegel")),
    op!("get", "/documenten/{documentId}", "getDocument", "Eén document", true, None, Some("Document")),
    op!("patch", "/documenten/{documentId}", "wijzigDocument", "Omschrijving of vertrouwelijkheid wijzigen (de toevoegende organisatie)", true, Some("DocumentWijzigen"), Some("Document")),
    op!("delete", "/documenten/{documentId}", "verwijderDocument", "Document verwijderen (de toevoegende organisatie)", false, None, None),
    op!("get", "/documenten/{documentId}/content", "downloadDocument", "Inhoud; ondersteunt Range; bestandsnaam in Content-Disposition", false, None, None),
    op!("get", "/actieverzoeken", "listActieverzoeken", "Actieverzoeken waarbij mijn organisatie zender of ontvanger is (samenwerkingId, organisatie, zender, status, status[not])", false, None, Some("Actieverzoek")),
    op!("get", "/actieverzoeken/{actieverzoekId}", "getActieverzoek", "Eén actieverzoek; _links noemen de toegestane overgangen", false, None, Some("Actieverzoek")),
    op!("patch", "/actieverzoeken/{actieverzoekId}", "wijzigActieverzoek", "Status wijzigen met melding (merge-patch); If-Match met de ETag voorkomt verloren wijzigingen", false, Some("ActieverzoekWijzigen"), Some("Actieverzoek")),
    op!("get", "/actieverzoeken/{actieverzoekId}/berichten", "listBerichten", "Berichten bij een actieverzoek", false, None, Some("Bericht")),
    op!("post", "/actieverzoeken/{actieverzoekId}/berichten", "verstuurBericht", "Bericht versturen", false, Some("BerichtVerzenden"), Some("Bericht")),
    op!("post", "/actieverzoeken/{actieverzoekId}/documenten", "koppelDocument", "Document koppelen aan een actieverzoek", true, Some("DocumentKoppelen"), Some("Actieverzoek")),
    op!("delete", "/actieverzoeken/{actieverzoekId}/documenten/{documentId}", "ontkoppelDocument", "Document ontkoppelen (rel ontkoppelenVanActieverzoek)", false, None, Some("Actieverzoek")),
    op!("get", "/notificaties", "listNotificaties", "Mijn notificaties (eventDatumTijd[gt], eventDatumTijd[lte], notificatieType, page, size)", false, None, Some("Notificatie")),
    op!("get", "/notificaties/{notificatieId}", "getNotificatie", "Eén notificatie", false, None, Some("Notificatie")),
    op!("delete", "/notificaties/{notificatieId}", "verwijderNotificatie", "Verwijder mijn exemplaar van een notificatie", false, None, None),
    op!("post", "/auth/token", "aanmelden", "Aanmelden met gebruikersnaam en wachtwoord; geeft een bearer token", true, Some("TokenAanvraag"), Some("Token")),
    op!("delete", "/auth/token", "afmelden", "Het gebruikte token intrekken", true, None, None),
    op!("get", "/gebeurtenissen", "leesGebeurtenissen", "Wijzigingen-feed van mijn organisatie na volgnummer 'na' (limit 1-1000; zonder na: lege pagina met de kop als 'volgende'); 410 als de positie is opgeruimd", true, None, Some("Gebeurtenissen")),
    op!("get", "/gebeurtenissen/stream", "volgGebeurtenissen", "Live wijzigingen als Server-Sent Events (text/event-stream; id = volgnummer, event 'gebeurtenis'); hervat na Last-Event-ID of 'na'; 410 als die positie is opgeruimd", true, None, None),
    op!("get", "/organisaties", "zoekOrganisaties", "Organisaties zoeken op naam of OIN (zoek)", true, None, Some("Organisatie")),
    op!("get", "/organisaties/mijn", "mijnOrganisatie", "De organisatie en gebruiker van het token", true, None, Some("Organisatie")),
    op!("get", "/health", "health", "Gezondheid van de service", true, None, None),
    op!("get", "/openapi.json", "openapi", "Dit document", false, None, None),
];

fn method(m: &str) -> HttpMethod {
    match m {
        "post" => HttpMethod::Post,
        "patch" => HttpMethod::Patch,
        "delete" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

fn schema_ref(name: &str) -> Ref {
    Ref::from_schema_name(name)
}

pub fn document() -> utoipa::openapi::OpenApi {
    let mut paths = PathsBuilder::new();
    for op in OPS {
        let mut b = OperationBuilder::new()
            .operation_id(Some(op.id))
            .summary(Some(op.summary));
        for seg in op.path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            b = b.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(utoipa::openapi::Required::True)
                    .schema(Some(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::String),
                    )),
            );
        }
        if let Some(body) = op.body {
            let rb = if body == "multipart" {
                RequestBodyBuilder::new()
                    .content("multipart/form-data", ContentBuilder::new().build())
            } else {
                let ct = if op.method == "patch" {
                    "application/merge-patch+json"
                } else {
                    "application/json"
                };
                RequestBodyBuilder::new().content(
                    ct,
                    ContentBuilder::new().schema(Some(schema_ref(body))).build(),
                )
            };
            b = b.request_body(Some(rb.build()));
        }
        let ok_status = match (op.method, op.response) {
            ("delete", None) => "204",
            ("post", _) if op.id != "koppelDocument" => "201",
            _ => "200",
        };
        let mut ok = ResponseBuilder::new().description("Gelukt");
        if let Some(r) = op.response {
            ok = ok.content(
                "application/hal+json",
                ContentBuilder::new().schema(Some(schema_ref(r))).build(),
            );
        }
        b = b.response(ok_status, ok.build());
        let problem = ContentBuilder::new()
            .schema(Some(schema_ref("Problem")))
            .build();
        for (code, d) in [
            ("400", "Ongeldige invoer"),
            ("401", "Niet aangemeld"),
            ("403", "Niet toegestaan"),
            ("404", "Niet gevonden of niet zichtbaar"),
            ("409", "Conflict met de huidige status"),
        ] {
            b = b.response(
                code,
                ResponseBuilder::new()
                    .description(d)
                    .content("application/problem+json", problem.clone())
                    .build(),
            );
        }
        if !matches!(op.id, "aanmelden" | "health" | "openapi") {
            b = b.security(utoipa::openapi::security::SecurityRequirement::new(
                "bearer",
                Vec::<String>::new(),
            ));
        }
        let mut operation = b.build();
        if op.extension {
            let mut ext = utoipa::openapi::extensions::Extensions::default();
            ext.insert("x-extension".into(), serde_json::Value::Bool(true));
            operation.extensions = Some(ext);
        }
        paths = paths.path(op.path, PathItem::new(method(op.method), operation));
    }
    // merge operations that share a path (PathsBuilder::path replaces per method already)
    let components = ComponentsBuilder::new()
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
        .build();
    let mut info = InfoBuilder::new()
        .title("Samenwerkruimte — SWF v5-compatibele samenwerkings-API")
        .version(API_VERSION)
        .description(Some(
            "Compatibel met de DSO Samenwerkfunctionaliteit v5 (paden, veldnamen, statussen). \
             Operaties en velden met x-extension zijn toevoegingen van Samenwerkruimte; een client vraagt extra \
             notificatietypen en linkrelaties met de header `SWF-Extensies: true`. Fouten zijn application/problem+json (RFC 9457).",
        ))
        .build();
    info.contact = Some(
        utoipa::openapi::ContactBuilder::new()
            .name(Some("Team Samenwerkruimte"))
            .email(Some("api@samenwerkruimte.nl"))
            .build(),
    );
    OpenApiBuilder::new()
        .info(info)
        .servers(Some([ServerBuilder::new().url(BASE_PATH).build()]))
        .paths(paths.build())
        .components(Some(components))
        .build()
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

/// The document as JSON, with `x-extension: true` on our own schemas and fields.
pub fn document_json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let Ok(mut doc) = serde_json::to_value(document()) else {
            return "{}".into();
        };
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(|v| v.as_object_mut())
        {
            for name in EXTENSION_SCHEMAS {
                if let Some(obj) = schemas.get_mut(*name).and_then(|v| v.as_object_mut()) {
                    obj.insert("x-extension".into(), serde_json::Value::Bool(true));
                }
            }
            for (schema, fields) in EXTENSION_FIELDS {
                for f in *fields {
                    if let Some(obj) = schemas
                        .get_mut(*schema)
                        .and_then(|s| s.pointer_mut(&format!("/properties/{f}")))
                        .and_then(|v| v.as_object_mut())
                    {
                        obj.insert("x-extension".into(), serde_json::Value::Bool(true));
                    }
                }
            }
        }
        doc.to_string()
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_documented_once_with_known_schemas() {
        let doc: serde_json::Value = serde_json::from_str(&document_json()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for op in OPS {
            let o = &doc["paths"][op.path][op.method];
            assert_eq!(o["operationId"], op.id, "{} {}", op.method, op.path);
            assert_eq!(o.get("x-extension").is_some(), op.extension);
            for name in op
                .body
                .iter()
                .chain(op.response.iter())
                .filter(|n| **n != "multipart")
            {
                assert!(schemas.contains_key(*name), "schema {name} missing");
            }
        }
        for name in EXTENSION_SCHEMAS {
            assert_eq!(schemas[*name]["x-extension"], true, "{name}");
        }
        for (schema, fields) in EXTENSION_FIELDS {
            for f in *fields {
                assert_eq!(
                    schemas[*schema]["properties"][*f]["x-extension"], true,
                    "{schema}.{f}"
                );
            }
        }
        assert!(
            schemas["Samenwerking"]["properties"]["titel"]
                .get("x-extension")
                .is_none(),
            "DSO fields stay unmarked"
        );
    }
}
