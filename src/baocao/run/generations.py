"""One output generation of a period at a time: its processed data, review pages and documents
move into place together or not at all.

A run builds everything new in staging folders beside the folders users open (same disk, so
every move is one rename):

- `data/processed/.<period>.next/<period>/`: the processed data; `.<period>.next/` is a processed
  root of its own that the report reads (`view`), with a copy of the earlier period's tables;
- `_output/.<period>.next/`: the documents, the manifest and `notebooks/` (the review pages).

Nothing a user sees changes until `commit`: it checks that every file to replace can be
replaced (a DOCX open in Word cannot, on Windows), writes a journal naming every move
(`data/processed/.<period>.commit.json`, written atomically: the commit point), then moves each
staged entry to its documented path, the replaced one kept in `.<period>.prev/` until all are in.
A move that fails puts back what was moved. A run killed after the commit point leaves the
journal, and the next run (`repair`, under the period's lock) finishes the moves; killed before,
it leaves only staging, which the next run deletes with every other leftover (`.old`, `.staging`,
`.part`). Outputs stay at their documented paths (`_output/<period>/bao-cao-<period>.docx`, ...):
files are moved one by one, never their folder, which Windows cannot rename while a file in it
is open.
"""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from baocao.base.files import temporary_beside, write_json
from baocao.config.paths import ProjectPaths
from baocao.errors import KEPT, BaocaoError, os_failure_message
from baocao.run.store import period_lock, read_json

# The earlier period's tables the report reads (`report.data`, `cache.report_key_parts`).
EARLIER_TABLES = ("values.csv", "status.csv", "models.csv")
_PROCESSED, _OUTPUT = "processed", "output"
# Programs that keep a file they opened from being replaced, by the file's suffix.
HOLDERS = {".docx": "Word", ".xlsx": "Excel", ".csv": "Excel", ".pdf": "trình đọc PDF"}


def _roots(paths: ProjectPaths) -> dict[str, Path]:
    return {_PROCESSED: Path(paths.processed), _OUTPUT: Path(paths.output)}


def staging_name(period: str) -> str:
    return f".{period}.next"


def backup_name(period: str) -> str:
    return f".{period}.prev"


def journal_path(paths: ProjectPaths, period: str) -> Path:
    return Path(paths.processed) / f".{period}.commit.json"


@dataclass
class Generation:
    """The new outputs of one run of `period`, staged until `commit` (see the module's text)."""

    paths: ProjectPaths
    period: str
    copied_earlier: set[str] = field(default_factory=set)

    @property
    def processed_root(self) -> Path:
        return Path(self.paths.processed) / staging_name(self.period)

    @property
    def processed(self) -> Path:
        """The staged `data/processed/<period>/`."""
        return self.processed_root / self.period

    @property
    def output(self) -> Path:
        """The staged `_output/<period>/` (only what this run makes)."""
        return Path(self.paths.output) / staging_name(self.period)

    @property
    def notebooks(self) -> Path:
        return self.output / "notebooks"

    def start(self) -> Generation:
        """Empty staging folders (whatever an earlier run left in them is deleted)."""
        for folder in (self.processed_root, self.output):
            _remove(folder)
            folder.mkdir(parents=True)
        return self

    def stage_processed(self) -> tuple[Path, Path]:
        """(processed, notebooks) staging folders, created empty."""
        for folder in (self.processed, self.notebooks):
            _remove(folder)
            folder.mkdir(parents=True)
        return self.processed, self.notebooks

    def view(self, earlier: str | None = None) -> ProjectPaths:
        """The project's paths as the report should read them: the staged processed data when
        this run made new data (with a copy of `earlier`'s tables beside it), else as they are."""
        if not self.processed.is_dir():
            return self.paths
        if earlier and earlier not in self.copied_earlier:
            source = Path(self.paths.processed) / earlier
            for name in EARLIER_TABLES:
                if (source / name).is_file():
                    (self.processed_root / earlier).mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source / name, self.processed_root / earlier / name)
            self.copied_earlier.add(earlier)
        return replace(self.paths, processed=self.processed_root)

    def moves(self) -> list[dict]:
        """Every staged entry and its documented place, as the journal records them."""
        found = []
        if self.processed.is_dir():
            found.append((_PROCESSED, self.processed, Path(self.paths.processed) / self.period))
        target = Path(self.paths.output) / self.period
        if self.output.is_dir():
            for entry in sorted(self.output.iterdir()):
                if not entry.name.startswith("."):  # temporary files of a render
                    found.append((_OUTPUT, entry, target / entry.name))
        roots = _roots(self.paths)
        return [
            {
                "root": root,
                "from": str(source.relative_to(roots[root])),
                "to": str(dest.relative_to(roots[root])),
            }
            for root, source, dest in found
        ]

    def commit(self) -> None:
        """Move every staged entry into place, all or none (see the module's text). Raises
        `BaocaoError` naming the file or folder that stops it (the previous outputs whole)."""
        moves = self.moves()
        _check_replaceable(self.paths, moves)
        journal = journal_path(self.paths, self.period)
        try:
            write_json(journal, {"period": self.period, "moves": moves})
        except OSError as exc:
            raise BaocaoError(failure_message(exc)) from None
        try:
            _apply(self.paths, self.period, moves)
        except OSError as exc:
            _undo_or_explain(self.paths, self.period, moves, exc)
        _finish(self.paths, self.period)

    def discard(self) -> None:
        """Delete the staging (best effort: a run that failed leaves it to the next run), unless
        a journal still needs it: the next run then finishes the moves."""
        if _exists(journal_path(self.paths, self.period)):
            return
        for folder in (self.processed_root, self.output):
            _remove(folder, quiet=True)


