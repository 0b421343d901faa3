"""API contract: POST /api/v1/osha/classify takes and returns the same JSON as `workforce osha classify`;
bad fields get 422 problem JSON naming the field; GET /api/v1/safety/rates returns rates with the counts and
hours used. Both need a token of safety, compliance or HR (401 without, 403 for other roles)."""

import json
from datetime import date

import msgspec
import pytest
from click.testing import CliRunner

from tests.conftest import api_token
from tests.incidents.scene import build_scene
from workforce.incidents.api import ClassifyFacts, ClassifyResult, RatesReport
from workforce.incidents.osha import CASE_TYPES, FACT_KEYS, PRIVACY_REASONS, REQUIRED_KEYS, TREATMENTS
from workforce.incidents.osha_cli import osha

KEYS = [
    "recordable",
    "outcome",
    "column",
    "days_away",
    "restricted_or_transfer_days",
    "type_column",
    "privacy_case",
    "basis",
]
FACTS = [
    {
        "work_related": True,
        "new_case": True,
        "case_type": "injury",
        "treatments": ["wound_cleaning", "wound_covering"],
    },
    {"work_related": True, "new_case": True, "case_type": "injury", "days_away": 150, "restricted_days": 100},
    {"work_related": True, "new_case": True, "case_type": "injury", "needlestick_contaminated": True},
    {"work_related": False, "new_case": True, "case_type": "injury", "death": True},
    {"work_related": True, "new_case": True, "case_type": "hearing_loss", "hearing_sts": True},
]


def auth(token):
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "facts", FACTS, ids=["first-aid", "capped-H", "needlestick", "not-work-related", "hearing"]
)
def test_api_and_cli_give_the_same_json(client, facts):
    token = api_token("sofia", ["safety"])
    r = client.post("/api/v1/osha/classify", content=json.dumps(facts), headers=auth(token))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    cli = CliRunner().invoke(osha, ["classify", "-"], input=json.dumps(facts))
    assert cli.exit_code == 0
    assert r.json() == json.loads(cli.stdout)
    assert list(r.json()) == KEYS


def test_cap_false_keeps_the_full_count_like_the_cli(client):
    token = api_token("sofia", ["safety"])
    facts = {"work_related": True, "new_case": True, "case_type": "injury", "days_away": 250}
    r = client.post("/api/v1/osha/classify?cap=false", content=json.dumps(facts), headers=auth(token))
    assert r.json()["days_away"] == 250
    r = client.post("/api/v1/osha/classify?cap=maybe", content=json.dumps(facts), headers=auth(token))
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "cap", "message": "expected true or false"}
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {
                "work_related": True,
                "new_case": True,
                "case_type": "injury",
                "treatments": ["massage", "bandaid"],
            },
            "treatments[1]",
            "unknown treatment code 'bandaid'",
        ),
        (
            {"work_related": True, "new_case": True, "case_type": "injury", "privacy_reasons": ["vip"]},
            "privacy_reasons[0]",
            "unknown privacy code 'vip'",
        ),
        (
            {"work_related": True, "new_case": True, "case_type": "injury", "days_away": -2},
            "days_away",
            "day count must not be negative, got -2",
        ),
        ({"work_related": True, "new_case": True}, "case_type", "required"),
        (
            {"work_related": "yes", "new_case": True, "case_type": "injury"},
            "work_related",
            "expected true or false, got string",
        ),
        (
            {"work_related": True, "new_case": True, "case_type": "injury", "colour": "red"},
            "colour",
            "unknown key",
        ),
        ([1, 2], "facts", "expected an object, got array"),
    ],
)
def test_bad_field_is_a_422_problem_naming_the_field(client, body, field, message):
    token = api_token("sofia", ["safety"])
    r = client.post("/api/v1/osha/classify", content=json.dumps(body), headers=auth(token))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 422 and problem["errors"] == [{"field": field, "message": message}]
    assert problem["detail"] == f"{field}: {message}"
    cli = CliRunner().invoke(osha, ["classify", "-"], input=json.dumps(body))
    assert cli.exit_code == 2 and cli.stderr.strip() == problem["detail"]  # same message as the CLI


def test_body_that_is_not_json_is_a_400(client):
    token = api_token("sofia", ["safety"])
    r = client.post("/api/v1/osha/classify", content=b"{not json", headers=auth(token))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("path", ["/api/v1/osha/classify", "/api/v1/safety/rates?site=RIV"])
