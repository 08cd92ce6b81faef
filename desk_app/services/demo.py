"""A realistic synthetic roster and demo database, for trying the product without real data.

Identities are random but valid (real county codes, correct check characters); e-photos come from
the shared face images when the data folder is present (read in place, copied only into a
temporary folder for the import). The demo goes through the real importer and the real workflow,
so what a newcomer sees is what a counter does.
"""

from __future__ import annotations

import csv
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.documents import DocumentType
from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.tickets import TicketLayout
from desk_app.domain.workflow import ReasonCode, Role
from desk_app.idcard.areas import SAMPLE_COUNTIES
from desk_app.idcard.rules import compose_citizen_id
from desk_app.persistence.database import Database
from desk_app.persistence.repositories import CandidateRepository
from desk_app.roster.columns import COLUMN_NAMES
from desk_app.security.operators import add_operator
from desk_app.services.roster_import import ImportReport, import_roster
from desk_app.services.workflow import Decision, WorkflowService

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈"
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建国文辉力明永健世"
    "广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天"
    "达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超"
    "浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时"
    "泰盛雄琛钧冠策腾楠榕风航弘婷雪琳晶妍茜秋珊莎锦黛青倩婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹"
    "蓉眉君琴蕊薇菁梦岚苑婕馨"
)
PROGRAMMES = (
    ("120202", "工商管理"),
    ("120203K", "会计学"),
    ("030101K", "法学"),
    ("080901", "计算机科学与技术"),
    ("050101", "汉语言文学"),
    ("040106", "学前教育"),
    ("101101", "护理学"),
    ("120402", "行政管理"),
    ("020301K", "金融学"),
    ("050201", "英语"),
)
EXAM_AREAS = ("0101", "0102", "0103", "0201", "0202")
TUTORING_UNITS = ("城东职业技术学院助学中心", "滨江大学继续教育学院", "明德培训学校")
NON_CHIP_DOCUMENTS = (
    (DocumentType.MILITARY_CARD, "军{:07d}"),
    (DocumentType.PASSPORT, "E{:08d}"),
    (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H{:08d}"),
)
DEMO_PASSWORD = "demo-pass-2026"
DEMO_OPERATORS = (
    ("admin", "系统管理员", Role.ADMINISTRATOR, None),
    ("clerk01", "窗口一 李娜", Role.CLERK, None),
    ("clerk02", "窗口二 王强", Role.CLERK, None),
    ("super01", "审核员 陈静", Role.SUPERVISOR, None),
    ("super02", "审核员 周明", Role.SUPERVISOR, None),
    ("unit01", f"助学单位 {TUTORING_UNITS[0]}", Role.TUTORING_UNIT_STAFF, TUTORING_UNITS[0]),
)


def face_images(data_dir: Path) -> list[Path]:
    """East Asian LFW portraits first (they look like our candidates), then the others."""
    lfw = data_dir / "faces" / "lfw"
    listing = lfw / "east_asian_identities.csv"
    if not listing.exists():
        return []
    with listing.open(encoding="utf-8") as stream:
        first_of_each: dict[str, Path] = {}
        for record in csv.DictReader(stream):
            first_of_each.setdefault(record["identity"], lfw / "images" / record["image"])
    return [path for path in first_of_each.values() if path.exists()]


def generate_roster_rows(
    count: int,
    *,
    seed: int = 2026,
    ticket_length: int = 12,
    photos: int = 0,
    enrolled_share: float = 0.15,
) -> Iterator[dict[str, str]]:
    """``count`` roster rows (English column names); the first ``photos`` rows name a photo file."""
    rng = random.Random(seed)
    used_numbers: set[str] = set()  # one person, one document: a roster never repeats a number
    for index in range(count):
        number = ""
        while not number or number in used_numbers:
            county_code, _ = rng.choice(SAMPLE_COUNTIES)
            birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 40))
            sequence = rng.randrange(1000)
            document_type = DocumentType.RESIDENT_ID
            if rng.random() < 0.02:
                document_type, pattern = rng.choice(NON_CHIP_DOCUMENTS)
                number = pattern.format(rng.randrange(10**7))
            else:
                number = compose_citizen_id(county_code, birth, sequence)
        used_numbers.add(number)
        sex = "1" if sequence % 2 else "2"
        enrolled = rng.random() < enrolled_share
        code, programme = rng.choice(PROGRAMMES)
        in_class = rng.random() < 0.3
        unit = rng.choice(TUTORING_UNITS) if in_class else ""
        given = "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(rng.choice((1, 2, 2))))
        ticket = ""
        if enrolled:
            # Earlier years' numbers: same layout length, a past period, never this year's series.
            ticket = f"{rng.randrange(10**4):04d}{rng.choice(('191', '202', '221'))}" + (
                f"{index:0{ticket_length - 7}d}"
            )
        yield {
            "registration_id": f"REG{2026_0000000 + index}",
            "kind": (CandidateKind.ENROLLED if enrolled else CandidateKind.NEW).value,
            "name": rng.choice(SURNAMES) + given,
            "sex": sex,
            "ethnicity": "01" if rng.random() < 0.9 else f"{rng.randrange(2, 57):02d}",
            "birth_date": birth.isoformat(),
            "document_type": document_type.value,
            "document_number": number,
            "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            "email": f"candidate{index}@example.cn",
            "exam_area": rng.choice(EXAM_AREAS),
            "programme_code": code,
            "programme_name": programme,
            "tutoring_unit": unit,
            "class_name": f"{programme}{rng.randrange(1, 4)}班" if in_class else "",
            "ticket_number": ticket,
            "merged_ticket_numbers": "",
            "prior_diploma_status": rng.choice(
                (PriorDiplomaStatus.NOT_APPLICABLE.value,) * 8
                + (PriorDiplomaStatus.PASSED.value, PriorDiplomaStatus.FAILED.value)
            ),
            "photo_file": f"{index:06d}.jpg" if index < photos else "",
        }


