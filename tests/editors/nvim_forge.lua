-- Headless Neovim (>= 0.11) driving the real Forge language server over stdio.
--
-- Run:  nvim --headless -u NONE -i NONE -n -l tests/editors/nvim_forge.lua
-- Env:  FORGE_PY_FILE        Python file with an FG301 finding (required)
--       FORGE_JS_FILE        JavaScript file with an FG301 finding (optional)
--       FORGE_NVIM_LOG_LEVEL vim.lsp log level (optional; the log holds the server's stderr)
--       FORGE_CLAUDE_FILE    Python file for the Claude actions (optional; the server then needs
--                            ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, e.g. a fake Messages API)
--       FORGE_CLAUDE_LINES   "first,last" (1-based) lines to select for the Claude actions
-- The server is started exactly as the README tells users: `forge-lsp` from PATH.
--
-- Prints one JSON line on stdout: what Neovim saw, with `ok` and `error`. tests/editors/
-- test_neovim.py asserts on it; the harness itself stops only when it cannot go on.

local uv = vim.uv
local T0 = uv.hrtime()
local function ms()
  return math.floor((uv.hrtime() - T0) / 1e6)
end

local R = { nvim = tostring(vim.version()), steps = {}, events = {} }
local function step(name)
  R.steps[#R.steps + 1] = { step = name, ms = ms() }
end
local function event(name, data)
  R.events[#R.events + 1] = { event = name, ms = ms(), data = data }
end

-- BEGIN README SNIPPET
vim.lsp.config('forge', {
  cmd = { 'forge-lsp' },
  filetypes = {
    'python', 'go', 'java', 'rust', 'kotlin',
    'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
  },
  root_markers = { 'pyproject.toml', 'forge.toml', '.git' },
})
vim.lsp.enable('forge')
-- END README SNIPPET

if os.getenv('FORGE_NVIM_LOG_LEVEL') then
  vim.lsp.log.set_level(os.getenv('FORGE_NVIM_LOG_LEVEL'))
end

-- Observe (and then delegate to Neovim's own handlers) what the server sends.
local H = vim.lsp.handlers
local shown = {}
local default_show_document = H['window/showDocument']
H['window/showDocument'] = function(err, result, ctx, config)
  shown[#shown + 1] = result.uri
  event('showDocument', { uri = result.uri, takeFocus = result.takeFocus })
  return default_show_document(err, result, ctx, config)
end
local default_show_message = H['window/showMessage']
H['window/showMessage'] = function(err, result, ctx, config)
  event('showMessage', result)
  return default_show_message(err, result, ctx, config)
end
local default_publish = H['textDocument/publishDiagnostics']
H['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  event('publishDiagnostics', { uri = result.uri, count = #result.diagnostics })
  return default_publish(err, result, ctx, config)
end
local default_pull = H['textDocument/diagnostic']
H['textDocument/diagnostic'] = function(err, result, ctx, config)
  event('pullDiagnostics', {
    uri = ctx.params.textDocument.uri,
    kind = result and result.kind,
    count = result and result.items and #result.items,
    err = err and err.message,
  })
  return default_pull(err, result, ctx, config)
end
vim.api.nvim_create_autocmd('LspNotify', {
  callback = function(args)
    local method = args.data.method
    if method == 'textDocument/didOpen' or method == 'textDocument/didChange' then
      event(method, { buf = args.buf })
    end
  end,
})

local function wait(timeout, what, cond)
  assert(vim.wait(timeout, cond, 10), 'timed out after ' .. timeout .. ' ms waiting for ' .. what)
end

local function forge_diagnostics(bufnr, code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'forge' and (code == nil or d.code == code) then
      out[#out + 1] = d
    end
  end
  return out
end

-- A diagnostic as JSON, with the LSP range the server sent and the bytes it covers.
local function describe(bufnr, d)
  local lsp = d.user_data and d.user_data.lsp or {}
  local line = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1] or ''
  local covered = d.end_lnum == d.lnum and line:sub(d.col + 1, d.end_col) or line:sub(d.col + 1)
  return {
    code = d.code,
    source = d.source,
    severity = d.severity,
    message = d.message,
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
    lsp_range = lsp.range,
    code_description = lsp.codeDescription,
    line = line,
    text = covered,
  }
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  wait(5000, 'forge to attach to ' .. path, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = 'forge' }) > 0
  end)
  return bufnr
end

local claude_step

-- Claude diagnostics of a buffer.
local function claude_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'forge (claude)' then
      out[#out + 1] = d
    end
  end
  return out
end

-- Runs one of Forge's code actions on the selected lines, as `:'<,'>lua
-- vim.lsp.buf.code_action()` does, picking it by title and applying it.
local function run_action(bufnr, first, last, title)
  local last_line = vim.api.nvim_buf_get_lines(bufnr, last - 1, last, false)[1] or ''
  local offered = {}
  vim.lsp.buf.code_action({
    range = { start = { first, 0 }, ['end'] = { last, #last_line } },
    filter = function(action)
      offered[#offered + 1] = action.title
      return action.title == title
    end,
    apply = true,
  })
  return offered
end

claude_step = function(path, client)
  local C = { shown_before = #shown }
  local first, last = (os.getenv('FORGE_CLAUDE_LINES') or '1,1'):match('(%d+),(%d+)')
  first, last = tonumber(first), tonumber(last)
  local bufnr = open(path)
  C.same_client = vim.lsp.get_clients({ bufnr = bufnr, name = 'forge' })[1].id == client.id
  wait(10000, 'rule diagnostics in ' .. path, function()
    return #forge_diagnostics(bufnr) > 0
  end)

  -- Review: Claude's findings arrive as diagnostics with source "forge (claude)".
  local messages_before = #R.events
  local started = ms()
  C.review_offered = run_action(bufnr, first, last, 'Review selection with Forge')
  wait(15000, 'a "forge (claude)" diagnostic', function()
    return #claude_diagnostics(bufnr) > 0
  end)
  C.review_ms = ms() - started
  C.diagnostics = vim.tbl_map(function(d)
    return describe(bufnr, d)
  end, claude_diagnostics(bufnr))
  C.rule_codes = vim.tbl_map(function(d)
    return d.code
  end, forge_diagnostics(bufnr))
  -- The closing "Forge found N issues" message.
  vim.wait(3000, function()
    for i = messages_before + 1, #R.events do
      local e = R.events[i]
      if e.event == 'showMessage' and e.data.message:find('Forge found') then
        return true
      end
    end
    return false
  end, 10)
  step('claudeReview')

  -- Hover on Claude's finding: its explanation.
  local d = claude_diagnostics(bufnr)[1]
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(win, { d.lnum + 1, d.col })
  local params = vim.lsp.util.make_position_params(win, client.offset_encoding)
  local hr = client:request_sync('textDocument/hover', params, 5000, bufnr)
  assert(hr and not hr.err, 'hover failed: ' .. vim.inspect(hr))
  C.hover = hr.result and hr.result.contents
  step('claudeHover')

  -- Ask: the answer document opens through window/showDocument.
  started = ms()
  C.ask_offered = run_action(bufnr, first, last, 'Ask Forge...')
  wait(15000, 'window/showDocument of the answer', function()
    return #shown > C.shown_before
  end)
  C.ask_ms = ms() - started
  C.shown = vim.list_slice(shown, C.shown_before + 1)
  local target = vim.uri_to_fname(C.shown[1])
  vim.wait(2000, function()
    return vim.api.nvim_buf_get_name(0) == target
  end, 10)
  C.current_buffer = vim.api.nvim_buf_get_name(0)
  C.buffer_filetype = vim.bo.filetype
  -- The answer streams into the file; its last line is the usage note.
  C.answer_complete = vim.wait(10000, function()
    local ok, lines = pcall(vim.fn.readfile, target)
    return ok and table.concat(lines, '\n'):find('input tokens') ~= nil
  end, 20)
  step('claudeAsk')
  C.messages = {}
  for i = messages_before + 1, #R.events do
    local e = R.events[i]
    if e.event == 'showMessage' then
      C.messages[#C.messages + 1] = e.data.message
    end
  end
  return C
end

local function main()
  local py_file = assert(os.getenv('FORGE_PY_FILE'), 'FORGE_PY_FILE is not set')
  local js_file = os.getenv('FORGE_JS_FILE')
  vim.cmd('filetype on') -- -u NONE: vim.lsp.enable attaches on FileType

  -- 1. Attach through vim.lsp.config/enable; the negotiated position encoding.
  local bufnr = open(py_file)
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'forge' })[1]
  wait(10000, 'the server to initialize', function()
    return client.initialized
  end)
  step('initialized')
  local caps = client.server_capabilities
  R.client = {
    name = client.name,
    cmd = client.config.cmd,
    root_dir = client.root_dir,
    offset_encoding = client.offset_encoding,
    server_info = client.server_info,
    position_encoding = caps.positionEncoding,
    diagnostic_provider = caps.diagnosticProvider ~= nil,
    commands = caps.executeCommandProvider and caps.executeCommandProvider.commands,
    filetype = vim.bo[bufnr].filetype,
  }

  -- 2. Diagnostics: pulled on didOpen by Neovim 0.11 (or pushed by the server).
  wait(10000, 'a forge FG301 diagnostic', function()
    return #forge_diagnostics(bufnr, 'FG301') > 0
  end)
  step('diagnostics')
  R.diagnostics = vim.tbl_map(function(d)
    return describe(bufnr, d)
  end, forge_diagnostics(bufnr))
  local d = forge_diagnostics(bufnr, 'FG301')[1]

  -- 3. Hover on the finding, through Neovim's own position parameters.
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(win, { d.lnum + 1, d.col })
  local hover_params = vim.lsp.util.make_position_params(win, client.offset_encoding)
  local hr = client:request_sync('textDocument/hover', hover_params, 5000, bufnr)
  assert(hr and not hr.err, 'hover failed: ' .. vim.inspect(hr))
  R.hover = hr.result and hr.result.contents
  step('hover')

  -- 4. Code actions for the cursor line, as vim.lsp.buf.code_action() asks for them.
  local ca_params = vim.lsp.util.make_range_params(win, client.offset_encoding)
  ca_params.context = {
    triggerKind = vim.lsp.protocol.CodeActionTriggerKind.Invoked,
    diagnostics = vim.tbl_map(function(x)
      return x.user_data.lsp
    end, vim.diagnostic.get(bufnr, { lnum = d.lnum })),
  }
  local cr = client:request_sync('textDocument/codeAction', ca_params, 5000, bufnr)
  assert(cr and not cr.err, 'codeAction failed: ' .. vim.inspect(cr))
  local actions = cr.result or {}
  R.code_actions = vim.tbl_map(function(a)
    return {
      title = a.title,
      kind = a.kind,
      has_edit = a.edit ~= nil,
      command = a.command,
    }
  end, actions)
  step('codeAction')
  local disable, show_doc
  for _, a in ipairs(actions) do
    if a.title == 'Disable FG301 for this line' then
      disable = a
    elseif a.title == 'Show documentation for FG301' then
      show_doc = a
    end
  end
  assert(disable and disable.edit, 'no "Disable FG301 for this line" edit')
  assert(show_doc and show_doc.command, 'no "Show documentation for FG301" command')

  -- 5. Apply the suppression edit; Neovim sends didChange; the finding must go away.
  local events_before = #R.events
  local applied_at = ms()
  vim.lsp.util.apply_workspace_edit(disable.edit, client.offset_encoding)
  R.edited_line = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1]
  local cleared = vim.wait(5000, function()
    return #forge_diagnostics(bufnr, 'FG301') == 0
  end, 10)
  R.after_edit = {
    cleared = cleared,
    ms = ms() - applied_at,
    remaining = vim.tbl_map(function(x)
      return describe(bufnr, x)
    end, forge_diagnostics(bufnr)),
    events = vim.list_slice(R.events, events_before + 1),
  }
  step('applyEdit')

  -- 6. The documentation command: workspace/executeCommand -> window/showDocument, which
  --    Neovim's default handler opens.
  local done, exec = false, nil
  client:exec_cmd(show_doc.command, { bufnr = bufnr }, function(err, result)
    exec = { err = err and err.message, result = result }
    done = true
  end)
  wait(5000, 'the executeCommand response', function()
    return done
  end)
  R.execute_command = exec
  R.shown = vim.list_slice(shown, 1) -- a copy: later steps show more documents
  if #shown > 0 then
    local target = vim.uri_to_fname(shown[1])
    vim.wait(2000, function()
      return vim.api.nvim_buf_get_name(0) == target
    end, 10)
    R.current_buffer = vim.api.nvim_buf_get_name(0)
  end
  step('executeCommand')

  -- 6b. Forge with Claude, as a Neovim user runs it: select lines, pick "Review selection
  --     with Forge" then "Ask Forge..." from vim.lsp.buf.code_action (filtered, applied).
  local claude_file = os.getenv('FORGE_CLAUDE_FILE')
  if claude_file and claude_file ~= '' then
    R.claude = claude_step(claude_file, client)
  end

  -- 7. UTF-8 positions in a second language, after emoji and CJK text on the same line.
  if js_file and js_file ~= '' then
    local js = open(js_file)
    wait(10000, 'a forge diagnostic in ' .. js_file, function()
      return #forge_diagnostics(js) > 0
    end)
    R.js_diagnostics = vim.tbl_map(function(x)
      return describe(js, x)
    end, forge_diagnostics(js))
    R.js_same_client = vim.lsp.get_clients({ bufnr = js, name = 'forge' })[1].id == client.id
    step('javascript')
  end

  -- 8. A settings change (the documented Neovim way: client.settings, then
  --    workspace/didChangeConfiguration) must re-check open documents.
  if js_file and js_file ~= '' then
    local js = vim.api.nvim_get_current_buf()
    client.settings = { forge = { ignore = { 'FG301' } } }
    local changed_at, events_before = ms(), #R.events
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
    local refreshed = vim.wait(1500, function()
      return #forge_diagnostics(js, 'FG301') == 0
    end, 10)
    R.settings_change = {
      refreshed = refreshed,
      ms = ms() - changed_at,
      events = vim.list_slice(R.events, events_before + 1),
    }
    step('settingsChange')
  end

  -- 9. Graceful shutdown: shutdown + exit, and the server process goes away.
  client:stop()
  R.stopped = vim.wait(3000, function()
    return client:is_stopped()
  end, 10)
  step('shutdown')
end

local ok, err = xpcall(main, debug.traceback)
R.ok = ok
R.error = (not ok) and tostring(err) or nil
R.log_path = vim.lsp.log.get_filename()
R.total_ms = ms()
io.stdout:write(vim.json.encode(R) .. '\n')
for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop(true)
end
vim.cmd(ok and 'qall!' or 'cquit 1')
