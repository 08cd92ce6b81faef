"""The central sync service: the one process that holds the central database's credentials.

Counters never connect to PostgreSQL; they call this HTTPS service, which authenticates every
request by the counter's signature (``sync.signing``), takes the counter's identity from that
signature (never from the body), and hands the work to the central store, which judges every
event against its own records. The service keeps no state of its own: several instances over one
database serve the same counters (nonces and everything else live in PostgreSQL).

Every endpoint is a POST with a JSON body, so the signature covers every argument. Errors are
JSON ``{"code", "message"}`` with an HTTP status by kind; an unexpected failure answers 500 with a
generic message (details go to the log, never to the caller).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from desk_app.domain.errors import DeskError, NotFoundError, PermissionDeniedError
from desk_app.domain.sync_events import TransitionEvent
from desk_app.security.keys import write_private
from desk_app.sync.applying import describe_failure
from desk_app.sync.blocklist import MAX_SHARED, CentralBlocklist
from desk_app.sync.central import CentralDatabase
from desk_app.sync.counter_audit import CounterAudit
from desk_app.sync.operators import CentralOperators
from desk_app.sync.protocol import (
    BlockGrant,
    CentralUnavailableError,
    EventAnswer,
    json_value,
)
from desk_app.sync.registry import CounterRegistry, EnrolmentError
from desk_app.sync.signing import AuthenticationError, load_public_key, read_headers, verify_request

log = logging.getLogger(__name__)

# A push batch carries live photos (tens of KB each) and templates; 500 events fit well within.
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_ROWS = 20_000  # the most candidates a counter may ask for in one pull


class BadRequestError(DeskError):
    code = "request.malformed"


Handler = Callable[[str, dict[str, Any]], Any]


def create_app(central: CentralDatabase, *, clock: Callable[[], float] = time.time) -> Starlette:
    """The service over ``central``; ``clock`` is replaceable for tests of the time window."""
    registry = CounterRegistry(central)
    operators = CentralOperators(central)
    audits = CounterAudit(central)
    blocklist = CentralBlocklist(central)

    def signed(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                body = await _body(request)
                headers = read_headers(request.headers)
                method, path, now = request.method, request.url.path, clock()

                def check(key: str) -> None:
                    verify_request(load_public_key(key), headers, method, path, body, now=now)

                await run_in_threadpool(
                    registry.authenticate, headers.counter_id, headers.nonce, check
                )
                result = await run_in_threadpool(handler, headers.counter_id, _json(body))
            except Exception as error:  # every failure becomes a worded, coded answer
                return _error_response(error)
            return JSONResponse(result)

        return endpoint

    def blocks(counter_id: str, body: dict[str, Any]) -> Any:
        return [_grant(g) for g in central.blocks(counter_id, _text(body, "series"))]

    def lease(counter_id: str, body: dict[str, Any]) -> Any:
        site_id = registry.site_of(counter_id)
        grant = central.lease_block(
            site_id,
            counter_id,
            _text(body, "series"),
            _number(body, "size", 1, 100_000),
            _number(body, "max_sequence", 1, 10**12),
        )
        return _grant(grant)

    def events(counter_id: str, body: dict[str, Any]) -> Any:
        items = body.get("events")
        if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
            raise BadRequestError("events must be a list of objects")
        # Untrusted: the judge checks every field and answers a malformed event with an error.
        typed: list[TransitionEvent] = items
        return [_answer(a) for a in central.apply_events(counter_id, typed)]

    def receive_audit(counter_id: str, body: dict[str, Any]) -> Any:
        entries, head = body.get("entries"), body.get("head")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise BadRequestError("entries must be a list of objects")
        if not (isinstance(head, list) and len(head) == 2 and isinstance(head[0], int)):
            raise BadRequestError("head must be [sequence, hash]")
        return list(audits.receive(counter_id, entries, (head[0], str(head[1]))))

    def count_changes(counter_id: str, body: dict[str, Any]) -> Any:
        return central.count_changes(counter_id, _number(body, "after", 0, 2**62))

    def changes(counter_id: str, body: dict[str, Any]) -> Any:
        scope, rows = central.changes(
            counter_id, _number(body, "after", 0, 2**62), _number(body, "limit", 1, MAX_ROWS)
        )
        return {
            "scope": {"exam_areas": list(scope.exam_areas), "tutoring_unit": scope.tutoring_unit},
            "rows": [{name: json_value(value) for name, value in row.items()} for row in rows],
        }

    def photo_checksums(counter_id: str, body: dict[str, Any]) -> Any:
        ids = body.get("registration_ids")
        if not isinstance(ids, list) or len(ids) > MAX_ROWS:
            raise BadRequestError("registration_ids must be a list")
        found = central.registered_photo_checksums([str(i) for i in ids], in_scope_of=counter_id)
        return sorted([r, sha] for r, sha in found)

    def photos(counter_id: str, body: dict[str, Any]) -> Any:
        wanted = body.get("wanted")
        if not isinstance(wanted, list) or len(wanted) > MAX_ROWS:
            raise BadRequestError("wanted must be a list of [registration id, sha256]")
        pairs = {(str(r), str(sha)) for r, sha in wanted}
        return [
            [r, sha, media_type, base64.b64encode(data).decode("ascii")]
            for r, sha, media_type, data in central.registered_photos(pairs, in_scope_of=counter_id)
        ]

    def site_operators(counter_id: str, body: dict[str, Any]) -> Any:
        return operators.for_site(registry.site_of(counter_id))

    def blocklist_changes(counter_id: str, body: dict[str, Any]) -> Any:
        return blocklist.changes(
            _number(body, "after", 0, 2**62), _number(body, "limit", 1, MAX_SHARED)
        )

    def share_blocklist(counter_id: str, body: dict[str, Any]) -> Any:
        entries = body.get("entries")
        if not isinstance(entries, list) or len(entries) > MAX_SHARED:
            raise BadRequestError(f"entries must be a list of at most {MAX_SHARED}")
        # Untrusted: every entry is checked against the central records, one answer each.
        return blocklist.receive(counter_id, entries)

    def pulled(counter_id: str, body: dict[str, Any]) -> Any:
        central.report_pulled(counter_id, _number(body, "through", 0, 2**62))
        return {}

    async def enrol(request: Request) -> Response:
        try:
            body = _json(await _body(request))
            site_id, counter_id, scope = await run_in_threadpool(
                registry.enrol, _text(body, "code"), _text(body, "public_key")
            )
        except Exception as error:
            return _error_response(error)
        return JSONResponse(
            {
                "site_id": site_id,
                "counter_id": counter_id,
                "exam_areas": list(scope.exam_areas),
                "tutoring_unit": scope.tutoring_unit,
            }
        )

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/enrol", enrol, methods=["POST"]),
        Route("/v1/blocks", signed(blocks), methods=["POST"]),
        Route("/v1/blocks/lease", signed(lease), methods=["POST"]),
        Route("/v1/events", signed(events), methods=["POST"]),
        Route("/v1/changes/count", signed(count_changes), methods=["POST"]),
        Route("/v1/changes", signed(changes), methods=["POST"]),
        Route("/v1/photos/checksums", signed(photo_checksums), methods=["POST"]),
        Route("/v1/photos", signed(photos), methods=["POST"]),
        Route("/v1/pulled", signed(pulled), methods=["POST"]),
        Route("/v1/operators", signed(site_operators), methods=["POST"]),
        Route("/v1/audit", signed(receive_audit), methods=["POST"]),
        Route("/v1/blocklist", signed(blocklist_changes), methods=["POST"]),
        Route("/v1/blocklist/share", signed(share_blocklist), methods=["POST"]),
    ]
    return Starlette(routes=routes)


def app_from_environment() -> Starlette:
    """The app of one ``desk-app central serve`` worker process, configured by the variables
    the command set (a worker is a new process: nothing else reaches it; the keys travel as
    file names, never as values)."""
    url = os.environ["DESK_APP_CENTRAL_URL"]
    pool_size = int(os.environ.get("DESK_APP_SERVICE_POOL_SIZE", "10"))
    audit_key = Path(os.environ["DESK_APP_SERVICE_AUDIT_KEY_FILE"]).read_bytes()
    media_key = Path(os.environ["DESK_APP_SERVICE_MEDIA_KEY_FILE"]).read_bytes()
    return create_app(
        CentralDatabase.connect(url, pool_size=pool_size, audit_key=audit_key, media_key=media_key)
    )


def ensure_service_key(path: Path) -> bytes:
    """One of the service's keys (256 random bits), made on first start in a file only its
    owner can read: ``audit.key`` signs the central audit entries the service writes,
    ``media.key`` seals the face media it stores (``persistence.sealing``). Lose the media key
    and the central photos and templates are lost with it: back up the state folder."""
    if not path.exists():
        write_private(path, secrets.token_bytes(32))
    return path.read_bytes()


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise BadRequestError("the request body is too large", code="request.too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadRequestError("the request body is too large", code="request.too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequestError("the request body is not JSON") from error
    if not isinstance(value, dict):
        raise BadRequestError("the request body must be a JSON object")
    return value


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value or len(value) > 4096:
        raise BadRequestError(f"{name} must be a non-empty string")
    return value


def _number(body: dict[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequestError(f"{name} must be a whole number from {low} to {high}")
    return value


def _grant(grant: BlockGrant) -> dict[str, Any]:
    return {"series": grant.series, "first": grant.first_sequence, "last": grant.last_sequence}


def _answer(answer: EventAnswer) -> dict[str, Any]:
    return {
        "event_id": answer.event_id,
        "outcome": answer.outcome.value,
        "reason_code": answer.reason_code,
        "message": answer.message,
        "central_version": answer.central_version,
    }


def _error_response(error: Exception) -> Response:
    if isinstance(error, AuthenticationError | EnrolmentError):
        status = 401
    elif isinstance(error, PermissionDeniedError):
        status = 403
    elif isinstance(error, NotFoundError):
        status = 404
    elif isinstance(error, CentralUnavailableError):
        status = 503
    elif isinstance(error, BadRequestError):
        status = 413 if error.code == "request.too_large" else 400
    elif isinstance(error, DeskError):
        status = 409
    else:
        log.error("unexpected failure in the sync service: %s", describe_failure(error))
        return JSONResponse(
            {"code": "service.failed", "message": "the sync service failed"}, status_code=500
        )
    if status == 401:
        log.warning("refused: %s [%s]", error.message, error.code)
    return JSONResponse({"code": error.code, "message": error.message}, status_code=status)
