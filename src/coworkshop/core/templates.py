"""Workshop templates: TOML files in ``canvases/``.

A template is a reusable workshop plan: metadata, the stakeholder groups of the
workshop, named scales, the cross-points, and an agenda of activities. It is
validated with pydantic; every error names the file, the line (where it can be
found) and the field. See ``canvases/blank.toml`` for the smallest one and the
README for the whole format.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from . import rules
from .catalog import TemplateEntry, list_templates, resolve
from .errors import TemplateError

__all__ = ["TemplateEntry", "list_templates", "resolve"]

KEY = r"^[a-z0-9][a-z0-9_-]*$"
Key = Annotated[str, Field(pattern=KEY, max_length=rules.MAX_KEY)]
Text = Annotated[str, Field(min_length=1, max_length=rules.MAX_TEXT)]

ACTIVITY_KINDS = rules.ACTIVITY_KINDS
QUESTION_TYPES = rules.QUESTION_TYPES
ActivityKind = Literal["canvas", "poll", "stakeholder_map", "checklist"]
QuestionType = Literal[
    "single", "multiple", "scale", "scale_statements", "ranking", "open", "wordcloud", "qa"
]
# the Literals above are how pydantic checks them; they must say the same as rules
assert get_args(ActivityKind) == rules.ACTIVITY_KINDS
assert get_args(QuestionType) == rules.QUESTION_TYPES


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TemplateMeta(Strict):
    name: Key
    title: Text
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    version: str = "1"
    description: str = ""
    source: str = ""  # the methodology this plan follows, with its licence


class StakeholderGroup(Strict):
    key: Key
    label: Text
    # Colour names that both Rich (CLI, reports) and Textual (TUI) understand.
    color: Literal[
        "blue",
        "green",
        "magenta",
        "cyan",
        "yellow",
        "red",
        "purple",
        "white",
        "tan",
        "violet",
        "orchid",
        "black",
    ] = "white"
    description: str = ""


def slug(text: str, limit: int = 50) -> str:
    """Lowercase ASCII letters and digits of ``text``, words joined by dashes, at
    most ``limit`` characters ("" when nothing is left): the one way keys and
    file names are made from what people type."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:limit].strip("-")


