"""The documentation and the code cite only files that exist (a page or a docstring naming a module that was
moved or never added sends the reader nowhere)."""

import glob
import os
import re

ROOT = os.path.join(os.path.dirname(__file__), "..")
# A repository path: one of our top folders, then a file with an extension we keep.
CITED = re.compile(r"(?<![\w/.-])((?:llmpar|tests|benchmarks|docs)/[\w./-]*\.(?:py|md|json|sh))")
OTHER_REPOSITORY = re.compile(r"[\w-]+/[\w.-]+\s+$")
SOURCES = ["README.md", "DEVELOPERS.md", "CHANGELOG.md", "docs/*.md", "llmpar/**/*.py", "benchmarks/*.py"]


def cited_paths() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pattern in SOURCES:
        for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            text = open(path, encoding="utf-8").read()
            for match in CITED.finditer(text):
                line_before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
                if OTHER_REPOSITORY.search(line_before):
                    continue  # a file of another project ("NVIDIA-NeMo/Megatron-Bridge docs/...")
                found.setdefault(match.group(1), set()).add(os.path.relpath(path, ROOT))
    return found


def test_every_cited_file_exists():
    cited = cited_paths()
    assert len(cited) > 20  # the pattern finds what the pages cite
    missing = {path: sorted(where) for path, where in cited.items() if not os.path.exists(os.path.join(ROOT, path))}
    assert not missing, f"cited but not in the repository: {missing}"


def test_no_page_cites_a_design_file_outside_the_repository():
    for pattern in SOURCES:
        for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            assert "DESIGN.md" not in open(path, encoding="utf-8").read(), path
