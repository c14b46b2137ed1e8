-- baocao: the HTML page's tables and its top.
--
-- Tables: wrap every table in <div class="table-scroll">, adding the class "wide" when it has
-- more than WIDE_COLUMNS columns or is one of Phụ lục I's tables by unit (captioned
-- "Bảng 1. …", see appendices.BY_UNIT_CAPTION), so report.css can let it use the window's
-- width, scroll on a phone with its first columns in view, and print it landscape.
--
-- Heading rows (Phụ lục II's programmes) span the table (`span_heading_rows`).
--
-- Top: the document's header as the signed DOCX has it (issuing body, number, national title,
-- place and date; then "BÁO CÁO" and the subject), printed by report.qmd as a Div of class
-- PAGE_HEADER (compose.titles.page_header), is moved before everything else on the page
-- (pandoc's `include-before`, above the table of contents; under Quarto, whose table of contents
-- sits beside the text, first in the text); the metadata title then names the page (<title>)
-- without a second heading.
-- Named in _quarto.yml (format: html: filters:) and read from there by the built-in backend.

local WIDE_COLUMNS = 6
local BY_UNIT_CAPTION = "Bảng "
local PAGE_HEADER = "dau-van-ban"

-- A heading row inside a table (Phụ lục II's programme rows, compose.appendices.models_markdown):
-- its first cell bold ("**I**"), its second the heading, every later cell empty. Pipe tables
-- cannot merge cells, so here its second cell spans the rest of the row.
local function is_heading_row(row)
  local cells = row.cells
  if #cells < 3 then
    return false
  end
  local first = cells[1].contents
  if #first ~= 1 or first[1].t ~= "Plain" or #first[1].content ~= 1 then
    return false
  end
  if first[1].content[1].t ~= "Strong" or #cells[2].contents == 0 then
    return false
  end
  for index = 3, #cells do
    if #cells[index].contents > 0 then
      return false
    end
  end
  return true
end

local function span_heading_rows(tbl)
  local spanned = false
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      if is_heading_row(row) then
        local count = #row.cells
        row.cells[2].col_span = count - 1
        for index = count, 3, -1 do
          row.cells:remove(index)
        end
        row.attr.classes:insert("chuong-trinh")
        spanned = true
      end
    end
  end
  return spanned
end

local function Table(tbl)
  if not FORMAT:match("html") then
    return nil
  end
  local classes = { "table-scroll" }
  if span_heading_rows(tbl) then
    table.insert(classes, "co-muc") -- a table of text by heading (Phụ lục II): report.css
  end
  local caption = pandoc.utils.stringify(tbl.caption.long or {})
  local by_unit = caption:sub(1, #BY_UNIT_CAPTION) == BY_UNIT_CAPTION
  if #tbl.colspecs > WIDE_COLUMNS or by_unit then
    table.insert(classes, "wide")
    if quarto ~= nil then
      -- Quarto's grid gives it the page's width and hides the table of contents beside the
      -- text while it is on screen (report.css sizes it within that width).
      table.insert(classes, "column-screen-inset")
    end
  end
  return pandoc.Div({ tbl }, pandoc.Attr("", classes))
end

-- The page header's blocks, removed from `blocks` (searched at the top level and inside
-- wrapping Divs, e.g. Quarto's conditional content), or nil when the document has none.
local function take_header(blocks)
  for index, block in ipairs(blocks) do
    if block.t == "Div" then
      if block.classes:includes(PAGE_HEADER) then
        blocks:remove(index)
        return block.content
      end
      local found = take_header(block.content)
      if found ~= nil then
        return found
      end
    end
  end
  return nil
end

local function Pandoc(doc)
  if not FORMAT:match("html") then
    return nil
  end
  local header = take_header(doc.blocks)
  if header == nil then
    return nil
  end
  if quarto ~= nil then
    -- Quarto's page keeps its table of contents beside the text and fills `include-before`
    -- with its own layout: the header goes first in the text instead.
    doc.blocks:insert(1, pandoc.Div(header, pandoc.Attr("", { PAGE_HEADER })))
  else
    doc.meta["include-before"] = pandoc.MetaBlocks(header)
  end
  if doc.meta.title ~= nil then
    doc.meta.pagetitle = pandoc.utils.stringify(doc.meta.title)
    doc.meta.title = nil
  end
  return doc
end

return {
  { Table = Table },
  { Pandoc = Pandoc },
}
