"""Synthetic resident ID card images with known ground truth, for tests and benchmarks.

``render_front``/``render_back`` draw an upright card at the canonical 10 px/mm by the layout in
``desk_app.idcard.layout``; ``camera_scene`` puts a card into a 1280×720 frame the way a webcam at
a counter sees it (perspective, any rotation, uneven light, glare, blur, noise, JPEG, clutter,
distance). Everything is drawn from a seeded ``random.Random``, so a failing case can be
rebuilt from its seed. Fonts come from the system (fonts-noto-cjk); portraits from real face
images read in place from the shared data folder.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from desk_app.idcard.areas import SAMPLE_COUNTIES
from desk_app.idcard.codes import ETHNICITIES
from desk_app.idcard.layout import CANONICAL_SIZE, PIXELS_PER_MM, PORTRAIT
from desk_app.idcard.rules import compose_citizen_id

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "慕容")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰辉玲华飞鹏建国志红梅琳斌宇浩凯婷雪晨欣怡"
    "子涵梓轩思雨嘉佳俊博文轩宏瑞泽昊天晓东海燕春秋冬兵振华翠萍玉珍德福荣亮丹彤颖璐瑶琪薇鑫"
    "晶波岩峰昕阳鸿鑫睿哲远航"
)
MINORITY_NAMES = ("阿依古丽·买买提", "艾力·阿不都", "热依拉·吐尔逊", "巴特尔", "其其格", "卓玛")
STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平街",
    "胜利街",
    "朝阳路",
    "新华路",
    "青年路",
    "幸福小区",
    "光明巷",
    "长江路",
    "黄河路",
    "文化路",
    "花园街",
    "滨江大道",
    "学府路",
)
BUILDINGS = ("", "", "小区", "花园", "公寓", "新村", "家属院")
# Ethnicity codes weighted roughly by population; a few rare ones keep the table honest.
ETHNICITY_WEIGHTS = {"01": 85, "08": 2, "03": 2, "11": 2, "05": 2, "06": 1, "04": 1, "02": 1,
                     "15": 1, "10": 1, "18": 1, "27": 1}  # fmt: skip


@dataclass(frozen=True)
class Identity:
    """Everything printed on the two sides of one card."""

    name: str
    sex: str
    ethnicity: str
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: date
    valid_to: date | None  # None: 长期

    @property
    def validity_text(self) -> str:
        end = "长期" if self.valid_to is None else self.valid_to.strftime("%Y.%m.%d")
        return f"{self.valid_from.strftime('%Y.%m.%d')}-{end}"


def random_identity(rng: random.Random, *, today: date = date(2026, 11, 28)) -> Identity:
    """A valid, random identity: the number's area, birth date and sex agree with the card."""
    area_code, county = rng.choice(SAMPLE_COUNTIES)
    born = date(1950, 1, 1) + timedelta(
        days=rng.randrange(0, (date(2008, 12, 31) - date(1950, 1, 1)).days)
    )
    sequence = rng.randrange(0, 1000)
    sex = "男" if sequence % 2 else "女"
    if rng.random() < 0.04:
        name = rng.choice(MINORITY_NAMES)
    else:
        surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.05 else rng.choice(SURNAMES)
        name = surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    codes, weights = zip(*ETHNICITY_WEIGHTS.items(), strict=True)
    ethnicity = ETHNICITIES[rng.choices(codes, weights)[0]]
    street = rng.choice(STREETS)
    address = f"{county}{street}{rng.randrange(1, 999)}号"
    if rng.random() < 0.6:
        address += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 2999)}室"
    address += rng.choice(BUILDINGS) if rng.random() < 0.2 else ""
    issued = today - timedelta(days=rng.randrange(30, 365 * 12))
    age_at_issue = (issued - born).days // 365
    years = 5 if age_at_issue < 16 else 10 if age_at_issue < 26 else 20 if age_at_issue < 46 else 0
    valid_to = None if years == 0 else _add_years(issued, years)
    if rng.random() < 0.08:  # some cards in a queue have run out
        issued = today - timedelta(days=rng.randrange(365 * 11, 365 * 12))
        valid_to = _add_years(issued, 10)
    authority = (
        f"{county}公安局" if county.endswith("市") else f"{county[:3]}公安局{county[3:-1]}分局"
    )
    return Identity(
        name=name,
        sex=sex,
        ethnicity=ethnicity,
        birth_date=born,
        address=address,
        id_number=compose_citizen_id(area_code, born, sequence),
        issuing_authority=authority,
        valid_from=issued,
        valid_to=valid_to,
    )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- fonts -------------------------------------------------------------------------------------


