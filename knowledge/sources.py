"""Where a policy statement is written, as the data files name it, and the source line of an
answer: one entry per document, its articles merged and in order.

    《中华人民共和国劳动合同法》第十条；《中华人民共和国劳动合同法实施条例》第六条、第七条
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from knowledge.numbers import chinese_number

# 第二十七条 or 第二十七条第四款
_ARTICLE = re.compile(
    r"第([零一二三四五六七八九十百0-9]+)条(?:第([零一二三四五六七八九十0-9]+)款)?"
)


@dataclass(frozen=True, order=True)
class Article:
    number: int
    paragraph: int = 0  # 0: the whole article

    def __str__(self) -> str:
        return _article_text(self.number) + (
            f"第{_numeral(self.paragraph)}款" if self.paragraph else ""
        )


@dataclass(frozen=True)
class Citation:
    """A document, and the articles of it cited (none: the document as a whole)."""

    document: str
    articles: Tuple[Article, ...] = ()
    remark: str = ""  # a bracketed remark after the document (（各地做法可能不同）)

    def __str__(self) -> str:
        if not self.articles:
            return self.document + self.remark
        parts: List[str] = []
        previous: Optional[int] = None
        for article in self.articles:
            if article.paragraph and article.number == previous:
                parts.append(f"第{_numeral(article.paragraph)}款")
            else:
                parts.append(str(article))
            previous = article.number
        return self.document + "、".join(parts) + self.remark


def parse_source(source: str) -> List[Citation]:
    """The citations of a statement's `source`: documents separated by '；'."""
    citations = []
    for part in source.split("；"):
        part = part.strip()
        if part:
            citations.append(_parse_citation(part))
    return citations


def _parse_citation(text: str) -> Citation:
    first = _ARTICLE.search(text)
    if first is None:
        document, remark = _split_remark(text)
        return Citation(document, (), remark)
    document = text[: first.start()].strip()
    tail = text[first.start() :]
    articles = []
    position = 0
    for match in _ARTICLE.finditer(tail):
        if tail[position : match.start()].strip("、 "):
            raise ValueError(f"cannot read the articles in {text!r}")
        articles.append(Article(_number(match.group(1)), _number(match.group(2) or "0")))
        position = match.end()
    remark = tail[position:].strip()
    if remark and not remark.startswith(("（", "(")):
        raise ValueError(f"cannot read the articles in {text!r}")
    return Citation(document, tuple(articles), remark)


def _split_remark(text: str) -> Tuple[str, str]:
    match = re.search(r"[（(][^（）()]*[）)]$", text)
    if match is None or match.start() == 0:
        return text, ""
    return text[: match.start()].strip(), match.group(0)


def merge_citations(citations: Iterable[Citation]) -> List[Citation]:
    """One citation per document, in the order documents are first cited; its articles in
    numeric order, each once, and a paragraph left out when its whole article is cited. A
    document cited once as a whole and once by article is cited by article."""
    documents: Dict[str, List[Citation]] = {}
    for citation in citations:
        documents.setdefault(citation.document, []).append(citation)
    merged = []
    for document, cited in documents.items():
        articles = sorted({article for citation in cited for article in citation.articles})
        whole = {article.number for article in articles if not article.paragraph}
        articles = [a for a in articles if not a.paragraph or a.number not in whole]
        remark = next((citation.remark for citation in cited if citation.remark), "")
        merged.append(Citation(document, tuple(articles), remark))
    return merged


def source_line(sources: Iterable[str]) -> List[str]:
    """The sources of an answer's statements, one entry per document."""
    return [
        str(citation)
        for citation in merge_citations(c for source in sources for c in parse_source(source))
    ]


def _number(text: str) -> int:
    value = chinese_number(text)
    if value is None:
        raise ValueError(f"not a number: {text!r}")
    return int(value)


_DIGITS = "零一二三四五六七八九"


def _numeral(number: int) -> str:
    """12 → 十二, 82 → 八十二, 105 → 一百零五, 112 → 一百一十二 (article and paragraph numbers)."""
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    if rest < 10:
        return _DIGITS[hundreds] + "百零" + _DIGITS[rest]
    return _DIGITS[hundreds] + "百" + ("一" if rest < 20 else "") + _numeral(rest)


def _article_text(number: int) -> str:
    return f"第{_numeral(number)}条"
