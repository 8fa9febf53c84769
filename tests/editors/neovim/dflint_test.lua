-- Headless Neovim test of the shipped editors/neovim (lsp/dflint.lua, and plugin/dflint.lua which starts it on
-- Neovim before 0.11) against the real `dflint server`.
--
-- Works with Neovim 0.7 (Debian bookworm: the plugin uses vim.lsp.start_client + buf_attach_client) and later
-- (vim.lsp.enable).
-- Run by tests/editors/neovim.sh:
--   DFLINT_REPO=<checkout> PATH=<dir with dflint>:$PATH \
--     nvim --headless -u NONE -i NONE -n -c 'luafile tests/editors/neovim/dflint_test.lua'
--
-- Exit status: 0 all passed; 1 server did not start or initialize; 2 wrong or no diagnostics;
-- 3 no quick fix; 4 the quick fix did not change the buffer as expected; 5 diagnostics not refreshed after
-- the fix; 6 config file problem; 7 settings not applied; 9 internal error. Output lines: PASS / FAIL / DIAG / ACTION.

local function out(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end

local new_api = vim.fn.has("nvim-0.11") == 1
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local function request_sync(client, method, params, timeout, bufnr)
  if new_api then return client:request_sync(method, params, timeout, bufnr) end
  return client.request_sync(method, params, timeout, bufnr)
end

local function finish(code)
  for _, c in pairs(get_clients()) do
    if new_api then c:stop(true) else c.stop(true) end
  end
  if code == 0 then vim.cmd("qall!") else vim.cmd("cquit " .. code) end
end

local function buf_clients(bufnr)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = bufnr }) end
  return vim.lsp.buf_get_clients(bufnr)
end

local function codes_of(diags)
  local codes = {}
  for _, d in ipairs(diags or {}) do
    if d.code then codes[tostring(d.code)] = d end
  end
  return codes
end

