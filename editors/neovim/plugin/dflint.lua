-- dflint for Neovim 0.7 to 0.10, which have no `vim.lsp.enable`: starts the config in lsp/dflint.lua (found on
-- 'runtimepath') for Dockerfiles, one client per project root, as `vim.lsp.enable('dflint')` does on 0.11+.
-- On 0.11 and later this file does nothing: call `vim.lsp.enable('dflint')` instead.
--
-- Install: put this `editors/neovim` folder on 'runtimepath' (with a plugin manager, or
-- `vim.opt.runtimepath:append('/path/to/dflint/editors/neovim')`), or copy lsp/dflint.lua and this file into
-- ~/.config/nvim/lsp/ and ~/.config/nvim/plugin/.
if vim.fn.has('nvim-0.11') == 1 or vim.g.loaded_dflint then
  return
end
vim.g.loaded_dflint = true

local config_file = vim.api.nvim_get_runtime_file('lsp/dflint.lua', false)[1]
if not config_file then
  return
end
local config = dofile(config_file)

-- The first folder upwards holding a root marker, else the file's folder (`root_markers` on 0.11+).
local function root_of(path)
  local start = vim.fn.fnamemodify(path, ':p:h')
  local dir = start
  while true do
    for _, marker in ipairs(config.root_markers or {}) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

local clients = {} -- root -> client id

vim.api.nvim_create_autocmd('FileType', {
  pattern = config.filetypes,
  group = vim.api.nvim_create_augroup('dflint', { clear = true }),
  callback = function(args)
    local path = vim.api.nvim_buf_get_name(args.buf)
    if path == '' then
      return
    end
    local root = root_of(path)
    local id = clients[root]
    if not (id and vim.lsp.get_client_by_id(id)) then
      local start = vim.tbl_extend('force', config, { name = 'dflint', root_dir = root })
      start.root_markers = nil
      start.filetypes = nil
      id = vim.lsp.start_client(start)
      clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