def _resolve(paths: ProjectPaths, period: str, index: int, move: dict) -> tuple[Path, Path, Path]:
    root = _roots(paths)[move["root"]]
    return root / move["from"], root / move["to"], root / backup_name(period) / str(index)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _apply(paths: ProjectPaths, period: str, moves: list[dict]) -> None:
    """Do every move not done yet (a move is done when its staged entry is gone): the entry in
    place is kept in the backup folder, then the staged one takes its place."""
    for index, move in enumerate(moves):
        source, target, backup = _resolve(paths, period, index, move)
        if not _exists(source):
            continue
        if _exists(target):
            backup.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, backup)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def _undo(paths: ProjectPaths, period: str, moves: list[dict]) -> None:
    """Put back every move done (the staged entry back in staging, the kept one in place)."""
    for index, move in reversed(list(enumerate(moves))):
        source, target, backup = _resolve(paths, period, index, move)
        if not _exists(source) and _exists(target):
            os.replace(target, source)
        if _exists(backup) and not _exists(target):
            os.replace(backup, target)


def _undo_or_explain(paths: ProjectPaths, period: str, moves: list[dict], exc: OSError) -> None:
    """After a move failed: put back what was moved and say why (the journal goes); when even
    that fails, the journal stays for the next run to finish the moves."""
    # `os.replace` names both files: the user's is the one outside staging and backups.
    names = [Path(os.fsdecode(n)) for n in (exc.filename, exc.filename2) if n]
    users = [n for n in names if not any(p.endswith((".next", ".prev")) for p in n.parts)]
    name = (users or names or [None])[0]
    if name is not None:
        exc.filename, exc.filename2 = str(name), None
    said = held_message(name, exc) if name and not name.is_dir() else failure_message(exc)
    try:
        _undo(paths, period, moves)
        journal_path(paths, period).unlink()
        for root in _roots(paths).values():
            _remove(root / backup_name(period), quiet=True)  # emptied by the undo
    except OSError:
        said = said.replace(KEPT, "Lần chạy sau sẽ đưa nốt kết quả mới vào chỗ.")
    raise BaocaoError(said) from None


def _finish(paths: ProjectPaths, period: str) -> None:
    """After the last move: the journal goes (the generation is in), then the backups."""
    journal_path(paths, period).unlink(missing_ok=True)
    for root in _roots(paths).values():
        _remove(root / backup_name(period), quiet=True)
        _remove(root / staging_name(period), quiet=True)


def _remove(path: Path, quiet: bool = False) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif _exists(path):
            path.unlink()
    except OSError:
        if not quiet:
            raise


# --- can each file be replaced? -------------------------------------------------------------


def _check_replaceable(paths: ProjectPaths, moves: list[dict]) -> None:
    """Refuse before the commit point when a file to replace is held open, read-only or
    immutable, or its folder cannot be written: nothing has moved yet. Every such file or
    folder is named at once (the first held file of a folder), so that one run tells the
    user all there is to fix."""
    folders, said = set(), []
    for index, move in enumerate(moves):
        _, target, _ = _resolve(paths, "", index, move)
        folders.add(target.parent)
        held = [target] if target.is_file() else []
        if target.is_dir():
            folders.add(target)
            held = [p for p in target.rglob("*") if p.is_file()]
        for file in held:
            try:
                with open(file, "r+b"):
                    pass
            except OSError as exc:
                said.append(held_message(file, exc))
                break
    for folder in sorted(folders):
        try:
            temporary_beside(folder / "kiem-tra-ghi").unlink()
        except OSError as exc:
            exc.filename = exc.filename or str(folder)
            said.append(failure_message(exc))
    if said:
        kept = f" {KEPT}"
        unique = list(dict.fromkeys(s.removesuffix(kept) for s in said))
        raise BaocaoError(" ".join(unique) + kept)


