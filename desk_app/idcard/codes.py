"""Code tables printed on and stored in identity documents.

Ethnicity: GB/T 3304 (the 56 ethnic groups, 97 other, 98 foreign-born Chinese citizens).
Sex: GB/T 2261.1. Rosters and clerks write these as codes, names or English words; the functions
here turn every accepted spelling into the one code the database stores, and refuse the rest with
a coded error so that a typo never becomes a wrong personal record.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from desk_app.domain.errors import DocumentError

ETHNICITIES: Mapping[str, str] = MappingProxyType(
    {
        "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
        "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
        "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳",
        "21": "佤", "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡",
        "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬",
        "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯",
        "39": "阿昌", "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯",
        "45": "鄂温克", "46": "德昂", "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔",
        "51": "独龙", "52": "鄂伦春", "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺",
        "97": "其他", "98": "外国血统中国籍人士",
    }
)  # fmt: skip
_ETHNICITY_BY_NAME: Mapping[str, str] = {name: code for code, name in ETHNICITIES.items()}

SEXES: Mapping[str, str] = MappingProxyType(
    {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}
)
_SEX_BY_SPELLING: Mapping[str, str] = {
    **{code: code for code in SEXES},
    **{name: code for code, name in SEXES.items()},
    "男性": "1", "m": "1", "male": "1",
    "女性": "2", "f": "2", "female": "2",
    "未知": "0", "未说明": "9",
}  # fmt: skip


def _clean(value: str) -> str:
    """Full-width digits and letters (typed with a Chinese input method) become ASCII."""
    return unicodedata.normalize("NFKC", value).strip()


def ethnicity_code(value: str) -> str:
    """The two-digit code for a code ("01", "1") or a name with or without 族 ("汉", "汉族").

    Raises ``DocumentError`` (``document.ethnicity_unknown``) for anything outside GB/T 3304.
    """
    text = _clean(value)
    if text.isascii() and text.isdigit():
        code = text.zfill(2)
        if code in ETHNICITIES:
            return code
    elif text in _ETHNICITY_BY_NAME:
        return _ETHNICITY_BY_NAME[text]
    elif text.removesuffix("族") in _ETHNICITY_BY_NAME:
        return _ETHNICITY_BY_NAME[text.removesuffix("族")]
    raise DocumentError(
        f"{value!r} is not an ethnicity code or name of GB/T 3304",
        code="document.ethnicity_unknown",
        value=value,
    )


def ethnicity_name(code: str) -> str:
    """The name without 族 ("汉") for anything ``ethnicity_code`` accepts."""
    return ETHNICITIES[ethnicity_code(code)]


def sex_code(value: str) -> str:
    """The GB/T 2261.1 code for a code, a Chinese word or an English word ("男", "F", "female").

    Raises ``DocumentError`` (``document.sex_unknown``) for anything else.
    """
    code = _SEX_BY_SPELLING.get(_clean(value).lower())
    if code is None:
        raise DocumentError(
            f"{value!r} is not a sex code or word of GB/T 2261.1",
            code="document.sex_unknown",
            value=value,
        )
    return code


def sex_name(code: str) -> str:
    """The Chinese name ("男", "女") for anything ``sex_code`` accepts."""
    return SEXES[sex_code(code)]
