"""The manifest of a run: `_output/<period>/manifest.json`.

It records every input and output with its hash, the parameters, the package versions, the git
commit when there is one, the time of each step, which units were reused from the cache, and
whether this run reproduced the previous one (same inputs → same processed data and report text).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from baocao.base.files import write_json
from baocao.run.cache import file_digest, sha256_bytes
from baocao.run.store import read_json

MANIFEST = "manifest.json"
PACKAGES = (
    "baocao",
    "great_expectations",
    "papermill",
    "pandas",
    "matplotlib",
    "nbclient",
    "jupytext",
    "pypandoc_binary",
    "python-calamine",
    "openpyxl",
    "python-docx",
)


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def git_commit(root: Path) -> dict[str, Any] | None:
    """The checkout's commit and whether it has uncommitted changes (None outside git)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=10,
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def content_digest(path: Path) -> str:
    """A digest of what a file says: an office file's parts (DOCX, XLSX) without the zip's
    timestamps and the document properties' dates; a PDF without its dates and identifier
    (`pdf_digest`); any other file, its bytes."""
    if path.suffix.lower() in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            parts = sorted(archive.namelist())
            return sha256_bytes(
                b"".join(
                    name.encode() + b"\0" + archive.read(name)
                    for name in parts
                    if name != "docProps/core.xml"
                )
            )
    if path.suffix.lower() == ".pdf":
        return pdf_digest(path)
    return file_digest(path)


# What LibreOffice writes anew at each conversion of the same DOCX to PDF: the dates, the file
# identifier and its checksum of the whole file (which includes them).
_PDF_VARYING = re.compile(
    rb"/(?:CreationDate|ModDate)\s*\([^)]*\)"
    rb"|/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]"
    rb"|/DocChecksum\s*/[0-9A-Fa-f]+"
)


def pdf_digest(path: Path) -> str:
    """SHA-256 of a PDF's bytes without its dates, file identifier and checksum (hex): two
    conversions of the same DOCX give the same digest."""
    return sha256_bytes(_PDF_VARYING.sub(b"", Path(path).read_bytes()))


def files_with_digests(paths: list[Path], base: Path) -> dict[str, str]:
    return {str(p.relative_to(base)): file_digest(p) for p in sorted(paths) if p.is_file()}


def read_manifest(folder: Path) -> dict[str, Any] | None:
    return read_json(folder / MANIFEST)


def reproducibility(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Whether this run gave the same processed data and report text as the previous one."""
    if previous is None:
        return {"compared_with": None}
    same_inputs = previous.get("inputs_digest") == current["inputs_digest"]
    same_processed = previous.get("processed_digest") == current["processed_digest"]
    old_reports = previous.get("report_text", {})
    same_reports = all(
        old_reports.get(name) == digest for name, digest in current["report_text"].items()
    )
    return {
        "compared_with": previous.get("run_id"),
        "same_inputs": same_inputs,
        "same_processed_data": same_processed,
        "same_report_text": same_reports,
        "reproduced": (same_processed and same_reports) if same_inputs else None,
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    manifest = {**manifest, "written_at": datetime.now().astimezone().isoformat(timespec="seconds")}
    return write_json(folder / MANIFEST, manifest)
