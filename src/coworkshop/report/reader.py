"""Read session files for a report: the only module that knows the file's tables.

The inputs are combined in a :class:`~coworkshop.report.hub.Hub`; the figures
are computed with SQL aggregates (GROUP BY) over it, and the results are handed
on addressed by stable keys (statement, option and scale-point keys), so
nothing after this module depends on the file's schema. Schema-2 polls carry
their frozen definition; schema-1 polls get the definition the same freeze
would give them, and their stored positions are mapped to keys per poll.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core import translations
from ..core.errors import UserError
from ..core.probe import MATCHED_PHONE
from .hub import Hub, open_files

__all__ = ["Hub", "open_files", "Reader", "PHONE", "TALLY"]

PHONE, TALLY = "phone", "tally"


# ---------------------------------------------------------------- plain data


@dataclass
class SessionRow:
    id: str
    title: str
    date: str
    place: str
    country: str
    sector: str
    plan: dict[str, Any]
    participants: dict[str, int] = field(default_factory=dict)  # group key -> people
    language: str = ""  # the session's language (its texts are stored in it)

    def speaks(self, language: str) -> bool:
        """Whether this session's texts exist in ``language`` (stored or translated)."""
        lang = translations.base(language)
        return translations.base(self.language or "en") == lang or bool(
            (self.plan.get("translations") or {}).get(lang))

    @property
    def groups(self) -> list[dict[str, str]]:
        return list(self.plan.get("stakeholder_groups", []))


@dataclass
class Point:
    key: str
    label: str


@dataclass
class QuestionDef:
    """A question's frozen definition (the form the core stores on the poll row)."""

    activity_key: str
    activity_title: str
    position: int
    key: str
    type: str
    text: str
    options: list[Point]
    scale: dict[str, Any] | None  # key, label, points [Point], agree [keys], disagree [keys]
    statements: list[Point]
    max_choices: int = 0
    max_length: int = 280
    anonymous: bool = True

    @property
    def ref(self) -> str:
        return f"{self.activity_key}/{self.key}"

    @property
    def choices(self) -> list[Point]:
        """The scale's points or the options: what a ballot's value picks."""
        return list(self.scale["points"]) if self.scale else list(self.options)

    def as_json(self) -> dict[str, Any]:
        scale = None
        if self.scale:
            scale = dict(self.scale)
            scale["points"] = [{"key": p.key, "label": p.label} for p in self.scale["points"]]
        return {
            "activity_key": self.activity_key,
            "key": self.key,
            "type": self.type,
            "text": self.text,
            "options": [{"key": o.key, "label": o.label} for o in self.options],
            "scale": scale,
            "statements": [{"key": s.key, "text": s.label} for s in self.statements],
            "max_choices": self.max_choices,
            "max_length": self.max_length,
            "anonymous": self.anonymous,
        }


@dataclass
class PollRow:
    """One session's poll of a question, with its own definition's keys.

    A schema-1 file stores positions; ``legacy`` polls map them to keys through
    the poll's own lists, as the file's migration would.
    """

    id: str
    session_id: str
    question: QuestionDef
    legacy: bool = False
    in_language: bool = True  # its texts are in the report's language

    def __post_init__(self) -> None:
        self.statement_keys = [st.key for st in self.question.statements]
        self.choice_keys = [c.key for c in self.question.choices]
        self.labels = {c.key: c.label for c in self.question.choices}
        # stored JSON text -> key, so counting needs no JSON decoding per row
        self._stored = {json.dumps(k): k for k in self.choice_keys}
        self._stored.update({k: k for k in self.choice_keys})  # json_each gives plain text

    def statement(self, index: Any, key: Any) -> str | None:
        """The statement key of a stored row (the question key for one-statement questions).

        Decided per row: a schema-1 row (a position, no key) may sit beside
        schema-2 rows when two copies of a session were given.
        """
        q = self.question
        if q.type != "scale_statements":
            return q.key
        if key:
            return str(key)
        return _at(self.statement_keys, index)

    def choice(self, value: Any) -> str | None:
        """The option or point key of a stored value (or of one item of a list value):
        a key (schema 2) or a position (schema 1), the poll's own kind tried first."""
        by_key = self._stored.get(value) if isinstance(value, str) else None
        if self.legacy:
            return _at(self.choice_keys, value) or by_key
        return by_key or _at(self.choice_keys, value)


