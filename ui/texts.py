"""Words for the core's codes: states, roles, reasons, quality hints, errors.

The core raises coded errors and returns coded results; only the UI words them, through Qt's
translations (English source text, Simplified Chinese in ``resources/translations``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desk_app.domain.candidate import CandidateKind
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError
from desk_app.domain.visits import VisitReason
from desk_app.domain.workflow import CandidateState, ReasonCode, Role

if TYPE_CHECKING:
    from desk_app.vision.ephoto import EPhotoIssue
    from desk_app.vision.quality import QualityIssue
    from desk_app.vision.verification import Reason

# The vision enums are imported where their words are needed: the vision modules need NumPy and
# OpenCV, and the sign-in window uses these texts before either is loaded.

translate = QCoreApplication.translate


def state_text(state: CandidateState) -> str:
    return {
        CandidateState.PRE_REGISTERED: translate("Texts", "Pre-registered"),
        CandidateState.REFERRED: translate("Texts", "Referred to supervisor"),
        CandidateState.CONFIRMED: translate("Texts", "Confirmed"),
        CandidateState.REJECTED: translate("Texts", "Rejected"),
        CandidateState.REVOKED: translate("Texts", "Revoked"),
    }[state]


def role_text(role: Role) -> str:
    return {
        Role.CLERK: translate("Texts", "Clerk"),
        Role.SUPERVISOR: translate("Texts", "Supervisor"),
        Role.TUTORING_UNIT_STAFF: translate("Texts", "Tutoring-unit staff"),
        Role.ADMINISTRATOR: translate("Texts", "Administrator"),
    }[role]


def kind_text(kind: CandidateKind) -> str:
    return {
        CandidateKind.NEW: translate("Texts", "New registration"),
        CandidateKind.ENROLLED: translate("Texts", "Enrolled (keeps ticket number)"),
    }[kind]


def document_text(document_type: DocumentType) -> str:
    return {
        DocumentType.RESIDENT_ID: translate("Texts", "Resident ID card"),
        DocumentType.RESIDENCE_PERMIT: translate("Texts", "HK/Macau/Taiwan residence permit"),
        DocumentType.FOREIGNER_PERMANENT: translate("Texts", "Foreigner permanent residence card"),
        DocumentType.HK_MACAU_TRAVEL_PERMIT: translate("Texts", "HK/Macau travel permit"),
        DocumentType.TAIWAN_TRAVEL_PERMIT: translate("Texts", "Taiwan travel permit"),
        DocumentType.MILITARY_CARD: translate("Texts", "Military card"),
        DocumentType.PASSPORT: translate("Texts", "Passport"),
    }[document_type]


def reason_text(reason: ReasonCode | str | None) -> str:
    if reason is None:
        return ""
    words = {
        ReasonCode.FACE_SCORE_LOW: translate("Texts", "Face score too low"),
        ReasonCode.FACE_MISMATCH: translate("Texts", "Face does not match"),
        ReasonCode.DOCUMENT_WITHOUT_CHIP: translate("Texts", "Document without chip"),
        ReasonCode.DOCUMENT_INVALID: translate("Texts", "Document invalid"),
        ReasonCode.DOCUMENT_EXPIRED: translate("Texts", "Document expired"),
        ReasonCode.DATA_MISMATCH: translate("Texts", "Card and registration differ"),
        ReasonCode.ATTEMPTS_EXHAUSTED: translate("Texts", "Attempts exhausted"),
        ReasonCode.PRIOR_DIPLOMA: translate("Texts", "Prior diploma not verified"),
        ReasonCode.IMPERSONATION: translate("Texts", "Suspected impersonation"),
        ReasonCode.DUPLICATE_REGISTRATION: translate("Texts", "Duplicate registration"),
        ReasonCode.DUPLICATE_FACE: translate("Texts", "Face matches another confirmed candidate"),
        ReasonCode.LIVENESS_FAILED: translate("Texts", "Liveness check failed"),
        ReasonCode.CANDIDATE_REQUEST: translate("Texts", "Candidate's request"),
        ReasonCode.CONSENT_REFUSED: translate("Texts", "Consent to face processing refused"),
        ReasonCode.CLERK_ERROR: translate("Texts", "Clerk error"),
        ReasonCode.OTHER: translate("Texts", "Other"),
    }
    try:
        return words[ReasonCode(reason)]
    except ValueError:
        return str(reason)


def visit_reason_text(reason: VisitReason | str | None) -> str:
    """Why the candidate came; a stored value the product no longer knows is shown as is."""
    if reason is None or reason == "":
        return translate("Texts", "Not recorded")
    words = {
        VisitReason.RENEWED_ID_CARD: translate("Texts", "Renewed ID card"),
        VisitReason.MOVED_HOUSEHOLD: translate("Texts", "Moved household registration"),
        VisitReason.MILITARY: translate("Texts", "Military or armed police"),
        VisitReason.OTHER_DOCUMENT: translate("Texts", "Other document (permit, passport)"),
        VisitReason.ONLINE_CHECK_FAILED: translate("Texts", "Online check failed three times"),
        VisitReason.TUTORING_CLASS: translate("Texts", "Tutoring class"),
        VisitReason.PRIOR_DIPLOMA: translate("Texts", "Prior-diploma documents"),
    }
    try:
        return words[VisitReason(reason)]
    except ValueError:
        return str(reason)


def hint_text(issue: QualityIssue) -> str:
    from desk_app.vision.quality import QualityIssue

    return {
        QualityIssue.NO_FACE: translate("Texts", "Look at the camera"),
        QualityIssue.MULTIPLE_FACES: translate("Texts", "One person only"),
        QualityIssue.TOO_SMALL: translate("Texts", "Move closer"),
        QualityIssue.TOO_DARK: translate("Texts", "Too dark"),
        QualityIssue.OVEREXPOSED: translate("Texts", "Too bright"),
        QualityIssue.BLURRED: translate("Texts", "Hold still"),
        QualityIssue.HEAD_TURNED: translate("Texts", "Face the camera"),
        QualityIssue.HEAD_TILTED: translate("Texts", "Keep your head straight"),
        QualityIssue.EYES_CLOSED: translate("Texts", "Open your eyes"),
    }[issue]


def ephoto_issue_text(issue: EPhotoIssue) -> str:
    from desk_app.vision.ephoto import EPhotoIssue

    return {
        EPhotoIssue.BACKGROUND: translate(
            "Texts", "background not light and even (use the backdrop)"
        ),
        EPhotoIssue.EYES_CLOSED: translate("Texts", "eyes closed"),
        EPhotoIssue.NOT_FRONTAL: translate("Texts", "head turned or tilted"),
        EPhotoIssue.GLARE: translate("Texts", "glare on the face"),
        EPhotoIssue.TOO_CLOSE_TO_EDGE: translate("Texts", "head too close to the picture's edge"),
        EPhotoIssue.FILE_SIZE: translate("Texts", "file size outside 20–40 KB"),
    }[issue]


def liveness_reason_text(code: str) -> str:
    """How a liveness challenge (or one action) ended, from its coded reason."""
    from desk_app.vision.liveness.judge import Reason as LivenessReason

    words = {
        LivenessReason.PASSED: translate("Texts", "Passed"),
        LivenessReason.NOT_STEADY: translate("Texts", "No steady face looking at the camera"),
        LivenessReason.TIMEOUT: translate("Texts", "The action was not seen in time"),
        LivenessReason.NO_RETURN: translate(
            "Texts", "The head turned but did not come back to the front"
        ),
        LivenessReason.WRONG_ACTION: translate("Texts", "A different action was performed"),
        LivenessReason.FLAT_PICTURE: translate(
            "Texts", "The face moved like a photo or a screen, not a head"
        ),
        LivenessReason.FACE_CHANGED: translate("Texts", "The face changed during the check"),
        LivenessReason.FACE_LOST: translate("Texts", "The face left the picture"),
        LivenessReason.SEVERAL_FACES: translate(
            "Texts", "More than one face is in front of the camera"
        ),
        LivenessReason.CAPTURE_GAP: translate("Texts", "The camera picture was interrupted"),
        LivenessReason.PASSIVE: translate("Texts", "The passive check judged the face not live"),
        LivenessReason.NOT_REACHED: translate("Texts", "Not asked"),
        LivenessReason.INCOMPLETE: translate("Texts", "The check did not finish"),
    }
    try:
        return words[LivenessReason(code)]
    except ValueError:
        return code


def match_reason_text(reason: Reason) -> str:
    from desk_app.vision.verification import Reason

    return {
        Reason.LIVE_MISMATCH: translate("Texts", "The live face matches neither reference"),
        Reason.CARD_MISSING: translate(
            "Texts", "No card portrait (compare the printed card photo by eye)"
        ),
        Reason.EPHOTO_MISSING: translate("Texts", "No usable registered e-photo"),
        Reason.REFERENCES_DISAGREE: translate(
            "Texts", "Card portrait and e-photo look like different people"
        ),
        Reason.BORDERLINE: translate("Texts", "A score is in the review band"),
        Reason.CARD_PORTRAIT_SMALL: translate("Texts", "Card portrait has low resolution"),
        Reason.AGE_GAP: translate("Texts", "The card portrait is many years old"),
    }[reason]


_ERRORS = {
    "permission.sign_in": QT_TRANSLATE_NOOP("Texts", "Wrong operator id or password."),
    "permission.four_eyes": QT_TRANSLATE_NOOP(
        "Texts", "You referred this case yourself: another supervisor must decide."
    ),
    "permission.role": QT_TRANSLATE_NOOP("Texts", "Your role may not do this."),
    "permission.out_of_scope": QT_TRANSLATE_NOOP(
        "Texts", "This candidate belongs to an exam area this counter does not serve."
    ),
    "permission.other_tutoring_unit": QT_TRANSLATE_NOOP(
        "Texts", "This candidate is not in your tutoring unit."
    ),
    "permission.first_admin_exists": QT_TRANSLATE_NOOP(
        "Texts", "This counter already has operators."
    ),
    "state.stale": QT_TRANSLATE_NOOP(
        "Texts", "The record changed while it was on screen: look at it again."
    ),
    "state.illegal_transition": QT_TRANSLATE_NOOP(
        "Texts", "The record's state does not allow this."
    ),
    "state.reason_required": QT_TRANSLATE_NOOP("Texts", "Choose a reason."),
    "state.supervisor_required": QT_TRANSLATE_NOOP(
        "Texts", "A document without a chip must be referred to a supervisor."
    ),
    "operator.password_too_short": QT_TRANSLATE_NOOP(
        "Texts", "A password has at least 10 characters."
    ),
    "operator.password_is_id": QT_TRANSLATE_NOOP(
        "Texts", "The password must not be the operator id."
    ),
    "operator.password_common": QT_TRANSLATE_NOOP(
        "Texts", "This password is too common or too simple: choose another."
    ),
    "operator.password_unchanged": QT_TRANSLATE_NOOP(
        "Texts", "The new password is the same as the old one."
    ),
    "operator.self": QT_TRANSLATE_NOOP("Texts", "You cannot deactivate yourself."),
    "operator.unknown": QT_TRANSLATE_NOOP("Texts", "There is no such operator."),
    "database.key_missing": QT_TRANSLATE_NOOP(
        "Texts",
        "The database is encrypted and its key is not on this computer: "
        "ask the administrator to restore the key.",
    ),
    "database.key_wrong": QT_TRANSLATE_NOOP(
        "Texts",
        "The database cannot be opened with the key on this computer: "
        "ask the administrator to restore the right key.",
    ),
    "image.too_large": QT_TRANSLATE_NOOP(
        "Texts", "The picture has too many pixels and was not opened."
    ),
    "image.unknown_format": QT_TRANSLATE_NOOP(
        "Texts", "The picture is not in a known image format and was not opened."
    ),
    "counter.no_consent": QT_TRANSLATE_NOOP(
        "Texts", "Record the candidate's answer to the processing notice first."
    ),
    "consent.refused": QT_TRANSLATE_NOOP(
        "Texts", "The candidate refused consent: no face may be taken or kept."
    ),
    "access.reason_required": QT_TRANSLATE_NOOP("Texts", "Say why the full numbers are needed."),
    "settings.threshold_reason_required": QT_TRANSLATE_NOOP(
        "Texts", "Thresholds looser than the calibrated review limits need a written reason."
    ),
    "photo.too_many_pixels": QT_TRANSLATE_NOOP(
        "Texts", "The e-photo has too many pixels and was not imported."
    ),
    "operator.id_empty": QT_TRANSLATE_NOOP("Texts", "Enter an operator id."),
    "operator.exists": QT_TRANSLATE_NOOP("Texts", "This operator id already exists."),
    "document.check_character": QT_TRANSLATE_NOOP(
        "Texts", "The check character of the ID number is wrong."
    ),
    "document.empty": QT_TRANSLATE_NOOP("Texts", "The document number is empty."),
    "document.format": QT_TRANSLATE_NOOP("Texts", "The document number has the wrong format."),
    "document.type_mismatch": QT_TRANSLATE_NOOP(
        "Texts", "The number belongs to another document type."
    ),
    "roster.bad_date": QT_TRANSLATE_NOOP("Texts", "The date is not a valid date (YYYY-MM-DD)."),
    "roster.bad_email": QT_TRANSLATE_NOOP("Texts", "The e-mail address is not valid."),
    "roster.bad_phone": QT_TRANSLATE_NOOP(
        "Texts", "The phone number is not a valid mainland mobile number."
    ),
    "roster.birth_date_mismatch": QT_TRANSLATE_NOOP(
        "Texts", "The birth date differs from the one in the ID number."
    ),
    "roster.cell_too_long": QT_TRANSLATE_NOOP("Texts", "The cell is longer than the field allows."),
    "roster.control_character": QT_TRANSLATE_NOOP(
        "Texts", "The cell holds invisible control characters."
    ),
    "roster.csv_syntax": QT_TRANSLATE_NOOP(
        "Texts", "The line breaks the CSV format (quotes or separators)."
    ),
    "roster.duplicate_document_number": QT_TRANSLATE_NOOP(
        "Texts", "The ID number appears in another row too."
    ),
    "roster.duplicate_registration_id": QT_TRANSLATE_NOOP(
        "Texts", "The registration number appears in another row too."
    ),
    "roster.error_cell": QT_TRANSLATE_NOOP(
        "Texts", "The cell shows a spreadsheet error instead of a value."
    ),
    "roster.formula_cell": QT_TRANSLATE_NOOP(
        "Texts", "The cell holds a formula: only plain values are imported."
    ),
    "roster.merged_ticket_number_is_chosen": QT_TRANSLATE_NOOP(
        "Texts", "A merged ticket number is the chosen number itself."
    ),
    "roster.merged_ticket_number_not_digits": QT_TRANSLATE_NOOP(
        "Texts", "A merged ticket number has characters other than digits."
    ),
    "roster.merged_ticket_numbers_unexpected": QT_TRANSLATE_NOOP(
        "Texts", "A new candidate has no earlier ticket numbers to merge."
    ),
    "roster.number_precision_lost": QT_TRANSLATE_NOOP(
        "Texts", "The number is too long for a spreadsheet number: format the column as text."
    ),
    "roster.required_empty": QT_TRANSLATE_NOOP("Texts", "A required cell is empty."),
    "roster.sex_mismatch": QT_TRANSLATE_NOOP(
        "Texts", "The sex differs from the one in the ID number."
    ),
    "roster.ticket_number_layout": QT_TRANSLATE_NOOP(
        "Texts", "The ticket number does not follow this province's layout."
    ),
    "roster.ticket_number_missing": QT_TRANSLATE_NOOP(
        "Texts", "An enrolled candidate's row has no ticket number."
    ),
    "roster.ticket_number_not_digits": QT_TRANSLATE_NOOP(
        "Texts", "The ticket number has characters other than digits."
    ),
    "roster.ticket_number_unexpected": QT_TRANSLATE_NOOP(
        "Texts", "A new candidate's row already has a ticket number."
    ),
    "roster.too_few_cells": QT_TRANSLATE_NOOP("Texts", "The row has fewer cells than the header."),
    "roster.too_many_cells": QT_TRANSLATE_NOOP("Texts", "The row has more cells than the header."),
    "blocklist.reason_required": QT_TRANSLATE_NOOP("Texts", "Say why the entry is blocked."),
    "blocklist.empty_number": QT_TRANSLATE_NOOP("Texts", "Enter the ID number to block."),
    "blocklist.not_revoked": QT_TRANSLATE_NOOP(
        "Texts", "Only the faces of a revoked case can be blocked: revoke it first."
    ),
    "blocklist.no_face": QT_TRANSLATE_NOOP("Texts", "This case kept no live face to block."),
    "blocklist.face_unknown": QT_TRANSLATE_NOOP(
        "Texts", "The central side holds no such live face of this case."
    ),
    "blocklist.bad_entry": QT_TRANSLATE_NOOP("Texts", "The entry is malformed."),
    "blocklist.not_found": QT_TRANSLATE_NOOP("Texts", "No such entry on the blocklist."),
    "blocklist.lift_reason_required": QT_TRANSLATE_NOOP("Texts", "Say why the entry is lifted."),
    "blocklist.held_centrally": QT_TRANSLATE_NOOP(
        "Texts",
        "This entry applies at every counter: the central administrator lifts it "
        "(desk-app central blocklist remove).",
    ),
    "face.same_as_confirmed": QT_TRANSLATE_NOOP(
        "Texts",
        "The live face is that of another candidate confirmed already: a supervisor must decide.",
    ),
    "blocklist.hit": QT_TRANSLATE_NOOP(
        "Texts",
        "The ID number or the face is on the blocklist: a supervisor must decide this case.",
    ),
    "card.expired": QT_TRANSLATE_NOOP("Texts", "The card has expired."),
    "card.birth_date_mismatch": QT_TRANSLATE_NOOP(
        "Texts", "The birth date on the card differs from the one in the number."
    ),
    "card.sex_mismatch": QT_TRANSLATE_NOOP(
        "Texts", "The sex printed on the card differs from the one in the number."
    ),
    "card.not_found": QT_TRANSLATE_NOOP(
        "Texts", "No ID card in the picture: hold the card flat, filling most of the frame."
    ),
    "card.too_small": QT_TRANSLATE_NOOP(
        "Texts", "The card is too far away: bring it closer to the camera."
    ),
    "card.blurred": QT_TRANSLATE_NOOP("Texts", "The card is blurred: hold it still."),
    "card.glare": QT_TRANSLATE_NOOP(
        "Texts", "Glare hides part of the card: tilt it away from the light."
    ),
    "card.number_unreadable": QT_TRANSLATE_NOOP(
        "Texts", "The ID number could not be read with certainty: read the card again."
    ),
    "card.check_character": QT_TRANSLATE_NOOP(
        "Texts", "The ID number read from the card fails its check character."
    ),
    "card.number_invalid": QT_TRANSLATE_NOOP(
        "Texts", "The ID number read from the card is not a valid number."
    ),
    "card.field_unreadable": QT_TRANSLATE_NOOP("Texts", "A field of the card could not be read."),
    "card.ethnicity_unknown": QT_TRANSLATE_NOOP(
        "Texts", "The ethnicity read from the card is not in the code table."
    ),
    "card.back_side": QT_TRANSLATE_NOOP(
        "Texts", "This is the back of the card: show the side with the photo."
    ),
    # The chip portrait's decoder (desk_app.idcard.wlt): the card's text stays good, and the
    # clerk compares the printed photo by eye; the administrator fixes the set-up.
    "wlt.no_decoder": QT_TRANSLATE_NOOP(
        "Texts",
        "No chip portrait decoder is set up on this counter: compare the printed card photo by "
        "eye.",
    ),
    "wlt.decoder_crashed": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder crashed. The card's text is good and the counter keeps "
        "working: compare the printed card photo by eye.",
    ),
    "wlt.decoder_timeout": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder did not answer in time: place the card again, or compare "
        "the printed card photo by eye.",
    ),
    "wlt.decode_failed": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait could not be decoded: place the card again, or compare the printed "
        "card photo by eye.",
    ),
    "wlt.bad_output": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder gave no usable picture: compare the printed card photo by eye.",
    ),
    "wlt.failed": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder failed: compare the printed card photo by eye.",
    ),
    "wlt.library_missing": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder library is not where the settings say: compare the printed "
        "card photo by eye and tell the administrator.",
    ),
    "wlt.library_unusable": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder library cannot be loaded: compare the printed card photo by "
        "eye and tell the administrator.",
    ),
    "wlt.bitness_mismatch": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder library does not fit this computer (32/64-bit): compare the "
        "printed card photo by eye and tell the administrator.",
    ),
    "wlt.helper_unavailable": QT_TRANSLATE_NOOP(
        "Texts",
        "The chip portrait decoder cannot be started: compare the printed card photo by eye "
        "and tell the administrator.",
    ),
    "ticket.unavailable": QT_TRANSLATE_NOOP("Texts", "No admission ticket number is available."),
    "database.unavailable": QT_TRANSLATE_NOOP(
        "Texts", "The database cannot be reached; nothing was changed."
    ),
    "camera.unavailable": QT_TRANSLATE_NOOP("Texts", "The camera cannot be opened."),
    "camera.lost": QT_TRANSLATE_NOOP("Texts", "The camera was disconnected."),
    "engine.unavailable": QT_TRANSLATE_NOOP("Texts", "The face engine could not be loaded."),
    "operator.central": QT_TRANSLATE_NOOP(
        "Texts",
        "Operators of an enrolled counter are added centrally and arrive with the next sync.",
    ),
    "sync.enrol_required": QT_TRANSLATE_NOOP(
        "Texts",
        "This counter must be enrolled with the central sync service (desk-app counter enrol).",
    ),
    "sync.key_missing": QT_TRANSLATE_NOOP(
        "Texts", "This counter's key cannot be read: enrol the counter again."
    ),
    "auth.failed": QT_TRANSLATE_NOOP(
        "Texts", "The central service did not accept this counter: it may have been revoked."
    ),
    "evidence.no_live_photo": QT_TRANSLATE_NOOP(
        "Texts", "A confirmation needs the live photo: capture the face first."
    ),
    "evidence.no_face_match": QT_TRANSLATE_NOOP("Texts", "The face has not been matched yet."),
    "evidence.face_not_passed": QT_TRANSLATE_NOOP(
        "Texts", "The face match does not allow a confirmation: refer to a supervisor."
    ),
    "evidence.no_liveness": QT_TRANSLATE_NOOP(
        "Texts", "The liveness check has not been passed yet: the candidate follows the prompt."
    ),
    "evidence.liveness_failed": QT_TRANSLATE_NOOP(
        "Texts", "The liveness check failed: check again, refer, or ask a supervisor to accept it."
    ),
    "evidence.liveness_override_not_allowed": QT_TRANSLATE_NOOP(
        "Texts", "A tutoring unit cannot accept a failed liveness check: refer the candidate."
    ),
    "evidence.liveness_override_not_supervisor": QT_TRANSLATE_NOOP(
        "Texts", "Only a supervisor can accept a failed liveness check."
    ),
    "evidence.liveness_override_reason": QT_TRANSLATE_NOOP(
        "Texts", "Accepting a failed liveness check needs a written reason."
    ),
    "liveness.override_reason_required": QT_TRANSLATE_NOOP(
        "Texts", "Accepting a failed liveness check needs a written reason."
    ),
    "permission.unknown_operator": QT_TRANSLATE_NOOP(
        "Texts", "The central side does not know this operator."
    ),
    "permission.operator_mismatch": QT_TRANSLATE_NOOP(
        "Texts", "The central side knows this operator with another role or unit."
    ),
    "visit.checklist_incomplete": QT_TRANSLATE_NOOP(
        "Texts", "The evidence checklist is incomplete: the case can only be referred."
    ),
    "visit.unknown_reason": QT_TRANSLATE_NOOP("Texts", "Unknown reason of visit."),
    "visits.bad_checklists": QT_TRANSLATE_NOOP(
        "Texts", "The province's checklist file is malformed: the default checklists are used."
    ),
    "page.not_found": QT_TRANSLATE_NOOP(
        "Texts", "No page found: hold the whole page flat in front of the camera."
    ),
    "page.cut_off": QT_TRANSLATE_NOOP(
        "Texts", "The page is cut off: hold all four corners in view."
    ),
    "page.blurred": QT_TRANSLATE_NOOP("Texts", "The page is blurred: hold it still and try again."),
    "page.glare": QT_TRANSLATE_NOOP(
        "Texts", "Light reflects off the page: tilt it away from the lamp and try again."
    ),
}


def _wait_text(error: DeskError) -> str | None:
    """Sign-in refused for a while: say how long, in words."""
    seconds = int(error.context.get("seconds", 0) or 0)
    if error.code == "permission.locked":
        minutes = max(1, -(-seconds // 60))
        return translate(
            "Texts",
            "Too many failed sign-ins: sign-in is locked for {minutes} min. "
            "An administrator can end the lockout.",
        ).replace("{minutes}", str(minutes))
    if error.code == "permission.sign_in_wait":
        return translate(
            "Texts", "Wrong operator id or password. Wait {seconds} s before trying again."
        ).replace("{seconds}", str(max(1, seconds)))
    return None


def problem_text(code: str, detail: str) -> str:
    """A coded problem of an input file in words (the detail, in English, says what was found)."""
    source = _ERRORS.get(code)
    return translate("Texts", str(source)) if source is not None else detail


def error_text(error: BaseException) -> str:
    """One sentence for people; the code stays visible for support."""
    if isinstance(error, DeskError):
        waiting = _wait_text(error)
        if waiting is not None:
            return f"{waiting} [{error.code}]"
        source = _ERRORS.get(error.code)
        if source is not None:
            where = ""
            if error.code == "visits.bad_checklists":  # say where the file is broken
                line = error.context.get("line")
                where = f" ({error.context.get('file', '')}{f':{line}' if line else ''})"
            return f"{translate('Texts', str(source))}{where} [{error.code}]"
        if error.code.startswith("document."):
            rule = translate("Texts", "The document number breaks a rule")
            return f"{rule}: {error.message} [{error.code}]"
        return f"{error.message} [{error.code}]"
    name = type(error).__name__
    if name == "OperationalError":
        return translate("Texts", "The database is busy or unavailable; try again.") + f" [{name}]"
    return f"{error} [{name}]"
