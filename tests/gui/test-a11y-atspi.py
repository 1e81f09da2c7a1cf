#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a screen reader reads from Corral, through AT-SPI itself (issue 19): Corral runs on the demo
connection under GTK_A11Y=atspi on a private session bus (a dbus-daemon of the test's own, with
at-spi-bus-launcher on it), a guest is selected, and the accessible tree is read with pyatspi:

  1. every row of the guest list has a name;
  2. no button is named "GtkImage";
  3. no "AdwGizmo" is exposed;
  4. no name carries a mnemonic underscore ("_Console");
  5. no name repeats its own text ("Shut Down Shut Down").

TAP on stdout. Skips (saying why) without a display, without pyatspi or the AT-SPI typelib, without
at-spi-bus-launcher. A check that fails only on what GTK itself names is a TAP skip with the reason:
on GTK 4.8, libadwaita 1.2's internal AdwGizmo widgets are read as "AdwGizmo" (seen through AT-SPI
on Debian 12; Corral makes none); on a newer GTK that check fails again if they still are.

usage: test-a11y-atspi.py [CORRAL-EXECUTABLE]   (default: $CORRAL_BUILD_DIR/app/corral)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
TIMEOUT_S = 90   # a loaded machine, or a container starting the accessibility bus, can take long
GUEST_NAMES = ("webserver", "database", "mail", "backup", "test")

results = []


def tap_skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


def ok(passed, description, diagnostics=()):
    results.append(("ok" if passed else "not ok", description, None, list(diagnostics)))


def skip(description, reason, diagnostics=()):
    results.append(("ok", description, reason, list(diagnostics)))


def finish():
    print("1..%d" % len(results))
    failed = False
    for n, (status, description, reason, diagnostics) in enumerate(results, 1):
        line = "%s %d %s" % (status, n, description)
        if reason is not None:
            line += " # SKIP " + reason
        print(line)
        for d in diagnostics[:40]:
            print("# " + d)
        failed |= status != "ok"
    sys.stdout.flush()
    return 1 if failed else 0


def gtk_version():
    """The GTK 4 Corral runs on (the same library this machine has), as (major, minor)."""
    try:
        import gi
        gi.require_version("Gtk", "4.0")
        from gi.repository import Gtk
        return (Gtk.get_major_version(), Gtk.get_minor_version())
    except (ImportError, ValueError):
        return (4, 0)


def have_pyatspi():
    """Whether pyatspi and its typelib are there, without connecting to any bus yet."""
    try:
        import importlib.util

        import gi
        gi.require_version("Atspi", "2.0")
        from gi.repository import Atspi  # noqa: F401
        if importlib.util.find_spec("pyatspi") is None:
            raise ImportError("no module named pyatspi")
    except (ImportError, ValueError) as e:
        tap_skip_all("pyatspi or the AT-SPI typelib is missing (%s): install python3-pyatspi "
                     "and gir1.2-atspi-2.0" % e)


