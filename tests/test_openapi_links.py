"""The OpenAPI links of :mod:`medsync.openapi_links`: in the generated and served schema, valid OpenAPI 3.0,
every target an operation of the schema; and the schema's generation fails when the table stops fitting it
(an operation renamed or removed, a field of an answer gone, a parameter misnamed or left out)."""

from __future__ import annotations

import copy

import pytest
from drf_spectacular.generators import SchemaGenerator

from medsync import openapi_links
from medsync.openapi_links import LINKS, Link, OpenApiLinkError, declare_links, link_problems


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict) -> dict[str, dict]:
    return {op["operationId"]: op for item in schema["paths"].values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op}


def test_the_schema_with_its_links_is_valid_openapi(schema):
    # The OpenAPI 3.0 meta-schema Schemathesis ships (and checks schemas with): it includes the Link Object.
    from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

    assert schema["openapi"].startswith("3.0")
    OPENAPI_30_VALIDATOR.validate(schema)
    operations = _operations(schema)
    declared = [(operation_id, status, name, link) for operation_id, op in operations.items()
                for status, response in op["responses"].items() for name, link in response.get("links", {}).items()]
    assert len(declared) == sum(len(link.statuses) * len(link.targets) for link in LINKS) > 50
    for operation_id, status, name, link in declared:
        assert link["operationId"] == name and name in operations, (operation_id, name)
        for parameter, expression in link["parameters"].items():
            assert expression.startswith("$response.body#/")
            assert parameter in {p["name"] for p in operations[name].get("parameters", [])}
    patient = operations["medisync_patient_add"]["responses"]["201"]["links"]
    assert set(patient) == {"medisync_patient_get", "medisync_patient_update", "medisync_patient_replace",
                            "medisync_patient_delete"}
    assert patient["medisync_patient_get"]["parameters"] == {"patient_id": "$response.body#/patient/_id"}
    thread = operations["langgraph_thread_create"]["responses"]
    assert "langgraph_run_create" in thread["201"]["links"] and "langgraph_run_create" in thread["200"]["links"]


@pytest.mark.django_db
def test_the_served_schema_declares_the_links(client):
    served = client.get("/api/schema/?format=json").json()
    links = _operations(served)["workflow_run_create"]["responses"]["201"]["links"]
    assert links["workflow_run_join"]["parameters"] == {"thread_id": "$response.body#/thread_id",
                                                        "run_id": "$response.body#/run_id"}


def test_a_table_that_stops_fitting_the_schema_fails_loudly(schema, monkeypatch):
    assert link_problems(schema) == []
    # An operation renamed or removed (source or target).
    renamed = copy.deepcopy(schema)
    _operations(renamed)["medisync_patient_get"]["operationId"] = "medisync_patient_read"
    with pytest.raises(OpenApiLinkError, match="medisync_patient_add -> medisync_patient_get: no operation"):
        declare_links(renamed)
    # A field of a typed answer gone: the pointer would find nothing.
    without_id = copy.deepcopy(schema)
    answer = _operations(without_id)["workflow_run_create"]["responses"]["201"]["content"]["application/json"]
    name = answer["schema"]["$ref"].rsplit("/", 1)[1]
    component = without_id["components"]["schemas"][name]
    del component["properties"]["run_id"]
    assert "workflow_run_create 201 -> run_id: the answer has no field 'run_id' ($response.body#/run_id)" \
        in link_problems(without_id)
    # Misnamed and missing parameters, a status the source does not answer.
    assert link_problems(schema, (Link("templates_create", ("200",), ("templates_retrieve",), {"key": "$response.body#/key"}),
                                  Link("templates_create", ("201",), ("templates_retrieve",), {"name": "$response.body#/key"}))) == [
        "templates_create: no 200 answer to link from",
        "templates_create -> templates_retrieve: the target has no parameter 'name'",
        "templates_create -> templates_retrieve: path parameter 'key' is not linked"]
    # Generation itself (the schema view, manage.py spectacular) fails with the table's problem.
    monkeypatch.setattr(openapi_links, "LINKS", LINKS + (Link("no_such_create", ("201",), ("templates_retrieve",)),))
    with pytest.raises(OpenApiLinkError, match="no_such_create: no operation with this operationId"):
        SchemaGenerator().get_schema(request=None, public=True)
