"""The README is a front page a newcomer reads in minutes, and every link in it and in docs/
leads somewhere: each relative link names a file of the repository and, with an anchor, one of
that file's headings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return _CODE.sub("", _FENCE.sub("", text))


def relative_links(document: Path) -> list[str]:
    return [
        target
        for target in _LINK.findall(prose(document.read_text(encoding="utf-8")))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto: leave the repo
    ]


def anchors(document: Path) -> set[str]:
    """The anchors a Markdown renderer gives the headings (GitHub's rule: lower case,
    punctuation dropped, spaces as hyphens)."""
    headings = _HEADING.findall(_FENCE.sub("", document.read_text(encoding="utf-8")))
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_the_readme_is_a_front_page_under_200_lines() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) < 200


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_relative_link_leads_to_a_file_and_heading_of_the_repository(
    document: Path,
) -> None:
    broken = []
    for link in relative_links(document):
        path, _, anchor = link.partition("#")
        target = (document.parent / path).resolve() if path else document
        if not target.is_file() or ROOT not in target.parents:
            broken.append(f"{link}: no such file in the repository")
        elif anchor and anchor not in anchors(target):
            broken.append(f"{link}: {target.name} has no heading with that anchor")
    assert broken == []


def test_the_readme_leads_to_every_document_in_docs() -> None:
    linked = {(README.parent / link.partition("#")[0]).resolve() for link in relative_links(README)}
    assert [doc.name for doc in DOCUMENTS[1:] if doc.resolve() not in linked] == []


def test_code_is_no_link_and_anchors_follow_the_headings(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# A PO's life\n\n## The `poflow` command\n\nSee [it](#a-pos-life) and `[no](x)`.\n"
    )
    assert relative_links(page) == ["#a-pos-life"]
    assert anchors(page) == {"a-pos-life", "the-poflow-command"}