def test_api_needs_a_token_of_an_allowed_role(client, path):
    method = client.post if "classify" in path else client.get
    kwargs = {"content": json.dumps(FACTS[0])} if "classify" in path else {}
    assert method(path, **kwargs).status_code == 401
    for role in ("viewer", "supervisor"):
        r = method(path, headers=auth(api_token(f"u_{role}", [role])), **kwargs)
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    for role in ("safety", "compliance", "hr", "admin"):
        r = method(path, headers=auth(api_token(f"ok_{role}", [role])), **kwargs)
        assert r.status_code in (200, 422), (role, r.status_code)


def test_rates_api_returns_rates_counts_and_hours(client):
    scene = build_scene()
    token = api_token("carl", ["compliance"])
    r = client.get(f"/api/v1/safety/rates?site=RIV&year={scene.year}", headers=auth(token))
    assert r.status_code == 200
    body = r.json()
    assert body["site"]["code"] == "RIV" and body["year"] == scene.year
    assert body["hours"] == {"value": 760_000.0, "source": "entered"}
    assert body["counts"]["recordable"] == 1 and body["counts"]["other_cases"] == 1
    # Rates with two decimals (200,000 / 760,000 = 0.263...); counts and hours exact.
    assert body["rates"]["trir"] == 0.26
    assert body["rates"]["dart"] == 0 and body["rates"]["avg_days_away"] is None
    assert "2 decimals" in body["definitions"]["rounding"]
    for point in body["trend"]:
        for key in ("month_rates", "rolling_12_months"):
            for value in point[key].values():
                assert value is None or round(value, 2) == value, (point["month"], key, value)
    assert sum(p["hours"] for p in body["trend"]) == pytest.approx(
        760_000 * len(body["trend"]) / (date.today().month if scene.year == date.today().year else 12)
    )  # the entered hours spread evenly, not rounded per month
    # The current year's trend stops at this month; past years show all twelve.
    assert len(body["trend"]) == (date.today().month if scene.year == date.today().year else 12)
    assert "rolling_12_months" in body["trend"][0]
    by_id = client.get(f"/api/v1/safety/rates?site={scene.riv}&year={scene.year}", headers=auth(token)).json()
    assert by_id["counts"] == body["counts"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", ["site"]),
        ("?site=XYZ", ["site"]),
        ("?site=RIV&year=20x6", ["year"]),
        ("?site=RIV&year=3000", ["year"]),
        ("?year=1", ["site", "year"]),
    ],
)
def test_rates_api_bad_parameters_are_422_naming_them(client, query, fields):
    build_scene()
    token = api_token("carl", ["compliance"])
    r = client.get(f"/api/v1/safety/rates{query}", headers=auth(token))
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == fields


def test_rates_api_respects_site_limits(client):
    from tests.incidents.helpers import limit_sites

    build_scene()
    token = api_token("carl", ["compliance"])
    limit_sites("carl", ["LKS"])
    assert client.get("/api/v1/safety/rates?site=RIV", headers=auth(token)).status_code == 422
    assert client.get("/api/v1/safety/rates?site=LKS", headers=auth(token)).status_code == 200


def test_endpoints_are_in_the_openapi_schema(client):
    token = api_token("ada", ["admin"])
    paths = client.get("/schema/openapi.json", headers=auth(token)).json()["paths"]
    assert "/api/v1/osha/classify" in paths and "/api/v1/safety/rates" in paths


def _schema(schema: dict, doc: dict) -> dict:
    ref = schema.get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def _problem_responses(operation: dict, doc: dict, codes: set[str]) -> None:
    assert codes <= set(operation["responses"]), set(operation["responses"])
    for code in codes:
        content = operation["responses"][code]["content"]
        problem = _schema(content["application/problem+json"]["schema"], doc)
        assert {"title", "status", "detail", "errors"} <= set(problem["properties"]), code
        assert operation["responses"][code]["description"], code