def held_message(file: Path, exc: OSError) -> str:
    """Why `file` cannot be replaced and what to do, in Vietnamese."""
    if exc.errno in (errno.ENOSPC, errno.EROFS):
        return failure_message(exc)
    program = HOLDERS.get(file.suffix.lower())
    close = (
        f"Nếu tệp đang mở trong {program}, hãy đóng tệp trong {program}"
        if program
        else "Hãy đóng chương trình đang mở tệp"
    )
    return (
        f"Không thay được tệp {file}: tệp đang mở trong chương trình khác hoặc chỉ cho đọc. "
        f"{close} (hoặc bỏ thuộc tính chỉ đọc của tệp) rồi chạy lại. {KEPT}"
    )


def failure_message(exc: OSError) -> str:
    """An operating-system failure while publishing, with what was kept."""
    return f"{os_failure_message(exc)} {KEPT}"


# --- what an interrupted run left -------------------------------------------------------------


def _leftovers(paths: ProjectPaths, period: str) -> list[Path]:
    """Staging, backups and temporary files of `period` that no run is using (under the lock)."""
    processed, output = Path(paths.processed), Path(paths.output)
    found = [
        root / f".{period}.{suffix}"
        for root in (processed, output)
        for suffix in ("next", "prev", "staging", "old", "notebooks.staging")
    ]
    found.append(output / period / ".notebooks.old")
    for folder in (
        processed / period,
        output / period,
        processed / ".cache" / "last" / period,
        processed / ".cache" / "memo" / period,
    ):
        if folder.is_dir():
            found += folder.rglob(".*.part")
    for pattern in (f".{period}.*.part", f"..{period}.*.part"):  # the lock's and journal's
        found += processed.glob(pattern) if processed.is_dir() else []
    return [p for p in found if _exists(p)]


def journal_moves(journal, period: str) -> list[dict]:
    """The moves of a journal of `period` as `Generation.moves` writes them, or [] for anything
    else (another period's, another version's, a damaged one): a move names a known root and
    two relative paths that stay inside it."""
    if not isinstance(journal, dict) or journal.get("period") != period:
        return []
    moves = journal.get("moves")
    if not isinstance(moves, list):
        return []
    for move in moves:
        if not isinstance(move, dict) or move.get("root") not in (_PROCESSED, _OUTPUT):
            return []
        for key in ("from", "to"):
            value = move.get(key)
            if not isinstance(value, str) or not value:
                return []
            if Path(value).is_absolute() or ".." in Path(value).parts:
                return []
    return moves


def repair(paths: ProjectPaths, period: str) -> list[str]:
    """Finish or undo what an interrupted run of `period` left (call under the period's lock):
    a journal's moves are finished, a folder an older version was swapping is put back, and
    every leftover is deleted. Returns notes for the user (Vietnamese). Raises `BaocaoError`
    when a move cannot be finished (a file held open), naming the file."""
    notes = []
    moves = journal_moves(read_json(journal_path(paths, period)), period)
    if moves:
        try:
            _apply(paths, period, moves)
        except OSError as exc:
            _undo_or_explain(paths, period, moves, exc)
        notes.append(
            f"Lần chạy trước của kỳ {period} bị dừng khi đang đưa kết quả vào chỗ; đã đưa nốt "
            "để số liệu, trang rà soát và báo cáo khớp nhau."
        )
    journal_path(paths, period).unlink(missing_ok=True)
    # An older version swapped folders by two renames (`target` → `.target.old`, staging →
    # `target`): killed between them, the target is missing and the old folder is put back.
    for old, target in (
        (Path(paths.processed) / f".{period}.old", Path(paths.processed) / period),
        (Path(paths.output) / f".{period}.old", Path(paths.output) / period),
        (Path(paths.output) / period / ".notebooks.old", Path(paths.output) / period / "notebooks"),
    ):
        if old.is_dir() and not _exists(target):
            os.replace(old, target)
    left = _leftovers(paths, period)
    for path in left:
        _remove(path)
    if left and not notes:
        notes.append(
            f"Đã xóa {len(left)} tệp, thư mục tạm do một lần chạy bị dừng giữa chừng của kỳ "
            f"{period} để lại."
        )
    return notes


@contextmanager
def staged_generation(paths: ProjectPaths, period: str, notes: list[str] | None = None):
    """Hold `period`'s lock, repair what an interrupted run left and yield a new, empty
    `Generation` for the caller to fill and commit; on failure its staging is deleted. `notes`
    gets what the user should know (a lock taken over, a run's moves finished)."""
    with period_lock(Path(paths.processed), period, notes):
        said = repair(paths, period)
        if notes is not None:
            notes.extend(said)
        generation = Generation(paths, period).start()
        try:
            yield generation
        except BaseException as exc:
            generation.discard()
            if isinstance(exc, OSError) and not exc.filename:
                exc.filename = str(generation.output)  # a document's writer said no file
            raise
