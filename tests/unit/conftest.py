"""Unit fixtures: the ADF JSON schema's validator, for every test that checks generated ADF."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator

from tests.support.paths import shared_fixture


@pytest.fixture(scope="session")
def validator() -> Draft4Validator:
    """Return a validator of whole ADF documents against Atlassian's published schema."""
    schema = shared_fixture("adf", "schema", "adf-schema.json")
    root = {"$schema": schema["$schema"], "$ref": "#/definitions/doc_node", "definitions": schema["definitions"]}
    return Draft4Validator(root)
