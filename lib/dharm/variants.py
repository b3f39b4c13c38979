"""Variant books: the whole book with other parameters, or another country's data, from one YAML file each.

A file in ``variants/`` names the variant, its country and the parameters of each page
(``all`` applies to every page that declares the parameter). :func:`build_variant` checks every
value before any page runs, executes the pages into ``_build/variants/<name>/source/`` (never
into ``notebooks/``), puts a banner naming the variant and its parameters on every page, and
renders ``_build/variants/<name>/html`` with its own ledger beside it.
"""
from __future__ import annotations

import html
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import yaml

from .build import Job, Outcome, Prune, page_rules, run_jobs
from .config import BUILD_DIR, DEFAULT_COUNTRY, REPO_ROOT, pages
from .io.country import load_country
from .io.errors import DataValidationError, parameter_error, validated_yaml, where
from .io.parameters import check_parameters, notebook_parameters
from .ledger import build_ledger, write_ledger

VARIANTS_DIR = REPO_ROOT / "variants"
VARIANT_BUILD_DIR = BUILD_DIR / "variants"
ALL_PAGES = "all"
BOOK_FILES = ("_toc.yml", "_static", "cite.md", "references.md", "references.bib")


class Variant(pydantic.BaseModel):
    """``variants/<name>.yml``."""

    model_config = pydantic.ConfigDict(extra="forbid")
    name: str = pydantic.Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = pydantic.Field(min_length=1)
    description: str = pydantic.Field(min_length=1)
    country: str = DEFAULT_COUNTRY
    parameters: dict[str, dict[str, Any]] = {}


def variant_path(name: str) -> Path:
    path = VARIANTS_DIR / f"{name}.yml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in VARIANTS_DIR.glob("*.yml")))
        raise parameter_error("variant", name, f"a file variants/<name>.yml ({known or 'none'})")
    return path


def load_variant(name_or_path: str | Path) -> Variant:
    """Read a variant file; errors name the file and the field."""
    path = Path(name_or_path) if str(name_or_path).endswith(".yml") else variant_path(str(name_or_path))
    variant = validated_yaml(path, Variant, "a variant file: name, title, description, country, parameters")
    if variant.name != path.stem:
        raise DataValidationError(f"{where(path)}, field 'name': got {variant.name!r}; expected the file's name, {path.stem!r}")
    return variant


@dataclass(frozen=True)
class Plan:
    """What a variant runs: each page with its checked parameters."""

    variant: Variant
    parameters: dict[str, dict[str, Any]]  # notebook stem -> every parameter of the page, checked

    @property
    def folder(self) -> Path:
        return VARIANT_BUILD_DIR / self.variant.name

    def changed(self, stem: str) -> dict[str, Any]:
        """The parameters of a page that differ from its defaults (what the banner names)."""
        defaults = {n: p.default for n, p in notebook_parameters(stem).items()}
        return {k: v for k, v in self.parameters[stem].items() if defaults.get(k) != v}


def plan_variant(variant: Variant) -> Plan:
    """Every page's parameters, checked before anything runs: an unknown page or parameter is an error."""
    stems = [p.notebook for p in pages()]
    unknown = sorted(set(variant.parameters) - set(stems) - {ALL_PAGES})
    if unknown:
        raise parameter_error("parameters", unknown[0], f"'{ALL_PAGES}' or a page of the book ({', '.join(stems)})")
    shared = variant.parameters.get(ALL_PAGES, {})
    known_anywhere = {n for stem in stems for n in notebook_parameters(stem)}
    for name in shared:
        if name not in known_anywhere:
            raise parameter_error(name, shared[name], f"a parameter of some page ({', '.join(sorted(known_anywhere))})")
    checked = {}
    for stem in stems:
        declared = notebook_parameters(stem)
        values = {k: v for k, v in shared.items() if k in declared} | variant.parameters.get(stem, {}) | {"country": variant.country}
        checked[stem] = check_parameters(stem, values)
    return Plan(variant, checked)


def banner(plan: Plan) -> str:
    """The announcement on every page of a variant: which variant, which parameters, which country."""
    changed = {k: v for stem in plan.parameters for k, v in plan.changed(stem).items()}
    settings = ", ".join(f"<code>{html.escape(k)} = {html.escape(repr(v))}</code>" for k, v in sorted(changed.items()))
    return (f"Variant <strong>{html.escape(plan.variant.name)}</strong>: {html.escape(plan.variant.description)}"
            + (f" Parameters: {settings}." if settings else "") + " This is not the book's main edition.")


def write_sources(plan: Plan, source: Path) -> None:
    """The book's configuration, table of contents, landing page and static files, adapted to the variant."""
    source.mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        target = source / name
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, target, dirs_exist_ok=True)
        else:
            shutil.copy2(REPO_ROOT / name, target)
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = plan.variant.title
    config.setdefault("html", {})["announcement"] = banner(plan)
    config.setdefault("sphinx", {}).setdefault("config", {})["dharm_country"] = plan.variant.country
    config["sphinx"]["config"]["dharm_pdf_links"] = False  # `make pdf` prints the main book only
    (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    landing = (REPO_ROOT / "intro.md").read_text(encoding="utf-8")
    if plan.variant.country != DEFAULT_COUNTRY:
        landing = country_landing(plan)
    (source / "intro.md").write_text(landing, encoding="utf-8")


def country_landing(plan: Plan) -> str:
    """The landing page of another country's variant: the content warning, what the pages hold, the sources."""
    template = (VARIANTS_DIR / "country_landing.md").read_text(encoding="utf-8")
    intro = (REPO_ROOT / "intro.md").read_text(encoding="utf-8")
    warning = intro[intro.index(":::{admonition} Content warning"):]
    warning = warning[:warning.index("\n:::", 3) + 4]  # the book's own content warning, word for word
    meta = load_country(plan.variant.country).metadata
    sources = "\n".join(f"- {s.citation}" + (f" <{s.url}>" if s.url else "") for s in [meta.report, *meta.sources])
    return template.format(title=plan.variant.title, warning=warning, country=meta.name, folder=plan.variant.country, sources=sources,
                           microdata="synthetic microdata calibrated to them" if meta.survey_microdata == "synthetic"
                           else "the survey's own microdata")


def build_variant(name: str, workers: int = 2, show_progress: bool = True) -> tuple[Path, list[Outcome], float]:
    """Build one variant book; returns its HTML folder, what each page did and the seconds taken."""
    start = time.perf_counter()
    plan = plan_variant(load_variant(name))
    source = plan.folder / "source"
    write_sources(plan, source)
    prune = Prune.for_country(plan.variant.country)
    jobs = [Job(p.path, source / "notebooks" / p.path.name, plan.changed(p.notebook) | {"country": plan.variant.country}, prune)
            for p in pages()]
    outcomes = run_jobs(jobs, workers, show_progress=show_progress, record_dir=plan.folder / "executed")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise RuntimeError("variant " + name + ": " + "; ".join(o.message for o in failed))
    html_dir = render(source, plan.folder)
    rules = page_rules(plan.variant.parameters.get(ALL_PAGES, {}))
    write_ledger(build_ledger(load_country(plan.variant.country), rules), plan.folder / "reproduction.csv")
    return html_dir, outcomes, time.perf_counter() - start


def render(source: Path, folder: Path) -> Path:
    """jupyter-book's strict build of the variant's sources into ``<folder>/html``."""
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(source), "-W", "--keep-going",
                             "--path-output", str(folder / "render")], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"jupyter-book build of {source} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    target = folder / "html"
    if target.exists():
        shutil.rmtree(target)
    (folder / "render" / "_build" / "html").rename(target)
    return target
