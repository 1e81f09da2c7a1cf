#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end for the forwards dialog: runs test-forwards-e2e (a GTK program
that drives the real dialog) inside tests/system/harness, next to a real
libvirtd with Corral's hooks installed before it started, its NAT network, the
test guest (serving a page on :1337 once booted) and corral-helper on a
private system bus with mock polkit allowing org.corralvm.forwards.manage.

    test-forwards-e2e.py WITH-LIBVIRTD TEST-PROGRAM   (outside)
    test-forwards-e2e.py --inside TEST-PROGRAM        (run by the harness)"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'helper'))
from helperlib import (PYTHON, Bus, Helper, MockPolkit, Tap, hook_scripts, require, sh,  # noqa: E402
                       tmpdir)

STATE_DIR = '/run/corral-forwards-e2e/state'   # /run is private to the harness run
RUN_DIR = '/run/corral'                        # the helper's default, as the hooks use it


def outside(harness, program):
    tap = Tap()
    if not harness or not os.path.exists(harness):
        tap.skip_all('tests/system/harness/with-libvirtd is not there')
    if not os.environ.get('DISPLAY'):
        tap.skip_all('no display: run under xvfb-run (the README\'s test command does)')
    require(tap, ['dbus-daemon', 'curl', 'virsh'])
    if subprocess.run([PYTHON, '-c', 'import dbusmock'], capture_output=True).returncode != 0:
        tap.skip_all('python3-dbusmock is not installed')
    hooks = hook_scripts(tmpdir('corral-forwards-e2e-hooks-'), STATE_DIR)
    sys.stdout.flush()
    p = subprocess.run([harness, '--guest', '--hook', hooks['qemu'] + ':corral',
                        '--network-hook', hooks['network'] + ':corral', '--',
                        PYTHON, os.path.abspath(__file__), '--inside', program])
    sys.exit(p.returncode)


def inside(program):
    if os.environ.get('CORRAL_TEST_SKIP_REASON'):
        Tap().skip_all(os.environ['CORRAL_TEST_SKIP_REASON'])
    os.makedirs(STATE_DIR, exist_ok=True)
    bus = Bus()
    MockPolkit(bus).allow('org.corralvm.forwards.manage')
    Helper(bus, os.environ['CORRAL_TEST_LIBVIRT_URI'], state_dir=STATE_DIR, run_dir=RUN_DIR).start()
    sh(os.path.join(os.environ['CORRAL_HARNESS'], 'client-ns'), 'up')
    sys.stdout.flush()
    p = subprocess.run([program], env=bus.env(), timeout=420)
    sys.exit(p.returncode)


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--inside':
        inside(sys.argv[2])
    else:
        outside(sys.argv[1] if len(sys.argv) > 1 else '', sys.argv[2] if len(sys.argv) > 2 else '')
