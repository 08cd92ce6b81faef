"""Sample chip-card texts of each layout, shared by the reader tests."""

from __future__ import annotations

from datetime import date

from desk_app.idcard.protocol import CardText, CardType

RESIDENT = CardText(
    card_type=CardType.RESIDENT,
    name="张三",
    sex_code="2",
    birth_date=date(1949, 12, 31),
    id_number="11010519491231002X",
    valid_from=date(2015, 3, 1),
    valid_to=None,
    long_term=True,
    ethnicity_code="01",
    address="北京市朝阳区建国路88号",
    issuing_authority="北京市公安局朝阳分局",
)
PERMIT = CardText(
    card_type=CardType.RESIDENCE_PERMIT,
    name="陈大文",
    sex_code="1",
    birth_date=date(1990, 1, 1),
    id_number="810000199001010038",
    valid_from=date(2020, 1, 1),
    valid_to=date(2025, 1, 1),
    long_term=False,
    address="广东省深圳市福田区",
    issuing_authority="深圳市公安局",
    pass_number="H12345678",
    issue_count="01",
)
FOREIGNER = CardText(
    card_type=CardType.FOREIGNER_2017,
    name="安娜",
    sex_code="2",
    birth_date=date(1985, 6, 7),
    id_number="USA110085060701",
    valid_from=date(2017, 5, 1),
    valid_to=date(2027, 5, 1),
    long_term=False,
    english_name="SMITH, ANNA",
    nationality="USA",
)
