-- baocao: Quarto's conditional content for the built-in backend, so report.qmd can use
--   ::: {.content-visible when-profile="internal"} ... :::
--   ::: {.content-hidden when-format="docx"} ... :::
-- (also on spans, and with unless-profile / unless-format) and get what Quarto would render.
-- The built-in backend passes the active profile as metadata `baocao-profile` and the target
-- format as FORMAT; Quarto does this itself and does not use this filter.

local profile = nil
local removed = false -- whether any conditional content was left out

-- Identifiers: pandoc's reader numbers the headings of every profile's version (a heading
-- printed for both profiles becomes "x" and "x-1"); once one version is left out, the headings
-- that stay get back the identifiers they have in a document of their profile alone.
local first_id = {} -- heading text -> identifier of its first occurrence

local function words(value)
  local found = {}
  for word in tostring(value):gmatch("[^,%s]+") do
    found[#found + 1] = word
  end
  return found
end

local function format_matches(name)
  if name == "html" then
    return FORMAT:match("^html") ~= nil
  end
  if name == "word" then
    return FORMAT == "docx"
  end
  return FORMAT == name
end

local function any_matches(value, test)
  for _, word in ipairs(words(value)) do
    if test(word) then
      return true
    end
  end
  return false
end

-- True when every when-/unless- condition on the element holds.
local function conditions_hold(attributes)
  local profile_test = function(word) return profile ~= nil and word == profile end
  local checks = {
    { "when-profile", profile_test, true },
    { "unless-profile", profile_test, false },
    { "when-format", format_matches, true },
    { "unless-format", format_matches, false },
  }
  for _, check in ipairs(checks) do
    local value = attributes[check[1]]
    if value ~= nil and any_matches(value, check[2]) ~= check[3] then
      return false
    end
  end
  return true
end

local function has_class(element, name)
  for _, class in ipairs(element.classes) do
    if class == name then
      return true
    end
  end
  return false
end

local function filter(element)
  local visible = has_class(element, "content-visible")
  local hidden = has_class(element, "content-hidden")
  if not visible and not hidden then
    return nil
  end
  local shown = conditions_hold(element.attributes)
  if hidden then
    shown = not shown
  end
  if shown then
    return element.content
  end
  removed = true
  return {}
end

local function record_identifiers(doc)
  pandoc.Div(doc.blocks):walk({
    Header = function(header)
      local text = pandoc.utils.stringify(header.content)
      if first_id[text] == nil and header.identifier ~= "" then
        first_id[text] = header.identifier
      end
    end,
  })
end

local function renumber_identifiers(doc)
  if not removed then
    return nil
  end
  local seen = {}
  local blocks = pandoc.Div(doc.blocks):walk({
    Header = function(header)
      local text = pandoc.utils.stringify(header.content)
      local base = first_id[text]
      if base == nil then
        return nil
      end
      local count = seen[text] or 0
      seen[text] = count + 1
      header.identifier = count == 0 and base or (base .. "-" .. count)
      return header
    end,
  }).content
  return pandoc.Pandoc(blocks, doc.meta)
end

return {
  { Pandoc = record_identifiers },
  {
    Meta = function(meta)
      if meta["baocao-profile"] ~= nil then
        profile = pandoc.utils.stringify(meta["baocao-profile"])
        meta["baocao-profile"] = nil
        return meta
      end
    end,
  },
  { Div = filter, Span = filter },
  { Pandoc = renumber_identifiers },
}
