" dflint in Vim or Neovim with ALE (https://github.com/dense-analysis/ale; Debian: vim-ale).
" Put this in your vimrc (after ALE is loaded) or in ~/.vim/ale_linters/dockerfile/dflint.vim.
" `dflint` must be on PATH (`cargo install --locked --path .` in a dflint checkout).
" Diagnostics come from dflint's language server; :ALECodeAction applies a quick fix at the cursor.

function! DflintProjectRoot(buffer) abort
  for l:marker in ['.dflint.toml', '.hadolint.yaml']
    let l:found = ale#path#FindNearestFile(a:buffer, l:marker)
    if !empty(l:found)
      return fnamemodify(l:found, ':h')
    endif
  endfor
  let l:git = ale#path#FindNearestDirectory(a:buffer, '.git')
  return !empty(l:git) ? fnamemodify(l:git, ':h:h') : expand('#' . a:buffer . ':p:h')
endfunction

call ale#linter#Define('dockerfile', {
\   'name': 'dflint',
\   'lsp': 'stdio',
\   'executable': 'dflint',
\   'command': '%e server',
\   'project_root': function('DflintProjectRoot'),
\   'initialization_options': {},
\})

" Use dflint alone for Dockerfiles (ALE's defaults would also run hadolint and dockerfile_lint).
let g:ale_linters = get(g:, 'ale_linters', {})
let g:ale_linters.dockerfile = ['dflint']

" Containerfiles and *.dockerfile are Dockerfiles too (Vim 9 already knows Containerfile and Dockerfile.*).
autocmd BufRead,BufNewFile Containerfile,Containerfile.*,*.dockerfile,*.Dockerfile setfiletype dockerfile
