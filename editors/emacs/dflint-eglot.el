;;; dflint-eglot.el --- dflint as an Eglot server for Dockerfiles  -*- lexical-binding: t; -*-

;; Copy this into your init file, or `load' it.  Needs Eglot (built into Emacs 29+; `elpa-eglot' or GNU ELPA
;; before that), a Dockerfile major mode (`dockerfile-ts-mode' in Emacs 29+, or `dockerfile-mode' from
;; MELPA / Debian's `elpa-dockerfile-mode'), and `dflint' on `exec-path' (`cargo install --locked --path .'
;; in a dflint checkout).
;;
;; Diagnostics appear through Flymake; `M-x eglot-code-actions' (or `eglot-code-action-quickfix') applies a
;; fix; "fix all" is the code action kind `source.fixAll.dflint'.
;; Settings use the schema of `.dflint.toml': put them after `:initializationOptions', for example
;;   ("dflint" "server" :initializationOptions (:ignore ["DF301"] :unsafe-fixes :json-false))

;;; Code:

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((dockerfile-mode dockerfile-ts-mode) . ("dflint" "server"))))

;; Start dflint when a Dockerfile is opened.
(add-hook 'dockerfile-mode-hook #'eglot-ensure)
(add-hook 'dockerfile-ts-mode-hook #'eglot-ensure)

;; Containerfiles and `*.dockerfile' are Dockerfiles too.
(add-to-list 'auto-mode-alist
             (cons "\\(?:\\`\\|/\\)\\(?:Containerfile\\(?:\\.[^/]*\\)?\\|[^/]*\\.[Dd]ockerfile\\)\\'"
                   (if (fboundp 'dockerfile-ts-mode) 'dockerfile-ts-mode 'dockerfile-mode)))

(provide 'dflint-eglot)
;;; dflint-eglot.el ends here
