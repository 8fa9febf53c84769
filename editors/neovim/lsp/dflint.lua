---@brief
---
--- dflint: a Dockerfile linter, optimizer and language server that fixes what it finds.
---
--- Install the binary (`cargo install --locked --path .` from a dflint checkout) so that `dflint` is on
--- your PATH, copy this file to `~/.config/nvim/lsp/dflint.lua` (or put this folder on 'runtimepath'), then
--- on Neovim 0.11+:
---
--- ```lua
--- vim.lsp.enable('dflint')
--- ```
---
--- Settings use the schema of `.dflint.toml` (`select`, `ignore`, `severity`, `unsafe-fixes`); a project's
--- own `.dflint.toml` or `.hadolint.yaml` is read by the server too. They reach the server as
--- `init_options` at start and under `settings.dflint` through `workspace/didChangeConfiguration`:
---
--- ```lua
--- vim.lsp.config('dflint', {
---   init_options = { ignore = { 'DF301' }, ['unsafe-fixes'] = false },
---   settings = { dflint = { ignore = { 'DF301' } } },
--- })
--- ```
---
--- "Fix all" (safe fixes only) is the code action `source.fixAll.dflint`:
---
--- ```lua
--- vim.lsp.buf.code_action({ context = { only = { 'source.fixAll.dflint' } }, apply = true })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'dflint', 'server' },
  filetypes = { 'dockerfile' },
  root_markers = { '.dflint.toml', '.hadolint.yaml', '.git' },
  init_options = {},
  settings = {},
}
