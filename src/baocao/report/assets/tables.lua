-- baocao: wrap every table of the HTML page in <div class="table-scroll">, adding the class
-- "wide" when it has more than WIDE_COLUMNS columns or is one of Phụ lục I's tables by unit
-- (captioned "Bảng 1. …", see appendices.BY_UNIT_CAPTION), so report.css can make it scroll
-- on screen with its header and first columns in view, and print it landscape.
-- Named in _quarto.yml (format: html: filters:) and read from there by the built-in backend.

local WIDE_COLUMNS = 6
local BY_UNIT_CAPTION = "Bảng "

function Table(tbl)
  if not FORMAT:match("html") then
    return nil
  end
  local classes = { "table-scroll" }
  local caption = pandoc.utils.stringify(tbl.caption.long or {})
  local by_unit = caption:sub(1, #BY_UNIT_CAPTION) == BY_UNIT_CAPTION
  if #tbl.colspecs > WIDE_COLUMNS or by_unit then
    table.insert(classes, "wide")
  end
  return pandoc.Div({ tbl }, pandoc.Attr("", classes))
end
