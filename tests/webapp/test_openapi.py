"""openapi.json describes every /api/v1 route the app registers, and is public."""

from __future__ import annotations

import json
import re

API = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_routes(app) -> set[tuple[str, str]]:
    """(OpenAPI path, lower-case method) of every rule under /api/v1 in the app's url_map."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(API):])
        routes.update((path, method.lower()) for method in rule.methods - IGNORED_METHODS)
    return routes


def documented_routes(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_openapi_is_public_and_3_1(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")
    assert response.json["servers"] == [{"url": API}]


def test_openapi_lists_every_api_route_in_the_url_map(app, client):
    document = client.get(f"{API}/openapi.json").json
    routes = api_routes(app)
    assert len(routes) >= 11
    assert documented_routes(document) == routes


def test_every_path_parameter_is_declared(client):
    document = client.get(f"{API}/openapi.json").json
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)


def test_operations_need_the_bearer_token_except_login_and_the_document(client):
    document = client.get(f"{API}/openapi.json").json
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearerAuth": []}]
    public = {(p, m) for p, item in document["paths"].items() for m, op in item.items() if op.get("security") == []}
    assert public == {("/auth/token", "post"), ("/openapi.json", "get")}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if (path, method) not in public:
                assert "401" in operation["responses"], (path, method)


def test_validation_errors_are_described_with_their_shape(client):
    document = client.get(f"{API}/openapi.json").json
    for path, method in (("/cases", "post"), ("/work-items/{item_id}/complete", "post")):
        operation = document["paths"][path][method]
        assert operation["responses"]["400"] == {"$ref": "#/components/responses/ValidationFailed"}
        assert "requestBody" in operation
    schema = document["components"]["responses"]["ValidationFailed"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ValidationError"}
    shape = document["components"]["schemas"]["ValidationError"]
    assert set(shape["required"]) == {"error", "message", "errors"}
    assert shape["properties"]["errors"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_every_reference_resolves(client):
    document = client.get(f"{API}/openapi.json").json
    text = json.dumps(document)
    for kind, name in set(re.findall(r'"#/components/(\w+)/(\w+)"', text)):
        assert name in document["components"][kind], f"{kind}/{name}"
