;;; dap-mode-smoke.el --- Emacs dap-mode as a headless DAP client of the eBPF debug adapter.
;;; Commentary:
;; Run: ADAPTER_JS=dist/debugAdapter.js PROGRAM=test/fixtures/debugger/xdp_basic.s LINE=N \
;;      emacs --batch -l test/clients/dap-mode-smoke.el
;; Launches the program with a breakpoint on LINE, waits for `stopped', prints the frame and the
;; registers, continues and waits for `terminated'.  Prints OK and exits 0, or FAIL and exits 1.
;;; Code:
(require 'package)
(package-initialize)
(setq dap-auto-configure-features nil)
(setq dap-print-io nil)
(require 'dap-mode)

(defun die (f &rest a) (princ (concat "FAIL: " (apply #'format f a) "\n")) (kill-emacs 1))
(defun wait-until (secs pred)
  (let ((end (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) end)) (accept-process-output nil 0.05))
    (funcall pred)))

(defvar adapter-js (expand-file-name (getenv "ADAPTER_JS")))   ; before find-file changes directory
(dap-register-debug-provider
 "ebpf" (lambda (conf) (plist-put conf :dap-server-path (list "node" adapter-js)) conf))

(defvar stopped nil)
(defvar terminated nil)
(add-hook 'dap-stopped-hook (lambda (_s) (setq stopped t)))
(add-hook 'dap-terminated-hook (lambda (_s) (setq terminated t)))

(let ((file (expand-file-name (getenv "PROGRAM")))
      (line (string-to-number (getenv "LINE"))))
  (find-file file)
  (goto-char (point-min))
  (forward-line (1- line))
  (dap-breakpoint-add)
  (dap-debug (list :type "ebpf" :request "launch" :name "ebpf" :program file
                   :data "000000000000000000000000080045454545454545454545454545454545454545454545"))
  (unless (wait-until 10 (lambda () stopped)) (die "never stopped"))
  (let* ((s (dap--cur-session))
         (f (or (wait-until 5 (lambda () (dap--debug-session-active-frame s))) (die "no active frame")))
         (scopes nil) (vars nil))
    (princ (format "STOPPED at %s:%s\n" (gethash "name" (gethash "source" f)) (gethash "line" f)))
    (dap--send-message (dap--make-request "scopes" (list :frameId (gethash "id" f)))
                       (dap--resp-handler (lambda (r) (setq scopes (gethash "scopes" (gethash "body" r))))) s)
    (unless (wait-until 5 (lambda () scopes)) (die "no scopes"))
    (dap--send-message (dap--make-request "variables" (list :variablesReference (gethash "variablesReference" (car scopes))))
                       (dap--resp-handler (lambda (r) (setq vars (gethash "variables" (gethash "body" r))))) s)
    (unless (wait-until 5 (lambda () vars)) (die "no variables"))
    (dolist (v vars) (princ (format "VAR %s = %s\n" (gethash "name" v) (gethash "value" v))))
    (dap--send-message (dap--make-request "continue" (list :threadId 1)) (dap--resp-handler) s))
  (unless (wait-until 10 (lambda () terminated)) (die "never terminated"))
  (princ "OK\n")
  (kill-emacs 0))
;;; dap-mode-smoke.el ends here