class FontMissingError(RuntimeError):
    """No CJK font is installed (Debian: fonts-noto-cjk)."""


@cache
def _font_file(family: str) -> tuple[str, int]:
    if shutil.which("fc-match") is None:
        raise FontMissingError("fontconfig (fc-match) is not installed")
    found = subprocess.run(
        ["fc-match", "-f", "%{file}\t%{index}\t%{family}", f"{family}:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path, index, families = found.split("\t")
    if "CJK" not in families and "Han" not in families:
        raise FontMissingError(
            f"no CJK font for {family!r} (install fonts-noto-cjk); got {families}"
        )
    return path, int(index)


def cjk_font_available() -> bool:
    try:
        _font_file("Noto Sans CJK SC")
    except (FontMissingError, subprocess.CalledProcessError, ValueError):
        return False
    return True


@cache
def _font(family: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_file(family)
    return ImageFont.truetype(path, size, index=index)


# --- the card itself ---------------------------------------------------------------------------

LABEL_COLOUR = (48, 118, 170)
TEXT_COLOUR = (22, 22, 26)
MM = PIXELS_PER_MM


def _background(rng: random.Random, tint: tuple[int, int, int]) -> Image.Image:
    width, height = CANONICAL_SIZE
    xs = np.linspace(0, 1, width)[None, :, None]
    ys = np.linspace(0, 1, height)[:, None, None]
    base = np.array(tint, dtype=np.float32)[None, None, :]
    shade = base - 18 * xs * ys + 10 * np.sin(xs * 7 + ys * 3)
    # Fine guilloche lines, as on the printed security background.
    phase = rng.uniform(0, 6.28)
    waves = (np.sin(xs * 90 + np.sin(ys * 14 + phase) * 6) > 0.96).astype(np.float32)
    shade = shade - 14 * waves
    return Image.fromarray(np.clip(shade, 0, 255).astype(np.uint8), "RGB")


def _rounded(image: Image.Image) -> Image.Image:
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *image.size), radius=int(3.2 * MM), fill=255)
    out = Image.new("RGBA", image.size)
    out.paste(image, (0, 0), mask)
    return out


def _portrait_image(path: Path | None, rng: random.Random) -> Image.Image:
    x0, y0, x1, y1 = PORTRAIT.pixels()
    size = (x1 - x0 - 2 * MM, y1 - y0 - 2 * MM)
    if path is None:
        face = Image.new("RGB", size, (228, 228, 228))
        draw = ImageDraw.Draw(face)
        draw.ellipse(
            (size[0] * 0.25, size[1] * 0.15, size[0] * 0.75, size[1] * 0.65), fill=(180, 150, 130)
        )
        return face
    photo = Image.open(path).convert("RGB")
    width, height = photo.size
    crop_w = width * rng.uniform(0.50, 0.58)
    crop_h = crop_w * size[1] / size[0]
    left = (width - crop_w) / 2
    top = height * 0.5 - crop_h * 0.52
    face = photo.crop((int(left), int(top), int(left + crop_w), int(top + crop_h))).resize(size)
    # Card portraits are printed pale over the background.
    return Image.blend(face, Image.new("RGB", size, (236, 236, 236)), 0.18)


def render_front(identity: Identity, portrait: Path | None, rng: random.Random) -> np.ndarray:
    """The portrait side, upright, at the canonical size (BGR, with rounded transparent corners
    flattened onto black: ``camera_scene`` uses the alpha channel from ``_rounded``)."""
    card = _background(rng, (238, 240, 236))
    draw = ImageDraw.Draw(card)
    value_family = rng.choice(("Noto Sans CJK SC", "Noto Serif CJK SC"))
    label = _font("Noto Sans CJK SC", int(2.8 * MM))
    value = _font(value_family, int(3.3 * MM))
    name_font = _font(value_family, int(3.9 * MM))
    number_font = _font("Noto Sans Mono CJK SC", int(4.0 * MM))
    left, value_left = 7.0 * MM, 17.0 * MM

    draw.text((left, 7.0 * MM), "姓  名", font=label, fill=LABEL_COLOUR)
    draw.text((value_left, 6.3 * MM), identity.name, font=name_font, fill=TEXT_COLOUR)
    draw.text((left, 13.5 * MM), "性  别", font=label, fill=LABEL_COLOUR)
    draw.text((value_left, 13.2 * MM), identity.sex, font=value, fill=TEXT_COLOUR)
    draw.text((27.5 * MM, 13.5 * MM), "民  族", font=label, fill=LABEL_COLOUR)
    draw.text((37.5 * MM, 13.2 * MM), identity.ethnicity, font=value, fill=TEXT_COLOUR)
    draw.text((left, 19.5 * MM), "出  生", font=label, fill=LABEL_COLOUR)
    born = identity.birth_date
    x = value_left
    for text, font, colour in (
        (f"{born.year}", value, TEXT_COLOUR), ("年", label, LABEL_COLOUR),
        (f"{born.month}", value, TEXT_COLOUR), ("月", label, LABEL_COLOUR),
        (f"{born.day}", value, TEXT_COLOUR), ("日", label, LABEL_COLOUR),
    ):  # fmt: skip
        draw.text((x, 19.2 * MM), text, font=font, fill=colour)
        x += font.getlength(text) + 1.6 * MM
    draw.text((left, 25.5 * MM), "住  址", font=label, fill=LABEL_COLOUR)
    per_line = 11
    lines = [identity.address[i : i + per_line] for i in range(0, len(identity.address), per_line)]
    for row, line in enumerate(lines[:3]):
        draw.text((value_left, (25.2 + row * 4.6) * MM), line, font=value, fill=TEXT_COLOUR)
    draw.text((left, 44.5 * MM), "公民身份号码", font=label, fill=LABEL_COLOUR)
    number_x = 28.0 * MM
    for digit in identity.id_number:
        draw.text((number_x, 43.8 * MM), digit, font=number_font, fill=TEXT_COLOUR)
        number_x += 2.75 * MM

    x0, y0, _, _ = PORTRAIT.pixels()
    card.paste(_portrait_image(portrait, rng), (x0 + MM, y0 + MM))
    return _to_bgra(_rounded(card))


def render_back(identity: Identity, rng: random.Random) -> np.ndarray:
    """The emblem side, upright, at the canonical size (BGRA)."""
    card = _background(rng, (236, 238, 242))
    draw = ImageDraw.Draw(card)
    emblem_centre = (16.0 * MM, 14.5 * MM)
    radius = 8.5 * MM
    cx, cy = emblem_centre
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(200, 40, 40))
    draw.ellipse((cx - radius * 0.55, cy - radius * 0.55, cx + radius * 0.55, cy + radius * 0.55),
                 fill=(235, 190, 60))  # fmt: skip
    title = _font("Noto Serif CJK SC", int(4.6 * MM))
    big = _font("Noto Sans CJK SC", int(7.2 * MM))
    label = _font("Noto Sans CJK SC", int(2.8 * MM))
    value = _font(rng.choice(("Noto Sans CJK SC", "Noto Serif CJK SC")), int(3.2 * MM))
    draw.text((31.0 * MM, 9.0 * MM), "中华人民共和国", font=title, fill=TEXT_COLOUR)
    draw.text((30.0 * MM, 17.5 * MM), "居民身份证", font=big, fill=TEXT_COLOUR)
    draw.text((13.0 * MM, 37.2 * MM), "签发机关", font=label, fill=LABEL_COLOUR)
    draw.text((29.0 * MM, 36.8 * MM), identity.issuing_authority, font=value, fill=TEXT_COLOUR)
    draw.text((13.0 * MM, 44.2 * MM), "有效期限", font=label, fill=LABEL_COLOUR)
    draw.text((29.0 * MM, 43.8 * MM), identity.validity_text, font=value, fill=TEXT_COLOUR)
    return _to_bgra(_rounded(card))


