"""Scoring pairs of face images, for calibration and evaluation on a site's own data.

Chip-sized pictures go through the card pipeline, as at the counter (``vision.card``). Each
distinct image is analysed once (decode, detect, encode), however many pairs name it, so
thousands of pairs over a few hundred images cost a few hundred encodings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.vision.card import reference_template
from desk_app.vision.engines import FaceEngine, Template
from desk_app.vision.images import load_rgb


@dataclass(frozen=True)
class Analysis:
    template: Template | None
    error_code: str = ""
    error: str = ""


@dataclass(frozen=True)
class PairScore:
    distance: float | None  # None when either image gave no template
    error_code: str = ""
    error: str = ""


class TemplateCache:
    """Templates of the images under ``root``, computed on first use."""

    def __init__(self, engine: FaceEngine, root: Path) -> None:
        self.engine = engine
        self.root = root
        self._analyses: dict[str, Analysis] = {}

    def __len__(self) -> int:
        return len(self._analyses)

    def analyse(self, relative_path: str) -> Analysis:
        analysis = self._analyses.get(relative_path)
        if analysis is None:
            try:
                template, _ = reference_template(self.engine, load_rgb(self.root / relative_path))
                analysis = Analysis(template)
            except DeskError as error:
                analysis = Analysis(None, error.code, f"{relative_path}: {error.message}")
            self._analyses[relative_path] = analysis
        return analysis

    def failures(self) -> list[Analysis]:
        return [analysis for analysis in self._analyses.values() if analysis.template is None]


def score_pairs(
    cache: TemplateCache,
    pairs: Iterable[tuple[str, str]],
    *,
    progress: Callable[[int], None] | None = None,
) -> list[PairScore]:
    scores = []
    for done, (first, second) in enumerate(pairs, start=1):
        one, other = cache.analyse(first), cache.analyse(second)
        failed = one if one.template is None else other
        if one.template is None or other.template is None:
            scores.append(PairScore(None, failed.error_code, failed.error))
        else:
            scores.append(PairScore(cache.engine.distance(one.template, other.template)))
        if progress:
            progress(done)
    return scores
