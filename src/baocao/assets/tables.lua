-- baocao: wrap every table of the HTML page in <div class="table-scroll">, adding the class
-- "wide" when it has more than WIDE_COLUMNS columns (the appendix by unit), so report.css can
-- make it scroll on screen with its header and first columns in view, and print it landscape.
-- Named in _quarto.yml (format: html: filters:) and read from there by the built-in backend.

local WIDE_COLUMNS = 6

function Table(tbl)
  if not FORMAT:match("html") then
    return nil
  end
  local classes = { "table-scroll" }
  if #tbl.colspecs > WIDE_COLUMNS then
    table.insert(classes, "wide")
  end
  return pandoc.Div({ tbl }, pandoc.Attr("", classes))
end
