"""How large a unit's file, its parts and its sheets may be before it is refused.

Used by `safety` (checked before and while the bytes are read) and by the cell scans of
`cell_formats` and `cell_formats_xls` (how much of a file they note). Sizes in bytes.

The budget of one unit file: at most `MAX_FILE_BYTES`, and `MAX_CELLS` cells of used area per
sheet (a file over either is refused). At the cell bound a file reads in about 3.5 s, cleans in
0.7 s and validates in 2.3 s (measured on a loaded 2-core machine); rows below the template's
table are never matched to the catalogue (`unit.below_table`: one warning for all of them), and
a unit's findings take at most `unit.findings.PAGE_LINES` lines on its review page, so its
cache entry stays near 130 kB whatever the junk. A unit's notebook as a whole is bounded in
time by the run's cell timeout (`run.process`).
"""

MAX_FILE_BYTES = 20 * 1024 * 1024  # real submissions are tens of kilobytes
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # sum of the parts' declared uncompressed sizes
MAX_RATIO = 100  # a part larger than RATIO_FLOOR may expand at most this many times
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 5_000
MAX_CELLS = (
    300_000  # rows × columns of one sheet's used area (50,000 rows of the template's 6 columns)
)
MAX_STYLED_CELLS = 200_000  # beyond this, formats of further cells are not kept (unknown)
