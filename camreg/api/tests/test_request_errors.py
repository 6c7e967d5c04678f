"""Errors the API answers before a route runs: a body over the limit, a path that is not an
operation. Always the API's JSON shape {"code", "message"}."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CREATE = reverse("api:footage-requests")


def test_a_json_body_over_the_limit_is_a_413(api_client, settings):
    body = json.dumps({"case_id": 1, "camera_ids": [1], "message": "x" * 3_000_000})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_client.post(CREATE, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request body is larger than this service accepts.",
    }


def test_a_declared_body_over_max_request_body_is_refused_unread(api_client):
    response = api_client.generic(
        "POST", CREATE, b"", content_type="application/json", CONTENT_LENGTH=str(10**12)
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "no-store" in response["Cache-Control"]


def test_a_path_that_is_no_operation_answers_json(api_client):
    response = api_client.get("/api/v1/no-such-operation")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "There is nothing here."}