def _to_bgra(image: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(image.convert("RGBA")), cv2.COLOR_RGBA2BGRA)


# --- the camera --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """How the camera sees the card; ``random_conditions`` draws realistic ones."""

    card_width: float = 0.6  # fraction of the frame width
    rotation: float = 0.0  # degrees, counter-clockwise
    tilt: float = 0.0  # perspective: corner displacement as a fraction of the card width
    light_gradient: float = 0.0  # 0: even; 0.4: one side 40 % darker
    glare: float = 0.0  # 0: none; peak added brightness of a specular spot (0..255)
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 2.0  # Gaussian sensor noise sigma
    jpeg_quality: int = 90
    clutter: bool = True
    seed: int = 0
    extra: dict[str, float] = field(default_factory=dict)


CLEAN_CONDITIONS = Conditions(card_width=0.7, noise=2.0, jpeg_quality=90, clutter=True)
"""A card held steadily, filling most of the frame."""


def random_conditions(rng: random.Random, *, harsh: bool = False) -> Conditions:
    """Conditions of a card held up to, or laid under, a counter webcam; ``harsh``: far, blurred,
    noisy, glaring and badly compressed, where OCR misreads (to prove bad reads are refused)."""
    if harsh:
        return Conditions(
            card_width=rng.uniform(0.22, 0.45),
            rotation=rng.uniform(-180.0, 180.0),
            tilt=rng.uniform(0.04, 0.12),
            light_gradient=rng.uniform(0.3, 0.6),
            glare=rng.uniform(120.0, 220.0) if rng.random() < 0.5 else 0.0,
            blur=rng.uniform(1.3, 2.6),
            noise=rng.uniform(4.0, 10.0),
            jpeg_quality=rng.randrange(25, 60),
            clutter=True,
            seed=rng.randrange(1 << 30),
        )
    return Conditions(
        card_width=rng.uniform(0.42, 0.85),
        rotation=rng.uniform(-180.0, 180.0) if rng.random() < 0.35 else rng.gauss(0.0, 12.0),
        tilt=rng.uniform(0.0, 0.08),
        light_gradient=rng.uniform(0.0, 0.45),
        glare=rng.uniform(60.0, 150.0) if rng.random() < 0.3 else 0.0,
        blur=rng.uniform(0.0, 1.3),
        noise=rng.uniform(1.0, 6.0),
        jpeg_quality=rng.randrange(55, 93),
        clutter=rng.random() < 0.8,
        seed=rng.randrange(1 << 30),
    )