local ok, err = pcall(function()
  local repo = assert(os.getenv("DFLINT_REPO"), "DFLINT_REPO is not set")
  local timeout = tonumber(os.getenv("DFLINT_TIMEOUT") or "15000")

  -- The shipped files: lsp/dflint.lua (the config, in nvim-lspconfig's shape) checked as loaded, and
  -- plugin/dflint.lua (the set-up for Neovim before 0.11) loaded from 'runtimepath' as a plugin would be.
  local config_path = repo .. "/editors/neovim/lsp/dflint.lua"
  local shipped = dofile(config_path)
  if type(shipped) ~= "table" or type(shipped.cmd) ~= "table" then
    out("FAIL config: " .. config_path .. " does not return a config table")
    return finish(6)
  end
  if not vim.tbl_contains(shipped.filetypes or {}, "dockerfile") then
    out("FAIL config: filetypes does not contain dockerfile")
    return finish(6)
  end
  out("PASS config: cmd=" .. table.concat(shipped.cmd, " ") .. " root_markers=" .. table.concat(shipped.root_markers, ","))
  vim.opt.runtimepath:prepend(repo .. "/editors/neovim")
  local found = vim.api.nvim_get_runtime_file("lsp/dflint.lua", false)[1]
  if vim.fn.resolve(found or "") ~= vim.fn.resolve(config_path) then
    out("FAIL runtimepath: lsp/dflint.lua resolves to " .. tostring(found))
    return finish(6)
  end
  -- Capture the raw diagnostics for our file (the plugin's clients use the global handlers).
  local latest = nil
  local publishes = 0
  local uri
  local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(e, result, ctx, cfg)
    if result and result.uri == uri then
      latest = result.diagnostics
      publishes = publishes + 1
    end
    return default_publish(e, result, ctx, cfg)
  end
  vim.cmd("runtime! plugin/dflint.lua")

  -- A project with a marker in its root and the Dockerfile one folder down.
  local project = vim.fn.resolve(vim.fn.tempname())
  vim.fn.mkdir(project .. "/docker", "p")
  -- The root marker, and only the rules the test is about (rules added later do not change what it sees).
  vim.fn.writefile({ 'select = ["DF501", "DF503", "DF505"]' }, project .. "/.dflint.toml")
  local path = project .. "/docker/Dockerfile"
  uri = vim.uri_from_fname(path)
  -- Known problems: legacy `ENV key value` (DF503, safe fix), deprecated MAINTAINER (DF505).
  vim.fn.writefile({
    "FROM alpine:3.19",
    "MAINTAINER someone@example.com",
    "ENV APP_HOME /srv/app",
    "RUN echo hello",
  }, path)

  vim.cmd("filetype on")
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local ft = vim.bo[bufnr].filetype
  if not vim.tbl_contains(shipped.filetypes, ft) then
    out("FAIL filetype: Neovim detected '" .. ft .. "' for Dockerfile, not one of the config's filetypes")
    return finish(6)
  end

  -- On 0.11+ `vim.lsp.enable` starts the client; before, plugin/dflint.lua does on FileType.
  if new_api then vim.lsp.enable("dflint") end
  local client_id
  if not vim.wait(timeout, function()
    for _, c in pairs(buf_clients(bufnr)) do
      if c.name == "dflint" then client_id = c.id return true end
    end
    return false
  end, 20) then
    out("FAIL start: no dflint client attached to the Dockerfile (could not spawn " .. table.concat(shipped.cmd, " ") .. "?)")
    return finish(1)
  end

  local client
  if not vim.wait(timeout, function()
    client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end, 20) then
    out("FAIL initialize: no answer within " .. timeout .. " ms (is `dflint server` implemented?)")
    return finish(1)
  end
  local info = client.server_info or {}
  out("PASS initialize: server " .. tostring(info.name) .. " " .. tostring(info.version))
  if vim.fn.resolve(client.config.root_dir or "") ~= project then
    out("FAIL root: root_dir " .. tostring(client.config.root_dir) .. ", expected " .. project .. " (the .dflint.toml folder)")
    return finish(6)
  end
  out("PASS root: " .. project)

  -- 1. Diagnostics for the known problems.
  if not vim.wait(timeout, function() return latest ~= nil and #latest > 0 end, 20) then
    out("FAIL diagnostics: none within " .. timeout .. " ms")
    return finish(2)
  end
  vim.wait(50)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    out(string.format("DIAG %d:%d %s %s", d.lnum + 1, d.col + 1, tostring(d.code), (d.message:gsub("\n", " "))))
  end
  local codes = codes_of(latest)
  for _, want in ipairs({ "DF503", "DF505" }) do
    if not codes[want] then
      out("FAIL diagnostics: no " .. want .. " among " .. table.concat(vim.tbl_keys(codes), ","))
      return finish(2)
    end
  end
  local target = codes["DF503"]
  if target.range.start.line ~= 2 then
    out("FAIL diagnostics: DF503 on line " .. (target.range.start.line + 1) .. ", expected 3")
    return finish(2)
  end
  out("PASS diagnostics: " .. #latest .. " (DF503 and DF505 among them)")

  -- 2. The quick fix for DF503, asked for at its range like `vim.lsp.buf.code_action()` does.
  local ca = request_sync(client, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = target.range,
    context = { diagnostics = { target }, only = { "quickfix" } },
  }, timeout, bufnr)
  if not ca or ca.err or type(ca.result) ~= "table" or #ca.result == 0 then
    out("FAIL codeAction: " .. vim.inspect(ca))
    return finish(3)
  end
  local chosen
  for _, a in ipairs(ca.result) do
    out("ACTION " .. tostring(a.title) .. " kind=" .. tostring(a.kind))
    -- The fix itself, not the "ignore" (suppression comment) actions that come with it.
    if not chosen and a.kind and a.kind:match("^quickfix") and a.title:find("APP_HOME=/srv/app", 1, true) then
      chosen = a
    end
  end
  if not chosen then
    out("FAIL codeAction: no quickfix mentioning APP_HOME=/srv/app for DF503")
    return finish(3)
  end
  if not chosen.edit and not chosen.command then
    local resolved = request_sync(client, "codeAction/resolve", chosen, timeout, bufnr)
    if resolved and resolved.result then chosen = resolved.result end
  end
  if chosen.edit then
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
  end
  if chosen.command then
    local cmd = type(chosen.command) == "table" and chosen.command or chosen
    request_sync(client, "workspace/executeCommand", { command = cmd.command, arguments = cmd.arguments }, timeout, bufnr)
  end
  local line = vim.api.nvim_buf_get_lines(bufnr, 2, 3, false)[1]
  if line ~= "ENV APP_HOME=/srv/app" then
    out("FAIL fix: line 3 is '" .. tostring(line) .. "', expected 'ENV APP_HOME=/srv/app'")
    return finish(4)
  end
  out("PASS fix: '" .. chosen.title .. "' gave '" .. line .. "'")

  -- 3. The edit reached the server (didChange) and its new diagnostics no longer hold DF503.
  local before = publishes
  if not vim.wait(timeout, function() return publishes > before and not codes_of(latest)["DF503"] end, 20) then
    out("FAIL refresh: DF503 still reported after the fix")
    return finish(5)
  end
  if not codes_of(latest)["DF505"] then
    out("FAIL refresh: DF505 disappeared too")
    return finish(5)
  end
  out("PASS refresh: DF503 gone, DF505 still there")

  -- 4. Settings in the documented shape (`settings = { dflint = ... }`) reach the running server.
  client.config.settings = { dflint = { ignore = { "DF505" } } }
  if new_api then
    client:notify("workspace/didChangeConfiguration", { settings = client.config.settings })
  else
    client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
  end
  if not vim.wait(timeout, function() return latest ~= nil and #latest == 0 end, 20) then
    out("FAIL settings: ignore = { 'DF505' } did not silence DF505: " .. table.concat(vim.tbl_keys(codes_of(latest)), ","))
    return finish(7)
  end
  out("PASS settings: settings.dflint.ignore = { 'DF505' } took effect")

  out("ALL PASS")
  return finish(0)
end)

if not ok then
  out("FAIL internal: " .. tostring(err))
  finish(9)
end
