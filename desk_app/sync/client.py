"""The counter's side of the central sync service: signed HTTPS calls (``CentralPort``).

One ``httpx.Client`` per syncer, over TLS that trusts the certificate pinned at enrolment (or a
CA file); every request signed with the counter's own key. A network failure or a 5xx answer is
``CentralUnavailableError`` (the syncer backs off and tries again); a refusal is the service's
coded error, raised as a ``SyncError`` with the same code.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desk_app.domain.sync_events import EventOutcome, TransitionEvent
from desk_app.sync.protocol import (
    BlockGrant,
    CentralUnavailableError,
    CounterScope,
    EventAnswer,
    SyncError,
    candidate_values,
)
from desk_app.sync.signing import AuthenticationError, sign_request


class CentralClient:
    """The sync service as a counter's syncer sees it."""

    def __init__(
        self,
        server_url: str,
        counter_id: str,
        key: Ed25519PrivateKey,
        context: ssl.SSLContext,
        *,
        timeout_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._counter_id = counter_id
        self._key = key
        self._clock = clock

        def connect() -> httpx.Client:
            return httpx.Client(base_url=server_url.rstrip("/"), verify=context, timeout=timeout_s)

        self._connect = connect
        self._http = connect()

    def close(self) -> None:
        self._http.close()

    def end_cycle(self) -> None:
        """Close the cycle's connection; the next cycle opens its own."""
        self._http.close()
        self._http = self._connect()

    def _call(self, path: str, payload: dict[str, Any]) -> Any:
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        headers = sign_request(self._key, self._counter_id, "POST", path, body, now=self._clock())
        headers["content-type"] = "application/json"
        try:
            response = self._http.post(path, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise CentralUnavailableError(f"sync service unreachable: {error}") from error
        return _result(response)

    # --- CentralPort ---------------------------------------------------------------------------

    def blocks(self, counter_id: str, series: str) -> list[BlockGrant]:
        return [_grant(g) for g in self._call("/v1/blocks", {"series": series})]

    def lease_block(
        self, site_id: str, counter_id: str, series: str, size: int, max_sequence: int
    ) -> BlockGrant:
        payload = {"series": series, "size": size, "max_sequence": max_sequence}
        return _grant(self._call("/v1/blocks/lease", payload))

    def apply_events(
        self,
        counter_id: str,
        events: Sequence[TransitionEvent],
    ) -> list[EventAnswer]:
        payload = {"events": list(events)}
        return [
            EventAnswer(
                event_id=str(item["event_id"]),
                outcome=EventOutcome(item["outcome"]),
                reason_code=item.get("reason_code"),
                message=str(item.get("message") or ""),
                central_version=item.get("central_version"),
            )
            for item in self._call("/v1/events", payload)
        ]

    def count_changes(self, counter_id: str, after: int) -> int:
        return int(self._call("/v1/changes/count", {"after": after}))

    def changes(
        self, counter_id: str, after: int, limit: int
    ) -> tuple[CounterScope, list[dict[str, Any]]]:
        answer = self._call("/v1/changes", {"after": after, "limit": limit})
        scope = answer["scope"]
        return (
            CounterScope(tuple(scope["exam_areas"]), scope["tutoring_unit"]),
            [candidate_values(row) for row in answer["rows"]],
        )

    def registered_photo_checksums(self, registration_ids: Sequence[str]) -> set[tuple[str, str]]:
        answer = self._call("/v1/photos/checksums", {"registration_ids": list(registration_ids)})
        return {(str(r), str(sha)) for r, sha in answer}

    def registered_photos(self, wanted: set[tuple[str, str]]) -> list[tuple[str, str, str, bytes]]:
        if not wanted:
            return []
        answer = self._call("/v1/photos", {"wanted": sorted([r, sha] for r, sha in wanted)})
        return [(r, sha, media, base64.b64decode(data)) for r, sha, media, data in answer]

    def report_pulled(self, counter_id: str, through: int) -> None:
        self._call("/v1/pulled", {"through": through})

    def send_audit(
        self, counter_id: str, entries: Sequence[dict[str, Any]], head: tuple[int, str]
    ) -> tuple[int, str]:
        payload = {"entries": list(entries), "head": list(head)}
        sequence, entry_hash = self._call("/v1/audit", payload)
        return int(sequence), str(entry_hash)

    def site_operators(self, counter_id: str) -> list[dict[str, Any]]:
        return list(self._call("/v1/operators", {}))

    def blocklist_changes(self, counter_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        return list(self._call("/v1/blocklist", {"after": after, "limit": limit}))

    def share_blocklist(
        self, counter_id: str, entries: Sequence[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        return list(self._call("/v1/blocklist/share", {"entries": list(entries)}))


def enrol(
    server_url: str, code: str, public_key_pem: str, context: ssl.SSLContext
) -> dict[str, Any]:
    """Present the one-time code and the counter's public key; the counter's identity back."""
    try:
        with httpx.Client(base_url=server_url.rstrip("/"), verify=context, timeout=30) as http:
            response = http.post("/v1/enrol", json={"code": code, "public_key": public_key_pem})
    except httpx.HTTPError as error:
        raise CentralUnavailableError(f"sync service unreachable: {error}") from error
    answer = _result(response)
    if not isinstance(answer, dict):
        raise SyncError("the sync service answered the enrolment oddly", code="enrol.bad_answer")
    return answer


def _result(response: httpx.Response) -> Any:
    if response.status_code >= 500:
        raise CentralUnavailableError(
            f"sync service failed ({response.status_code}): {_message(response)}"
        )
    if response.status_code >= 400:
        code, message = _coded(response)
        if response.status_code == 401:
            raise AuthenticationError(message, code=code)
        raise SyncError(message, code=code)
    return response.json()


def _coded(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        return "sync.refused", f"the sync service refused the request ({response.status_code})"


def _message(response: httpx.Response) -> str:
    return _coded(response)[1]


def _grant(item: dict[str, Any]) -> BlockGrant:
    return BlockGrant(str(item["series"]), int(item["first"]), int(item["last"]))
