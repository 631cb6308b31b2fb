--[[
Run by refdb.engines.citeproc, never by hand:

    pandoc --from=markdown --to=plain -M refdb-job=JOB.json --lua-filter=citeproc_collect.lua < /dev/null

The input document is empty.  This filter reads the job (a JSON file written by
Python), builds one paragraph per citation, runs citeproc in this process
(pandoc.utils.citeproc, so all citations share one document and position
tracking -- ibid, short notes -- works), renders every citation and every
bibliography entry as its own string in the job's format, and writes a JSON
result to job.output:

    {"notes": ["...", ...], "bibliography": [["r3", "..."], ...]}
 or {"error": "pandoc's message"}

Job fields: csl, bibliography (CSL-JSON file), writer ("plain", "markdown-smart"
or "html"), cites [{id, label, locator}], probe_csl (a tiny style that prints
the locale's term for each locator label; null when no cite has a locator), and
split (null, or {csl, notes_bibliography, chunks} for a large bibliography: see
"large bibliographies" in citeproc.py).
--]]

PANDOC_VERSION:must_be_at_least '3.1.1'

local WRITER_OPTIONS = { wrap_text = 'wrap-none' }

local function read_job(path)
  local f = assert(io.open(path, 'r'))
  local text = f:read('a')
  f:close()
  return pandoc.json.decode(text, false)
end

local function write_result(path, result)
  local f = assert(io.open(path, 'w'))
  f:write(pandoc.json.encode(result))
  f:close()
end

-- Pandoc parses a locator out of the citation suffix using the *style locale's*
-- terms ("p.", "page", "Seite", "Absatz" ...).  Ask citeproc itself which word
-- the locale uses for each label, with a probe style that shares the style's
-- locale, so "{<term> 159-62}" parses in every language.
local function probe_terms(job)
  local terms = {}
  if job.probe_csl == pandoc.json.null or job.probe_csl == nil then
    return terms
  end
  local cite = pandoc.Cite({}, { pandoc.Citation('probe', 'NormalCitation') })
  local doc = pandoc.Pandoc({ pandoc.Para({ cite }) }, {
    csl = job.probe_csl,
    references = { { id = 'probe', type = 'book', title = 'probe' } },
    ['suppress-bibliography'] = true,
  })
  local done = pandoc.utils.citeproc(doc)
  local text = pandoc.utils.stringify(done.blocks)
  for label, term in text:gmatch('|([%w%- ]+)=([^|]*)') do
    term = term:gsub('^%s+', ''):gsub('%s+$', '')
    if term ~= '' then
      terms[label] = term
    end
  end
  return terms
end

local function build_document(cites, terms, csl, bibliography)
  local blocks = {}
  for i, c in ipairs(cites) do
    local suffix = {}
    if c.locator ~= pandoc.json.null and c.locator ~= nil then
      local term = terms[c.label]
      if term == nil then
        error('the style\'s locale has no term for the locator label \'' .. c.label .. '\'', 0)
      end
      -- "{term locator}": the braces keep the locator whole (commas, letters, ranges)
      suffix = pandoc.Inlines(', {' .. term .. ' ' .. c.locator .. '}')
    end
    local citation = pandoc.Citation(c.id, 'NormalCitation', {}, suffix, i, 0)
    blocks[#blocks + 1] = pandoc.Para({ pandoc.Cite({}, { citation }) })
  end
  local nocite = pandoc.Inlines({ pandoc.Cite({}, { pandoc.Citation('*', 'NormalCitation') }) })
  return pandoc.Pandoc(blocks, {
    csl = csl,
    bibliography = bibliography,
    nocite = nocite,
    ['link-citations'] = false,
    ['suppress-bibliography'] = false,
  })
end

-- citeproc wraps quoted titles in bare Spans, which the HTML writer would print as <span>;
-- and it lays out numbered entries with csl-left-margin / csl-right-inline Spans, which
-- HTML turns into a layout (kept) but markdown would print as [...]{.csl-left-margin}.
local function unwrap_spans(writer)
  local markdown = writer:sub(1, 8) == 'markdown'
  return {
    Span = function(span)
      if span.identifier ~= '' or #span.attributes ~= 0 then
        return nil
      end
      local layout_only = #span.classes > 0
      for _, class in ipairs(span.classes) do
        layout_only = layout_only and class:sub(1, 4) == 'csl-'
      end
      if #span.classes == 0 or (markdown and layout_only) then
        return span.content
      end
    end,
  }
end

-- Pieces never contain this (private-use characters around a word).
local SEPARATOR = '\u{E000}refdb-piece\u{E000}'

local function strip(text)
  return (text:gsub('^%s+', ''):gsub('%s+$', ''))
end

-- Every piece (a list of blocks) as a string in the requested format, with no paragraph
-- wrapper (an HTML fragment, not a <p>).  One pandoc.write call for all of them: a call
-- per piece costs ~1 ms in HTML, which is 10 s for a 10,000-entry bibliography.
local function write_pieces(pieces, writer)
  local blocks = pandoc.Blocks({})
  for i, piece in ipairs(pieces) do
    if i > 1 then
      blocks:insert(pandoc.Plain({ pandoc.Str(SEPARATOR) }))
    end
    for _, block in ipairs(piece) do
      blocks:insert(block.t == 'Para' and pandoc.Plain(block.content) or block)
    end
  end
  local text = pandoc.write(pandoc.Pandoc(blocks:walk(unwrap_spans(writer))), writer, WRITER_OPTIONS)
  local out = {}
  local from = 1
  while true do
    local at, to = text:find(SEPARATOR, from, true)
    if at == nil then
      break
    end
    out[#out + 1] = strip(text:sub(from, at - 1))
    from = to + 1
  end
  out[#out + 1] = strip(text:sub(from))
  return out
end

-- The rendered document's notes (lists of blocks, in order) and entries ({id, blocks}, in order).
local function extract(doc)
  local notes = {}
  local entries = {}
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Para' and block.content[1] and block.content[1].t == 'Cite' then
      local content = block.content[1].content
      if #content == 1 and content[1].t == 'Note' then
        notes[#notes + 1] = content[1].content
      else
        notes[#notes + 1] = { pandoc.Plain(content) }
      end
    elseif block.t == 'Div' and block.identifier == 'refs' then
      for _, entry in ipairs(block.content) do
        if entry.t == 'Div' and entry.identifier:sub(1, 4) == 'ref-' then
          entries[#entries + 1] = { id = entry.identifier:sub(5), blocks = entry.content }
        end
      end
    end
  end
  return notes, entries
end

local function citeproc(cites, terms, csl, bibliography)
  return extract(pandoc.utils.citeproc(build_document(cites, terms, csl, bibliography)))
end

local function is_null(value)
  return value == nil or value == pandoc.json.null
end

local function render(job)
  local terms = probe_terms(job)
  local notes, entries
  if is_null(job.split) then
    notes, entries = citeproc(job.cites, terms, job.csl, job.bibliography)
  else
    -- order and families-of-one from the fast pass; the rest from exact passes
    local _, fast_entries = citeproc(job.cites, terms, job.split.csl, job.bibliography)
    entries = fast_entries
    local exact = {}
    notes = {}
    if not is_null(job.split.notes_bibliography) then
      local cited_entries
      notes, cited_entries = citeproc(job.cites, terms, job.csl, job.split.notes_bibliography)
      for _, entry in ipairs(cited_entries) do
        exact[entry.id] = entry.blocks
      end
    end
    for _, chunk in ipairs(job.split.chunks) do
      local _, chunk_entries = citeproc({}, terms, job.csl, chunk)
      for _, entry in ipairs(chunk_entries) do
        exact[entry.id] = entry.blocks
      end
    end
    for _, entry in ipairs(entries) do
      entry.blocks = exact[entry.id] or entry.blocks
    end
  end
  local pieces = {}
  for _, note in ipairs(notes) do
    pieces[#pieces + 1] = note
  end
  for _, entry in ipairs(entries) do
    pieces[#pieces + 1] = entry.blocks
  end
  local result = { notes = {}, bibliography = {} }
  if #pieces == 0 then
    return result
  end
  for i, text in ipairs(write_pieces(pieces, job.writer)) do
    if i <= #notes then
      result.notes[#result.notes + 1] = text
    elseif text ~= '' then -- empty: the style gives this type no entry (Chicago: blog comments)
      result.bibliography[#result.bibliography + 1] = { entries[i - #notes].id, text }
    end
  end
  return result
end

function Pandoc(input)
  local job = read_job(pandoc.utils.stringify(input.meta['refdb-job']))
  local ok, result = pcall(render, job)
  if not ok then
    result = { error = tostring(result) }
  end
  write_result(job.output, result)
  return pandoc.Pandoc({})
end