def _clutter(rng: random.Random, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    base = np.array([rng.randrange(60, 200) for _ in range(3)], dtype=np.uint8)
    frame = np.tile(base, (height, width, 1))
    for _ in range(rng.randrange(4, 14)):
        colour = tuple(rng.randrange(0, 256) for _ in range(3))
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(40, 500), rng.randrange(40, 400)
        if rng.random() < 0.5:
            cv2.rectangle(frame, (x, y), (x + w, y + h), colour, -1)
        else:
            cv2.line(frame, (x, y), (x + w, y + h), colour, rng.randrange(1, 8))
    for _ in range(rng.randrange(0, 5)):
        text = "".join(
            rng.choice("ABCDEFGHKLMNPRSTUVWXYZ0123456789 ") for _ in range(rng.randrange(4, 12))
        )
        position = (rng.randrange(width - 200), rng.randrange(30, height))
        cv2.putText(frame, text, position, cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.6, 1.6),
                    (rng.randrange(256),) * 3, 2)  # fmt: skip
    return frame


def camera_scene(
    card: np.ndarray, conditions: Conditions, *, size: tuple[int, int] = (1280, 720)
) -> tuple[np.ndarray, np.ndarray]:
    """The card (BGRA, upright) as a camera frame (BGR) and its four corners in that frame,
    clockwise from the top-left of the upright card."""
    rng = random.Random(conditions.seed)
    width, height = size
    if conditions.clutter:
        frame = _clutter(rng, size)
    else:
        frame = np.full((height, width, 3), rng.randrange(90, 200), np.uint8)
    card_h, card_w = card.shape[:2]
    source = np.float32([[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]])
    target_w = conditions.card_width * width
    target_h = target_w * card_h / card_w
    angle = np.deg2rad(conditions.rotation)
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    corners = (
        np.float32([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [target_w / 2, target_h / 2]
    ) @ rotation.T
    corners = corners + [
        [rng.uniform(-1, 1) * conditions.tilt * target_w for _ in range(2)] for _ in range(4)
    ]
    span = corners.max(axis=0) - corners.min(axis=0)
    scale = min(1.0, 0.96 * width / span[0], 0.96 * height / span[1])
    corners *= scale
    low, high = -corners.min(axis=0), np.array([width, height]) - corners.max(axis=0)
    centre = [rng.uniform(low[0], high[0]), rng.uniform(low[1], high[1])]
    corners = np.float32(corners + centre)
    homography = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(card, homography, size, flags=cv2.INTER_AREA)
    alpha = warped[:, :, 3:4].astype(np.float32) / 255.0
    shadow = cv2.GaussianBlur(alpha, (0, 0), 6)[:, :, None] * 0.35
    image = frame.astype(np.float32) * (1 - shadow)
    image = image * (1 - alpha) + warped[:, :, :3].astype(np.float32) * alpha

    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(direction) * xs / width + np.sin(direction) * ys / height + 1) / 2
    image *= (1 - conditions.light_gradient * ramp)[:, :, None]
    if conditions.glare:
        offset = np.array([rng.uniform(-0.4, 0.4) * target_w, rng.uniform(-0.3, 0.3) * target_h])
        gx, gy = corners.mean(axis=0) + offset
        radius = rng.uniform(0.05, 0.14) * target_w
        spot = np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * radius**2))
        image += (conditions.glare * spot * alpha[:, :, 0])[:, :, None]
    if conditions.blur:
        image = cv2.GaussianBlur(image, (0, 0), conditions.blur)
    noise = np.random.default_rng(conditions.seed).normal(0, conditions.noise, image.shape)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, conditions.jpeg_quality])
    assert ok
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR), corners


