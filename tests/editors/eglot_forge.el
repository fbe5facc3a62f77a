;;; eglot_forge.el --- Emacs eglot (batch mode) driving the real Forge language server.  -*- lexical-binding: t -*-
;;
;; Run:  emacs -Q --batch -l tests/editors/eglot_forge.el
;; Env:  FORGE_PY_FILE      Python file with an FG301 finding (required)
;;       FORGE_CLAUDE_FILE  Python file for the Claude actions (optional; the server then needs
;;                          ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, e.g. a fake Messages API)
;;       FORGE_CLAUDE_LINES "first,last" (1-based) lines to select for the Claude actions
;;       FORGE_EMACS_OUT    folder for result.json, events.txt (*EGLOT events*) and stderr.txt
;; The server is started exactly as the README tells users: the README's snippet below, then
;; M-x eglot in the file's buffer. Code actions are picked from eglot's own menu
;; (`eglot-code-actions'), with `completing-read' answering as the user would.
;;
;; Writes what Emacs saw to result.json, with `ok' and `error'. tests/editors/test_emacs.py
;; asserts on it; the harness itself stops only when it cannot go on.

(when (< emacs-major-version 29)
  ;; -Q leaves Debian's elpa-* packages (eglot 1.9 for Emacs 28) off the load path.
  (dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
    (when (file-directory-p dir) (add-to-list 'load-path dir))))

;; BEGIN README SNIPPET
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode go-mode go-ts-mode java-mode java-ts-mode
                  js-mode js-ts-mode typescript-mode typescript-ts-mode tsx-ts-mode
                  rust-mode rust-ts-mode kotlin-mode kotlin-ts-mode)
                 . ("forge-lsp"))))
;; END README SNIPPET

(require 'eglot)
(require 'json)
(require 'cl-lib)
(require 'subr-x)

(setq eglot-confirm-server-initiated-edits nil ; never prompt in batch
      eglot-sync-connect 15
      eglot-autoshutdown nil)

(defvar forge-t0 (float-time))
(defvar forge-result nil "Alist of what Emacs saw.")
(defvar forge-steps nil)
(defvar forge-messages nil "window/showMessage texts, oldest first.")
(defvar forge-shown nil "window/showDocument URIs (eglot >= 1.14 only).")
(defvar forge-published nil "publishDiagnostics: (uri . diagnostics) as the server sent them.")

(defun forge-ms () (round (* 1000 (- (float-time) forge-t0))))
(defun forge-step (name) (push `((step . ,name) (ms . ,(forge-ms))) forge-steps))
(defun forge-put (key value) (setf (alist-get key forge-result) value))

(defun forge-wait (what secs pred)
  "Pump process output until PRED holds; fail naming WHAT after SECS."
  (let ((end (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.02))
    (or (funcall pred) (error "Timed out after %ss waiting for %s" secs what))))

;; Observe (then let eglot handle) what the server sends.
(cl-defmethod eglot-handle-notification :before
  (_s (_m (eql window/showMessage)) &key message &allow-other-keys)
  (setq forge-messages (append forge-messages (list message))))
(cl-defmethod eglot-handle-notification :before
  (_s (_m (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (push (cons uri diagnostics) forge-published))
(when (ignore-errors
        (cl-find-method #'eglot-handle-request '() '(t (eql window/showDocument))))
  (cl-defmethod eglot-handle-request :before
    (_s (_m (eql window/showDocument)) &key uri &allow-other-keys)
    (push uri forge-shown)))

(defun forge-flymake (code)
  "Flymake's diagnostics in this buffer, as (text line . lsp-diagnostic), CODE only if given."
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))
           when (and lsp (or (null code) (equal (plist-get lsp :code) code)))
           collect d))

(defun forge-describe (d)
  (let ((lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
    `((text . ,(flymake-diagnostic-text d))
      (code . ,(plist-get lsp :code))
      (source . ,(plist-get lsp :source))
      (line . ,(plist-get (plist-get (plist-get lsp :range) :start) :line))
      (character . ,(plist-get (plist-get (plist-get lsp :range) :start) :character))
      (covered . ,(buffer-substring-no-properties
                   (flymake-diagnostic-beg d) (flymake-diagnostic-end d))))))

(defun forge-pick-action (beg end title)
  "Run the code action TITLE between BEG and END as a user does: M-x eglot-code-actions, then
pick TITLE from the menu. Returns the titles offered."
  (let ((offered nil)
        (last-nonmenu-event 13)) ; a key press, not a mouse click: the menu is completing-read
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (setq offered (mapcar #'car collection))
                 (unless (assoc title collection) (error "%S not offered: %S" title offered))
                 title)))
      (eglot-code-actions beg end nil t))
    offered))

(defun forge-hover (server)
  (let ((hover (jsonrpc-request server :textDocument/hover
                                (eglot--TextDocumentPositionParams))))
    (plist-get (plist-get hover :contents) :value)))

(defun forge-open (file)
  (find-file file)
  (unless (derived-mode-p 'python-mode) (error "%s is not in python-mode" file))
  (current-buffer))

(defun forge-line-region (first last)
  (save-excursion
    (goto-char (point-min)) (forward-line (1- first))
    (let ((beg (point)))
      (forward-line (1- (- last first -1)))
      (cons beg (line-end-position)))))

(defun forge-claude (server file)
  (let* ((lines (mapcar #'string-to-number
                        (split-string (or (getenv "FORGE_CLAUDE_LINES") "1,1") ",")))
         (buffer (forge-open file))
         (region (forge-line-region (nth 0 lines) (nth 1 lines)))
         (messages-before (length forge-messages))
         (claude (lambda ()
                   (cl-remove-if-not
                    (lambda (d) (equal (plist-get (cdr (assoc 'eglot-lsp-diag
                                                               (flymake-diagnostic-data d)))
                                                  :source)
                                       "forge (claude)"))
                    (flymake-diagnostics)))))
    (unless (eq (eglot-current-server) server) (error "a second server for %s" file))
    (flymake-start)
    (forge-wait "rule diagnostics in the Claude file" 10 (lambda () (forge-flymake nil)))
    ;; Review selection: Claude's findings arrive as flymake diagnostics.
    (forge-put 'review_offered
               (vconcat (forge-pick-action (car region) (cdr region)
                                           "Review selection with Forge")))
    (forge-wait "a \"forge (claude)\" diagnostic" 15 (lambda () (funcall claude)))
    (forge-put 'claude_diagnostics (vconcat (mapcar #'forge-describe (funcall claude))))
    (forge-put 'claude_rule_codes
               (vconcat (delq nil (mapcar (lambda (d) (alist-get 'code (forge-describe d)))
                                          (forge-flymake nil)))))
    (forge-step "claudeReview")
    ;; Hover on Claude's finding: its explanation.
    (goto-char (flymake-diagnostic-beg (car (funcall claude))))
    (forge-put 'claude_hover (forge-hover server))
    (forge-step "claudeHover")
    ;; Ask Forge...: eglot 1.9 cannot show documents, so Forge says where the answer is.
    (let ((shown-before (length forge-shown)))
      (forge-put 'ask_offered
                 (vconcat (forge-pick-action (car region) (cdr region) "Ask Forge...")))
      (forge-wait "the answer document (showDocument or a message naming it)" 15
                  (lambda () (or (> (length forge-shown) shown-before)
                                 (cl-some (lambda (m) (string-match-p "answer is in" m))
                                          (nthcdr messages-before forge-messages)))))
      (forge-put 'ask_shown (vconcat (butlast forge-shown shown-before)))
      (forge-put 'claude_messages (vconcat (nthcdr messages-before forge-messages)))
      (forge-put 'ask_buffer (buffer-file-name (window-buffer (selected-window)))))
    (forge-step "claudeAsk")
    buffer))

(defun forge-main ()
  (let ((file (or (getenv "FORGE_PY_FILE") (error "FORGE_PY_FILE is not set"))))
    (forge-open file)
    ;; 1. M-x eglot, as a user starts it (eglot-ensure waits for a command loop batch lacks).
    (apply #'eglot (eglot--guess-contact))
    (let ((server (or (eglot-current-server) (error "eglot did not start a server"))))
      (forge-wait "the server to initialize" 15
                  (lambda () (eglot--server-capable :hoverProvider)))
      (forge-put 'program (vconcat (process-command (jsonrpc--process server))))
      (forge-put 'server_info (plist-get (eglot--server-info server) :name))
      (forge-put 'emacs emacs-version)
      (forge-put 'eglot (if (boundp 'eglot-version) eglot-version
                          (ignore-errors (package-get-version))))
      (forge-step "initialized")
      ;; 2. Diagnostics through flymake (idle timers never fire in batch: start it by hand).
      (flymake-start)
      (forge-wait "an FG301 flymake diagnostic" 10 (lambda () (forge-flymake "FG301")))
      (forge-put 'diagnostics (vconcat (mapcar #'forge-describe (forge-flymake nil))))
      (forge-step "diagnostics")
      ;; 3. Hover on the finding.
      (let ((d (car (forge-flymake "FG301"))))
        (goto-char (flymake-diagnostic-beg d))
        (forge-put 'hover (forge-hover server))
        (forge-step "hover")
        ;; 4. The suppression quick fix from eglot's code-action menu; then didChange by hand
        ;;    (eglot sends it from an idle timer) and the finding must go away.
        (forge-put 'code_actions
                   (vconcat (forge-pick-action (line-beginning-position) (line-end-position)
                                               "Disable FG301 for this line")))
        (forge-put 'edited_line (buffer-substring-no-properties
                                 (line-beginning-position) (line-end-position)))
        (eglot--signal-textDocument/didChange)
        (forge-wait "FG301 to clear after the edit" 10
                    (lambda () (null (forge-flymake "FG301"))))
        (forge-put 'remaining (vconcat (mapcar #'forge-describe (forge-flymake nil))))
        (forge-step "applyEdit"))
      ;; 5. Forge with Claude, when a file for it is given.
      (let ((claude-file (getenv "FORGE_CLAUDE_FILE")))
        (when (and claude-file (not (string-empty-p claude-file)))
          (forge-claude server claude-file)))
      ;; 6. Shutdown (keeping the events and stderr buffers for the protocol checks).
      (eglot-shutdown server nil nil t)
      (forge-put 'stopped (not (process-live-p (jsonrpc--process server))))
      (forge-step "shutdown"))))

(defun forge-save-buffers (out)
  "The events and stderr buffers of every eglot connection, for the protocol checks."
  (dolist (buffer (buffer-list))
    (let ((name (buffer-name buffer)))
      (cond ((string-match-p "\\`\\*EGLOT .* events\\*\\'" name)
             (with-current-buffer buffer
               (write-region nil nil (expand-file-name "events.txt" out) t 'quiet)))
            ((string-match-p "\\`\\*EGLOT .* stderr\\*\\'" name)
             (with-current-buffer buffer
               (write-region nil nil (expand-file-name "stderr.txt" out) t 'quiet)))))))

(let* ((out (or (getenv "FORGE_EMACS_OUT") default-directory))
       (err (condition-case e (progn (forge-main) nil)
              (error (format "%S" e)))))
  (forge-put 'ok (if err :json-false t))
  (forge-put 'error err)
  (forge-put 'messages (vconcat forge-messages))
  (forge-put 'published_uris (vconcat (delete-dups (mapcar #'car forge-published))))
  (forge-put 'steps (vconcat (reverse forge-steps)))
  (forge-put 'total_ms (forge-ms))
  (forge-save-buffers out)
  (with-temp-file (expand-file-name "result.json" out)
    (insert (json-encode forge-result)))
  (dolist (server (ignore-errors (hash-table-values eglot--servers-by-project)))
    (dolist (s server) (ignore-errors (eglot-shutdown s))))
  (kill-emacs (if err 1 0)))
