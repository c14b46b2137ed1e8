"""Pages read as their readers meet them: headless Chromium (Debian's) driven by Playwright.

`chromium()` starts one browser (skipped tests say why when Chromium is not installed);
`open_page` opens a file at a window width and records every request and error;
`read_public_page` opens the published page at 1280 px (a desktop) and 390 px (a phone) in one
browser and measures, with element geometry and hit tests (`elementFromPoint`), what the tests
of tests/report/test_public_page.py assert; it also writes screenshots to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="không có Chromium trên máy (chromium not on PATH; apt-get install chromium)",
)
DESKTOP, PHONE = 1280, 390
HEIGHT = {DESKTOP: 900, PHONE: 844}
# Where the screenshots go when set (to look at them after a run); else the test's folder.
SHOTS = os.environ.get("BAOCAO_SCREENSHOTS")


@contextmanager
def chromium() -> Iterator:
    """One headless Chromium (the system's, no download), closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Log:
    """What a page did while it loaded: every request, every error it reported."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_page(browser, path: Path, width: int = DESKTOP):
    """A new tab of `width` px showing the file `path`, loaded; returns (page, Log)."""
    page = browser.new_page(viewport={"width": width, "height": HEIGHT.get(width, 900)})
    log = Log()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("requestfailed", lambda request: log.errors.append(f"failed: {request.url}"))
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            log.errors.append(message.text) if message.type in ("error", "assert") else None
        ),
    )
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    return page, log


# --- what is measured in the page (JavaScript, evaluated by Playwright) ----------------------

# The top of the page: the header's lines and where they sit, relative to the title, the table
# of contents and the report's first heading (page coordinates, px).
HEADER = """() => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
            width: r.width}; };
  const text = e => e ? e.innerText.replace(/\\s+/g, ' ').trim() : null;
  const header = document.querySelector('header.dau-van-ban');
  const line = name => header && text(header.querySelector('.' + name));
  const title = document.querySelector('h1.title');
  const first = [...document.querySelectorAll('h1:not(.title)')][0];
  return {
    parent: line('co-quan-cap-tren'), issuing: line('co-quan-ban-hanh'),
    number: line('so-ky-hieu'), nation: line('quoc-hieu-ten'), motto: line('tieu-ngu'),
    date: line('dia-danh-ngay'), header: box(header), title: box(title), titleText: text(title),
    left: box(header && header.querySelector('.co-quan')),
    right: box(header && header.querySelector('.quoc-hieu')),
    toc: box(document.querySelector('nav#TOC')), firstHeading: box(first),
    pageTitle: document.title, pageWidth: document.documentElement.scrollWidth,
    window: innerWidth,
  };
}"""

# Phụ lục I's tables by unit (captioned "Bảng N. …"): their boxes, whether they scroll
# sideways, and how many of their header cells lie outside the box or the window.
WIDE_TABLES = """() => [...document.querySelectorAll('table')]
  .filter(t => t.caption && t.caption.textContent.trim().startsWith('Bảng '))
  .map(t => {
    const box = t.closest('.table-scroll') || t.parentElement;
    const b = box.getBoundingClientRect();
    const heads = [...t.querySelectorAll('thead th')].map(th => th.getBoundingClientRect());
    const outside = heads.filter(h => h.left < Math.max(b.left, 0) - 1
      || h.right > Math.min(b.left + box.clientWidth, innerWidth) + 1);
    const cap = t.caption.getBoundingClientRect();
    return {caption: t.caption.textContent.trim().slice(0, 50), columns: heads.length,
            left: b.left, right: b.right, scrolls: box.scrollWidth > box.clientWidth + 1,
            headsOutside: outside.length,
            captionOutside: cap.right > Math.min(b.right, innerWidth) + 1};
  })"""

# Every row of every table by unit, scrolled through its box from top to bottom (and, on a
# phone, from left to right): a row is "seen" when, lying wholly in the part of the box below
# the header row, its unit's name and its first figure are where a hit test finds them (no
# sticky row painted over them) and the figure's text lies inside the box's visible width. On
# a phone, with the box scrolled to its right end, the unit's name must still be in view.
ROWS = """(phone) => {
  const inside = (cell, x, y) => { const e = document.elementFromPoint(x, y);
    return e !== null && cell.contains(e); };
  const textBox = cell => { const r = document.createRange(); r.selectNodeContents(cell);
    return r.getBoundingClientRect(); };
  const result = [];
  const tables = [...document.querySelectorAll('table')]
    .filter(t => t.caption && t.caption.textContent.trim().startsWith('Bảng '));
  for (const table of tables) {
    const box = table.closest('.table-scroll') || table.parentElement;
    box.scrollIntoView({block: 'start'});
    const head = table.tHead.getBoundingClientRect().height;
    const rows = [...table.tBodies[0].rows];
    const seen = rows.map(() => false);
    const sideways = phone ? Math.max(box.scrollWidth - box.clientWidth, 0) : 0;
    const pinned = rows.map(() => sideways === 0);  // nothing to scroll: nothing to keep
    const problems = [];
    const lastTop = Math.max(box.scrollHeight - box.clientHeight, 0);
    const step = Math.max(box.clientHeight - head - 40, 20);
    const tops = [];
    for (let top = 0; top < lastTop; top += step) tops.push(top);
    tops.push(lastTop);
    for (const top of tops) {
      for (const left of sideways ? [0, sideways] : [0]) {
        box.scrollTop = top; box.scrollLeft = left;
        const b = box.getBoundingClientRect();
        const shownTop = b.top + box.clientTop + head, shownBottom = b.top + box.clientTop + box.clientHeight;
        const shownLeft = b.left + box.clientLeft, shownRight = shownLeft + box.clientWidth;
        rows.forEach((row, i) => {
          const r = row.getBoundingClientRect();
          if (r.top < shownTop - 0.5 || r.bottom > shownBottom + 0.5) return;
          const name = row.cells[1], u = name.getBoundingClientRect();
          const unitShown = u.left >= shownLeft - 1 && u.right <= shownRight + 1
            && inside(name, u.left + u.width / 2, u.top + u.height / 2);
          const label = `${name.innerText.trim()} (scrollTop ${box.scrollTop}, scrollLeft ${box.scrollLeft})`;
          if (left > 0) {
            if (unitShown) pinned[i] = true; else problems.push('unit out of view: ' + label);
            return;
          }
          const figure = row.cells[2], f = textBox(figure);
          const figureShown = f.width > 0 && f.left >= shownLeft - 1 && f.right <= shownRight + 1
            && inside(figure, f.left + f.width / 2, f.top + f.height / 2);
          if (unitShown && figureShown) seen[i] = true;
          else problems.push((unitShown ? 'figure hidden: ' : 'unit hidden: ') + label);
        });
      }
    }
    rows.forEach((row, i) => {
      if (!seen[i]) problems.push('never seen with a figure: ' + row.cells[1].innerText.trim());
      if (!pinned[i]) problems.push('unit not kept in view: ' + row.cells[1].innerText.trim());
    });
    box.scrollTop = 0; box.scrollLeft = 0;
    result.push({caption: table.caption.textContent.trim().slice(0, 50), rows: rows.length,
                 scrolls: box.scrollWidth > box.clientWidth + 1, problems: problems.slice(0, 8),
                 count: problems.length});
  }
  return result;
}"""

# Phụ lục II (the table headed "Tên mô hình, cách làm"): its programme rows, numbered I, II, …
# in the first column; where the cell holding the programme's title starts and ends against
# the table's edges (px).
PROGRAMME_ROWS = """() => {
  const tables = [...document.querySelectorAll('table')]
    .filter(t => t.tHead && t.tHead.innerText.includes('Tên mô hình'));
  const rows = [];
  for (const t of tables) {
    const edge = t.getBoundingClientRect();
    for (const row of t.tBodies[0].rows) {
      if (!/^[IVXLC]+$/.test(row.cells[0].innerText.trim())) continue;
      const cells = [...row.cells];
      const title = cells.slice(1).reduce((a, c) => c.innerText.length > a.innerText.length ? c : a);
      const r = title.getBoundingClientRect(), first = row.cells[0].getBoundingClientRect();
      rows.push({title: title.innerText.trim().slice(0, 40), cells: cells.length,
                 fromFirst: r.left - first.right, toRight: edge.right - r.right});
    }
  }
  return {tables: tables.length, rows};
}"""


def read_public_page(browser, path: Path, shots: Path, name: str) -> dict:
    """Everything the public page's tests check, at 1280 then 390 px (one tab, resized), with
    four screenshots (`shots/<name>-<width>-top.png`, `-phu-luc-1.png`):
    {width: {"header", "tables", "rows", "programmes", "text"}, "log": Log}."""
    shots.mkdir(parents=True, exist_ok=True)
    page, log = open_page(browser, path, DESKTOP)
    found: dict = {"log": log}
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": HEIGHT[width]})
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=shots / f"{name}-{width}-top.png")
        found[width] = {
            "header": page.evaluate(HEADER),
            "tables": page.evaluate(WIDE_TABLES),
            "programmes": page.evaluate(PROGRAMME_ROWS),
            "text": page.evaluate("() => document.body.innerText"),
            "rows": page.evaluate(ROWS, width == PHONE),
        }
        first = page.locator("table caption", has_text="Bảng 1.").first
        if first.count():
            first.scroll_into_view_if_needed()
            page.evaluate("() => window.scrollBy(0, -40)")
            page.screenshot(path=shots / f"{name}-{width}-phu-luc-1.png")
    page.close()
    return found


def shots_folder(default: Path) -> Path:
    return Path(SHOTS) if SHOTS else default