def test_openapi_documents_the_classify_contract(client):
    doc = client.get("/schema/openapi.json", headers=auth(api_token("ada", ["admin"]))).json()
    operation = doc["paths"]["/api/v1/osha/classify"]["post"]
    # The body: every facts key, the three required ones, the code lists, nothing else allowed.
    body = operation["requestBody"]
    assert body["required"] is True
    facts = _schema(body["content"]["application/json"]["schema"], doc)
    assert list(facts["properties"]) == list(FACT_KEYS)
    assert facts["required"] == list(REQUIRED_KEYS) and facts["additionalProperties"] is False
    assert set(facts["properties"]["case_type"]["enum"]) == set(CASE_TYPES)
    assert set(facts["properties"]["treatments"]["items"]["enum"]) == set(TREATMENTS)
    assert set(facts["properties"]["privacy_reasons"]["items"]["enum"]) == set(PRIVACY_REASONS)
    assert facts["properties"]["days_away"]["minimum"] == 0
    # The answer: the contract's keys, in order, all present.
    result = _schema(operation["responses"]["200"]["content"]["application/json"]["schema"], doc)
    assert list(result["properties"]) == KEYS and set(result["required"]) == set(KEYS)
    assert [p["name"] for p in operation["parameters"]] == ["cap"]
    assert "180" in operation["parameters"][0]["description"]
    _problem_responses(operation, doc, {"400", "401", "403", "422"})


def test_openapi_documents_the_rates_parameters_and_answer(client):
    build_scene()
    token = api_token("ada", ["admin"])
    doc = client.get("/schema/openapi.json", headers=auth(token)).json()
    operation = doc["paths"]["/api/v1/safety/rates"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"site", "year"}
    assert "code" in params["site"]["description"] and "year" in params["year"]["description"].lower()
    report = _schema(operation["responses"]["200"]["content"]["application/json"]["schema"], doc)
    real = client.get("/api/v1/safety/rates?site=RIV", headers=auth(token)).json()
    assert set(report["properties"]) == set(real) == set(report["required"])
    for name in ("counts", "hours", "rates", "period", "site"):
        assert set(_schema(report["properties"][name], doc)["properties"]) == set(real[name]), name
    trend = _schema(report["properties"]["trend"]["items"], doc)
    assert set(trend["properties"]) == set(real["trend"][0])
    _problem_responses(operation, doc, {"401", "403", "422"})


@pytest.mark.parametrize("facts", FACTS)
def test_documented_models_fit_real_answers(client, facts):
    """The OpenAPI models are the contract: real bodies and answers decode into them, unknown keys refused."""
    msgspec.convert(facts, ClassifyFacts)
    token = api_token("sofia", ["safety"])
    r = client.post("/api/v1/osha/classify", content=json.dumps(facts), headers=auth(token))
    assert list(msgspec.structs.asdict(msgspec.json.decode(r.content, type=ClassifyResult))) == KEYS
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({**facts, "colour": "red"}, ClassifyFacts)


def test_documented_rates_model_fits_the_real_answer(client):
    build_scene()
    token = api_token("carl", ["compliance"])
    r = client.get("/api/v1/safety/rates?site=RIV", headers=auth(token))
    report = msgspec.json.decode(r.content, type=RatesReport)
    assert report.counts.recordable == 1 and report.hours.source == "entered"


def test_documenting_the_parameters_changed_no_answer(client):
    """The declared parameters take text, so our own checks (and messages) still answer bad values."""
    build_scene()
    token = api_token("carl", ["compliance"])
    r = client.get("/api/v1/safety/rates?site=RIV&year=20x6", headers=auth(token))
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "year", "message": f"expected a calendar year up to {date.today().year + 1}, got '20x6'"}
    ]
    r = client.get("/api/v1/safety/rates?site=riv&year=", headers=auth(token))
    assert r.status_code == 200 and r.json()["year"] == date.today().year
    r = client.post("/api/v1/osha/classify", content=b"", headers=auth(token))
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "facts", "message": "expected an object, got null"}
    ]
    r = client.post("/api/v1/osha/classify", content=b"{not json", headers=auth(token))
    assert r.status_code == 400 and r.json()["detail"].startswith("The body is not JSON: ")
    facts = {"work_related": True, "new_case": True, "case_type": "injury", "days_away": 250}
    for cap, days in (("", 180), ("FALSE", 250), ("0", 250), ("1", 180)):
        r = client.post(f"/api/v1/osha/classify?cap={cap}", content=json.dumps(facts), headers=auth(token))
        assert r.status_code == 200 and r.json()["days_away"] == days, cap
