"""Scales: the one place that says what a scale name means.

A question names a scale; :func:`resolve_scale` finds it in the session's plan
(the template's own ``[scales.X]``, or a standard scale copied there when the
session or the question was made) or among :data:`STANDARD_SCALES`. The TUI,
the server and the reports all go through it.

Every point has a stable key. ``agree`` and ``disagree`` list the keys of the
points that count as agreement and as disagreement; points in neither list
(a neutral middle, an abstention) count as neither.

Choices made for the standard scales:

- Kaner's gradients of agreement: agreement is "I fully endorse it", "I endorse
  it, with a minor point of contention" and "I agree, with reservations";
  disagreement is "I disagree but will go with the majority", "I disagree and
  don't want to be responsible for carrying it out" and "I block it". Abstaining
  and standing aside count as neither: the person withholds a view.
- Fist to five: agreement is 3, 4 and 5 (from "unsure, but I'll go along"
  upward), disagreement is 0 (fist, block) and 1 (serious concerns); 2 (some
  concerns to discuss) counts as neither.
"""

from __future__ import annotations

from typing import Any

from ..errors import UserError


def _scale(
    label: str,
    points: list[tuple[str, str]],
    agree: list[str],
    disagree: list[str],
    description: str = "",
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": label,
        "points": [{"key": k, "label": v} for k, v in points],
        "agree": agree,
        "disagree": disagree,
    }
    if description:
        out["description"] = description
    return out


#: Scales a template can name without defining them, and a facilitator can pick
#: when adding a poll in the app. A standard scale used in a session is copied
#: into the session's plan so the file stays self-contained.
STANDARD_SCALES: dict[str, dict[str, Any]] = {
    "relevance": _scale(
        "Relevance (three levels)",
        [
            ("great", "To a great extent"),
            ("some", "To some extent"),
            ("none", "Does not respond at all"),
        ],
        ["great", "some"],
        ["none"],
    ),
    "agreement-4": _scale(
        "Agreement (4 points)",
        [
            ("strongly-agree", "Strongly agree"),
            ("agree", "Agree"),
            ("disagree", "Disagree"),
            ("strongly-disagree", "Strongly disagree"),
        ],
        ["strongly-agree", "agree"],
        ["disagree", "strongly-disagree"],
    ),
    "likert-5": _scale(
        "Agreement (5 points)",
        [
            ("strongly-agree", "Strongly agree"),
            ("agree", "Agree"),
            ("neutral", "Neither agree nor disagree"),
            ("disagree", "Disagree"),
            ("strongly-disagree", "Strongly disagree"),
        ],
        ["strongly-agree", "agree"],
        ["disagree", "strongly-disagree"],
    ),
    "gradients-of-agreement": _scale(
        "Gradients of agreement (Kaner, 8 points)",
        [
            ("endorse", "I fully endorse it"),
            ("endorse-minor", "I endorse it, with a minor point of contention"),
            ("agree-reservations", "I agree, with reservations (I can live with it)"),
            ("abstain", "I abstain: it does not concern me"),
            ("stand-aside", "I stand aside: I don't like it but won't hold up the group"),
            ("disagree-go-along", "I disagree but will go with the majority"),
            (
                "disagree-not-responsible",
                "I disagree and don't want to be responsible for carrying it out",
            ),
            ("block", "I block it"),
        ],
        ["endorse", "endorse-minor", "agree-reservations"],
        ["disagree-go-along", "disagree-not-responsible", "block"],
        "After Sam Kaner's Gradients of Agreement scale "
        "(Facilitator's Guide to Participatory Decision-Making).",
    ),
    "fist-to-five": _scale(
        "Fist to five",
        [
            ("0", "0 - Fist: I block it"),
            ("1", "1 - Serious concerns to resolve first"),
            ("2", "2 - Some concerns to discuss"),
            ("3", "3 - Unsure, but I'll go along"),
            ("4", "4 - I support it"),
            ("5", "5 - I fully support it and will champion it"),
        ],
        ["3", "4", "5"],
        ["0", "1"],
    ),
    # The MASTERY project's scales, as in the bundled canvases.
    "importance": _scale(
        "Importance",
        [
            ("not-important", "Not important"),
            ("slightly-important", "Slightly important"),
            ("moderately-important", "Moderately important"),
            ("very-important", "Very important"),
            ("essential", "Essential"),
        ],
        ["very-important", "essential"],
        ["not-important", "slightly-important"],
    ),
    "feasibility": _scale(
        "Realism in the current set-up",
        [
            ("now", "Realistic now"),
            ("2-3-years", "Realistic within 2-3 years"),
            ("long-run", "Only in the long run"),
            ("unrealistic", "Unrealistic in the current national/EU set-up"),
        ],
        ["now", "2-3-years"],
        ["long-run", "unrealistic"],
    ),
    "consent": _scale(
        "Consensus",
        [
            ("fully-support", "I fully support it"),
            ("can-live-with", "I can live with it"),
            ("serious-reservations", "I have serious reservations"),
            ("cannot-live-with", "I cannot live with it"),
        ],
        ["fully-support", "can-live-with"],
        ["serious-reservations", "cannot-live-with"],
        "Consent: everyone can at least live with it. The first two points count as consent.",
    ),
}


def _norm(label: str) -> str:
    return " ".join(label.casefold().split())


def _known(points: list[str]) -> dict[str, Any] | None:
    """The standard scale whose points these labels are (each label equal to, or
    ending with, the standard point's label: "Responds to a great extent")."""
    wanted = [_norm(p) for p in points]
    for scale in STANDARD_SCALES.values():
        labels = [_norm(p["label"]) for p in scale["points"]]
        if len(labels) == len(wanted) and all(
            w == s or w.endswith(" " + s) for w, s in zip(wanted, labels, strict=True)
        ):
            return scale
    return None


def normalise_scale(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A scale as stored in a plan, in today's shape: points with keys, agree and
    disagree. Plans written before keys existed (points as plain strings, no
    agree/disagree) get the keys and sides of the standard scale whose labels
    they carry, else keys derived from the labels and no sides."""
    from .. import templates

    data = dict(raw)
    points = data.get("points", [])
    if points and all(isinstance(p, str) for p in points) and "agree" not in data:
        known = _known(points)
        if known is not None:
            data["points"] = [
                {"key": s["key"], "label": p} for s, p in zip(known["points"], points, strict=True)
            ]
            data["agree"], data["disagree"] = list(known["agree"]), list(known["disagree"])
    try:
        scale = templates.Scale.model_validate(data)
    except Exception as exc:  # a hand-edited file
        raise UserError("scale {name!r} is invalid ({exc})", name=name, exc=exc) from exc
    return scale.model_dump(mode="json")


def resolve_scale(name: str, plan: dict[str, Any]) -> dict[str, Any]:
    """The scale a question names: ``{key, label, points: [{key, label}], agree,
    disagree, description}``. The session's plan first, then the standard scales.

    Raises :class:`UserError` for an unknown name.
    """
    raw = (plan.get("scales") or {}).get(name) or STANDARD_SCALES.get(name)
    if raw is None:
        names = ", ".join([*(plan.get("scales") or {}), *STANDARD_SCALES])
        raise UserError("unknown scale {name!r} (have: {names})", name=name, names=names)
    return {"key": name, **normalise_scale(name, raw)}


def scale_choices(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, label) of every scale a facilitator can pick: the session's own first."""
    own = plan.get("scales") or {}
    out = [(k, f"{s.get('label', k)} ({len(s.get('points', []))} points)") for k, s in own.items()]
    out += [(k, s["label"]) for k, s in STANDARD_SCALES.items() if k not in own]
    return out
