"""One unit's figures: cleaned, validated and shown to the reviewer.

In: a `UnitWorkbook` from `intake` and the period's catalogue and unit list from `config`.
Out: tidy figures (one row per indicator, in đồng, %, or counts) with every finding as an
`Issue`, the Great Expectations results, the unit's state (hợp lệ / có cảnh báo / có lỗi), and
the tables the per-unit notebook shows. Pure: reads and writes no file (`checks` reads one).
"""
