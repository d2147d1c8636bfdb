"""The stakeholder form and the SACCORD questionnaire form.

Both are :class:`FormScreen`s: their ``on_submit`` saves through the app's
writer (in a thread, see ..writes) and may refuse (a :class:`UserError`, or a
file another program keeps locked): the refusal shows in the form, which stays
open with what was typed, and nothing is saved. They close, returning what
``on_submit`` saved, only once the change is committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from coworkshop.i18n import _, fmt
from coworkshop.tui.common.form import FormScreen, LimitCounter

from ...core import stakeholders as sh
from ...core.errors import UserError
from ...core.stakeholders.rules import MAX_NAME, MAX_NOTES
from .render import window

S = TypeVar("S")

#: The core's limits, counted near them while typing.
LIMITS = {"name": MAX_NAME, "organisation": MAX_NAME, "notes": MAX_NOTES}
TEXT_FIELDS = [
    ("name", "Name *", "e.g. Ministry of Education"),
    ("organisation", "Organisation", "optional"),
    ("notes", "Notes", "role, expectations, who knows them"),
]


class StakeholderForm(FormScreen[dict[str, str], S], Generic[S]):
    """Name (required), stakeholder group, organisation, notes, participant."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="stakeholder-form.cancel",
                tooltip="Close without saving."),
        Binding("ctrl+s", "submit", "Save", id="stakeholder-form.save",
                tooltip="Save the stakeholder."),
    ]

    def __init__(self, title: str, groups: list[tuple[str, str]],
                 participants: list[tuple[str, str]], values: dict[str, str],
                 on_submit: Callable[[dict[str, str]], Awaitable[S]]) -> None:
        super().__init__(on_submit)
        self.title_text = title
        self.groups = groups
        self.participants = participants
        self.values = values

    def compose(self) -> ComposeResult:
        group = self.values.get("stakeholder_group", "")
        pid = self.values.get("participant_id", "")
        with Vertical(classes="dialog stakeholder-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            with Grid(classes="form-grid"):
                label, key, placeholder = TEXT_FIELDS[0][1], "name", TEXT_FIELDS[0][2]
                yield Label(label, classes="field-label")
                yield Input(self.values.get(key, ""), placeholder=placeholder, id=key,
                            compact=True, max_length=LIMITS[key])
                yield Label(_("Stakeholder group"), classes="field-label")
                yield Select(self.groups, value=group if group in dict(
                    (k, v) for v, k in self.groups) else Select.NULL,
                    prompt=_("no group yet"), id="stakeholder_group", compact=True)
                for key, label, placeholder in TEXT_FIELDS[1:]:
                    yield Label(label, classes="field-label")
                    yield Input(self.values.get(key, ""), placeholder=placeholder, id=key,
                                compact=True, max_length=LIMITS[key])
                if self.participants:
                    yield Label(_("Participant"), classes="field-label")
                    yield Select(self.participants,
                                 value=pid if pid in {k for _l, k in self.participants}
                                 else Select.NULL,
                                 prompt=_("not in the room"), id="participant_id", compact=True)
            yield LimitCounter("form", MAX_NAME, always=False)
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("enter saves · tab next field · esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def collect(self) -> dict[str, str]:
        values = {key: self.query_one(f"#{key}", Input).value for key, _l, _p in TEXT_FIELDS}
        group = self.query_one("#stakeholder_group", Select).value
        values["stakeholder_group"] = group if isinstance(group, str) else ""
        if self.participants:
            pid = self.query_one("#participant_id", Select).value
            values["participant_id"] = pid if isinstance(pid, str) else ""
        return values

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        self.save(self.collect())


PART_NAMES = {"influence": "Influence", "support": "Support", "knowledge": "Knowledge"}


class QuestionnaireForm(FormScreen[dict[str, int | None], S], Generic[S]):
    """The yes/no questions (y, n) and the knowledge questions (1-4), one
    stakeholder at a time; the result shows as the answers come in."""

    HOW_TO = (
        "Up/down choose a question. y or n answers a yes/no question; 1, 2, 3 or 4 picks an "
        "answer of a knowledge question (1 is the lowest). The cursor moves on by itself. "
        "Backspace clears an answer. Enter saves once every question is answered: a "
        "half-filled questionnaire is refused and nothing is saved. " + sh.RULES_TEXT
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="questionnaire.cancel",
                tooltip="Close without saving."),
        Binding("y", "answer(1)", "Yes", id="questionnaire.yes",
                tooltip="Answer yes (yes/no questions)."),
        Binding("n", "answer(0)", "No", id="questionnaire.no",
                tooltip="Answer no (yes/no questions)."),
        Binding("1", "point(0)", "1-4 answer", id="questionnaire.point1",
                tooltip="Knowledge questions: pick answer 1 (lowest) to 4."),
        Binding("2", "point(1)", "Answer 2", id="questionnaire.point2", show=False,
                tooltip="Knowledge questions: pick answer 2."),
        Binding("3", "point(2)", "Answer 3", id="questionnaire.point3", show=False,
                tooltip="Knowledge questions: pick answer 3."),
        Binding("4", "point(3)", "Answer 4", id="questionnaire.point4", show=False,
                tooltip="Knowledge questions: pick answer 4."),
        Binding("backspace,delete", "clear", "Clear", id="questionnaire.clear", show=False,
                tooltip="Clear the answer of the highlighted question."),
        Binding("up", "cursor(-1)", "Previous", id="questionnaire.up", show=False,
                tooltip="Previous question."),
        Binding("down", "cursor(1)", "Next", id="questionnaire.down", show=False,
                tooltip="Next question."),
        Binding("enter,ctrl+s", "submit", "Save", id="questionnaire.save",
                tooltip="Save the answers (every question must be answered)."),
    ]

    def __init__(self, title: str, questions: list[sh.MapQuestion],
                 answers: dict[str, int | None],
                 on_submit: Callable[[dict[str, int | None]], Awaitable[S]],
                 ) -> None:
        super().__init__(on_submit)
        self.title_text = title
        self.questions = questions
        self.answers: dict[str, int | None] = {q.key: answers.get(q.key) for q in questions}
        self.opened_with = dict(self.answers)
        self.cursor = 0

    def holds_text(self) -> bool:
        # answers given with keys, not typed in fields: escape asks all the same
        return self.answers != self.opened_with

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog questionnaire-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(id="q-list")
            yield Static(id="q-detail")
            yield Static(id="q-score")
            yield Static(id="form-error", classes="form-error")
            yield Static(_("y/n yes-no · 1-4 knowledge · enter saves · esc cancels"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        self.refresh_view()

    def _answer_text(self, q: sh.MapQuestion, value: int | None) -> tuple[str, str]:
        if value is None:
            return "·", "dim"
        if not q.points:
            return ("yes", "bold green") if value else ("no", "bold red")
        return f"{value + 1}/{q.n_points}", "bold cyan"

    def refresh_view(self) -> None:
        rows = max(3, self.app.size.height - 16)
        lines = Text()
        width = max(30, min(84, self.app.size.width - 4) - 16)
        number = {"influence": 0, "support": 0, "knowledge": 0}
        labels = []
        for q in self.questions:
            number[q.part] += 1
            labels.append(f"{q.part[0].upper()}{number[q.part]}")
        for n in window(len(self.questions), self.cursor, rows):
            q = self.questions[n]
            mark, style = self._answer_text(q, self.answers[q.key])
            sel = n == self.cursor
            lines.append("▸" if sel else " ", style="bold")
            lines.append(f"{labels[n]:<3} ", style="bold")
            lines.append(f"{mark:<5}", style=style)
            text = q.text if len(q.text) <= width else q.text[: width - 1] + "…"
            lines.append(text, style="reverse" if sel else "")
            lines.append("\n")
        lines.rstrip()
        self.query_one("#q-list", Static).update(lines)
        q = self.questions[self.cursor]
        detail = Text.assemble((f"{PART_NAMES[q.part]}: ", "bold"), q.text, "\n")
        for i, choice in enumerate(q.choices()):
            key = ("n", "y")[i] if not q.points else str(i + 1)
            detail.append(f" {key} ", style="bold reverse")
            detail.append(f" {choice}  ")
        self.query_one("#q-detail", Static).update(detail)
        s = sh.score(self.questions, self.answers)
        result = Text.assemble((fmt("{answered} of {total} answered",
                                    answered=s.answered, total=s.total), "bold"))
        summary = s.summary()
        if summary:
            result.append(f" · {summary}")
        if s.complete:
            power = sh.value_from_yes(s.yes.get("influence", 0), s.counts.get("influence", 1))
            interest = sh.value_from_yes(s.yes.get("support", 0), s.counts.get("support", 1))
            result.append(f" → {sh.quadrant(power, interest).strategy}", style="bold green")
        self.query_one("#q-score", Static).update(result)

    def action_cursor(self, step: int) -> None:
        self.cursor = max(0, min(len(self.questions) - 1, self.cursor + step))
        self.refresh_view()

    def _set(self, value: int | None) -> None:
        self.answers[self.questions[self.cursor].key] = value
        self.query_one("#form-error", Static).update("")
        if value is not None and self.cursor < len(self.questions) - 1:
            self.cursor += 1
        self.refresh_view()

    def action_answer(self, value: int) -> None:
        q = self.questions[self.cursor]
        if q.points:
            self.notify(fmt("Answer this one with 1 to {n_points}.",
                            n_points=q.n_points), severity="warning")
            return
        self._set(value)

    def action_point(self, point: int) -> None:
        q = self.questions[self.cursor]
        if not q.points:
            self.notify(_("Answer this one with y or n."), severity="warning")
            return
        if point >= q.n_points:
            self.notify(fmt("This question has {n_points} answers.",
                            n_points=q.n_points), severity="warning")
            return
        self._set(point)

    def action_clear(self) -> None:
        self.answers[self.questions[self.cursor].key] = None
        self.refresh_view()

    def action_submit(self) -> None:
        self.save(dict(self.answers))

    def refused(self, exc: UserError) -> None:
        # go to the first unanswered question
        for n, q in enumerate(self.questions):
            if self.answers[q.key] is None:
                self.cursor = n
                break
        self.refresh_view()