def write_roster_csv(path: Path, rows: Iterator[dict[str, str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


@dataclass
class DemoSummary:
    candidates: int
    photos: int
    operators: list[str] = field(default_factory=list)
    confirmed: list[tuple[str, str]] = field(default_factory=list)  # (registration id, ticket)
    referred: list[str] = field(default_factory=list)
    report: ImportReport | None = None


def has_candidates(database: Database) -> bool:
    """Whether the database holds any pre-registration (a demo is only built into an empty one)."""
    with database.reading() as uow:
        return bool(sum(CandidateRepository(uow.session).count_by_state().values()))


def build_demo(
    database: Database,
    workflow: WorkflowService,
    *,
    ticket_layout: TicketLayout,
    count: int = 200,
    data_dir: Path | None = None,
    seed: int = 2026,
) -> DemoSummary:
    """Fill an empty database with operators, a roster with e-photos, and a few decisions."""
    images = face_images(data_dir) if data_dir else []
    summary = DemoSummary(candidates=0, photos=0)
    for operator_id, name, role, unit in DEMO_OPERATORS:
        add_operator(
            database,
            operator_id=operator_id,
            display_name=name,
            role=role,
            password=DEMO_PASSWORD,
            tutoring_unit=unit,
            created_by="demo",
        )
        summary.operators.append(operator_id)
    with tempfile.TemporaryDirectory(prefix="desk-demo-") as staging:
        folder = Path(staging)
        for index, image in enumerate(images[:count]):
            shutil.copyfile(image, folder / f"{index:06d}.jpg")
        roster = folder / "roster.csv"
        summary.candidates = write_roster_csv(
            roster,
            generate_roster_rows(
                count,
                seed=seed,
                ticket_length=ticket_layout.length,
                photos=min(len(images), count),
            ),
        )
        summary.report = import_roster(
            database, roster, ticket_layout=ticket_layout, photos=folder, operator_id="demo"
        )
        summary.photos = summary.report.photos_stored
    _make_some_decisions(database, workflow, summary, count)
    return summary


def prepare_demo_database(
    database: Database,
    workflow: WorkflowService,
    *,
    ticket_layout: TicketLayout,
    data_dir: Path | None,
    database_url: str,
    say: Callable[[str], None] = print,
) -> DemoSummary | None:
    """Build the demo when the database holds no candidate yet (a first ``--demo`` run), and
    tell the newcomer how to sign in. Returns the summary when the demo was built."""
    summary = None
    if not has_candidates(database):
        say(f"creating a demo database at {database_url} ...")
        summary = build_demo(database, workflow, ticket_layout=ticket_layout, data_dir=data_dir)
    say(f"demo operators: clerk01, super01, super02, unit01, admin; password {DEMO_PASSWORD}")
    return summary


def _make_some_decisions(
    database: Database, workflow: WorkflowService, summary: DemoSummary, count: int
) -> None:
    """Confirm a few records and refer a few, so every screen has something to show."""
    with database.reading() as uow:
        candidates = CandidateRepository(uow.session).search(limit=count)
        chip = [c.registration_id for c in candidates if DocumentType(c.document_type).has_chip]
        without_chip = [
            c.registration_id for c in candidates if not DocumentType(c.document_type).has_chip
        ]
    # Records after the first photos-bearing ones are left for the newcomer to confirm.
    # As the counter screen would have recorded them: the challenge passed (demo history).
    passed = LivenessEvidence(("blink", "left"), passed=True, code="liveness.passed")
    for registration_id in chip[-5:]:
        change = workflow.confirm(
            registration_id, "clerk01", Decision(note="演示数据", liveness=passed)
        )
        summary.confirmed.append((registration_id, change.ticket_number or ""))
    for registration_id in [*chip[-8:-5], *without_chip[:2]]:
        reason = ReasonCode.FACE_SCORE_LOW
        if registration_id in without_chip:
            reason = ReasonCode.DOCUMENT_WITHOUT_CHIP
        workflow.refer(registration_id, "clerk01", Decision(reason=reason, note="演示数据"))
        summary.referred.append(registration_id)
