--[[
refdb's writing filter: citations of claims and quotes, for pandoc's citeproc.

Run it *before* citeproc:

    pandoc manuscript.md --lua-filter writing.lua -M refdb-data=writing.json \
           --citeproc --csl chicago-notes-bibliography.csl --bibliography sources.json -o out.docx

(`refdb render --print-filter` prints this file's path, `refdb render --print-data` the JSON, and
`refdb export --format csljson` the bibliography.)  In the document:

  [@claim:KEY]        the sources that assert, support or report the claim, in order, with their
                      locators; then "But see" the sources that reject or dispute it
  [@quote:KEY]        a quotation met at second hand, Chicago's "quoted in" form: the origin (when
                      known) with its locator, "quoted in" the source it was found in, with its locator
  [@KEY, 159-62]      an ordinary source citation, left to citeproc as pandoc wrote it

Prefixes ("see") and suffixes work as in pandoc.  In a note style (class="note") a claim or quote
written in the text becomes one footnote whose citations citeproc renders in note form (full note
first, short note on repeat); inside a footnote it is rendered in place.  In an author-date style it
is one parenthetical citation.  A key the data does not hold stops the run with

    refdb: unknown claim 'KEY'      (or quote, or source)

The data (JSON, `refdb-data`):
  {"refdb-writing": 1,
   "claims": {"KEY": {"for": [CITE...], "against": [CITE...]}},
   "quotes": {"KEY": {"origin": CITE or null, "found": CITE or null}},
   "sources": ["KEY", ...]}            -- optional: when present, source keys are checked too
  CITE = {"id": "source-key", "locator": "534-35" or null, "label": "page"}

refdb's own documents may also carry a locator as a Span in a citation suffix,
[4]{.refdb-locator label="paragraph"}, which this filter writes in the style locale's terms.
Metadata read: refdb-data, refdb-csl (else csl), refdb-collect (refdb's own "cite --quote").
--]]

PANDOC_VERSION:must_be_at_least '3.1.1'

