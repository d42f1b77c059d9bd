#!/bin/sh
# Install the Deedbook bundle for this user (or, with --system, for everyone), with its
# menu entry and icon; --uninstall takes it all away again.  Run it from the bundle folder
# (dist/Deedbook, or the unpacked release archive):
#
#   ./install.sh                 # ~/.local/opt/Deedbook, ~/.local/bin/deedbook, menu entry
#   sudo ./install.sh --system   # /opt/Deedbook, /usr/local/bin/deedbook, menu entry for all
#   ./install.sh --uninstall     # (add --system for the system-wide one)
#
# The ledger, keys and settings live in the data folder (~/.local/share/Deedbook), which
# neither installing nor uninstalling touches.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
scope=user
action=install
for arg in "$@"; do
  case "$arg" in
    --system) scope=system ;;
    --uninstall) action=uninstall ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

if [ "$scope" = system ]; then
  app=/opt/Deedbook bin=/usr/local/bin share=/usr/local/share
else
  data="${XDG_DATA_HOME:-$HOME/.local/share}"
  app="$HOME/.local/opt/Deedbook" bin="$HOME/.local/bin" share="$data"
fi
desktop="$share/applications/deedbook.desktop"
svg="$share/icons/hicolor/scalable/apps/deedbook.svg"
png="$share/icons/hicolor/256x256/apps/deedbook.png"

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
}

if [ "$action" = uninstall ]; then
  rm -rf "$app"
  rm -f "$bin/deedbook" "$desktop" "$svg" "$png"
  refresh
  echo "Deedbook uninstalled from $app (your data folder is untouched)."
  exit 0
fi

[ -x "$here/Deedbook" ] || { echo "install.sh: run me from the Deedbook bundle folder" >&2; exit 2; }
if [ "$here" != "$app" ]; then
  rm -rf "$app.new"
  mkdir -p "$(dirname "$app")"
  cp -a "$here" "$app.new"
  rm -rf "$app"
  mv "$app.new" "$app"
fi
mkdir -p "$bin" "$(dirname "$desktop")" "$(dirname "$svg")" "$(dirname "$png")"
ln -sf "$app/Deedbook" "$bin/deedbook"
cp "$app/_internal/resources/icons/deedbook.svg" "$svg"
cp "$app/_internal/resources/icons/deedbook.png" "$png"
# The menu entry names the executable by its full path: ~/.local/bin is not on every
# desktop session's PATH.
sed -e "s|^Exec=.*|Exec=\"$app/Deedbook\"|" -e "s|^TryExec=.*|TryExec=$app/Deedbook|" \
  "$app/deedbook.desktop" > "$desktop"
chmod 644 "$desktop"
refresh
echo "Deedbook installed in $app; menu entry $desktop; command line: $bin/deedbook"
case ":$PATH:" in *":$bin:"*) ;; *) echo "(add $bin to your PATH to type 'deedbook' in a terminal)";; esac
