#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""corral-helper with the real polkitd (in a mount namespace, with Corral's
policy as its only actions and rules of the test's own): an unprivileged uid
is refused, root is allowed, and a polkit rule that says yes lets the
unprivileged uid through. Every refusal is polkitd's answer ("Not authorized
for ..."), not the helper failing to reach it."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (ERR, GUEST_WEB, PYTHON, SOURCE_DIR, Bus, Helper, Tap, check, check_equal,  # noqa: E402
                       enter_private_namespaces, require, sh, start_process, test_driver_uri, tmpdir,
                       wait_for)

POLKITD = '/usr/lib/polkit-1/polkitd'
NOBODY = 65534

# Runs as the unprivileged uid: one call, prints "ok" or the D-Bus error name and message.
CALLER = r'''
import sys
from gi.repository import Gio, GLib
conn = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
try:
    conn.call_sync('org.corralvm.Helper1', '/org/corralvm/Helper1', 'org.corralvm.Helper1', sys.argv[2],
                   GLib.Variant(sys.argv[3], tuple(eval(sys.argv[4]))), None, Gio.DBusCallFlags.NONE, 30000, None)
    print('ok')
except GLib.Error as e:
    name = Gio.DBusError.get_remote_error(e)
    print(name)
    print(e.message.replace('GDBus.Error:%s: ' % name, '', 1))
'''

tap = Tap()
require(tap, ['dbus-daemon', 'unshare', 'setpriv', POLKITD])
enter_private_namespaces(tap)

# polkitd sees Corral's actions only, and the test's rules only.
actions = tmpdir('corral-polkit-actions-')
sh('cp', os.path.join(SOURCE_DIR, 'data', 'org.corralvm.Corral.policy'), actions)
rules = tmpdir('corral-polkit-rules-')
empty = tmpdir('corral-polkit-empty-')
sh('mount', '--bind', actions, '/usr/share/polkit-1/actions')
sh('mount', '--bind', empty, '/usr/share/polkit-1/rules.d')
sh('mount', '--bind', rules, '/etc/polkit-1/rules.d')

bus = Bus(extra_confs=['/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf'])
# polkitd is the system's, not Corral's: it runs without the tests' G_DEBUG=fatal-warnings. polkitd 126 (Debian 13)
# warns about what a namespace without systemd lacks (no /etc/polkit-1/actions, no org.freedesktop.systemd1 for
# GetUnitByPIDFD) on every check; with fatal-warnings it aborted at the first one, and every later call, root's
# too, was refused because polkit could not be asked.
polkitd_log = open(os.path.join(tmpdir('corral-polkitd-log-'), 'polkitd.log'), 'w+')
polkitd = start_process([POLKITD, '--no-debug'], env={k: v for k, v in bus.env().items() if k != 'G_DEBUG'},
                        stdout=polkitd_log, stderr=subprocess.STDOUT)
wait_for(lambda: bus.has_owner('org.freedesktop.PolicyKit1'), 'polkitd on the private bus')
helper = Helper(bus, test_driver_uri()).start()


def call_as(uid, method, signature, args):
    argv = [PYTHON, '-c', CALLER, bus.address, method, '(%s)' % signature, repr(list(args))]
    if uid != 0:
        argv = ['setpriv', '--reuid=%d' % uid, '--regid=%d' % uid, '--clear-groups'] + argv
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd='/')
    check_equal(p.returncode, 0, 'caller exit status (%s)' % p.stderr)
    check(polkitd.poll() is None, 'polkitd exited (%s) during %s; its output:\n%s' % (polkitd.poll(), method,
                                                                                     polkitd_output()))
    name, _, message = p.stdout.strip().partition('\n')
    if name == ERR + 'NotAuthorized':
        # polkitd's own answer, not "Could not check authorization" (polkitd unreachable or gone)
        check(message.startswith('Not authorized for '), '%s by uid %d: %s' % (method, uid, message))
    return name


def polkitd_output():
    polkitd_log.flush()
    polkitd_log.seek(0)
    return polkitd_log.read()


def test_nobody_refused():
    before = helper.state_bytes()
    check_equal(call_as(NOBODY, 'AddForward', 'sssqq', [GUEST_WEB, 'tcp', '', 8765, 1337]),
                ERR + 'NotAuthorized', 'AddForward by uid %d' % NOBODY)
    check_equal(call_as(NOBODY, 'RemoveForward', 'ssq', ['tcp', '', 9999]), ERR + 'NotAuthorized',
                'RemoveForward by uid %d' % NOBODY)
    check_equal(call_as(NOBODY, 'CreateVolume', 'sst', ['vg0', 'disk', 1 << 20]), ERR + 'NotAuthorized',
                'CreateVolume by uid %d' % NOBODY)
    check_equal(call_as(NOBODY, 'RemoveVolume', 'ss', ['vg0', 'disk']), ERR + 'NotAuthorized',
                'RemoveVolume by uid %d' % NOBODY)
    check_equal(call_as(NOBODY, 'ResizeVolume', 'sst', ['vg0', 'disk', 2 << 20]), ERR + 'NotAuthorized',
                'ResizeVolume by uid %d' % NOBODY)
    check_equal(helper.state_bytes(), before, 'state after refused calls')


def test_nobody_reads():
    check_equal(call_as(NOBODY, 'ListForwards', 's', ['']), 'ok', 'ListForwards by uid %d' % NOBODY)
    check_equal(call_as(NOBODY, 'GetStatus', '', []), 'ok', 'GetStatus by uid %d' % NOBODY)


def test_root_allowed():
    # Past authorization, the call fails for its own reason.
    check_equal(call_as(0, 'RemoveForward', 'ssq', ['tcp', '', 9999]), ERR + 'NotFound', 'RemoveForward by root')


def test_rule_allows():
    with open(os.path.join(rules, '50-corral-test.rules'), 'w') as f:
        f.write('polkit.addRule(function(action, subject) {\n'
                '  if (action.id == "org.corralvm.forwards.manage" && subject.user == "nobody")\n'
                '    return polkit.Result.YES;\n'
                '});\n')
    deadline = time.monotonic() + 15
    while True:
        got = call_as(NOBODY, 'RemoveForward', 'ssq', ['tcp', '', 9999])
        if got != ERR + 'NotAuthorized' or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    check_equal(got, ERR + 'NotFound', 'RemoveForward by uid %d once a rule allows it' % NOBODY)
    check_equal(call_as(NOBODY, 'RemoveVolume', 'ss', ['vg0', 'disk']), ERR + 'NotAuthorized',
                'volumes action allowed by a rule for forwards')


tap.run('uid %d is refused every changing method (NotAuthorized)' % NOBODY, test_nobody_refused)
tap.run('uid %d may read without authorization' % NOBODY, test_nobody_reads)
tap.run('root is authorized', test_root_allowed)
tap.run('a polkit rule allowing the action lets uid %d through' % NOBODY, test_rule_allows)
tap.done()
