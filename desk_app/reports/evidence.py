"""The evidence pack: everything the counter holds about one candidate's confirmation, as one
PDF for a supervisor resolving a dispute.

It carries the three pictures (the registered e-photo, the live capture, the chip portrait when
one was kept) and the liveness challenge's evidence frames, the distances, thresholds, engine and
model of every match, every decision with who, when and where, and the audit entries about the
record. It holds faces and a name: only a supervisor or an administrator may make one, with a
written reason; the request is recorded in the audit chain before anything is read (refused
requests too), and the file is 0600. ID numbers stay masked, in the candidate block and in the
decisions' evidence alike.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
from sqlalchemy import or_, select

from desk_app.config import Settings
from desk_app.domain.errors import NotFoundError
from desk_app.domain.image_limits import ImageSizeError
from desk_app.domain.masking import mask_document_number
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.visits import VISIT_EVIDENCE_KEY, VisitReason
from desk_app.persistence.database import Database
from desk_app.persistence.models import AuditEntry, Candidate, Photo, PurgedMedia, Transition
from desk_app.reports.daily import a4_pdf, pdf_table, register_font, report_styles
from desk_app.security.keys import write_private
from desk_app.services.access import authorise_unmask
from desk_app.services.documents import DOCUMENT_PURPOSE
from desk_app.vision.images import ImageError, decode_bgr

# Evidence keys whose values are ID numbers: masked in the pack like everywhere else.
_NUMBER_KEYS = frozenset({"card_number", "number", "document_number"})
PHOTO_SIDE_MM = 38


@dataclass(frozen=True)
class PictureRecord:
    label: str
    jpeg: bytes | None  # re-encoded from the stored bytes (never the stored bytes themselves)
    note: str  # sha256, or why there is no picture


@dataclass(frozen=True)
class DecisionLine:
    occurred_at: datetime
    action: str
    from_state: str
    to_state: str
    operator_id: str
    operator_role: str
    site_id: str
    counter_id: str
    method: str
    reason_code: str | None
    note: str
    ticket_number: str | None
    evidence: dict[str, Any]
    scores: dict[str, Any]
    visit_reason: str | None = None


@dataclass(frozen=True)
class AuditLine:
    sequence: int
    occurred_at: datetime
    actor: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class EvidenceRecord:
    registration_id: str
    name: str
    masked_number: str
    document_type: str
    exam_area: str
    tutoring_unit: str | None
    state: str
    ticket_number: str | None
    pictures: tuple[PictureRecord, ...]
    decisions: tuple[DecisionLine, ...]
    audit: tuple[AuditLine, ...]
    thresholds: dict[str, float]
    engine: str
    # Supporting documents' pages held up to the camera (issue 18), oldest first.
    documents: tuple[PictureRecord, ...] = ()


@dataclass(frozen=True)
class EvidencePackResult:
    path: Path
    decisions: int
    photos: int
    audit_entries: int


def _masked(value: Any, key: str = "") -> Any:
    """The evidence with every ID number masked, however deep it sits."""
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item, key) for item in value]
    if key in _NUMBER_KEYS and isinstance(value, str):
        return mask_document_number(value)
    return value


def _reencoded(data: bytes, source: str) -> bytes | None:
    """A JPEG made from a decoded picture: the stored bytes (an untrusted roster file, say)
    never reach the PDF writer, and the pixel cap applies on the way."""
    try:
        image = decode_bgr(data, source=source)
    except (ImageError, ImageSizeError, ValueError):  # not shown, never a crash
        return None
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return bytes(encoded) if ok else None


def _picture(
    session: Any, candidate_id: int, purpose: str, label: str, photo_id: int | None = None
) -> PictureRecord:
    query = select(Photo).where(Photo.candidate_id == candidate_id, Photo.purpose == purpose)
    if photo_id is not None:
        query = query.where(Photo.id == photo_id)
    photo = session.execute(query.order_by(Photo.id.desc())).scalars().first()
    if photo is not None:
        jpeg = _reencoded(photo.data, purpose)
        note = f"sha256 {photo.sha256[:16]}…" + ("" if jpeg else " (cannot be decoded)")
        return PictureRecord(label, jpeg, note)
    kind = "live" if purpose == "live" else purpose
    purged = (
        session.execute(
            select(PurgedMedia)
            .where(PurgedMedia.candidate_id == candidate_id, PurgedMedia.kind == kind)
            .order_by(PurgedMedia.id.desc())
        )
        .scalars()
        .first()
    )
    if purged is not None:
        when = purged.purged_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d")
        return PictureRecord(
            label, None, f"已按保存期限删除 purged {when}, sha256 {purged.sha256[:16]}…"
        )
    return PictureRecord(label, None, "未保存 not kept")


def _liveness_frames(transitions: Sequence[Transition]) -> list[int]:
    """The evidence frames of the latest decision that kept a liveness challenge."""
    for transition in reversed(transitions):
        record = transition.evidence.get("liveness")
        if isinstance(record, dict) and isinstance(record.get("frames"), list):
            return [frame for frame in record["frames"] if isinstance(frame, int)]
    return []


def collect_evidence(
    database: Database, registration_id: str, settings: Settings
) -> EvidenceRecord:
    """Everything the pack shows, read in one transaction."""
    with database.reading() as uow:
        session = uow.session
        candidate = session.execute(
            select(Candidate).where(Candidate.registration_id == registration_id)
        ).scalar_one_or_none()
        if candidate is None:
            raise NotFoundError(
                f"no pre-registration {registration_id!r}",
                code="candidate.not_found",
                registration_id=registration_id,
            )
        transitions = (
            session.execute(
                select(Transition)
                .where(Transition.candidate_id == candidate.id)
                .order_by(Transition.occurred_at, Transition.id)
            )
            .scalars()
            .all()
        )
        live_id = next(
            (
                t.evidence.get("live_photo")
                for t in reversed(transitions)
                if isinstance(t.evidence.get("live_photo"), int)
            ),
            None,
        )
        pictures = (
            _picture(session, candidate.id, "registered", "报名照片 Registered e-photo"),
            _picture(session, candidate.id, "live", "现场照片 Live capture", live_id),
            _picture(session, candidate.id, "card_portrait", "证件芯片照片 Chip portrait"),
            *(
                _picture(session, candidate.id, "liveness", f"活体检测 Liveness frame {n}", frame)
                for n, frame in enumerate(_liveness_frames(transitions), 1)
            ),
        )
        documents = _documents(session, candidate.id, transitions)
        entries = (
            session.execute(
                select(AuditEntry)
                .where(
                    or_(
                        AuditEntry.subject == registration_id,
                        AuditEntry.subject.like(f"{registration_id}:%"),
                    )
                )
                .order_by(AuditEntry.sequence)
            )
            .scalars()
            .all()
        )
        thresholds = settings.thresholds_for(settings.faces.engine)
        return EvidenceRecord(
            registration_id=candidate.registration_id,
            name=candidate.name,
            masked_number=mask_document_number(candidate.document_number),
            document_type=candidate.document_type,
            exam_area=candidate.exam_area,
            tutoring_unit=candidate.tutoring_unit,
            state=candidate.state,
            ticket_number=candidate.ticket_number,
            pictures=pictures,
            decisions=tuple(
                DecisionLine(
                    occurred_at=t.occurred_at,
                    action=t.action,
                    from_state=t.from_state,
                    to_state=t.to_state,
                    operator_id=t.operator_id,
                    operator_role=t.operator_role,
                    site_id=t.site_id,
                    counter_id=t.counter_id,
                    method=t.method,
                    reason_code=t.reason_code,
                    note=t.note,
                    ticket_number=t.ticket_number,
                    evidence=_masked(dict(t.evidence)),
                    scores=dict(t.scores),
                    visit_reason=t.visit_reason,
                )
                for t in transitions
            ),
            audit=tuple(
                AuditLine(e.sequence, e.occurred_at, e.actor, e.action, _masked(dict(e.details)))
                for e in entries
            ),
            thresholds={
                f"{comparison}_{band}": float(getattr(thresholds, f"{comparison}_{band}"))
                for comparison in ("live_card", "live_ephoto", "card_ephoto")
                for band in ("pass", "review")
            },
            engine=settings.faces.engine,
            documents=documents,
        )


def _documents(session: Any, candidate_id: int, transitions: Any) -> tuple[PictureRecord, ...]:
    """Every supporting page kept for the candidate, with its kind and verification code as
    the decision recorded them; pages purged after the retention period are listed as such."""
    recorded: dict[int, dict[str, Any]] = {}
    for transition in transitions:
        visit = transition.evidence.get(VISIT_EVIDENCE_KEY)
        for entry in (visit.get("pages") or []) if isinstance(visit, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("photo"), int):
                recorded[entry["photo"]] = entry
    pictures: list[PictureRecord] = []
    photos = session.execute(
        select(Photo)
        .where(Photo.candidate_id == candidate_id, Photo.purpose == DOCUMENT_PURPOSE)
        .order_by(Photo.id)
    ).scalars()
    for index, photo in enumerate(photos, start=1):
        entry = recorded.get(photo.id, {})
        label = f"证明材料 Supporting document {index}"
        if entry.get("kind") == "certification_report":
            code = entry.get("verification_code") or "—"
            doubt = " (存疑 doubtful read)" if entry.get("code_flagged") else ""
            label += f" · 在线验证码 verification code {code}{doubt}"
        jpeg = _reencoded(photo.data, DOCUMENT_PURPOSE)
        note = f"sha256 {photo.sha256[:16]}…" + ("" if jpeg else " (cannot be decoded)")
        pictures.append(PictureRecord(label, jpeg, note))
    for purged in session.execute(
        select(PurgedMedia)
        .where(PurgedMedia.candidate_id == candidate_id, PurgedMedia.kind == DOCUMENT_PURPOSE)
        .order_by(PurgedMedia.id)
    ).scalars():
        when = purged.purged_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d")
        pictures.append(
            PictureRecord(
                "证明材料 Supporting document",
                None,
                f"已按保存期限删除 purged {when}, sha256 {purged.sha256[:16]}…",
            )
        )
    return tuple(pictures)


def _visit_label(value: str | None) -> str:
    if value is None:
        return ""
    try:
        reason = VisitReason(value)
    except ValueError:
        return value
    return f"{reason.chinese_label} {reason.english_label}"


def _china(moment: datetime) -> str:
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")


def _score_rows(scores: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    per_comparison = scores.get("scores")
    if isinstance(per_comparison, dict):
        for comparison, score in per_comparison.items():
            if not isinstance(score, dict):
                continue
            distance = score.get("distance")
            rows.append(
                (
                    comparison,
                    "—" if distance is None else f"{float(distance):.4f}",
                    score.get("band") or "—",
                    score.get("pass", "—"),
                    score.get("review", "—"),
                )
            )
    fused = scores.get("fused")
    if isinstance(fused, dict) and fused.get("distance") is not None:
        rows.append(
            (
                "fused",
                f"{float(fused['distance']):.4f}",
                fused.get("band") or "—",
                fused.get("pass", "—"),
                fused.get("review", "—"),
            )
        )
    return rows


def evidence_pdf(record: EvidenceRecord, *, made_by: str, reason: str, made_at: datetime) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, Table, TableStyle

    register_font()
    styles = report_styles()
    body = styles["body"]
    story: list[Any] = [
        Paragraph(f"身份确认证据包 Evidence pack · {record.registration_id}", styles["title"]),
        Paragraph(f"制作 Made by {made_by} · {_china(made_at)} · 原因 Reason: {reason}", body),
        pdf_table(
            [
                ("报名号 Registration id", record.registration_id),
                ("姓名 Name", record.name),
                ("证件 Document", f"{record.document_type} {record.masked_number}"),
                ("考区 Exam area", record.exam_area),
                ("助学单位 Tutoring unit", record.tutoring_unit or "—"),
                ("状态 State", record.state),
                ("准考证号 Ticket number", record.ticket_number or "—"),
            ]
        ),
        Paragraph("照片 Pictures", styles["heading"]),
    ]
    cells: list[Any] = []
    for picture in record.pictures:
        parts: list[Any] = [Paragraph(picture.label, body)]
        if picture.jpeg is not None:
            image = Image(io.BytesIO(picture.jpeg))
            scale = min(PHOTO_SIDE_MM * mm / image.imageWidth, 48 * mm / image.imageHeight)
            image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
            parts.append(image)
        parts.append(Paragraph(picture.note, body))
        cells.append(parts)
    # Three to a row: the faces first, then the liveness challenge's evidence frames.
    cells += [""] * (-len(cells) % 3)
    grid = [cells[start : start + 3] for start in range(0, len(cells), 3)]
    pictures = Table(grid, colWidths=[60 * mm] * 3, hAlign="LEFT")
    pictures.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(pictures)
    if record.documents:
        story.append(Paragraph("证明材料 Supporting documents", styles["heading"]))
        for document in record.documents:
            story.append(Paragraph(document.label, body))
            if document.jpeg is not None:
                page = Image(io.BytesIO(document.jpeg))
                scale = min(120 * mm / page.imageWidth, 160 * mm / page.imageHeight)
                page.drawWidth, page.drawHeight = page.imageWidth * scale, page.imageHeight * scale
                page.hAlign = "LEFT"
                story.append(page)
            story.append(Paragraph(document.note, body))
    story += [
        Paragraph(f"当前阈值 Thresholds now ({record.engine})", styles["heading"]),
        pdf_table(
            [
                (
                    comparison,
                    record.thresholds[f"{comparison}_pass"],
                    record.thresholds[f"{comparison}_review"],
                )
                for comparison in ("live_card", "live_ephoto", "card_ephoto")
            ],
            ("比对 Comparison", "通过 Pass ≤", "复核 Review ≤"),
        ),
        Paragraph("决定 Decisions", styles["heading"]),
    ]
    if not record.decisions:
        story.append(Paragraph("无 None", body))
    for index, line in enumerate(record.decisions, start=1):
        story.append(
            Paragraph(
                f"{index}. {_china(line.occurred_at)} · {line.action} "
                f"({line.from_state} → {line.to_state}) · {line.operator_id} "
                f"({line.operator_role}) · {line.site_id}/{line.counter_id} · {line.method}"
                + (f" · 原因 reason {line.reason_code}" if line.reason_code else "")
                + (f" · 来访原因 visit {_visit_label(line.visit_reason)}" * bool(line.visit_reason))
                + (f" · 准考证号 {line.ticket_number}" if line.ticket_number else ""),
                body,
            )
        )
        if line.note:
            story.append(Paragraph(f"备注 Note: {line.note}", body))
        rows = _score_rows(line.scores)
        if rows:
            engine = line.scores.get("engine", "—")
            model = line.scores.get("model_version", "—")
            story.append(Paragraph(f"引擎 Engine {engine} · 模型 Model {model}", body))
            story.append(
                pdf_table(
                    rows,
                    (
                        "比对 Comparison",
                        "距离 Distance",
                        "结果 Band",
                        "通过 Pass ≤",
                        "复核 Review ≤",
                    ),
                )
            )
        if line.evidence:
            evidence = "; ".join(f"{k}: {v}" for k, v in sorted(line.evidence.items()))
            story.append(Paragraph(f"证据 Evidence: {evidence}", body))
    story.append(Paragraph("审计记录 Audit entries", styles["heading"]))
    story.append(
        pdf_table(
            [
                (
                    entry.sequence,
                    _china(entry.occurred_at),
                    entry.actor,
                    entry.action,
                    ", ".join(f"{k}={v}" for k, v in sorted(entry.details.items()))[:160],
                )
                for entry in record.audit
            ],
            ("#", "时间 Time", "操作员 Actor", "动作 Action", "详情 Details"),
        )
    )
    return a4_pdf(story, f"Evidence pack {record.registration_id}")


def evidence_pack(
    database: Database,
    registration_id: str,
    out: Path,
    *,
    operator_id: str,
    reason: str,
    settings: Settings,
) -> EvidencePackResult:
    """Write the pack for ``registration_id`` to ``out`` (0600). The operator's role and reason
    are checked and recorded first (``personal_data.unmask`` with ``what=evidence_pack``)."""
    authorise_unmask(
        database, operator_id, subject=registration_id, reason=reason, what="evidence_pack"
    )
    record = collect_evidence(database, registration_id, settings)
    made_at = datetime.now(CHINA_TIME)
    write_private(out, evidence_pdf(record, made_by=operator_id, reason=reason, made_at=made_at))
    return EvidencePackResult(
        path=out,
        decisions=len(record.decisions),
        photos=sum(picture.jpeg is not None for picture in record.pictures + record.documents),
        audit_entries=len(record.audit),
    )
