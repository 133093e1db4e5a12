"""Every command shown in README.md and docs/*.md runs, as the docs show it
(tests/common/doccommands.py: what is extracted, how it runs, what is declared)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.common import doccommands as dc
from tests.common import docrunner

BLOCKS = dc.blocks()


def _param(block: dc.Block) -> object:
    slow = any(re.search(r.pattern, c.text) for r in dc.SLOW for c in dc.runnable(block))
    marks = [pytest.mark.slow, pytest.mark.timeout(1800)] if slow else []
    return pytest.param(block, id=block.id, marks=marks)


@pytest.mark.parametrize("block", [_param(b) for b in BLOCKS if dc.runnable(b)])
def test_the_block_runs(block: dc.Block, tmp_path: Path) -> None:
    ran = docrunner.run_block(block, tmp_path)
    assert len(ran) >= len(dc.runnable(block))


def _commands() -> list[dc.Command]:
    return [c for b in BLOCKS for c in b.commands]


def test_the_docs_show_commands() -> None:
    docs = {b.doc for b in BLOCKS}
    assert {"README.md", "docs/quickstart.md", "docs/campaigns.md"} <= docs
    assert len(_commands()) >= 50


def test_every_command_is_run_or_declared_not_run() -> None:
    unknown = [
        f"{b.doc}:{c.line}: {c.text}"
        for b in BLOCKS
        for c in b.commands
        if dc.not_run(c) is None and not c.program
    ]
    assert not unknown, f"run by no entry of PROGRAMS, and not in NOT_RUN: {unknown}"
    placeholders = r"/dev/tty|/dev/pts/|socket://|\bHOST\b|tcp://"
    left = [
        c.text
        for c in _commands()
        if dc.not_run(c) is None and re.search(placeholders, dc.rewrite(c.text))
    ]
    assert not left, f"an address of the docs that no SUBSTITUTIONS rule replaces: {left}"


def test_no_declaration_is_stale() -> None:
    texts = [c.text for c in _commands()]
    rules = [*dc.NOT_RUN, *dc.SUBSTITUTIONS, *dc.SCALED, *dc.APPENDED, *dc.SLOW]
    patterns = [r.pattern for r in rules] + [s.pattern for s in dc.SERVERS]
    stale = [p for p in patterns if not any(re.search(p, t) for t in texts)]
    stale += [g.path for g in docrunner.GIVEN if not any(re.search(g.wanted, t) for t in texts)]
    stale += [p for p in dc.PROGRAMS if not any(c.program == p for c in _commands())]
    assert not stale, f"declared in tests/common/doccommands.py, matching no command: {stale}"


MARKDOWN = """
```sh
hilander sim --json   # a comment
hilander sim '#not a comment' \\
  --seed 3
```

```console
$ hilander sim mco-units    # refused, exit 2
hilander: error: mco-units: too weak
$ pytest --hil-report reports/
reports/t/report.html
```

```
hilander sim: default (seed 1): PASS
```

  ```
  hilander campaign -n 5000 --out runs/  # runs.csv and report.html in runs/
  ```

```bash
# a comment alone
python -m hilander.hil.gen.cmessages firmware_stub/core
SOURCE_DATE_EPOCH=1 hilander sim --out d/
python -c "
for i in range(2):
    print(i)  # kept
" > n.txt
```
"""


def test_the_extractor_reads_each_kind_of_block() -> None:
    found = [dc.commands_of(lang, lines, n) for n, lang, lines in dc.fences(MARKDOWN)]
    texts = [[c.text for c in commands] for commands in found]
    assert texts == [
        ["hilander sim --json", "hilander sim '#not a comment' --seed 3"],
        ["hilander sim mco-units", "pytest --hil-report reports/"],
        [],
        ["hilander campaign -n 5000 --out runs/"],
        [
            "python -m hilander.hil.gen.cmessages firmware_stub/core",
            "SOURCE_DATE_EPOCH=1 hilander sim --out d/",
            'python -c "\nfor i in range(2):\n    print(i)  # kept\n" > n.txt',
        ],
    ]
    assert [c.program for c in found[4]] == ["python", "hilander", "python"]
    mco, report = found[1]
    assert (dc.expected_status(mco), mco.comment, mco.output) == (
        2,
        "refused, exit 2",
        ("hilander: error: mco-units: too weak",),
    )
    assert dc.promised_files(report, report.text) == ["reports/t/report.html"]
    campaign = found[3][0]
    text = dc.rewrite(campaign.text)
    assert text == "hilander campaign -n 20 --out runs/"
    assert dc.promised_files(campaign, text) == ["runs/runs.csv", "runs/report.html", "runs/"]


def test_a_conditional_exit_is_not_expected_of_a_fresh_run() -> None:
    check = dc.Command("hilander baseline check s.toml", "in CI: exit 1 on a regression", 1)
    assert dc.expected_status(check) == 0
    assert dc.expected_status(dc.Command("hilander sim x", "refused, exit 2", 1)) == 2
