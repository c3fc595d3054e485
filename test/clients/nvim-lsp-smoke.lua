-- Neovim (0.7+) as a second, independent LSP client: starts the server given in $SERVER on the
-- file opened on the command line, prints every diagnostic and the hover at $HOVER_LINE:$HOVER_COL
-- (0-based), then replaces line $FIX_LINE (1-based) with $FIX_TEXT and waits until the diagnostics
-- are cleared. Output lines: DIAG ..., HOVER ..., CLEARED, OK. Exits 1 with FAIL: ... otherwise.
-- Run: SERVER="node dist/ebpf.js lsp --stdio" nvim --headless --clean -c "luafile test/clients/nvim-lsp-smoke.lua" FILE
local function out(s) io.stdout:write(s .. '\n') end
local function fail(msg) io.stderr:write('FAIL: ' .. msg .. '\n'); vim.cmd('cquit! 1') end
local cmd = vim.split(os.getenv('SERVER') or '', ' ', { trimempty = true })
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'ebpf'
local id = vim.lsp.start_client({ name = 'ebpf', cmd = cmd, root_dir = vim.fn.getcwd() })
if not id then return fail('start_client returned nil') end
vim.lsp.buf_attach_client(bufnr, id)
if not vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50) then return fail('no diagnostics') end
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  out(string.format('DIAG %d:%d-%d severity=%d %s', d.lnum + 1, d.col + 1, d.end_col + 1, d.severity, d.message))
end
local params = {
  textDocument = vim.lsp.util.make_text_document_params(bufnr),
  position = { line = tonumber(os.getenv('HOVER_LINE') or '0'), character = tonumber(os.getenv('HOVER_COL') or '0') },
}
local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 5000)
local hover
for _, r in pairs(res or {}) do if r.result then hover = r.result.contents end end
if not hover then return fail('no hover') end
local text = type(hover) == 'table' and (hover.value or vim.inspect(hover)) or hover
out('HOVER ' .. text:gsub('\n', ' | '))
local fix = tonumber(os.getenv('FIX_LINE') or '0')
if fix > 0 then
  vim.api.nvim_buf_set_lines(bufnr, fix - 1, fix, false, { os.getenv('FIX_TEXT') or '' })
  if not vim.wait(10000, function() return #vim.diagnostic.get(bufnr) == 0 end, 50) then return fail('diagnostics not cleared') end
  out('CLEARED')
end
vim.lsp.get_client_by_id(id).stop()
vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
out('OK')
vim.cmd('qall!')
