"""The face work for the record at the counter: the references' templates and the three-way
match, on the face worker, each result kept only while the clerk is still on that record and shot.

Everything that does not need the live face is computed ahead, as soon as its picture is there:
the card portrait's template when the card is read, the e-photo's when the record is shown. The
live face is only analysed once the candidate consented (the worker is armed then), and the
match after the best shot is a comparison of ready templates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desk_app.services.counter import CandidateView, reference_from_photo
from desk_app.services.counter_session import CounterSession
from desk_app.services.faces import LiveCapture
from desk_app.vision.engines import FaceEngine, NoFaceError
from desk_app.vision.ephoto import EPhoto, make_ephoto
from desk_app.vision.images import decode_rgb
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
        # The record and shot the last match was started for: each shot is matched once.
        self._matching: tuple[CandidateView | None, LiveCapture | None] | None = None

    def start(self) -> None:
        """A record was chosen: arm the best shot if the candidate consented, compute its
        e-photo's template (the match starts when the templates and a shot are there)."""
        candidate, face_worker = self.session.candidate, self.services.face_worker
        if candidate is None or face_worker is None:
            return
        self.arm()
        ephoto = candidate.ephoto
        face_worker.submit(
            lambda engine: reference_from_photo(engine, ephoto),
            lambda reference, error: self._ephoto_ready(candidate, reference, error),
        )

    def arm(self) -> None:
        """Arm the best shot when the candidate consented (else make sure it is not armed)."""
        face_worker = self.services.face_worker
        if face_worker is None:
            return
        if self.session.may_capture():
            face_worker.arm()
        else:
            face_worker.disarm()

    def card_portrait(self) -> None:
        """The card's portrait is there: compute its template now, ahead of the live face."""
        session, face_worker = self.session, self.services.face_worker
        portrait, card = session.card_portrait, session.card
        if portrait is None or face_worker is None:
            return

        def work(engine: FaceEngine) -> Reference:
            return reference_from_photo(engine, portrait, card=card)

        def done(reference: Any, error: Any) -> None:
            if error is not None:
                reference = Reference(None, "engine.failed")
            if session.card_template_ready(portrait, reference):
                self.match_when_ready()

        face_worker.submit(work, done)

    def _ephoto_ready(self, candidate: CandidateView, reference: Any, error: Any) -> None:
        if not self.session.ephoto_ready(candidate, reference, failed=error is not None):
            return  # the clerk moved on
        self.match_when_ready()

    def standard_photo(self) -> None:
        """Make the registration photo from the session's shot (the clerk sees it and its
        problems before confirming, and may retake)."""
        session, face_worker = self.session, self.services.face_worker
        capture, quality = session.capture, self.services.application.settings.quality
        if capture is None or face_worker is None:
            return

        def work(engine: FaceEngine) -> EPhoto | None:
            # The worker's own landmark model: jobs run on its thread, once it has loaded it.
            landmarks = face_worker.landmarks
            assert landmarks is not None
            try:
                return make_ephoto(decode_rgb(capture.image), engine, landmarks, quality=quality)
            except NoFaceError:
                return None

        def done(photo: Any, error: Any) -> None:
            if session.standard_photo_ready(capture, None if error is not None else photo):
                self.shown()

        face_worker.submit(work, done)

    def look_alikes(self, viewer: str) -> None:
        """Search the confirmed candidates for the shot's face, on the database worker: a hit is
        shown beside the live face for a side-by-side look before the decision."""
        session, registry = self.session, self.services.application.faces
        capture, candidate = session.capture, session.candidate
        if capture is None or candidate is None:
            return

        def done(found: Any) -> None:
            if session.look_alikes_ready(capture, found) and found:
                self.shown()

        self.services.operations.run(
            lambda: registry.look_alikes(candidate.id, capture, viewer=viewer),
            on_success=done,
            on_failure=self.failed,
        )

    def match_when_ready(self) -> None:
        """Start the match once the shot and both references are there (once per shot)."""
        session = self.session
        if session.ready_to_match() and self._matching != (session.candidate, session.capture):
            self.match()

    def match(self) -> None:
        """Match the session's shot against the card side and the e-photo."""
        session, face_worker = self.session, self.services.face_worker
        capture, ephoto = session.capture, session.ephoto_reference
        if capture is None or ephoto is None or face_worker is None:
            return
        thresholds, candidate = self.services.thresholds, session.candidate
        card = session.card_reference_for_match()
        portrait, card_text = session.card_portrait, session.card
        self._matching = (candidate, capture)

        def work(engine: FaceEngine) -> Verification:
            # The card template is normally ready; computed here only if it is not yet.
            reference = card or reference_from_photo(engine, portrait, card=card_text)
            return verify_three_way(engine, capture.template, reference, ephoto, thresholds)

        def done(result: Any, error: Any) -> None:
            if not session.is_current(candidate, capture):
                return  # another record or another shot since
            if error is not None:
                self._matching = None
                self.failed(error)
                return
            session.matched(candidate, capture, result)
            self.shown()

        face_worker.submit(work, done)