def _at(keys: list[str], position: Any) -> str | None:
    """``keys[position]`` for a stored position (an int, or its JSON text), else None."""
    if position is None or isinstance(position, bool):
        return None
    try:
        i = int(position)
    except (TypeError, ValueError):
        return None
    return keys[i] if 0 <= i < len(keys) else None


def _points(items: Any, text: str = "label") -> list[Point]:
    return [Point(str(i["key"]), str(i.get(text, i["key"]))) for i in items or []]


def _question_def(d: dict[str, Any], title: str, position: int) -> QuestionDef:
    """A frozen definition (core.polls) as the report's :class:`QuestionDef`."""
    scale = d.get("scale")
    if scale:
        scale = {
            "key": scale.get("key", ""),
            "label": scale.get("label", ""),
            "points": _points(scale.get("points")),
            "agree": list(scale.get("agree") or []),
            "disagree": list(scale.get("disagree") or []),
        }
    statements = _points(d.get("statements"), "text")
    if d["type"] == "scale":  # a plain scale question: one statement, the question itself
        statements = [Point(str(d["key"]), str(d.get("text", "")))]
    return QuestionDef(
        activity_key=str(d["activity_key"]),
        activity_title=title,
        position=position,
        key=str(d["key"]),
        type=str(d["type"]),
        text=str(d.get("text", "")),
        options=_points(d.get("options")),
        scale=scale or None,
        statements=statements,
        max_choices=int(d.get("max_choices") or 0),
        max_length=int(d.get("max_length") or 280),
        anonymous=bool(d.get("anonymous", True)),
    )


def _retext(q: QuestionDef, other: QuestionDef) -> None:
    """Give ``q`` the texts of ``other`` (the same question in another session), by key."""
    q.text, q.activity_title = other.text, other.activity_title
    for attr in ("options", "statements"):
        labels = {p.key: p.label for p in getattr(other, attr)}
        for p in getattr(q, attr):
            p.label = labels.get(p.key, p.label)
    if q.scale and other.scale:
        q.scale["label"] = other.scale.get("label", q.scale["label"])
        labels = {p.key: p.label for p in other.scale["points"]}
        for p in q.scale["points"]:
            p.label = labels.get(p.key, p.label)


