" Headless Vim + ALE (Debian's vim-ale) test of the shipped editors/vim/ale.vim against `dflint server`.
" Run by tests/editors/vim.sh:
"   DFLINT_REPO=<checkout> DFLINT_OUT=<file> PATH=<dir with dflint>:$PATH \
"     vim -N -u NONE -i NONE -es -S tests/editors/vim/ale_test.vim </dev/null
" Opens a Dockerfile, waits for dflint's diagnostics in ALE's list, runs :ALECodeAction at the DF503 problem
" (the menu prompt is answered with the number of the line that offers the fix, as a user would type it),
" and checks the buffer, the file and the refreshed diagnostics. Results go to $DFLINT_OUT; exit status 0 = pass.

set nocompatible
let s:ale = get(environ(), 'DFLINT_ALE_DIR', '/usr/share/vim-ale')
let &runtimepath = s:ale . ',' . &runtimepath . ',' . s:ale . '/after'
filetype plugin on
runtime plugin/ale.vim

" Vim in Ex mode has no plain stdout for scripts: lines go to $DFLINT_OUT, which vim.sh prints.
function! s:Out(line) abort
  call writefile([a:line], $DFLINT_OUT, 'a')
endfunction

function! s:Finish(code) abort
  if a:code == 0
    qall!
  endif
  execute 'cquit ' . a:code
endfunction

function! s:Wait(expr, ms) abort
  let l:waited = 0
  while l:waited < a:ms && !eval(a:expr)
    sleep 50m
    let l:waited += 50
  endwhile
  return eval(a:expr)
endfunction

function! s:Codes() abort
  return map(copy(ale#engine#GetLoclist(bufnr(''))), 'get(v:val, "code", "")')
endfunction

" The code-action menu: ALE prints the actions and reads a number. Answer with the fix for APP_HOME.
let s:menu = ''
runtime autoload/ale/util.vim " loaded now, so that the override below is not replaced by it later
function! ale#util#Input(message, value, ...) abort
  let s:menu = a:message
  for l:line in split(a:message, "\n")
    if l:line =~# '^\d\+) .*APP_HOME=/srv/app'
      return matchstr(l:line, '^\d\+')
    endif
  endfor
  return ''
endfunction

try
  let s:repo = $DFLINT_REPO
  execute 'source' fnameescape(s:repo . '/editors/vim/ale.vim')
  call s:Out('PASS config: ALE linters for dockerfile: ' . string(g:ale_linters.dockerfile))

  let s:project = resolve(tempname())
  call mkdir(s:project . '/docker', 'p')
  " The root marker, and only the rules the test is about (rules added later do not change what it sees).
  call writefile(['select = ["DF501", "DF503", "DF505"]'], s:project . '/.dflint.toml')
  let s:file = s:project . '/docker/Dockerfile'
  call writefile(['FROM alpine:3.19', 'MAINTAINER someone@example.com', 'ENV APP_HOME /srv/app', 'RUN echo hello'], s:file)
  execute 'edit' fnameescape(s:file)
  if &filetype !=# 'dockerfile'
    call s:Out('FAIL filetype: ' . &filetype)
    call s:Finish(6)
  endif
  if DflintProjectRoot(bufnr('')) !=# s:project
    call s:Out('FAIL root: ' . DflintProjectRoot(bufnr('')) . ', expected ' . s:project)
    call s:Finish(6)
  endif
  ALELint
  if !s:Wait('index(s:Codes(), "DF503") >= 0 && index(s:Codes(), "DF505") >= 0', 15000)
    call s:Out('FAIL diagnostics: ' . string(s:Codes()) . ' (is dflint on PATH and `dflint server` implemented?)')
    call s:Finish(2)
  endif
  for s:d in ale#engine#GetLoclist(bufnr(''))
    call s:Out(printf('DIAG %d:%d %s %s', s:d.lnum, s:d.col, get(s:d, 'code', ''), s:d.text))
  endfor
  call s:Out('PASS diagnostics: DF503 and DF505 in ALE')

  call cursor(3, 5)
  ALECodeAction
  if !s:Wait('getline(3) ==# "ENV APP_HOME=/srv/app"', 15000)
    call s:Out('FAIL fix: line 3 is ' . string(getline(3)) . '; menu was: ' . string(s:menu))
    call s:Finish(4)
  endif
  for s:line in split(s:menu, "\n")
    if s:line =~# '^\d\+)'
      call s:Out('ACTION ' . s:line)
    endif
  endfor
  write
  if readfile(s:file)[2] !=# 'ENV APP_HOME=/srv/app'
    call s:Out('FAIL fix: the file on disk was not changed')
    call s:Finish(4)
  endif
  call s:Out('PASS fix: ' . getline(3))

  ALELint
  if !s:Wait('index(s:Codes(), "DF503") < 0 && index(s:Codes(), "DF505") >= 0', 15000)
    call s:Out('FAIL refresh: ' . string(s:Codes()))
    call s:Finish(5)
  endif
  call s:Out('PASS refresh: DF503 gone, DF505 still there')
  call s:Out('ALL PASS')
  call s:Finish(0)
catch
  call s:Out('FAIL internal: ' . v:exception . ' at ' . v:throwpoint)
  call s:Finish(9)
endtry
