;;; dflint-eglot-test.el --- headless Emacs + Eglot test of editors/emacs/dflint-eglot.el  -*- lexical-binding: t; -*-

;; Run by tests/editors/emacs.sh:
;;   DFLINT_REPO=<checkout> PATH=<dir with dflint>:$PATH emacs --batch -q -l tests/editors/emacs/dflint-eglot-test.el
;; (-q, not -Q: the site start-up files stay, as in a user's Emacs; Debian's elpa-* packages are found through them)
;; Loads the shipped set-up file as is, opens a Dockerfile (its mode hook calls `eglot-ensure', which connects
;; on the next command, so the test runs `post-command-hook' once as a command loop would), waits for dflint's
;; diagnostics in Flymake, applies the DF503 quick fix and checks the buffer, the file and the refreshed
;; diagnostics.  Exit status: 0 pass; 1 no server; 2 diagnostics; 3 code action; 4 fix; 5 refresh; 9 internal.

;;; Code:

(require 'cl-lib)
(require 'package)
(package-initialize) ; Debian's elpa-* packages (eglot, project, dockerfile-mode) live in the package path
(require 'eglot)
(require 'flymake)

(defvar dflint-test-timeout (string-to-number (or (getenv "DFLINT_TIMEOUT") "15")))

(defun dflint-test-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun dflint-test-finish (code)
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (kill-emacs code))

(defun dflint-test-wait (pred)
  "Run the event loop (process output, timers) until PRED is non-nil or the timeout passes."
  (let ((deadline (+ (float-time) dflint-test-timeout)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    result))

(defun dflint-test-lsp-diag (diag)
  (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag))))

(defun dflint-test-codes ()
  (delq nil (mapcar (lambda (d) (plist-get (dflint-test-lsp-diag d) :code)) (flymake-diagnostics))))

(condition-case err
    (let* ((repo (or (getenv "DFLINT_REPO") (error "DFLINT_REPO is not set")))
           (project (file-name-as-directory (make-temp-file "dflint-eglot-" t)))
           (file (expand-file-name "Dockerfile" project)))
      (load (expand-file-name "editors/emacs/dflint-eglot.el" repo) nil t)
      (dflint-test-out "PASS config: eglot-server-programs has %S"
                       (cdr (assoc '(dockerfile-mode dockerfile-ts-mode) eglot-server-programs)))
      ;; Only the rules the test is about, so that rules added later do not change what it sees.
      (with-temp-file (expand-file-name ".dflint.toml" project)
        (insert "select = [\"DF501\", \"DF503\", \"DF505\"]\n"))
      (with-temp-file file
        (insert "FROM alpine:3.19\nMAINTAINER someone@example.com\nENV APP_HOME /srv/app\nRUN echo hello\n"))
      (find-file file)
      (unless (derived-mode-p 'dockerfile-mode 'dockerfile-ts-mode)
        (dflint-test-out "FAIL mode: %s for Dockerfile" major-mode)
        (dflint-test-finish 1))
      ;; The command loop would run this after `find-file'; it is when `eglot-ensure' connects.
      (run-hooks 'post-command-hook)
      (unless (dflint-test-wait (lambda () (eglot-current-server)))
        (dflint-test-out "FAIL start: no Eglot server for the Dockerfile (is dflint on PATH?)")
        (dflint-test-finish 1))
      (let ((server (eglot-current-server)))
        (dflint-test-out "PASS initialize: %s" (plist-get (eglot--server-info server) :name))
        ;; 1. Diagnostics through Flymake.
        (unless (dflint-test-wait (lambda ()
                                    (flymake-start)
                                    (and (member "DF503" (dflint-test-codes)) (member "DF505" (dflint-test-codes)))))
          (dflint-test-out "FAIL diagnostics: got %S" (dflint-test-codes))
          (dflint-test-finish 2))
        (dolist (d (flymake-diagnostics))
          (dflint-test-out "DIAG %d %s %s" (line-number-at-pos (flymake-diagnostic-beg d))
                           (plist-get (dflint-test-lsp-diag d) :code) (flymake-diagnostic-text d)))
        (dflint-test-out "PASS diagnostics: DF503 and DF505 in Flymake")
        ;; 2. The quick fix for DF503, asked for at the diagnostic as `eglot-code-actions' does.
        (let* ((diag (cl-find-if (lambda (d) (equal (plist-get (dflint-test-lsp-diag d) :code) "DF503"))
                                 (flymake-diagnostics)))
               (actions (eglot-code-actions (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag) "quickfix"))
               ;; The fix itself, not the "ignore" (suppression comment) actions that come with it.
               (action (cl-find-if (lambda (a) (string-match-p "APP_HOME=/srv/app" (plist-get a :title))) actions)))
          (dolist (a actions) (dflint-test-out "ACTION %s" (plist-get a :title)))
          (unless action
            (dflint-test-out "FAIL codeAction: no quickfix mentioning APP_HOME=/srv/app for DF503")
            (dflint-test-finish 3))
          ;; The path an interactive pick takes, with the menu answered by this action.
          (eglot--read-execute-code-action (list action) server "quickfix"))
        (goto-char (point-min))
        (forward-line 2)
        (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
          (unless (equal line "ENV APP_HOME=/srv/app")
            (dflint-test-out "FAIL fix: line 3 is %S" line)
            (dflint-test-finish 4))
          (save-buffer)
          (unless (string-match-p "^ENV APP_HOME=/srv/app$"
                                  (with-temp-buffer (insert-file-contents file) (buffer-string)))
            (dflint-test-out "FAIL fix: the file on disk was not changed")
            (dflint-test-finish 4))
          (dflint-test-out "PASS fix: %S" line))
        ;; 3. The server saw the change: DF503 goes, DF505 stays.
        (unless (dflint-test-wait (lambda ()
                                    (flymake-start)
                                    (and (not (member "DF503" (dflint-test-codes)))
                                         (member "DF505" (dflint-test-codes)))))
          (dflint-test-out "FAIL refresh: codes now %S" (dflint-test-codes))
          (dflint-test-finish 5))
        (dflint-test-out "PASS refresh: DF503 gone, DF505 still there")
        (dflint-test-out "ALL PASS")
        (dflint-test-finish 0)))
  (error
   (dflint-test-out "FAIL internal: %S" err)
   (dflint-test-finish 9)))

;;; dflint-eglot-test.el ends here
