"""A unit's state in a period, as the report and the console show it (Vietnamese words).

Apart from `validate` (which decides the state) so that modules needing only the words — the
runner on a rerun with nothing to do — do not import pandas and Great Expectations.
"""

from __future__ import annotations

STATE_VALID = "hợp lệ"
STATE_WARNINGS = "có cảnh báo"
STATE_ERRORS = "có lỗi"
STATE_MISSING = "chưa nộp"
