"""The notes the narrative Word document is written with (`narrative.write`): its title, the
instructions, the guidance lines and the other not-printed notes; `known_notes` is how the
reader (`narrative.assign.assign`) recognises them again, whole or shortened, and skips them.
"""

from __future__ import annotations

from baocao.base.keys import match_key
from baocao.config.outline import Outline, fill_period
from baocao.config.periods import Period
from baocao.report.narrative.draft import NOTHING_TO_REPORT

NOTE_STYLE = "Hướng dẫn (không in)"
# The notes the document is written with (`narrative.write`), recognised by `known_notes`.
GUIDANCE_PREFIX = "Hướng dẫn: "
INSTRUCTIONS = (
    "Viết nội dung của từng mục ngay dưới tiêu đề của mục, bằng kiểu chữ Normal. Giữ nguyên các "
    "tiêu đề (có thể sửa số thứ tự); chương trình ghép nội dung vào báo cáo theo tiêu đề.",
    "Các đoạn nền xám, chữ nghiêng là hướng dẫn của đề cương và không bao giờ được in vào báo "
    "cáo; có thể để nguyên hoặc xóa đi.",
    "Số liệu ghi bằng tên trong ngoặc nhọn, ví dụ {quy_vnn_van_dong}: khi lập báo cáo tên được "
    "thay bằng số liệu của kỳ. Bảng tên số liệu ở cuối tài liệu. Muốn in dấu ngoặc nhọn, viết "
    "{{ hoặc }}.",
    "Được dùng chữ đậm, nghiêng, danh sách gạch đầu dòng hoặc đánh số, bảng đơn giản. Có thể "
    "gửi tài liệu đi góp ý bằng Track Changes và Comment: báo cáo dùng nội dung như khi chấp "
    "nhận mọi thay đổi và không in Comment.",
    # Added for issue 20 (the earlier lines stay word for word: documents written with them
    # must still be recognised).
    f"Mục nào trong kỳ không có gì để báo cáo, viết đúng một câu “{NOTHING_TO_REPORT}” dưới "
    "tiêu đề: mục đó được tính là đã viết. Khi còn mục chưa viết hoặc còn thay đổi (Track "
    "Changes) chưa chấp nhận hay từ chối, văn bản để ký được đánh dấu DỰ THẢO và trang công "
    "khai không được xuất bản.",
)
APPENDIX_NOTE = "Phần này do chương trình lập từ số liệu của các đơn vị; không viết ở đây."
HEADING_ONLY_NOTE = "Tiêu đề của nhóm mục, không viết nội dung ở đây."
GLOSSARY_NOTE = (
    "Bảng này chỉ để tra cứu khi viết, không in vào báo cáo. Giá trị là của lần chạy gần nhất."
)


def document_title(period: Period, work: str) -> str:
    """The narrative document's title; `work` is the outline's (`Outline.work`)."""
    return f"Nội dung viết tay của báo cáo kết quả {work} {period.label()}"


def known_notes(outline: Outline, period: Period) -> set[str]:
    """The folded texts of every note the document is written with."""
    texts = [
        document_title(period, outline.work),
        *INSTRUCTIONS,
        APPENDIX_NOTE,
        GLOSSARY_NOTE,
        HEADING_ONLY_NOTE,
    ]
    for section in outline.sections:
        texts += [GUIDANCE_PREFIX + fill_period(g, period) for g in section.guidance]
        for extra in section.internal:
            texts += [GUIDANCE_PREFIX + fill_period(g, period) for g in extra.guidance]
    return {match_key(t) for t in texts}
