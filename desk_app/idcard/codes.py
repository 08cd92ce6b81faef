"""Code tables printed on and stored in identity documents.

Ethnicity: GB/T 3304 (the 56 ethnic groups, 97 other, 98 foreign-born Chinese citizens).
Sex: GB/T 2261.1.
"""

from __future__ import annotations

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
_ETHNICITY_BY_NAME = {name: code for code, name in ETHNICITIES.items()}

SEXES: Mapping[str, str] = MappingProxyType(
    {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}
)
_SEX_ALIASES = {
    "0": "0", "1": "1", "2": "2", "9": "9",
    "男": "1", "m": "1", "male": "1", "女": "2", "f": "2", "female": "2",
    "未知": "0", "未知的性别": "0", "未说明": "9", "未说明的性别": "9",
}  # fmt: skip


def ethnicity_code(value: str) -> str:
    """The two-digit code for a code ("01", "1") or a name with or without 族 ("汉", "汉族")."""
    text = value.strip()
    if text.isdigit():
        code = text.zfill(2)
        if code in ETHNICITIES:
            return code
    else:
        name = text.removesuffix("族") if text not in _ETHNICITY_BY_NAME else text
        if name in _ETHNICITY_BY_NAME:
            return _ETHNICITY_BY_NAME[name]
    raise DocumentError(
        f"{value!r} is not an ethnicity of GB/T 3304",
        code="document.ethnicity_unknown",
        value=value,
    )


def ethnicity_name(code: str) -> str:
    return ETHNICITIES[ethnicity_code(code)]


def sex_code(value: str) -> str:
    """The GB/T 2261.1 code for a code or a word ("男", "F", "female")."""
    code = _SEX_ALIASES.get(value.strip().lower())
    if code is None:
        raise DocumentError(
            f"{value!r} is not a sex of GB/T 2261.1", code="document.sex_unknown", value=value
        )
    return code


def sex_name(code: str) -> str:
    return SEXES[sex_code(code)]