def start_session_bus(tmp):
    """A dbus-daemon of the test's own: returns (process, address)."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        tap_skip_all("no dbus-daemon: install dbus")
    proc = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1",
                             "--address=unix:dir=" + tmp],
                            stdout=subprocess.PIPE, text=True)
    address = proc.stdout.readline().strip()
    if not address:
        proc.kill()
        tap_skip_all("the private session bus did not start")
    return proc, address


def wait_for(predicate, what, timeout=TIMEOUT_S, interval=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("timed out waiting for " + what)


def main():
    if len(sys.argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    corral = sys.argv[1] if len(sys.argv) == 2 else os.path.join(
        os.environ.get("CORRAL_BUILD_DIR", "."), "app", "corral")
    if not os.access(corral, os.X_OK):
        tap_skip_all("no Corral executable at " + corral)
    if not os.environ.get("DISPLAY"):
        tap_skip_all("no display: run under xvfb-run")
    have_pyatspi()
    if not os.access(BUS_LAUNCHER, os.X_OK):
        tap_skip_all("no %s: install at-spi2-core" % BUS_LAUNCHER)

    tmp = tempfile.mkdtemp(prefix="corral-atspi-")
    bus, address = start_session_bus(tmp)
    procs = [bus]
    env = dict(os.environ)
    env.update({
        "DBUS_SESSION_BUS_ADDRESS": address,
        "GTK_A11Y": "atspi",
        "GDK_BACKEND": "x11",
        "GSETTINGS_BACKEND": "memory",
        "XDG_RUNTIME_DIR": tmp,
        "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
        "XDG_DATA_HOME": os.path.join(tmp, "data"),
    })
    env.pop("NO_AT_BRIDGE", None)
    # this process reads the tree on the same private bus
    os.environ.update({k: env[k] for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")})
    os.environ.pop("NO_AT_BRIDGE", None)

    try:
        import pyatspi   # checked by have_pyatspi(); connects to the bus set above

        procs.append(subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"], env=env))
        # the accessibility bus is up once the launcher answers on the session bus
        wait_for(lambda: subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
             "org.a11y.Bus.GetAddress"], env=env, capture_output=True).returncode == 0,
            "the AT-SPI bus launcher")

        demo = env.get("CORRAL_DEMO_NODE")
        uri = "test://" + os.path.abspath(demo) if demo else "test:///default"
        procs.append(subprocess.Popen([corral, "--connect", uri], env=env))

        def find_app():
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                app = desktop.getChildAtIndex(i)
                if app is not None and app.name and "corral" in app.name.lower() \
                        and app.childCount > 0:
                    return app
            return None

        app = wait_for(find_app, "Corral on the accessibility bus")

        def walk(node, depth=0, out=None):
            if out is None:
                out = []
            if node is None or depth > 60 or len(out) > 5000:
                return out
            out.append((node, depth))
            try:
                n = node.childCount
            except Exception:
                return out
            for i in range(n):
                try:
                    walk(node.getChildAtIndex(i), depth + 1, out)
                except Exception:
                    pass
            return out

        def guest_rows():
            rows = []
            for node, _ in walk(app):
                try:
                    role = node.getRole()
                except Exception:
                    continue
                if role not in (pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_TABLE_ROW,
                                getattr(pyatspi, "ROLE_ROW", -1)):
                    continue
                texts = [c.name for c, _ in walk(node) if c.name]
                if any(t in GUEST_NAMES for t in texts) or any(
                        g in (node.name or "") for g in GUEST_NAMES):
                    rows.append(node)
            return rows

        def enough_rows():
            found = guest_rows()
            return found if len(found) >= 5 else None

        # each look walks the tree over the bus: not too often
        rows = wait_for(enough_rows, "the demo's guests listed", interval=1.0)

        # a guest selected, as a user would have it: through the list's selection
        selected = False
        for row in rows:
            if "webserver" in (row.name or "") or any(
                    c.name == "webserver" for c, _ in walk(row)):
                parent = row.parent
                try:
                    selection = parent.querySelection()
                    selected = selection.selectChild(row.getIndexInParent())
                except Exception:
                    selected = False
                if not selected:
                    try:
                        action = row.queryAction()
                        for i in range(action.nActions):
                            if action.getName(i) in ("activate", "click", "select"):
                                selected = action.doAction(i)
                                break
                    except Exception:
                        pass
                break
        time.sleep(1.5)   # the guest's page filled
        nodes = walk(app)

        def describe(node):
            try:
                role = node.getRoleName()
            except Exception:
                role = "?"
            parent = node.parent
            return "%s %r (in %s %r)" % (role, node.name,
                                          parent.getRoleName() if parent else "-",
                                          parent.name if parent else "")

        unnamed = [describe(r) for r in guest_rows() if not (r.name or "").strip()]
        ok(not unnamed, "every guest row has a name", unnamed)
        if not selected:
            results[-1][3].append("could not select a guest through AT-SPI; checked the window "
                                  "as it was")

        # GTK 4.8's bridge reads a nameless widget's type: a button read as "GtkImage" (an
        # icon-only one) or "GtkExpander" has no name of its own
        buttons = (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON)
        type_named = re.compile(r"^(Gtk|Adw)[A-Z]\w*$")
        gtkimage = [describe(n) for n, _ in nodes
                    if n.getRole() in buttons and type_named.match(n.name or "")]
        ok(not gtkimage, 'no button is named "GtkImage" (or by any other type)', gtkimage)

        gizmos = [(n, describe(n)) for n, _ in nodes
                  if "AdwGizmo" in (n.name or "") or "AdwGizmo" in (n.description or "")]
        # GTK 4.8's bridge names a widget that has no name by its type; libadwaita 1.2's internal
        # AdwGizmo widgets (Corral makes none, and cannot name or hide them) are read so. Seen here
        # on Debian 12: name "AdwGizmo", role "widget" over raw D-Bus and "filler" through pyatspi, inside
        # libadwaita's own groups.
        if gizmos and gtk_version() < (4, 10) and all(
                n.name == "AdwGizmo" and n.getRoleName() in ("widget", "filler") for n, _ in gizmos):
            skip('no "AdwGizmo" is exposed',
                 "GTK %d.%d names libadwaita's internal AdwGizmo widgets (a filler) by their "
                 "type; Corral makes none (%d found)" % (gtk_version() + (len(gizmos),)),
                 [d for _, d in gizmos])
        else:
            ok(not gizmos, 'no "AdwGizmo" is exposed', [d for _, d in gizmos])

        mnemonic = re.compile(r"(^|\s)_[^\s_]")
        underscored = [describe(n) for n, _ in nodes if mnemonic.search(n.name or "")]
        ok(not underscored, "no name carries a mnemonic underscore", underscored)

        def repeats(name):
            words = name.replace("_", "").split()
            half = len(words) // 2
            return len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]

        repeated = [describe(n) for n, _ in nodes if repeats(n.name or "")]
        ok(not repeated, "no name repeats its own text", repeated)
    except TimeoutError as e:
        ok(False, "Corral's accessible tree read over AT-SPI", [str(e)])
    finally:
        for p in reversed(procs):
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=5)
            except Exception:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
