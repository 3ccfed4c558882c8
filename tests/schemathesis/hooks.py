"""A check for scripts/api-fuzz.sh (loaded through schemathesis.toml).

Four operations name other resources in their body: an organisation (`deelnemers[].oin`,
`oin`), a deelnemer (`ontvanger`) or a document (`documenten[]`, `documentId`). A well-formed
identifier that names nothing the caller may use (or the caller itself) is refused with 400 and
`invalid-params` naming the field, as the path answers 404 for an unknown id: no document can
say which identifiers exist. schemathesis.toml therefore lets positive_data_acceptance take a
400 from these operations, and this check takes the strictness back: such a 400 must name only
references. Any other 400 to a request the document allows is still a failure.
"""

import schemathesis

# The invalid-params codes of a reference that names nothing usable (see swf-server's service/).
REFERENCE_CODES = {
    "onbekende-organisatie",  # no such organisation
    "zelf",  # the caller's own organisation
    "duplicate",  # the same organisation twice
    "geen-deelnemer",  # the ontvanger is not a deelnemer
    "onbekend-document",  # no such document in this samenwerking
    "strikt-vertrouwelijk",  # an SV document for a receiver with limited access (D4)
}

REFERRING_OPERATIONS = {
    ("POST", "/samenwerkingen"),
    ("POST", "/samenwerkingen/{samenwerkingId}/deelnemers"),
    ("POST", "/samenwerkingen/{samenwerkingId}/actieverzoeken"),
    ("POST", "/actieverzoeken/{actieverzoekId}/documenten"),
}


@schemathesis.check
def refused_only_for_references(ctx, response, case):
    """A schema-valid request to a referring operation is refused only for its references."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if (case.operation.method.upper(), case.operation.path) not in REFERRING_OPERATIONS:
        return None
    if response.status_code != 400:
        return None
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    codes = {p.get("code") for p in problem.get("invalid-params", []) if isinstance(p, dict)}
    if not codes or not codes <= REFERENCE_CODES:
        raise AssertionError(
            "Schema-valid request refused for something other than a reference: "
            f"{problem.get('detail', response.text)!r}"
        )
    return None
