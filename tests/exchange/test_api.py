"""The JSON API's contract: OpenAPI from the code, 401 in JSON, tokens hashed and revocable."""

from __future__ import annotations

from caseapp.core.permissions import Role


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.0")
    documented = set(spec["paths"])
    routes = {
        r.rule.replace("<int:", "{").replace(">", "}")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/")
    }
    assert routes == documented


def test_without_credentials_401_in_json(client):
    for path in ("/api/v1/cases", "/api/v1/cases/1", "/api/v1/exchange/incoming"):
        answer = client.get(path)
        assert answer.status_code == 401
        assert answer.get_json()["error"]["code"] == "unauthenticated"
    answer = client.post("/api/v1/cases/1/return-approval", json={"version": 1})
    assert answer.status_code == 401 and answer.is_json
    assert client.get("/api/v1/nothing").get_json()["error"]["code"] == "not_found"


def test_token_acts_as_its_user_and_is_stored_hashed(app, client, factory, db, runner):
    from caseapp.api.models import ApiToken, hash_token

    user = factory.user(Role.CASEWORKER)
    case = factory.case(agency=user.agency, caseworker=user)
    other = factory.case()
    result = runner.invoke(args=["api", "token-create", user.email, "nightly script"])
    assert result.exit_code == 0, result.output
    text = result.output.split(": ", 1)[1].strip()
    token = db.session.query(ApiToken).one()
    assert token.token_hash == hash_token(text) and text not in token.token_hash
    auth = {"Authorization": f"Bearer {text}"}
    listed = client.get("/api/v1/cases", headers=auth).get_json()["cases"]
    assert [c["id"] for c in listed] == [case.id]
    assert client.get(f"/api/v1/cases/{other.id}", headers=auth).status_code == 404
    assert (
        client.get(f"/api/v1/cases/{case.id}", headers=auth).get_json()["gate"]["all_met"] is False
    )
    assert runner.invoke(args=["api", "token-revoke", str(token.id)]).exit_code == 0
    answer = client.get("/api/v1/cases", headers=auth)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"


def test_schemas_are_valid_and_list_personal_data():
    import json

    from jsonschema import Draft202012Validator

    from caseapp.exchange.documents import SCHEMA_DIR, DocumentType

    for doc_type in DocumentType:
        schema = json.loads((SCHEMA_DIR / f"{doc_type}.v1.json").read_text())
        Draft202012Validator.check_schema(schema)
        assert (
            schema["x-personal-data"]
            and schema["properties"]["body"]["additionalProperties"] is False
        )


def test_every_api_route_without_credentials_answers_401_in_json(app, client):
    """Every API route but the public ones (the document, the key, the signed inbox)."""
    public = {"api.openapi", "api.exchange_key", "api.inbox"}
    tried = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in public:
            continue
        url = rule.build(dict.fromkeys(rule.arguments, 1), append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            answer = client.open(url, method=method, json={} if method == "POST" else None)
            assert answer.status_code == 401, (method, url)
            assert answer.is_json and answer.get_json()["error"]["code"] == "unauthenticated"
            tried += 1
    assert tried >= 6
