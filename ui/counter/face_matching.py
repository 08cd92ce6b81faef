"""The face work for the record at the counter: the e-photo's template and the three-way match,
on the face worker, each result kept only while the clerk is still on that record and shot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desk_app.services.counter import CandidateView, reference_from_photo
from desk_app.services.counter_session import CounterSession
from desk_app.vision.engines import FaceEngine
from desk_app.vision.verification import Reference, Verification, verify_three_way
from ui.context import Services


class FaceMatching:
    """Starts face work for the session and hands the results to it.

    Called on the GUI thread; the work functions run on the face worker and touch neither the
    session nor widgets (they get copies of what they need); the result callbacks come back on
    the GUI thread, where ``shown`` redraws and ``failed`` words an error.
    """

    def __init__(
        self,
        session: CounterSession,
        services: Services,
        *,
        shown: Callable[[], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.session = session
        self.services = services
        self.shown = shown
        self.failed = failed

    def start(self) -> None:
        """A record was chosen: arm the best shot if it is undecided, compute its e-photo's
        template (the match starts when both the template and a shot are there)."""
        candidate, face_worker = self.session.candidate, self.services.face_worker
        if candidate is None or face_worker is None:
            return
        if self.session.may_capture():  # only after the candidate consented
            face_worker.arm()
        else:
            face_worker.disarm()
        ephoto = candidate.ephoto
        face_worker.submit(
            lambda engine: reference_from_photo(engine, ephoto),
            lambda reference, error: self._ephoto_ready(candidate, reference, error),
        )

    def _ephoto_ready(self, candidate: CandidateView, reference: Any, error: Any) -> None:
        if not self.session.ephoto_ready(candidate, reference, failed=error is not None):
            return  # the clerk moved on
        if self.session.ready_to_match():
            self.match()

    def match(self) -> None:
        """Match the session's shot against the card portrait and the e-photo."""
        session, face_worker = self.session, self.services.face_worker
        capture, ephoto = session.capture, session.ephoto_reference
        if capture is None or ephoto is None or face_worker is None:
            return
        portrait, thresholds, candidate, card_text = (
            session.card_portrait,
            self.services.thresholds,
            session.candidate,
            session.card,
        )
        # Why there is no portrait: no decoder, or the decoder's coded failure (a crash...).
        missing = session.portrait_error.code if session.portrait_error else ""

        def work(engine: FaceEngine) -> Verification:
            card = (
                reference_from_photo(engine, portrait, card=card_text)
                if portrait
                else Reference(None, missing or "card.portrait_unavailable")
            )
            return verify_three_way(engine, capture.template, card, ephoto, thresholds)

        def done(result: Any, error: Any) -> None:
            if not session.is_current(candidate, capture):
                return  # another record or another shot since
            if error is not None:
                self.failed(error)
                return
            session.matched(candidate, capture, result)
            self.shown()

        face_worker.submit(work, done)
