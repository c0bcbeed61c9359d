#!/usr/bin/env bash
# Copies the built files of the npm packages pinned in package.json / package-lock.json into this
# folder, where the dashboard serves them (they are embedded in CortexHub.Api like its other files,
# so the hub runs without npm). Run it after changing a version, then commit what changed:
#
#   src/CortexHub.Api/Dashboard/vendor/update.sh           # npm ci, copy
#   src/CortexHub.Api/Dashboard/vendor/update.sh --lock    # npm install first: package.json → package-lock.json
#
# npm works in a temporary folder: a node_modules here would be embedded in the assembly.
# The ES module builds (lib/*.mjs) are served as *.js, the content type the hub knows for scripts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$work/"
[ -f "$here/package-lock.json" ] && cp "$here/package-lock.json" "$work/"
if [ "${1:-}" = "--lock" ]; then
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$here/package-lock.json"
else
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi

modules="$work/node_modules/@xterm"
rm -rf "$here/xterm" "$here/addon-fit"
mkdir -p "$here/xterm" "$here/addon-fit"
cp "$modules/xterm/lib/xterm.mjs" "$here/xterm/xterm.js"
cp "$modules/xterm/css/xterm.css" "$here/xterm/xterm.css"
cp "$modules/xterm/LICENSE" "$here/xterm/LICENSE"
cp "$modules/addon-fit/lib/addon-fit.mjs" "$here/addon-fit/addon-fit.js"
cp "$modules/addon-fit/LICENSE" "$here/addon-fit/LICENSE"
# The source maps are not vendored: drop the comments that would make devtools ask for them.
sed -i '/^\/\/# sourceMappingURL=/d' "$here/xterm/xterm.js" "$here/addon-fit/addon-fit.js"

for package in xterm addon-fit; do
  printf '%s %s\n' "@xterm/$package" "$(node -p "require('$modules/$package/package.json').version")"
done
