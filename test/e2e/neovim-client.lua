-- Headless Neovim 0.7 as a real LSP client for test/e2e/neovim.test.ts. Starts the built
-- server over stdio, attaches it to the buffer given on the command line, waits (on the
-- event loop, not a sleep) for the first non-empty publishDiagnostics for that buffer, writes
-- one JSON object per diagnostic to $HTTPD_MTLS_OUT, then quits. Neovim 0.7 has only
-- vim.lsp.start_client (vim.lsp.start is 0.8+).
local server_js = os.getenv('HTTPD_MTLS_SERVER')
local root_dir = os.getenv('HTTPD_MTLS_ROOT')
local out_file = os.getenv('HTTPD_MTLS_OUT')
local timeout_ms = tonumber(os.getenv('HTTPD_MTLS_TIMEOUT_MS') or '20000')

-- The file named on the command line is loaded only after this init file has run.
local function run()
  local buf = vim.api.nvim_get_current_buf()
  -- The filetype becomes the didOpen languageId; use VS Code's id for the same files.
  vim.bo[buf].filetype = 'apacheconf'
  local buf_uri = vim.uri_from_bufnr(buf)
  local received = nil

  local client_id = vim.lsp.start_client({
    name = 'httpd-mtls',
    cmd = { 'node', server_js, '--stdio' },
    root_dir = root_dir,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
        if result.uri == buf_uri and #result.diagnostics > 0 then
          received = result.diagnostics
        end
      end,
    },
  })
  vim.lsp.buf_attach_client(buf, client_id)

  vim.wait(timeout_ms, function() return received ~= nil end, 20)

  local lines = {}
  for _, diagnostic in ipairs(received or {}) do
    table.insert(lines, vim.fn.json_encode({
      code = diagnostic.code,
      source = diagnostic.source,
      severity = diagnostic.severity,
      line = diagnostic.range.start.line,
      character = diagnostic.range.start.character,
    }))
  end
  vim.fn.writefile(lines, out_file)
  vim.lsp.stop_client(client_id)
  vim.cmd('qa!')
end

vim.api.nvim_create_autocmd('VimEnter', { callback = run, once = true })
