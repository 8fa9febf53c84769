" dflint in Vim with vim-lsp (https://github.com/prabirshrestha/vim-lsp).
" Put this in your vimrc. `dflint` must be on PATH (`cargo install --locked --path .` in a dflint checkout).
" :LspDocumentDiagnostics lists the problems; :LspCodeAction applies a quick fix;
" :LspCodeAction source.fixAll.dflint applies every safe fix.

if executable('dflint')
  augroup dflint_lsp
    autocmd!
    autocmd User lsp_setup call lsp#register_server({
    \   'name': 'dflint',
    \   'cmd': {server_info -> ['dflint', 'server']},
    \   'allowlist': ['dockerfile'],
    \   'root_uri': {server_info -> lsp#utils#path_to_uri(lsp#utils#find_nearest_parent_file_directory(
    \       lsp#utils#get_buffer_path(), ['.dflint.toml', '.hadolint.yaml', '.git/']))},
    \   'initialization_options': {},
    \   'workspace_config': {'dflint': {}},
    \ })
  augroup END
endif

autocmd BufRead,BufNewFile Containerfile,Containerfile.*,*.dockerfile,*.Dockerfile setfiletype dockerfile