@dataclass(frozen=True)
class CardCase:
    """One generated camera image with what is printed on the card it shows."""

    identity: Identity
    side: str
    conditions: Conditions
    image: np.ndarray
    corners: np.ndarray


def portrait_files(data_dir: Path | None) -> list[Path]:
    """Real face photos (LFW) to print on the cards, read in place; none without the data."""
    if data_dir is None:
        return []
    return sorted((data_dir / "faces" / "lfw" / "images").glob("*/*_0001.jpg"))


def generate_cases(
    count: int, *, seed: int = 0, data_dir: Path | None = None, back_share: float = 0.25,
    conditions: Conditions | None = None, harsh: bool = False,
) -> list[CardCase]:  # fmt: skip
    """``count`` camera images of random cards, reproducible from ``seed``."""
    rng = random.Random(seed)
    portraits = portrait_files(data_dir)
    cases = []
    for _ in range(count):
        identity = random_identity(rng)
        side = "back" if rng.random() < back_share else "front"
        if side == "front":
            card = render_front(identity, rng.choice(portraits) if portraits else None, rng)
        else:
            card = render_back(identity, rng)
        seen = (
            random_conditions(rng, harsh=harsh)
            if conditions is None
            else replace(conditions, seed=rng.randrange(1 << 30))
        )
        image, corners = camera_scene(card, seen)
        cases.append(CardCase(identity, side, seen, image, corners))
    return cases
