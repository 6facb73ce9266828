"""Turning the assistant's written messages into short spoken prompts, as plain text and SSML.

Pure functions. A prompt is at most `PROMPT_LIMIT` characters and is split at sentence
boundaries; links, emoji, markdown and list symbols are dropped; telephone numbers are read
digit by digit in SSML; the sources at the end of an answer are named briefly.
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional, Sequence, Tuple
from xml.sax.saxutils import escape

PROMPT_LIMIT = 60
SSML_NAMESPACE = "http://www.w3.org/2001/10/synthesis"

URL = re.compile(
    r"(?:(?:请)?(?:访问|登录|登陆|打开|详见|见|网址)[:：]?\s*)?"
    r"(?:https?://|www\.)[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+"
)
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKS = re.compile(r"[*_`#>|]+")
LIST_MARKER = re.compile(
    r"^\s*(?:[-*+•·●○▪◦]|\d{1,2}[.．、)）](?![0-9])|[（(]\d{1,2}[)）]|[①-⑳])\s*"
)
CIRCLED_NUMBER = re.compile(r"[①-⑳]")
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0000fe00-\U0000fe0f\U0000200d]"
)
RANGE = re.compile(r"(?<=[0-9])\s*[~～]\s*(?=[0-9])")
SPACES_NEAR_CHINESE = re.compile(r"\s*([\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’])\s*")
# Service hotlines (12333, 12345, 95598 …), 400/800 numbers, mobile and landline numbers;
# a number followed by a unit (元, 年 …) is an amount or a date, not a telephone number.
TELEPHONE = re.compile(
    r"(?<![0-9])(?:12[0-9]{3}|9[56][0-9]{3}|[48]00-?[0-9]{3}-?[0-9]{4}|1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})"
    r"(?![0-9]|\s*[元块年个天日月号岁万次张%])"
)
ARTICLE = re.compile(r"第[一二三四五六七八九十百零0-9]+条")
SENTENCE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)]*)?|\n")
CLAUSE = re.compile(r"[^，、：,:]+[，、：,:]?")


def clean(text: str) -> str:
    """The text without links, emoji, markdown, list symbols or stray spaces; lines kept."""
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = URL.sub("", text)
    text = EMOJI.sub("", text)
    lines = []
    for line in text.splitlines():
        line = LIST_MARKER.sub("", line)
        line = CIRCLED_NUMBER.sub("", MARKDOWN_MARKS.sub("", line))
        line = RANGE.sub("到", line)
        line = SPACES_NEAR_CHINESE.sub(r"\1", line.strip())
        line = re.sub(r"\s+", " ", line)
        line = re.sub(r"[（(]\s*[)）]|[:：]\s*$", "", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def sentences(text: str) -> List[str]:
    """Sentences of the cleaned text; a line without closing punctuation is one sentence."""
    found = []
    for piece in SENTENCE.findall(clean(text)):
        piece = piece.strip()
        if piece:
            found.append(piece if piece[-1] in "。！？；!?;”’」』）)：:，," else piece + "。")
    return found


def _split_long(sentence: str, limit: int) -> List[str]:
    """A sentence over the limit, cut at commas where possible, else at the limit."""
    parts: List[str] = []
    for clause in CLAUSE.findall(sentence):
        while len(clause) > limit:
            cut = _safe_cut(clause, limit)
            parts.append(clause[:cut])
            clause = clause[cut:]
        if parts and len(parts[-1]) + len(clause) <= limit:
            parts[-1] += clause
        elif clause:
            parts.append(clause)
    return parts


def _safe_cut(text: str, limit: int) -> int:
    """Where to cut text at the limit without splitting a number."""
    cut = limit
    while cut > 1 and text[cut - 1].isdigit() and text[cut].isdigit():
        cut -= 1
    return cut


def pack(pieces: Sequence[str], limit: int = PROMPT_LIMIT) -> List[str]:
    """Consecutive sentences joined into prompts of at most `limit` characters."""
    prompts: List[str] = []
    for piece in pieces:
        for part in _split_long(piece, limit) if len(piece) > limit else [piece]:
            if prompts and len(prompts[-1]) + len(part) <= limit:
                prompts[-1] += part
            else:
                prompts.append(part)
    return prompts


def prompts_for(text: str, limit: int = PROMPT_LIMIT) -> List[str]:
    """A written message as speakable prompts."""
    return pack(sentences(text), limit)


def spoken_source(sources: Sequence[str], limit: int = 40) -> Optional[str]:
    """The first statute article named (else the first source), without remarks in brackets."""
    if not sources:
        return None
    statute = next((source for source in sources if ARTICLE.search(source)), sources[0])
    first = re.sub(r"[（(][^（）()]*[）)]", "", statute).strip()
    if len(first) > limit:
        first = first[:limit]
    more = "等" if len(sources) > 1 else ""
    return f"依据是{first}{more}。"


def spoken_answer(
    structure: Mapping[str, Any], limit: int = PROMPT_LIMIT
) -> Tuple[List[str], List[str]]:
    """An answer as the caller hears it first, and in full (for the replay key).

    First what applies to the caller (their figures, the branch their answers chose), then the
    first general rule, then the source; in full, every statement in order, then the source.
    """
    lines = [line for line in structure.get("lines") or [] if isinstance(line, Mapping)]
    personal = [str(line.get("text") or "") for line in lines if line.get("personal")]
    general = [str(line.get("text") or "") for line in lines if not line.get("personal")]
    source = spoken_source([str(source) for source in structure.get("sources") or []])
    closing = [source] if source else []
    first = personal + general[:1]
    spoken = pack([sentence for text in first for sentence in sentences(text)], limit) + closing
    full = (
        pack(
            [sentence for line in lines for sentence in sentences(str(line.get("text") or ""))],
            limit,
        )
        + closing
    )
    return spoken, full


def ssml(text: str) -> str:
    """The prompt as an SSML document, telephone numbers read digit by digit."""
    body, position = [], 0
    for match in TELEPHONE.finditer(text):
        body.append(escape(text[position : match.start()]))
        digits = escape(match.group(0))
        body.append(f'<say-as interpret-as="telephone">{digits}</say-as>')
        position = match.end()
    body.append(escape(text[position:]))
    return (
        f'<speak version="1.1" xmlns="{SSML_NAMESPACE}" xml:lang="zh-CN">'
        f'{"".join(body)}</speak>'
    )
