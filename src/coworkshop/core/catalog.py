"""The templates folder, listed without validating: tomllib only.

Kept apart from ``templates`` (which imports pydantic, a quarter of a second)
so that the home screen and ``coworkshop templates`` start fast.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import TemplateError


@dataclass
class TemplateEntry:
    """A template as listed on the home screen, read with tomllib only."""

    path: Path
    name: str
    title: str
    language: str
    activities: int
    source: str
    error: str = ""


def list_templates(folder: Path) -> list[TemplateEntry]:
    """The templates in ``folder``; files that do not parse are listed with an error."""
    out: list[TemplateEntry] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            meta = data.get("template", {})
            out.append(
                TemplateEntry(
                    path,
                    str(meta.get("name", path.stem)),
                    str(meta.get("title", "")),
                    str(meta.get("language", "")),
                    len(data.get("agenda", [])),
                    str(meta.get("source", "")),
                )
            )
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            out.append(TemplateEntry(path, path.stem, "", "", 0, "", error=str(exc)))
    return out


def resolve(name_or_path: str, folder: Path) -> Path:
    """A template by name (``canvases/NAME.toml`` or its ``template.name``) or path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        if candidate.exists():
            return candidate
        raise TemplateError("{name_or_path}: no such template file", name_or_path=name_or_path)
    direct = folder / f"{name_or_path}.toml"
    if direct.exists():
        return direct
    for entry in list_templates(folder):
        if entry.name == name_or_path:
            return entry.path
    names = ", ".join(e.name for e in list_templates(folder)) or "none"
    raise TemplateError("no template named {name_or_path!r} in {folder} (have: {names})",
                        name_or_path=name_or_path, folder=folder, names=names)