def unique_key(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def derive_key(label: str, taken: set[str], prefix: str = "k") -> str:
    """A key for a label that came without one: a slug of it, unique among ``taken``.

    Derived once, when a template is read, and stored with everything made from
    it, so a later change of wording does not change the key.
    """
    return unique_key(slug(label) or f"{prefix}{len(taken) + 1}", taken)


#: Question keys stay short: people read and type them (``ACTIVITY/QUESTION``).
QUESTION_KEY_LENGTH = 30


def question_key(text: str, taken: set[str]) -> str:
    """The key of a new question, from its text, unique among ``taken`` (the
    keys of the other questions of its activity): "Where do you stand?" is
    ``where-do-you-stand``, then ``where-do-you-stand-2``."""
    return unique_key(slug(text, QUESTION_KEY_LENGTH) or "question", taken)


def template_name(text: str) -> str:
    """A template's name (and file name) from what was typed: "Kick-start Sofia"
    is ``kick-start-sofia``. Raises :class:`TemplateError` when nothing is left."""
    name = slug(text)
    if not name:
        raise TemplateError("name: a template needs a name with letters or digits")
    return name


def _keyed(items: Any, text_field: str, prefix: str) -> Any:
    """Let a list hold plain strings or ``{key, <text_field>}`` tables; derive the
    missing keys (in order, unique among the list's keys)."""
    if not isinstance(items, list):
        return items
    taken = {i["key"] for i in items if isinstance(i, dict) and isinstance(i.get("key"), str)}
    out = []
    for item in items:
        if isinstance(item, str):
            item = {text_field: item}
        if isinstance(item, dict) and "key" not in item and isinstance(item.get(text_field), str):
            key = derive_key(item[text_field], taken, prefix)
            taken.add(key)
            item = {"key": key, **item}
        out.append(item)
    return out


class Option(Strict):
    """One option of a question: a plain string in a template, or ``{key, label}``."""

    key: Key
    label: Text


class Point(Strict):
    """One point of a scale: a plain string in a template, or ``{key, label}``."""

    key: Key
    label: Text


class Statement(Strict):
    """One statement of a ``scale_statements`` question: a string or ``{key, text}``."""

    key: Key
    text: Text


class Scale(Strict):
    """A labelled scale. ``agree`` and ``disagree`` name the points (by key or
    label) that count as agreement and as disagreement; the rest are neither."""

    label: Text
    points: list[Point] = Field(min_length=2, max_length=12)
    agree: list[str] = Field(default_factory=list)
    disagree: list[str] = Field(default_factory=list)
    description: str = ""

    @field_validator("points", mode="before")
    @classmethod
    def _point_keys(cls, value: Any) -> Any:
        return _keyed(value, "label", "p")

    @model_validator(mode="after")
    def _sides(self) -> Scale:
        _unique_keys("points", [p.key for p in self.points])
        by_label = {p.label: p.key for p in self.points}
        keys = {p.key for p in self.points}
        for side in ("agree", "disagree"):
            named = []
            for name in getattr(self, side):
                key = name if name in keys else by_label.get(name)
                if key is None:
                    raise ValueError(f"{side}: {name!r} is not a point of this scale")
                named.append(key)
            setattr(self, side, named)
        both = set(self.agree) & set(self.disagree)
        if both:
            raise ValueError(f"point {sorted(both)[0]!r} is in both agree and disagree")
        return self


class CrossPoint(Strict):
    key: Key
    vision: Text  # the policy vision (EU Council Recommendation principle)
    need: Text  # the industry need it responds to
    title: str = ""  # a short name for lists


class Question(Strict):
    key: Key
    type: QuestionType
    text: Text
    options: list[Option] = Field(default_factory=list)
    scale: str = ""  # name of a scale in [scales] or of a standard scale
    statements: list[Statement] = Field(default_factory=list)
    # Fill statements from the template's cross-points (their titles/visions).
    statements_from: Literal["", "crosspoints"] = ""
    max_choices: int = Field(default=0, ge=0)
    max_length: int = Field(default=280, ge=1, le=2000)
    anonymous: bool = True

    @field_validator("options", mode="before")
    @classmethod
    def _option_keys(cls, value: Any) -> Any:
        return _keyed(value, "label", "o")

    @field_validator("statements", mode="before")
    @classmethod
    def _statement_keys(cls, value: Any) -> Any:
        return _keyed(value, "text", "s")

    @model_validator(mode="after")
    def _shape(self) -> Question:
        _unique_keys("options", [o.key for o in self.options])
        _unique_keys("statements", [s.key for s in self.statements])
        if self.type in ("single", "multiple", "ranking") and len(self.options) < 2:
            raise ValueError(f"a {self.type} question needs at least 2 options")
        if self.type in ("scale", "scale_statements") and not self.scale:
            raise ValueError(f"a {self.type} question needs a scale")
        if self.type == "scale_statements" and not (self.statements or self.statements_from):
            raise ValueError("a scale_statements question needs statements or statements_from")
        if self.type == "multiple" and self.max_choices > len(self.options):
            raise ValueError("max_choices is larger than the number of options")
        return self


class Level(Strict):
    key: Key
    label: Text
    description: str = ""


class ChecklistItem(Strict):
    key: Key
    text: Text
    help: str = ""


class ChecklistStage(Strict):
    key: Key
    title: Text
    items: list[ChecklistItem] = Field(default_factory=list)


class MappingQuestion(Strict):
    key: Key
    text: Text
    scale: str = ""  # empty: a yes/no question


class RegisterEntry(Strict):
    """A stakeholder offered as a starting register (e.g. SACCORD's roles)."""

    name: Text
    group: str = ""  # key of one of the template's stakeholder groups
    organisation: str = ""
    notes: str = ""


class Activity(Strict):
    key: Key
    kind: ActivityKind
    title: Text
    timebox: int = Field(default=0, ge=0, le=600, description="minutes")
    description: str = ""
    # canvas
    shape: Literal["toc", "grid"] = "toc"
    crosspoint: str = ""
    prompts: dict[str, str] = Field(default_factory=dict)
    max_changes: int = Field(
        default=rules.DEFAULT_MAX_CHANGES, ge=rules.MIN_MAX_CHANGES, le=rules.MAX_MAX_CHANGES
    )
    levels: list[Level] = Field(default_factory=list)
    timeframes: list[Level] = Field(default_factory=list)
    # poll
    questions: list[Question] = Field(default_factory=list)
    # stakeholder_map
    method: Literal["", "power_interest", "saccord"] = ""
    max_actors: int = Field(default=10, ge=1, le=200)
    knowledge_questions: list[MappingQuestion] = Field(default_factory=list)
    influence_questions: list[MappingQuestion] = Field(default_factory=list)
    support_questions: list[MappingQuestion] = Field(default_factory=list)
    stakeholders: list[RegisterEntry] = Field(default_factory=list)
    # checklist
    stages: list[ChecklistStage] = Field(default_factory=list)
    items: list[ChecklistItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> Activity:
        _unique_keys("questions", [q.key for q in self.questions])
        for field in ("knowledge_questions", "influence_questions", "support_questions"):
            _unique_keys(field, [q.key for q in getattr(self, field)])
        _unique_keys("levels", [x.key for x in self.levels])
        _unique_keys("timeframes", [x.key for x in self.timeframes])
        _unique_keys("stages", [x.key for x in self.stages])
        _unique_keys("items", [x.key for x in self.items])
        if self.kind == "canvas":
            if self.shape == "grid" and not (self.levels and self.timeframes):
                raise ValueError("a grid canvas needs levels and timeframes")
            bad = set(self.prompts) - {"change", "how", "what"}
            if bad:
                raise ValueError(f"prompts may only name change, how, what (not {sorted(bad)})")
        elif self.kind == "poll" and not self.questions:
            raise ValueError("a poll needs at least one question")
        elif self.kind == "stakeholder_map" and not self.method:
            raise ValueError("a stakeholder_map needs a method (power_interest or saccord)")
        elif self.kind == "checklist" and not (self.items or self.stages):
            raise ValueError("a checklist needs items or stages")
        return self


class Template(Strict):
    template: TemplateMeta
    stakeholder_groups: list[StakeholderGroup] = Field(min_length=1)
    scales: dict[Key, Scale] = Field(default_factory=dict)
    crosspoints: list[CrossPoint] = Field(default_factory=list)
    agenda: list[Activity] = Field(min_length=1)
    # [translations.<lang>]: what participants read, in more languages, by key
    # (core/translations.py; README, "Templates in several languages").
    translations: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Template:
        _unique("stakeholder_groups", [g.key for g in self.stakeholder_groups])
        _unique("crosspoints", [c.key for c in self.crosspoints])
        _unique("agenda", [a.key for a in self.agenda])
        from .polls.scales import STANDARD_SCALES as standard

        points = {c.key for c in self.crosspoints}
        groups = {g.key for g in self.stakeholder_groups}
        for i, act in enumerate(self.agenda):
            if act.crosspoint and act.crosspoint not in points:
                raise _RefError(
                    ("agenda", i, "crosspoint"), f"unknown cross-point {act.crosspoint!r}"
                )
            for j, q in enumerate(act.questions):
                if q.scale and q.scale not in self.scales and q.scale not in standard:
                    raise _RefError(
                        ("agenda", i, "questions", j, "scale"), f"unknown scale {q.scale!r}"
                    )
                if q.statements_from == "crosspoints" and not self.crosspoints:
                    raise _RefError(
                        ("agenda", i, "questions", j, "statements_from"),
                        "the template has no crosspoints",
                    )
            for j, entry in enumerate(act.stakeholders):
                if entry.group and entry.group not in groups:
                    raise _RefError(
                        ("agenda", i, "stakeholders", j, "group"),
                        f"unknown stakeholder group {entry.group!r}",
                    )
            for field in ("knowledge_questions", "influence_questions", "support_questions"):
                for j, mq in enumerate(getattr(act, field)):
                    if mq.scale and mq.scale not in self.scales and mq.scale not in standard:
                        raise _RefError(
                            (("agenda", i, field, j, "scale")), f"unknown scale {mq.scale!r}"
                        )
        if self.translations:
            from . import translations

            data = self.model_dump(mode="json", exclude={"translations"})
            for address, msg in translations.problems(data, self.translations, standard):
                raise _RefError(("translations", *address), msg)
        return self


class _RefError(ValueError):
    """An error at ``loc``: from the template's root, or (``relative``) from the
    model whose validator raised it."""

    def __init__(self, loc: tuple[Any, ...], msg: str, relative: bool = False) -> None:
        super().__init__(msg)
        self.loc = loc
        self.relative = relative


def _unique_keys(where: str, keys: list[str]) -> None:
    """Refuse a list whose items share a key; the error names the item, relative
    to the model being validated (see :func:`validate`)."""
    seen: set[str] = set()
    for i, k in enumerate(keys):
        if k in seen:
            raise _RefError((where, i, "key"), f"duplicate key {k!r}", relative=True)
        seen.add(k)


def _unique(where: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for i, k in enumerate(keys):
        if k in seen:
            raise _RefError((where, i, "key"), f"duplicate key {k!r}")
        seen.add(k)


# ---------------------------------------------------------------- loading


def parse_text(text: str, source: str = "<template>") -> Template:
    """Parse and validate a template's TOML text. ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            msg = f"{source}:{m[1]}: TOML syntax: {msg[: m.start()]} (column {m[2]})"
        else:
            msg = f"{source}: TOML syntax: {msg}"
        raise TemplateError(msg) from exc
    return validate(data, text, source)


def validate(data: dict[str, Any], text: str = "", source: str = "<template>") -> Template:
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        msg = err["msg"]
        ctx = err.get("ctx") or {}
        if isinstance(ctx.get("error"), _RefError):
            loc = (loc if ctx["error"].relative else ()) + ctx["error"].loc
            msg = str(ctx["error"])
        msg = msg.removeprefix("Value error, ")
        line = locate(text, loc) if text else None
        where = f"{source}:{line}" if line else source
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise TemplateError("{where}: field {_dotted}: {msg}{more}", where=where,
                            _dotted=_dotted(loc), msg=msg, more=more) from exc


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _locate_dotted(lines: list[str], loc: tuple[Any, ...]) -> int | None:
    """The line of a key inside a table addressed by dotted keys
    (``[translations.it]`` then ``agenda.x.title = ...``)."""
    parts = [str(p) for p in loc]
    for cut in range(len(parts), 0, -1):
        head = r"\s*\.\s*".join(re.escape(p) for p in parts[:cut])
        table = re.compile(rf"^\s*\[\s*{head}\s*\]")
        for n, line in enumerate(lines):
            if not table.match(line):
                continue
            rest = parts[cut:]
            if not rest:
                return n + 1
            key = re.compile(r"^\s*" + r"\s*\.\s*".join(
                rf"[\"']?{re.escape(p)}[\"']?" for p in rest) + r"\s*=")
            for m in range(n + 1, len(lines)):
                if lines[m].lstrip().startswith("["):
                    break
                if key.match(lines[m]):
                    return m + 1
            return n + 1
    return None


def locate(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number (1-based) of the TOML element at ``loc``.

    tomllib keeps no positions, so walk the text: find the n-th ``[[array]]``
    header for each list index, then the key inside that block.
    """
    lines = text.splitlines()
    if loc and loc[0] == "translations":
        return _locate_dotted(lines, loc)
    start, end = 0, len(lines)
    header = ""
    i = 0
    line_found: int | None = None
    parts = list(loc)
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(part, str) and isinstance(nxt, int):
            header = f"{header}.{part}" if header else part
            pat = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
            hits = [n for n in range(start, end) if pat.match(lines[n])]
            if nxt < len(hits):
                start = hits[nxt]
                line_found = start + 1
                # the block ends at the next header of the same or a parent array
                top = re.compile(r"^\s*\[")
                stop = end
                for n in range(start + 1, end):
                    if top.match(lines[n]) and not lines[n].strip().startswith(f"[[{header}."):
                        stop = n
                        break
                end = stop
                i += 2
                continue
            # inline array: point at the key holding it
            key = re.compile(rf"^\s*{re.escape(part)}\s*=")
            for n in range(start, end):
                if key.match(lines[n]):
                    return n + 1
            return line_found
        if isinstance(part, str):
            table = re.compile(rf"^\s*\[\s*{re.escape(part)}\s*\]")
            key = re.compile(rf"^\s*{re.escape(part)}\s*=")
            for n in range(start, end):
                if key.match(lines[n]) or table.match(lines[n]):
                    line_found = n + 1
                    start = n
                    break
        i += 1
    return line_found


def load(path: Path) -> Template:
    """Load and validate one template file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TemplateError("{path}: no such template file", path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError("{path}: cannot be read ({exc})", path=path, exc=exc) from exc
    return parse_text(text, str(path))


def dump(template: Template) -> str:
    """The template as TOML text that :func:`parse_text` reads back unchanged."""
    import tomlkit  # style-preserving writer: [[agenda]] blocks, not inline tables

    data = template.model_dump(mode="json", exclude_defaults=True)
    # [template] first and whole, so the file reads like the hand-written ones
    data.pop("template", None)
    data = {"template": template.template.model_dump(mode="json"), **data}
    return tomlkit.dumps(_drop_empty(data))


def check_target(path: Path, *, overwrite: bool = False) -> Path:
    """``path`` may receive a template: a ``.toml`` file name, not a folder, and
    new unless ``overwrite``. Raises :class:`TemplateError` naming the path."""
    if path.is_dir():
        raise TemplateError("{path}: is a folder, not a template file", path=path)
    if path.suffix != ".toml":
        raise TemplateError("{path}: a template file name ends in .toml", path=path)
    if path.exists() and not overwrite:
        raise TemplateError("{path}: already exists; choose another name", path=path)
    return path


def save(template: Template, path: Path, *, overwrite: bool = False) -> Path:
    """Write ``template`` to ``path`` (made with its folder if need be).

    What is written is read back first: a file that would not load is never
    written. Refusals are one :class:`TemplateError` naming the path.
    """
    check_target(path, overwrite=overwrite)
    text = dump(template)
    parse_text(text, str(path))  # what we write must load back
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TemplateError("{path}: cannot be written ({reason})", path=path,
                            reason=exc.strerror) from exc
    return path


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in ("", [], {}, None)}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def activity_config(act: Any) -> Activity:
    """An agenda step's configuration, typed: the one way to read it.

    ``act`` is a session's activity row (``key``, ``kind``, ``title``,
    ``timebox_minutes``, ``config``). Sessions store every field with its
    default; files from before that get the defaults here.
    """
    data = dict(act.config or {})
    data.update({"key": act.key, "kind": act.kind, "title": act.title})
    data.setdefault("timebox", act.timebox_minutes)
    try:
        return Activity.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise TemplateError(
            "activity {key}: field {_dotted}: {removeprefix}", key=act.key,
            _dotted=_dotted(tuple(err['loc'])),
            removeprefix=str(err['msg']).removeprefix('Value error, ')
        ) from exc


def crosspoint_statements(template_plan: dict[str, Any]) -> list[dict[str, str]]:
    """Statements for a ``statements_from = "crosspoints"`` question, keyed by
    their cross-point's key."""
    return [
        {"key": c["key"], "text": c.get("title") or c["vision"]}
        for c in template_plan.get("crosspoints", [])
    ]


def in_language(template: Template, language: str) -> Template:
    """``template`` with its texts in ``language`` when it carries that
    translation (its own texts then kept as a translation); else unchanged."""
    from . import translations

    if not template.translations or not language:
        return template
    data = template.model_dump(mode="json", exclude={"translations"})
    texts, kept = translations.localize(data, template.translations, language)
    if texts is data:
        return template
    return Template.model_validate({**texts, "translations": kept})