local DEFAULT_TERMS = {
  book = 'book', chapter = 'chapter', column = 'column', figure = 'figure', folio = 'folio',
  issue = 'issue', line = 'line', note = 'note', opus = 'opus', page = 'page',
  paragraph = 'paragraph', part = 'part', section = 'section', verse = 'verse', volume = 'volume',
}
local LABELS = {}
for label in pairs(DEFAULT_TERMS) do
  LABELS[#LABELS + 1] = label
end
table.sort(LABELS)

local function read_text(path)
  local f, err = io.open(path, 'r')
  if f == nil then
    error('refdb: cannot read ' .. path .. ': ' .. tostring(err), 0)
  end
  local text = f:read('a')
  f:close()
  return text
end

local function meta_string(meta, name)
  local value = meta[name]
  if value == nil then
    return nil
  end
  local text = pandoc.utils.stringify(value)
  return text ~= '' and text or nil
end

-- The style: note or in-text, and its locale's term for every locator label (asked of citeproc
-- itself with a probe style that shares the style's locale, so every language parses).
local function style_facts(csl_path)
  if csl_path == nil then
    return false, DEFAULT_TERMS, 'en-US' -- pandoc's default style, Chicago author-date, in English
  end
  local text = read_text(csl_path)
  local style_tag = text:match('<style%s[^>]*>') or ''
  local note_style = style_tag:match('class="note"') ~= nil
  local locale = style_tag:match('default%-locale="([^"]+)"')
  local overrides = {}
  local from = 1
  while true do
    local at = text:find('<locale', from, true)
    if at == nil then
      break
    end
    local close = text:find('</locale>', at, true)
    local short = text:find('/>', at, true)
    local tag_end = text:find('>', at, true)
    if short ~= nil and tag_end ~= nil and short + 1 == tag_end then
      overrides[#overrides + 1] = text:sub(at, tag_end)
      from = tag_end + 1
    elseif close ~= nil then
      overrides[#overrides + 1] = text:sub(at, close + 8)
      from = close + 9
    else
      break
    end
  end
  local texts = {}
  for _, label in ipairs(LABELS) do
    texts[#texts + 1] = '<text term="' .. label .. '" form="long" prefix="|' .. label .. '="/>'
  end
  local probe = '<?xml version="1.0" encoding="utf-8"?>\n'
    .. '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"'
    .. (locale and (' default-locale="' .. locale .. '"') or '') .. '>\n'
    .. '<info><title>refdb locator probe</title><id>refdb-locator-probe</id>'
    .. '<updated>2024-01-01T00:00:00+00:00</updated></info>\n'
    .. table.concat(overrides, '\n') .. '\n'
    .. '<citation><layout>' .. table.concat(texts) .. '</layout></citation>\n</style>\n'
  local terms = {}
  pandoc.system.with_temporary_directory('refdb-probe', function(dir)
    local path = pandoc.path.join({ dir, 'probe.csl' })
    local f = assert(io.open(path, 'w'))
    f:write(probe)
    f:close()
    local cite = pandoc.Cite({}, { pandoc.Citation('probe', 'NormalCitation') })
    local doc = pandoc.Pandoc({ pandoc.Para({ cite }) }, {
      csl = path,
      references = { { id = 'probe', type = 'book', title = 'probe' } },
      ['suppress-bibliography'] = true,
    })
    local rendered = pandoc.utils.stringify(pandoc.utils.citeproc(doc).blocks)
    for label, term in rendered:gmatch('|([%w%- ]+)=([^|]*)') do
      term = term:gsub('^%s+', ''):gsub('%s+$', '')
      if term ~= '' then
        terms[label] = term
      end
    end
  end)
  for label, term in pairs(DEFAULT_TERMS) do
    terms[label] = terms[label] or term
  end
  return note_style, terms, locale or 'en-US'
end

local function is_null(value)
  return value == nil or value == pandoc.json.null
end

local state = { data = nil, note_style = false, terms = DEFAULT_TERMS, locale = 'en-US' }

-- ", {page 534–35}" (normal) or "{page 534–35}" (author in text): braces keep the locator whole.
local function locator_inlines(locator, label, leading_comma)
  if is_null(locator) or locator == '' then
    return pandoc.Inlines({})
  end
  label = (not is_null(label) and label ~= '') and label or 'page'
  local term = state.terms[label]
  if term == nil then
    error("refdb: unknown locator label '" .. label .. "'", 0)
  end
  local text
  if locator:find('[{}]') then
    text = term .. ' ' .. locator:gsub('[{}]', '')
  else
    text = '{' .. term .. ' ' .. locator .. '}'
  end
  return pandoc.Inlines((leading_comma and ', ' or '') .. text)
end

-- A citation's suffix with refdb's locator Spans written out in the locale's terms.
local function fix_suffix(citation)
  local out = pandoc.Inlines({})
  local changed = false
  for _, inline in ipairs(citation.suffix) do
    if inline.t == 'Span' and inline.classes:includes('refdb-locator') then
      local label = inline.attributes.label or 'page'
      local locator = pandoc.utils.stringify(inline.content)
      local written = locator_inlines(locator, label, #out == 0)
      if #out > 0 then
        written = pandoc.Inlines({ pandoc.Space() }) .. written
      end
      out:extend(written)
      changed = true
    else
      out:insert(inline)
    end
  end
  if changed then
    citation.suffix = out
  end
  return citation
end

local function check_source(id)
  local data = state.data
  if data ~= nil and not is_null(data.sources) then
    if data.source_set == nil then
      data.source_set = {}
      for _, key in ipairs(data.sources) do
        data.source_set[key] = true
      end
    end
    if not data.source_set[id] then
      error("refdb: unknown source '" .. id .. "'", 0)
    end
  end
end

local function data_for(kind, key)
  local data = state.data
  if data == nil then
    error('refdb: this document cites ' .. kind .. ':' .. key
      .. ' but no refdb data was given (-M refdb-data=FILE)', 0)
  end
  local record = (data[kind .. 's'] or {})[key]
  if record == nil then
    error('refdb: unknown ' .. kind .. " '" .. key .. "'", 0)
  end
  return record
end

-- What a citation expands to: a list of parts, each {cite = CITE, prefix = "text" or nil}.
local function parts_of(citation)
  local id = citation.id
  local kind, key = id:match('^(%a+):(.+)$')
  if kind == 'claim' then
    local record = data_for('claim', key)
    local parts = {}
    for _, c in ipairs(record['for'] or {}) do
      parts[#parts + 1] = { cite = c }
    end
    for i, c in ipairs(record.against or {}) do
      parts[#parts + 1] = { cite = c, but_see = (i == 1) }
    end
    if #parts == 0 then
      error("refdb: claim '" .. key .. "' cites no source", 0)
    end
    return parts
  elseif kind == 'quote' then
    local record = data_for('quote', key)
    local parts = {}
    if not is_null(record.origin) then
      parts[#parts + 1] = { cite = record.origin }
    end
    if not is_null(record.found) then
      parts[#parts + 1] = { cite = record.found, quoted_in = #parts > 0 }
    end
    if #parts == 0 then
      error("refdb: quote '" .. key .. "' has neither an origin nor a source it was found in", 0)
    end
    return parts
  end
  return nil
end

local function capitalize_first(inlines)
  for _, inline in ipairs(inlines) do
    if inline.t == 'Str' then
      local first, rest = inline.text:match('^([%z\1-\127\194-\244][\128-\191]*)(.*)$')
      if first ~= nil then
        inline.text = pandoc.text.upper(first) .. rest
      end
      return inlines
    elseif inline.t ~= 'Space' then
      return inlines
    end
  end
  return inlines
end

local function ends_with_punctuation(inlines)
  local last = inlines[#inlines]
  return last ~= nil and last.t == 'Str' and last.text:match('[%.%?!]$') ~= nil
end

-- The citeproc Citation for one of refdb's CITEs.
local function make_citation(c, mode, prefix, extra_suffix)
  local suffix = locator_inlines(c.locator, c.label, mode == 'NormalCitation')
  if extra_suffix ~= nil and #extra_suffix > 0 then
    suffix = suffix .. extra_suffix
  end
  check_source(c.id)
  return pandoc.Citation(c.id, mode, prefix or pandoc.Inlines({}), suffix)
end

-- One expanded Cite in an author-date style: a single parenthetical citation.
local function expand_in_text(cite)
  local citations = {}
  for _, citation in ipairs(cite.citations) do
    local parts = parts_of(citation)
    if parts == nil then
      check_source(citation.id)
      citations[#citations + 1] = fix_suffix(citation)
    else
      for i, part in ipairs(parts) do
        local prefix = pandoc.Inlines({})
        if i == 1 and #citation.prefix > 0 then
          prefix = citation.prefix:clone()
          prefix:insert(pandoc.Space())
        end
        if part.but_see then
          prefix:extend(pandoc.Inlines(i == 1 and #prefix == 0 and 'But see' or 'but see'))
        elseif part.quoted_in then
          prefix:extend(pandoc.Inlines('quoted in'))
        end
        local extra = (i == #parts) and citation.suffix or nil
        citations[#citations + 1] = make_citation(part.cite, 'NormalCitation', prefix, extra)
      end
    end
  end
  return pandoc.Cite(cite.content, citations)
end

-- One expanded Cite in a note style: the inlines of a note, each source an author-in-text
-- citation, which citeproc renders as the full or short note.
local function note_inlines(cite, at_start)
  local out = pandoc.Inlines({})
  local function cite_of(citation)
    return pandoc.Cite({ pandoc.Str('@' .. citation.id) }, { citation })
  end
  for n, citation in ipairs(cite.citations) do
    if n > 1 then
      out:extend(pandoc.Inlines('; '))
    end
    if #citation.prefix > 0 then
      out:extend(citation.prefix)
      out:insert(pandoc.Space())
    end
    local parts = parts_of(citation)
    if parts == nil then
      check_source(citation.id)
      local fixed = fix_suffix(citation:clone())
      -- the author-in-text form takes its locator without the leading comma
      local suffix = fixed.suffix
      if #suffix > 0 and suffix[1].t == 'Str' and suffix[1].text == ',' then
        suffix = pandoc.Inlines({ table.unpack(suffix, 3) })
      end
      out:insert(cite_of(pandoc.Citation(fixed.id, 'AuthorInText', pandoc.Inlines({}), suffix)))
    else
      for i, part in ipairs(parts) do
        if part.but_see then
          local opens = at_start and n == 1 and #citation.prefix == 0
          out:extend(pandoc.Inlines(i == 1 and (opens and 'But see ' or 'but see ') or '. But see '))
        elseif part.quoted_in then
          out:extend(pandoc.Inlines(', quoted in '))
        elseif i > 1 then
          out:extend(pandoc.Inlines('; '))
        end
        out:insert(cite_of(make_citation(part.cite, 'AuthorInText')))
      end
      if #citation.suffix > 0 then
        local suffix = citation.suffix
        if suffix[1].t ~= 'Str' or not suffix[1].text:match('^[,;.]') then
          out:insert(pandoc.Space())
        end
        out:extend(suffix)
      end
    end
  end
  return out
end

local function needs_expansion(cite)
  for _, citation in ipairs(cite.citations) do
    if citation.id:match('^claim:') or citation.id:match('^quote:') then
      return true
    end
  end
  return false
end

local function plain_cite(cite)
  local citations = {}
  for i, citation in ipairs(cite.citations) do
    check_source(citation.id)
    citations[i] = fix_suffix(citation)
  end
  return pandoc.Cite(cite.content, citations)
end

-- A claim or quote cited in the text becomes one footnote, placed as citeproc places its own
-- notes: no space before it, after a following comma or full stop.
local function note_of(cite)
  local inlines = capitalize_first(note_inlines(cite, true))
  if not ends_with_punctuation(inlines) then
    inlines:insert(pandoc.Str('.'))
  end
  return pandoc.Note({ pandoc.Para(inlines) })
end

local function place_notes(inlines)
  local out = pandoc.Inlines({})
  local i = 1
  local changed = false
  while i <= #inlines do
    local inline = inlines[i]
    if inline.t == 'Cite' and needs_expansion(inline) then
      changed = true
      while #out > 0 and (out[#out].t == 'Space' or out[#out].t == 'SoftBreak') do
        out:remove(#out)
      end
      local following = inlines[i + 1]
      local moved = nil
      if following ~= nil and following.t == 'Str' then
        local punctuation, rest = following.text:match('^([%.,;:!?]+)(.*)$')
        if punctuation ~= nil then
          moved = punctuation
          if rest == '' then
            i = i + 1
          else
            inlines[i + 1] = pandoc.Str(rest)
          end
        end
      end
      local last = out[#out]
      if moved ~= nil and last ~= nil and last.t == 'Quoted' and state.locale == 'en-US'
          and moved:match('^[.,]$') then
        -- American usage, as citeproc does for its own notes: the full stop or comma inside the quotes
        last.content:insert(pandoc.Str(moved))
        out[#out] = last
      elseif moved ~= nil then
        out:insert(pandoc.Str(moved))
      end
      out:insert(note_of(inline))
    elseif inline.t == 'Cite' then
      changed = true
      out:insert(plain_cite(inline))
    else
      out:insert(inline)
    end
    i = i + 1
  end
  if changed then
    return out
  end
  return nil
end

local function expand_document(doc)
  if state.note_style then
    -- first inside footnotes (rendered in place), then in the text (each becomes one footnote)
    doc = doc:walk({
      Note = function(note)
        return pandoc.Note(note.content:walk({
          Inlines = function(inlines)
            -- "But see" opens a note's sentence; after words of the note's own it is "but see"
            local out = pandoc.Inlines({})
            local at_start = true
            for _, inline in ipairs(inlines) do
              if inline.t == 'Cite' and needs_expansion(inline) then
                out:extend(note_inlines(inline, at_start))
              elseif inline.t == 'Cite' then
                out:insert(plain_cite(inline))
              else
                out:insert(inline)
              end
              if inline.t ~= 'Space' and inline.t ~= 'SoftBreak' then
                at_start = inline.t == 'Str' and inline.text:match('[.?!]$') ~= nil
              end
            end
            return out
          end,
        }))
      end,
    })
    doc = doc:walk({
      traverse = 'topdown',
      Note = function(note)
        return note, false -- done above
      end,
      Inlines = function(inlines)
        return place_notes(inlines)
      end,
    })
  else
    doc = doc:walk({
      Cite = function(cite)
        if needs_expansion(cite) then
          return expand_in_text(cite)
        end
        return plain_cite(cite)
      end,
    })
  end
  return doc
end

-- refdb's "cite --quote": run citeproc here and return the notes and the bibliography, one
-- piece each, separated by a line holding only SEPARATOR.
local SEPARATOR = '\u{E000}refdb-piece\u{E000}'

local function collect(doc)
  local done = pandoc.utils.citeproc(doc)
  local blocks = pandoc.Blocks({})
  local function add(content)
    if #blocks > 0 then
      blocks:insert(pandoc.Plain({ pandoc.Str(SEPARATOR) }))
    end
    for _, block in ipairs(content) do
      blocks:insert(block.t == 'Para' and pandoc.Plain(block.content) or block)
    end
  end
  local notes = {}
  done.blocks:walk({
    Note = function(note)
      notes[#notes + 1] = note.content
    end,
  })
  for _, block in ipairs(done.blocks) do
    if block.t == 'Para' and #notes == 0 then
      add({ block }) -- author-date: the citation is the paragraph
    end
  end
  for _, note in ipairs(notes) do
    add(note)
  end
  add({ pandoc.Plain({ pandoc.Str('refdb-bibliography') }) })
  done.blocks:walk({
    Div = function(div)
      if div.identifier:sub(1, 4) == 'ref-' then
        add(div.content)
      end
    end,
  })
  local unwrap = {
    Span = function(span)
      return span.content
    end,
    Link = function(link)
      return link.content
    end,
  }
  return pandoc.Pandoc(blocks:walk(unwrap))
end

function Pandoc(doc)
  local data_path = meta_string(doc.meta, 'refdb-data')
  if data_path ~= nil then
    state.data = pandoc.json.decode(read_text(data_path), false)
  end
  local csl = meta_string(doc.meta, 'refdb-csl') or meta_string(doc.meta, 'csl')
  state.note_style, state.terms, state.locale = style_facts(csl)
  local references = meta_string(doc.meta, 'refdb-references')
  if references ~= nil then
    -- the sources as metadata (refdb's Markdown output): pandoc's own CSL-JSON reader
    doc.meta.references = pandoc.read(read_text(references), 'csljson').meta.references
    doc.meta['refdb-references'] = nil
  end
  doc = expand_document(doc)
  local collecting = meta_string(doc.meta, 'refdb-collect') ~= nil
  doc.meta['refdb-data'] = nil
  doc.meta['refdb-collect'] = nil
  if doc.meta['refdb-csl'] ~= nil then
    doc.meta['refdb-csl'] = nil
  end
  if collecting then
    doc.meta.csl = csl
    return collect(doc)
  end
  return doc
end
