"""The JSON API's error body in the OpenAPI document: one `Problem` schema component (RFC 9457 problem
details, as web/responses.py `problem()` writes it) that every module's API documents its 4xx with."""

from __future__ import annotations

import msgspec
from litestar.openapi import ResponseSpec


class FieldError(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct, kw_only=True):
    """An error (RFC 9457 problem details)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem_spec(description: str) -> ResponseSpec:
    """A documented 4xx answer with a problem body."""
    return ResponseSpec(
        data_container=Problem,
        description=description,
        media_type="application/problem+json",
        generate_examples=False,
    )
