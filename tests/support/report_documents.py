"""Generated certification reports held up to a camera, for tests and ``bench/documents.py``.

Two kinds, laid out after the public look of the originals (an A4 portrait page): the
《教育部学历证书电子注册备案表》 and the 《中国高等教育学历认证报告》, each with a random
16-character online verification code. Every page is drawn from a seed by ``random``; no real
person's data and no real code is used. ``report_scene`` puts a page in a camera frame with the
card renderer's camera model (rotation, perspective, light, glare, blur, noise, JPEG).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image, ImageDraw

from desk_app.idcard.documents import CODE_ALPHABET, VERIFICATION_CODE_LENGTH
from tests.support.card_images import Conditions, _font, camera_scene, random_identity

A4_MM = (210.0, 297.0)
PX_PER_MM = 5.0  # 1050 x 1485 px: a 127 dpi page, sharper than any webcam frame of it
REPORT_KINDS = ("filing_form", "certification_report")
TITLES = {
    "filing_form": "教育部学历证书电子注册备案表",
    "certification_report": "中国高等教育学历认证报告",
}
DOCUMENT_FRAME = (1920, 1080)  # a 1080p counter webcam


@dataclass(frozen=True)
class ReportPage:
    kind: str
    code: str
    image: np.ndarray  # BGRA, upright


def random_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def render_report(kind: str, rng: random.Random, *, code: str | None = None) -> ReportPage:
    """An upright A4 page of ``kind`` with a random identity and verification code."""
    code = code or random_code(rng)
    width, height = int(A4_MM[0] * PX_PER_MM), int(A4_MM[1] * PX_PER_MM)
    tone = rng.randrange(226, 240)
    page = Image.new("RGB", (width, height), (tone, tone, tone - 3))
    draw = ImageDraw.Draw(page)
    mm = PX_PER_MM
    title_font = _font("Noto Serif CJK SC", int(7.5 * mm))
    label_font = _font("Noto Sans CJK SC", int(4.2 * mm))
    value_font = _font("Noto Serif CJK SC", int(4.4 * mm))
    code_font = _font("Noto Sans Mono CJK SC", int(5.2 * mm))
    title = TITLES[kind]
    title_width = draw.textlength(title, font=title_font)
    draw.text(((width - title_width) / 2, 22 * mm), title, font=title_font, fill=(20, 20, 24))
    identity = random_identity(rng)
    year = rng.randrange(2003, 2024)
    rows = [
        ("姓名", identity.name),
        ("性别", identity.sex),
        ("出生日期", identity.birth_date.strftime("%Y年%m月%d日")),
        ("入学日期", f"{year - 3}年09月01日"),
        ("毕(结)业日期", f"{year}年07月01日"),
        ("学校名称", rng.choice(("某某职业技术学院", "某某师范专科学校", "某某广播电视大学"))),
        ("专业", rng.choice(("会计", "计算机应用技术", "护理", "汉语言文学"))),
        ("学制", "3年"),
        ("层次", "专科"),
        ("学历类别", rng.choice(("普通高等教育", "成人高等教育", "高等教育自学考试"))),
        ("学习形式", rng.choice(("普通全日制", "业余", "函授"))),
        ("毕(结)业", "毕业"),
        ("证书编号", "".join(rng.choice(string.digits) for _ in range(18))),
    ]
    top = 48 * mm
    frame = (18 * mm, top - 6 * mm, width - 18 * mm, top + 14 * mm * len(rows))
    draw.rectangle(frame, outline=(60, 60, 60), width=2)
    for index, (label, value) in enumerate(rows):
        y = top + index * 14 * mm
        draw.text((24 * mm, y), label, font=label_font, fill=(70, 70, 80))
        draw.text((66 * mm, y), value, font=value_font, fill=(20, 20, 24))
        if index:
            draw.line((18 * mm, y - 5 * mm, width - 18 * mm, y - 5 * mm), fill=(150, 150, 150))
    photo = (width - 58 * mm, top, width - 24 * mm, top + 44 * mm)
    draw.rectangle(photo, fill=(205, 212, 222), outline=(120, 120, 120))
    footer = frame[3] + 14 * mm
    draw.text((24 * mm, footer), "在线验证码：", font=label_font, fill=(40, 40, 40))
    draw.text((60 * mm, footer - 0.6 * mm), code, font=code_font, fill=(15, 15, 20))
    draw.text(
        (24 * mm, footer + 12 * mm),
        "本报告可在学信网（www.chsi.com.cn）在线验证。",
        font=label_font,
        fill=(90, 90, 90),
    )
    bgra = cv2.cvtColor(np.asarray(page.convert("RGBA")), cv2.COLOR_RGBA2BGRA)
    return ReportPage(kind, code, bgra)


def random_report_conditions(rng: random.Random) -> Conditions:
    """A page held up to the counter's webcam: any rotation, some perspective, uneven light,
    sometimes a little glare or blur (the amounts a clerk would still accept)."""
    return Conditions(
        card_width=rng.uniform(0.26, 0.36),
        rotation=rng.uniform(0, 360),
        tilt=rng.uniform(0.0, 0.05),
        light_gradient=rng.uniform(0.0, 0.3),
        glare=rng.choice((0.0, 0.0, rng.uniform(20, 60))),
        blur=rng.choice((0.0, rng.uniform(0.3, 0.9))),
        noise=rng.uniform(1.0, 3.0),
        jpeg_quality=rng.randrange(80, 95),
        clutter=True,
        seed=rng.randrange(1 << 30),
    )


def report_scene(page: ReportPage, conditions: Conditions, *, margin: int = 40) -> np.ndarray:
    """The page as a 1080p camera frame (BGR), wholly in view: ``margin`` pixels of the
    background colour around the part where the camera model may place it."""
    width, height = DOCUMENT_FRAME
    inner = (width - 2 * margin, height - 2 * margin)
    image, _corners = camera_scene(page.image, conditions, size=inner)
    border = np.median(np.concatenate([image[0], image[-1]]), axis=0)
    return cv2.copyMakeBorder(
        image, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=border.tolist()
    )


def report_case(seed: int, *, kind: str | None = None, **overrides: float) -> tuple[
    ReportPage, np.ndarray
]:  # fmt: skip
    """One generated report and its camera frame, reproducible from ``seed``."""
    rng = random.Random(seed)
    page = render_report(kind or rng.choice(REPORT_KINDS), rng)
    conditions = random_report_conditions(rng)
    if overrides:
        conditions = replace(conditions, **overrides)  # type: ignore[arg-type]
    return page, report_scene(page, conditions)
