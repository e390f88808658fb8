"""People and roles: "Ai là <chức vụ> của ...?", "Ai chủ trì ...?", "<tên> giữ chức vụ gì?" — from
the person facts (names with the role written next to them, and the signature block)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.matching import IN_SENTENCE
from assistant.strategies.base import Context, FactView
from assistant.strategies.replies import (
    abstain,
    answered,
    asked_phrase,
    cite_sentence,
    missing_sentence,
    quoted_sentence,
)
from assistant.words import contains_word, folded_text, load_question_words
from ingest.facts import load_vocabulary
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding

PERSON_MIN_SCORE = 0.5
_PLURAL_WHO_RE = re.compile(r" (?:nhung ai|cac ai|nhung nguoi nao|nhung ca nhan nao|ai va ai) ")
_ROLE_QUESTION_RE = re.compile(r"\b(?:chuc danh|chuc vu|vai tro|giu chuc|cuong vi|lam gi)\b")
_WHO_WORDS = ("ai", "nguoi nao", "dong chi nao", "ho ten", "ten la gi", "ten gi", "ai la", "la ai", "ten")
# "Ai phát biểu khai mạc, giữ chức vụ gì?": the role is given with every name, it is not an attribute.
_ROLE_ASK_WORDS = ("giu chuc vu gi", "giu chuc vu", "chuc vu gi", "chuc danh gi", "chuc vu", "chuc danh",
                   "giu chuc", "vai tro gi", "cuong vi gi", "cuong vi")


def _roles() -> list[str]:
    return sorted({folded_text(r).strip() for r in load_vocabulary().roles}, key=len, reverse=True)


def asked_role(key_folded: str) -> str | None:
    """The longest role title the question asks the holder of ("Ai là Phó Chủ tịch ...?", "Bí thư
    Đảng ủy xã X là ai?", "Trưởng ban ... là ai?"): the role opens the question, follows "ai là", or
    is followed by "là ai". A role inside the topic ("năng lực đội ngũ cán bộ ... phối hợp với ai")
    is not asked."""
    padded = f" {key_folded} "
    for r in _roles():
        at = padded.find(f" {r} ")
        if at < 0:
            continue
        before = padded[:at].split()
        after = padded[at + len(r) + 2:]
        for frame in load_question_words().role_frames:  # "ai giữ cương vị Chủ tịch" asks the holder
            words = frame.split()
            if before[-len(words):] == words and before[-len(words) - 1:-len(words)] in (["ai"], ["la"]):
                before = before[:-len(words)]
                break
        if before[-1:] == ["pho"] and not r.startswith("pho "):  # "Phó Bí thư Đảng ủy" is the deputy
            r, before = f"pho {r}", before[:-1]
        if len(before) <= 1 or before[-2:] == ["ai", "la"] or before[-1:] == ["ai"] \
                or re.match(r"(?:\S+ ){0,8}la ai\b", after) or re.match(r"(?:\S+ ){0,2}nao\b", after):
            return r
    return None


def holds_role(v: FactView, role: str) -> bool:
    """The person's own role is the asked one: "Phó Chủ tịch" does not hold "Chủ tịch"."""
    parts = [folded_text(raw) for raw in re.split(r"[,;–]", v.fact.role or "")]  # folding drops the commas
    for part in (p for folded in parts for p in re.split(r" kiem | dong thoi | va | lam ", folded)):
        own = part.strip()
        for prefix in ("kiem ", "lam "):
            own = own.removeprefix(prefix)
        if own and (own == role or own.startswith(role + " ")):
            return True
    return False


class PersonStrategy:
    name = "person"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        fq = folded_text(u.effective).strip()
        asks_role = bool(_ROLE_QUESTION_RE.search(fq))
        if u.answer_type != "who" and not asks_role:
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        people = ctx.facts(docs, "person")
        if asks_role:
            ans = self._role_of(u, ctx, people)
            if ans is not None or u.answer_type != "who":
                return ans
        role = asked_role(fq)
        attr = ctx.attribute(u, docs, extra_drop=[*_WHO_WORDS, *_ROLE_ASK_WORDS, *([role] if role else [])],
                             keep_type_words=False)
        best: tuple[float, FactView] | None = None
        # Names (of people and of the asked units) state nothing asked: "viết bài" is not "Trương
        # Việt Dũng", "tin bài" is not "xã Thường Tín".
        names = {f" {n} " for n in (folded_text(x).strip() for x in [*(v.fact.text for v in people), *u.units]) if n}
        for v in people:
            if role is not None and not holds_role(v, role):
                continue
            label, sentence = v.label, v.sentence
            for name in names:
                label, sentence = label.replace(name, " "), sentence.replace(name, " ")
            m = ctx.matcher.score(attr, label, sentence, v.context)
            score = m.score if attr.terms else (1.0 if role else 0.0)
            if attr.terms and m.key_found < IN_SENTENCE * 0.9 and role is None:
                continue
            if best is None or score > best[0]:
                best = (score, v)
        need = PERSON_MIN_SCORE if role is None else 0.0
        if best is None or best[0] < need:
            if role is None:
                return None  # "Ai chủ trì ...?" may be answered by a body or a role: the text says
            what = asked_phrase(u, "người được hỏi")
            if role:
                what = f"họ tên {role_display(role)}"
            return missing_sentence(ctx, u, docs, what, attr)
        v = best[1]
        book = ctx.book()
        n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        # "Những ai ...?": everyone the same sentence names.
        same = [w for w in people if w.fact.paragraph_id == v.fact.paragraph_id
                and w.fact.sentence_start == v.fact.sentence_start] if _PLURAL_WHO_RE.search(fq) else [v]
        names = []
        for w in same:
            shown = f"{w.fact.text} ({w.fact.role})" if w.fact.role else w.fact.text
            if shown not in names:
                names.append(shown)
        q = quoted_sentence(v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        text = f"{', '.join(names)} — theo {ctx.report_phrase(v.fact.doc_id)}: {q} [{n}]"
        return answered(u, text, book, "lookup")

    @staticmethod
    def _role_of(u: Understanding, ctx: Context, people: list[FactView]) -> Answer | None:
        """"Nguyễn Chính Bảo ký với chức danh gì?": the role of the named person."""
        fq = folded_text(u.effective)
        for v in people:
            name = folded_text(v.fact.text).strip()
            if name and contains_word(fq, name) and v.fact.role:
                book = ctx.book()
                n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
                behalf = f", ký thay {v.fact.qualifier.removeprefix('KT.').strip().lower()}" \
                    if (v.fact.qualifier or "").startswith("KT.") else ""
                text = (f"{v.fact.text} — {v.fact.role}{behalf}, theo {ctx.report_phrase(v.fact.doc_id)} [{n}].")
                return answered(u, text, book, "lookup")
        return None


def role_display(role_folded: str) -> str:
    for r in load_vocabulary().roles:
        if fold(r) == role_folded:
            return r[:1].lower() + r[1:]
    return role_folded
