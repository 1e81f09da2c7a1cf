#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs test-forwards-dialog (argv[1]) the way it needs: in network and mount
namespaces of its own, with a private system bus, mock polkit, the build
tree's corral-helper on libvirt's test driver, a "guest" namespace serving
HTTP on :1337 at the test guest's address behind libvirt-like iptables rules,
a second bus without the helper, and empty tmpfs over /etc/libvirt/hooks and
/run (so the test can install hooks and a libvirtd pid file that are not the
machine's). The test's TAP output is this test's output."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'helper'))
from helperlib import (GUEST_OFF, GUEST_WEB, PYTHON, Bus, Helper, MockPolkit, Tap, Topology,  # noqa: E402
                       enter_private_namespaces, require, sh, test_driver_uri)


def main():
    tap = Tap()
    if len(sys.argv) < 2 or not os.path.exists(sys.argv[1]):
        tap.skip_all('test-forwards-dialog not built')
    if not os.environ.get('DISPLAY') and not os.environ.get('WAYLAND_DISPLAY'):
        tap.skip_all('no display: run under xvfb-run (the README\'s test command does)')
    require(tap, ['dbus-daemon', 'iptables-restore', 'curl', 'unshare', 'nsenter'])
    if subprocess.run([PYTHON, '-c', 'import dbusmock'], capture_output=True).returncode != 0:
        tap.skip_all('python3-dbusmock is not installed')
    enter_private_namespaces(tap)

    env_extra = {}
    # Private, empty /run and /etc/libvirt/hooks: only this mount namespace sees them.
    sh('mount', '-t', 'tmpfs', '-o', 'mode=755', 'corral-test-run', '/run')
    if os.path.isdir('/etc/libvirt/hooks'):
        sh('mount', '-t', 'tmpfs', '-o', 'mode=755', 'corral-test-hooks', '/etc/libvirt/hooks')
        env_extra['CORRAL_TEST_HOOKS_DIR'] = '/etc/libvirt/hooks'

    bus = Bus()
    polkit = MockPolkit(bus)
    polkit.allow('org.corralvm.forwards.manage')
    empty = Bus()
    uri = test_driver_uri()
    Helper(bus, uri).start()
    Topology('iptables')

    env = bus.env(CORRAL_TEST_LIBVIRT_URI=uri, CORRAL_TEST_GUEST_UUID=GUEST_WEB, CORRAL_TEST_OFF_UUID=GUEST_OFF,
                  CORRAL_TEST_EMPTY_BUS=empty.address, **env_extra)
    sys.stdout.flush()
    p = subprocess.run([sys.argv[1]], env=env, timeout=240)
    sys.exit(p.returncode)


if __name__ == '__main__':
    main()
