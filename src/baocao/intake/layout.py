"""The shape of a unit's workbook: sheet names, column headers and the fields of `Thông tin`.

The intake template writes this layout, the sample generator fills it and the reader looks for it;
all three take the names from here.
"""

from __future__ import annotations

from baocao.config.outline import GROUP_WORDS, group_header

SHEET_DATA = "Số liệu"
SHEET_MODELS = "Mô hình"
SHEET_INFO = "Thông tin"
# The sheet baocao puts first in a unit's feedback copy (run.feedback_book): a copy sent
# back is read without it, and compared without it.
SHEET_FEEDBACK = "Phản hồi"
SHEETS = (SHEET_DATA, SHEET_MODELS, SHEET_INFO)

# Sheet "Số liệu": one row per indicator under section headings.
DATA_COLUMNS = ("STT", "Mã chỉ tiêu", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú")
COL_NO, COL_CODE, COL_LABEL, COL_UNIT, COL_VALUE, COL_NOTE = DATA_COLUMNS

# Sheet "Mô hình": one row per good-practice model. The `programme` column holds the number of
# the group the model is filed under, headed as the period's outline calls its groups
# (`model_columns`): "Chương trình" (2021, as below) or "Mục" (from 2025-H2). The reader takes
# either header in any period, so a workbook made from an earlier template reads as before.
MODEL_COLUMNS = ("STT", "Tên mô hình", "Chương trình", "Thời gian", "Số người tham gia", "Hiệu quả")
MODEL_FIELDS = ("stt", "name", "programme", "time", "participants", "effect")
PROGRAMME_HEADERS = tuple(group_header(word) for word in GROUP_WORDS)


def model_columns(programme_header: str) -> tuple[str, ...]:
    """The models sheet's headers with the group column headed `programme_header` ("Mục")."""
    at = MODEL_FIELDS.index("programme")
    return (*MODEL_COLUMNS[:at], programme_header, *MODEL_COLUMNS[at + 1 :])


# Sheet "Thông tin": label in column A, value in column B.
INFO_FIELDS = {
    "unit": "Đơn vị",
    "period": "Kỳ báo cáo",
    "filled_by": "Người điền",
    "date": "Ngày điền",
    "note": "Ghi chú",
}

# Text written above the table of every sheet, and looked for by nobody: the reader finds the
# header row by its column names, wherever the unit has moved it.
TITLE_DATA = "BIỂU SỐ LIỆU BÁO CÁO"  # + the period's work (`template.data_title`)
TITLE_MODELS = "DANH SÁCH MÔ HÌNH, CÁCH LÀM HIỆU QUẢ"
SAMPLE_MARK = "Số liệu minh họa — không phải số liệu thật của đơn vị."
# A workbook whose `Thông tin` note contains these words holds illustrative figures; the report
# then says so.
ILLUSTRATIVE_WORDS = "số liệu minh họa"


def column_letter(number: int) -> str:
    """Excel's name of the 1-based column `number`: 1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """The 1-based column Excel names `letters`: A → 1, AA → 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