def _legacy_definition(act_key: str, raw: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """The definition a schema-1 question gets: the same functions that freeze a
    new question (keys derived from the labels, the scale resolved with its sides)."""
    from ..core import templates
    from ..core.polls.polls import freeze

    return freeze(act_key, templates.Question.model_validate(raw), plan)


# ---------------------------------------------------------------- reading


def _iso(moment: Any) -> str:
    """A stored UTC time as ISO 8601 with its zone: 2025-06-12T09:30:00.123456Z."""
    text = str(moment or "").replace(" ", "T")
    if text and not (text.endswith("Z") or "+" in text[10:]):
        text += "Z"
    return text


def _json(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


class Reader:
    """What a report needs, read from a :class:`Hub` for the chosen sessions."""

    def __init__(self, hub: Hub, session_ids: Sequence[str] | None = None,
                 language: str | None = None) -> None:
        self.hub = hub
        # The language questions, options and statements are read in (by key,
        # from each session's translations); None: as each session stored them.
        self.language = translations.base(language) if language else None
        rows = hub.rows(
            "SELECT id, title, date, place, country, sector, plan, language FROM session "
            "WHERE deleted_at IS NULL ORDER BY date, title, id"
        )
        found = {r[0]: r for r in rows}
        if session_ids:
            missing = [s for s in session_ids if s not in found]
            if missing:
                raise UserError("no session {missing} in the given files", missing=missing[0])
            rows = [r for r in rows if r[0] in set(session_ids)]
        self.sessions = [
            SessionRow(r[0], r[1] or "", r[2] or "", r[3] or "", r[4] or "", r[5] or "",
                       _json(r[6]) or {}, language=r[7] or "")
            for r in rows
        ]
        self.ids = [s.id for s in self.sessions]
        self._in = ", ".join("?" * len(self.ids))
        if hub.has("participant"):
            # a phone matched with a registered participant is that person
            people = f" AND NOT {MATCHED_PHONE}" if hub.has("phone_match") else ""
            for sid, group, n in hub.rows(
                f"SELECT session_id, stakeholder_group, count(*) FROM participant p "
                f"WHERE deleted_at IS NULL AND session_id IN ({self._in}){people} "
                "GROUP BY 1, 2",
                self.ids,
            ):
                s = next(x for x in self.sessions if x.id == sid)
                s.participants[group or ""] = n
        self.polls = self._polls()

    # -- questions

    def _polls(self) -> list[PollRow]:
        if not (self.hub.has("poll") and self.hub.has("activity")):
            return []
        plans = {s.id: s.plan for s in self.sessions}
        by_id = {s.id: s for s in self.sessions}
        out = []
        seen: dict[tuple[Any, ...], QuestionDef] = {}
        for pid, sid, akey, title, position, config, qkey, frozen in self.hub.rows(
            "SELECT p.id, p.session_id, a.key, a.title, a.position, a.config, p.question_key, "
            "p.definition FROM poll p JOIN activity a ON a.id = p.activity_id "
            f"WHERE p.deleted_at IS NULL AND a.deleted_at IS NULL AND p.session_id IN ({self._in})"
            " ORDER BY a.position, a.key",
            self.ids,
        ):
            # The sessions of a merged file share their agenda: parse each text once.
            own = by_id[sid].language
            cached = seen.get((frozen, config, title, position, own))
            if cached is not None and frozen:
                out.append(PollRow(pid, sid, copy.copy(cached), False, self._speaks(by_id[sid])))
                continue
            conf = _json(config) or {}
            raws = conf.get("questions", [])
            raw = next((q for q in raws if q.get("key") == qkey), None)
            definition = _json(frozen) or None
            legacy = not definition
            try:
                if legacy:
                    if raw is None:
                        continue
                    definition = _legacy_definition(akey, raw, plans.get(sid, {}))
                if self.language and by_id[sid].speaks(self.language):
                    plan = plans.get(sid, {})
                    definition = translations.poll_texts(plan, dict(definition or {}),
                                                         self.language)
                    title = translations.activity_title(plan, akey, self.language, title)
                q = _question_def(dict(definition or {}), title, position * 1000)
            except (KeyError, TypeError, ValueError, UserError):
                continue  # a hand-damaged question: the rest of the report still reads
            if raw is not None:
                q.position += raws.index(raw)
            seen[frozen, config, title, position, own] = q
            out.append(PollRow(pid, sid, q, legacy, self._speaks(by_id[sid])))
        return out

    def _speaks(self, session: SessionRow) -> bool:
        return self.language is None or session.speaks(self.language)

    def group_label(self, key: str, default: str) -> str:
        """A stakeholder group's label in the report's language, from the first
        session that has it."""
        if self.language is None:
            return default
        for s in self.sessions:
            if translations.base(s.language or "en") == self.language:
                found = next((g.get("label") for g in s.groups if g.get("key") == key), None)
                if found:
                    return str(found)
            label = translations.group_label(s.plan, key, self.language, "")
            if label:
                return label
        return default

    def crosspoint_text(self, key: str, field: str, default: str) -> str:
        """A cross-point's title, vision or need in the report's language."""
        if self.language is None:
            return default
        for s in self.sessions:
            if translations.base(s.language or "en") == self.language:
                for cp in s.plan.get("crosspoints", []):
                    if cp.get("key") == key and cp.get(field):
                        return str(cp[field])
            table = (s.plan.get("translations") or {}).get(self.language) or {}
            text = ((table.get("crosspoints") or {}).get(key) or {}).get(field)
            if isinstance(text, str) and text:
                return text
        return default

    def questions(self) -> list[tuple[QuestionDef, list[PollRow]]]:
        """Questions identified across sessions by activity key + question key.

        The definition of the first session (by date) is used; statements and
        options other sessions add (by key) are appended in the order met.
        """
        by_ref: dict[str, tuple[QuestionDef, list[PollRow]]] = {}
        order = {sid: i for i, sid in enumerate(self.ids)}
        for poll in sorted(self.polls, key=lambda p: order[p.session_id]):
            q = poll.question
            if q.ref not in by_ref:
                by_ref[q.ref] = (copy.deepcopy(q), [poll])
                continue
            first, polls = by_ref[q.ref]
            if not polls[0].in_language and poll.in_language and \
                    not any(p.in_language for p in polls):
                _retext(first, q)  # the first session in the report's language names it
            polls.append(poll)
            for attr in ("statements", "options"):
                have = {p.key for p in getattr(first, attr)}
                getattr(first, attr).extend(p for p in getattr(q, attr) if p.key not in have)
        return sorted(by_ref.values(), key=lambda qp: (qp[0].position, qp[0].ref))

    # -- counts (SQL aggregates)

    def _poll_filter(self, polls: Sequence[PollRow]) -> tuple[str, list[str]]:
        return ", ".join("?" * len(polls)), [p.id for p in polls]

    def choice_cells(
        self, polls: Sequence[PollRow]
    ) -> Iterator[tuple[str, str, str, str, str, int]]:
        """(session, statement key, choice key, group, channel, count) of single,
        multiple and scale answers; live ballots plus current tallies, counted
        with GROUP BY."""
        if not polls:
            return
        marks, ids = self._poll_filter(polls)
        by_id = {p.id: p for p in polls}
        multiple = polls[0].question.type == "multiple"
        value = "j.value" if multiple else "b.value"
        join = ", json_each(b.value) j" if multiple else ""
        for pid, index, key, choice, group, n in self.hub.rows(
            f"SELECT b.poll_id, b.statement, b.statement_key, {value}, b.stakeholder_group, "
            f"count(*) FROM ballot b{join} WHERE b.poll_id IN ({marks}) "
            "AND b.replaced_by IS NULL AND b.deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5",
            ids,
        ) if self.hub.has("ballot") else []:
            yield from self._cell(by_id[pid], index, key, choice, group, PHONE, n)
        for pid, index, key, choice, ckey, group, n in self.hub.rows(
            "SELECT poll_id, statement, statement_key, choice, choice_key, stakeholder_group, "
            f"sum(count) FROM tally WHERE poll_id IN ({marks}) AND replaced_by IS NULL "
            "AND deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6",
            ids,
        ) if self.hub.has("tally") else []:
            poll = by_id[pid]
            yield from self._cell(poll, index, key, choice if ckey is None else ckey, group,
                                  TALLY, n)

    def _cell(self, poll: PollRow, index: Any, key: Any, choice: Any, group: str, channel: str,
              n: int) -> Iterator[tuple[str, str, str, str, str, int]]:
        skey, ckey = poll.statement(index, key), poll.choice(choice)
        if skey is not None and ckey is not None:
            yield (poll.session_id, skey, ckey, group or "", channel, int(n))

    def respondents(self, polls: Sequence[PollRow]) -> dict[tuple[str, str], int]:
        """(session, channel) -> people who answered a single/multiple/ranking question.

        Tallied people of a multiple-choice question are not known: the largest
        count of any option is taken for each group and source (as on the projector).
        """
        out: dict[tuple[str, str], int] = {}
        if not polls:
            return out
        marks, ids = self._poll_filter(polls)
        if self.hub.has("ballot"):
            for sid, n in self.hub.rows(
                f"SELECT session_id, count(DISTINCT participant_id) FROM ballot "
                f"WHERE poll_id IN ({marks}) AND replaced_by IS NULL AND deleted_at IS NULL "
                "GROUP BY 1",
                ids,
            ):
                out[sid, PHONE] = n
        if self.hub.has("tally"):
            agg = "max" if polls[0].question.type == "multiple" else "sum"
            for sid, n in self.hub.rows(
                f"SELECT session_id, sum(n) FROM (SELECT session_id, {agg}(count) n FROM tally "
                f"WHERE poll_id IN ({marks}) AND replaced_by IS NULL AND deleted_at IS NULL "
                "GROUP BY session_id, poll_id, stakeholder_group, source) GROUP BY 1",
                ids,
            ):
                out[sid, TALLY] = n
        return out

    def rank_sums(self, polls: Sequence[PollRow]) -> dict[str, tuple[int, int]]:
        """option key -> (sum of ranks, rankings), ranks from 1."""
        out: dict[str, tuple[int, int]] = {}
        if not polls or not self.hub.has("ballot"):
            return out
        marks, ids = self._poll_filter(polls)
        by_id = {p.id: p for p in polls}
        for pid, option, rank_sum, n in self.hub.rows(
            f"SELECT b.poll_id, j.value, sum(j.key + 1), count(*) FROM ballot b, "
            f"json_each(b.value) j WHERE b.poll_id IN ({marks}) AND b.replaced_by IS NULL "
            "AND b.deleted_at IS NULL GROUP BY 1, 2",
            ids,
        ):
            key = by_id[pid].choice(option)
            if key is None:
                continue
            s, c = out.get(key, (0, 0))
            out[key] = (s + int(rank_sum), c + int(n))
        return out

    def texts(self, polls: Sequence[PollRow]) -> list[tuple[str, str, str, int]]:
        """(text, session, group, upvotes) of open, word-cloud and Q&A answers."""
        if not polls:
            return []
        marks, ids = self._poll_filter(polls)
        if polls[0].question.type == "qa":
            if not self.hub.has("qaitem"):
                return []
            votes = (
                "(SELECT count(*) FROM qavote v WHERE v.item_id = i.id AND v.deleted_at IS NULL)"
                if self.hub.has("qavote") else "0"
            )
            return [
                (r[0], r[1], r[2] or "", r[3])
                for r in self.hub.rows(
                    f"SELECT i.text, i.session_id, i.stakeholder_group, {votes} FROM qaitem i "
                    f"WHERE i.poll_id IN ({marks}) AND i.deleted_at IS NULL AND NOT i.hidden "
                    "ORDER BY i.created_at",
                    ids,
                )
            ]
        if not self.hub.has("ballot"):
            return []
        return [
            (str(_json(r[0])), r[1], r[2] or "", 0)
            for r in self.hub.rows(
                f"SELECT value, session_id, stakeholder_group FROM ballot "
                f"WHERE poll_id IN ({marks}) AND replaced_by IS NULL AND deleted_at IS NULL "
                "ORDER BY created_at",
                ids,
            )
        ]

    # -- one row per answer (CSV)

    def answer_rows(self) -> Iterator[dict[str, Any]]:
        """Every live ballot and current tally, one row per answer, labels resolved."""
        by_id = {p.id: p for p in self.polls}
        if not by_id:
            return
        marks, ids = self._poll_filter(self.polls)
        if self.hub.has("ballot"):
            for pid, index, key, value, participant, group, created in self.hub.rows(
                "SELECT poll_id, statement, statement_key, value, participant_id, "
                f"stakeholder_group, created_at FROM ballot WHERE poll_id IN ({marks}) "
                "AND replaced_by IS NULL AND deleted_at IS NULL ORDER BY session_id, created_at",
                ids,
            ):
                yield from self._answer(by_id[pid], index, key, _json(value), participant, group,
                                        created, PHONE, 1)
        if self.hub.has("tally"):
            for pid, index, key, choice, ckey, group, n, created in self.hub.rows(
                "SELECT poll_id, statement, statement_key, choice, choice_key, "
                f"stakeholder_group, count, created_at FROM tally WHERE poll_id IN ({marks}) "
                "AND replaced_by IS NULL AND deleted_at IS NULL AND count > 0 "
                "ORDER BY session_id, created_at",
                ids,
            ):
                yield from self._answer(by_id[pid], index, key,
                                        choice if ckey is None else ckey, "", group, created,
                                        TALLY, n)
        if self.hub.has("qaitem"):
            for pid, text, participant, group, created in self.hub.rows(
                f"SELECT poll_id, text, participant_id, stakeholder_group, created_at "
                f"FROM qaitem WHERE poll_id IN ({marks}) AND deleted_at IS NULL AND NOT hidden "
                "ORDER BY session_id, created_at",
                ids,
            ):
                yield from self._answer(by_id[pid], 0, "", text, participant, group, created,
                                        PHONE, 1)

    def _answer(self, poll: PollRow, index: Any, key: Any, value: Any, participant: str,
                group: str, created: Any, channel: str, count: int) -> Iterator[dict[str, Any]]:
        q = poll.question
        base = {
            "session_id": poll.session_id,
            "participant": participant or "",
            "group": group or "",
            "activity": q.activity_key,
            "question": q.key,
            "statement": "",
            "count": int(count),
            "channel": channel,
            "time": _iso(created),
        }
        if q.type in ("scale", "scale_statements"):
            skey = poll.statement(index, key)
            if skey is None:
                return
            base["statement"] = skey
        if q.type in ("scale", "scale_statements", "single", "multiple", "ranking"):
            items = value if isinstance(value, list) else [value]
            for rank, item in enumerate(items, start=1):
                ckey = poll.choice(item)
                if ckey is None:
                    continue
                row = {**base, "point": ckey, "value": poll.labels[ckey]}
                if q.type == "ranking":
                    row["rank"] = rank
                yield row
        else:
            yield {**base, "point": "", "value": str(value)}

    # -- canvases

    def canvases(self) -> list[dict[str, Any]]:
        """Canvas activities with their live cards, revisions and comments."""
        if not (self.hub.has("activity") and self.hub.has("card")):
            return []
        revisions: dict[str, int] = {}
        if self.hub.has("cardrevision"):
            revisions = dict(self.hub.rows(
                f"SELECT card_id, count(*) FROM cardrevision WHERE session_id IN ({self._in}) "
                "GROUP BY 1",
                self.ids,
            ))
        comments: dict[str, list[dict[str, Any]]] = {}
        if self.hub.has("comment"):
            for card_id, from_group, text, resolved in self.hub.rows(
                f"SELECT card_id, from_group, text, resolved FROM comment "
                f"WHERE deleted_at IS NULL AND session_id IN ({self._in}) ORDER BY created_at",
                self.ids,
            ):
                comments.setdefault(card_id, []).append(
                    {"from_group": from_group or "", "text": text, "resolved": bool(resolved)}
                )
        acts = self.hub.rows(
            f"SELECT id, session_id, key, title, config, group_name, position FROM activity "
            f"WHERE kind = 'canvas' AND deleted_at IS NULL AND session_id IN ({self._in}) "
            "ORDER BY position",
            self.ids,
        )
        out = []
        for aid, sid, key, title, config, group_name, _pos in acts:
            config = _json(config) or {}
            cards = [
                {
                    "id": r[0],
                    "column": r[1],
                    "text": r[2],
                    "stakeholders": r[3] or "",
                    "link_id": r[4],
                    "group": r[5] or "",
                    "revisions": max(0, revisions.get(r[0], 1) - 1),
                    "feedback": comments.get(r[0], []),
                }
                for r in self.hub.rows(
                    "SELECT id, \"column\", text, stakeholders, link_id, group_name FROM card "
                    "WHERE activity_id = ? AND deleted_at IS NULL ORDER BY position, created_at",
                    (aid,),
                )
            ]
            out.append(
                {
                    "session_id": sid,
                    "activity_key": key,
                    "title": title,
                    "group": group_name or "",
                    "shape": config.get("shape", "toc"),
                    "crosspoint": config.get("crosspoint", ""),
                    "levels": config.get("levels", []),
                    "timeframes": config.get("timeframes", []),
                    "cards": cards,
                }
            )
        return out
