"""Toneless Hanyu Pinyin for administrative division names.

Output follows the usual map convention: the specific name is written as one
word, the generic part (Sheng, Shi, Qu, Xian, Zizhizhou, ...) as separate
capitalised words, and an apostrophe separates syllables that would be
ambiguous (Xi'an, Lu'an).  pypinyin picks the most common reading of each
character, which is wrong for a number of place names, so the readings used
in place names are pinned below.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Generic endings, longest first so that e.g. 自治县 wins over 县.
_GENERIC_SUFFIXES: list[tuple[str, str]] = [
    ("特别行政区", "Tebie Xingzhengqu"),
    ("行政区", "Xingzhengqu"),
    ("自治区", "Zizhiqu"),
    ("自治州", "Zizhizhou"),
    ("自治县", "Zizhixian"),
    ("自治旗", "Zizhiqi"),
    ("联合旗", "Lianheqi"),
    ("地区", "Diqu"),
    ("林区", "Linqu"),
    ("特区", "Tequ"),
    ("新区", "Xinqu"),
    ("矿区", "Kuangqu"),
    ("省", "Sheng"),
    ("市", "Shi"),
    ("区", "Qu"),
    ("县", "Xian"),
    ("盟", "Meng"),
    ("旗", "Qi"),
]

# Ethnic groups that appear in the names of autonomous divisions; each one is
# written as its own word ("Tujiazu"), as in official romanisations.
_ETHNIC_GROUPS: list[str] = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ],
    key=len,
    reverse=True,
)

# Readings that differ from pypinyin's default whenever the character is used
# in a place name in this data set.
_CHAR_READINGS: dict[str, str] = {
    "都": "du",  # 成都, 都兰, 郫都 (never dou in place names)
    "长": "chang",  # 长沙, 长清, 长宁; 长子 is pinned below
    "什": "shi",  # 乌什, 什邡, 塔什库尔干
    "朝": "chao",  # 朝阳, 朝天
    "勒": "le",  # 阿勒泰, 策勒, 克孜勒苏
    "蚌": "beng",  # 蚌埠, 蚌山
    "珲": "hun",  # 珲春
    "涡": "guo",  # 涡阳
    "浚": "xun",  # 浚县
    "圩": "xu",  # 龙圩
    "伽": "jia",  # 伽师
    "覃": "qin",  # 覃塘
    "荥": "xing",  # 荥阳 (荥经 is pinned below)
    "藏": "zang",  # 西藏, 藏族
}

# Whole-word readings, matched as substrings of the specific name.
_PHRASE_READINGS: dict[str, list[str]] = {
    "长子": ["zhang", "zi"],
    "六安": ["lu", "an"],
    "六合": ["lu", "he"],
    "洪洞": ["hong", "tong"],
    "荥经": ["ying", "jing"],
    "乐清": ["yue", "qing"],
    "乐亭": ["lao", "ting"],
    "尉犁": ["yu", "li"],
    "铅山": ["yan", "shan"],
    "番禺": ["pan", "yu"],
    "厦门": ["xia", "men"],
    "重庆": ["chong", "qing"],
    "大理": ["da", "li"],
    "丽水": ["li", "shui"],
    "丽江": ["li", "jiang"],
    "东阿": ["dong", "e"],
    "犍为": ["qian", "wei"],
    "牟平": ["mu", "ping"],
    "临朐": ["lin", "qu"],
    "泌阳": ["bi", "yang"],
    "大冶": ["da", "ye"],
    "繁峙": ["fan", "shi"],
    "枞阳": ["zong", "yang"],
    "筠连": ["jun", "lian"],
    "会理": ["hui", "li"],
    "会泽": ["hui", "ze"],
    "会昌": ["hui", "chang"],
    "会同": ["hui", "tong"],
    "亳州": ["bo", "zhou"],
    "调兵山": ["diao", "bing", "shan"],
    "喀喇沁": ["ka", "la", "qin"],
}

# Specific names of a single character, where pypinyin has no context.
_SINGLE_CHAR_STEMS: dict[str, str] = {
    "单": "Shan",  # 单县
    "莘": "Shen",  # 莘县
    "歙": "She",  # 歙县
    "蔚": "Yu",  # 蔚县
    "浚": "Xun",  # 浚县
    "长": "Chang",
}

# Names whose accepted romanisation is not plain pinyin.
_WHOLE_NAME_OVERRIDES: dict[str, str] = {
    "陕西省": "Shaanxi Sheng",
    "内蒙古自治区": "Nei Mongol Zizhiqu",
    "香港特别行政区": "Xianggang Tebie Xingzhengqu",
    "澳门特别行政区": "Aomen Tebie Xingzhengqu",
}


def _syllables(text: str) -> list[str]:
    out = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore")
    if len(out) != len(text):
        # Non-Han characters were dropped; fall back to character-by-character
        # so positions still line up with the phrase table.
        out = [(lazy_pinyin(ch, style=Style.NORMAL, v_to_u=True, errors="ignore") or [""])[0] for ch in text]
    out = [_CHAR_READINGS.get(ch, syl) for ch, syl in zip(text, out, strict=True)]
    for phrase, reading in _PHRASE_READINGS.items():
        start = text.find(phrase)
        while start != -1:
            out[start : start + len(phrase)] = reading
            start = text.find(phrase, start + 1)
    return out


def _word(text: str) -> str:
    """Romanise ``text`` as one word with separating apostrophes."""
    parts: list[str] = []
    for i, syl in enumerate(_syllables(text)):
        if not syl:
            continue
        if i > 0 and syl[0] in "aoe":
            parts.append("'")
        parts.append(syl)
    word = "".join(parts)
    return word[:1].upper() + word[1:]


def place_pinyin(name: str) -> str:
    """Return e.g. "Dongcheng Qu" for 东城区 or "Enshi Tujiazu Miaozu Zizhizhou"."""
    if name in _WHOLE_NAME_OVERRIDES:
        return _WHOLE_NAME_OVERRIDES[name]
    stem = name
    tail: list[str] = []
    for suffix, roman in _GENERIC_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            tail.append(roman)
            break
    autonomous = name[len(stem) :].startswith("自治")
    # Peel ethnic group names ("…土家族苗族自治州") off the end of the stem.
    # Before 自治 the 族 is often omitted (新疆维吾尔自治区); only groups of two
    # or more characters are peeled then, so that e.g. a stem ending in 白 or 水
    # is never mistaken for an ethnic name.
    ethnic: list[str] = []
    peeled = True
    while peeled:
        peeled = False
        for group in _ETHNIC_GROUPS:
            tokens = [group + "族"]
            if autonomous and len(group) >= 2:
                tokens.append(group)
            for token in tokens:
                if stem.endswith(token) and len(stem) > len(token):
                    ethnic.insert(0, _word(token))
                    stem = stem[: -len(token)]
                    peeled = True
                    break
            if peeled:
                break
    head = _SINGLE_CHAR_STEMS.get(stem) or _word(stem)
    return " ".join([head, *ethnic, *tail])
