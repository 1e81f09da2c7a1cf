#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: a real libvirtd and a real guest (tests/system/harness), Corral's
real hook scripts installed before libvirtd starts, corral-helper on a private
system bus with mock polkit, all inside the harness's namespaces. Forward
8765 -> guest 1337 through the D-Bus API; a client namespace gets the guest's
page; stopping the guest removes the rules, starting it brings them back, and
they survive a libvirtd restart.

    test-helper-e2e.py WITH-LIBVIRTD     (outside: prepares hooks, runs the harness)
    test-helper-e2e.py --inside          (run by the harness in its namespaces)"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (PYTHON, Bus, Helper, MockPolkit, Tap, check, check_equal, hook_scripts,  # noqa: E402
                       require, sh, wait_for)

STATE_DIR = '/run/corral-e2e/state'   # /run is private to the harness run
RUN_DIR = '/run/corral'               # the helper's default, as the hooks use it


def outside(harness):
    tap = Tap()
    if not harness or not os.path.exists(harness):
        tap.skip_all('tests/system/harness/with-libvirtd is not there')
    require(tap, ['dbus-daemon', 'iptables-save', 'curl', 'virsh'])

    # The real hook scripts, running the build tree's helper with the test's
    # state directory.
    d = tempfile.mkdtemp(prefix='corral-e2e-hooks-')
    try:
        os.chmod(d, 0o755)
        hooks = hook_scripts(d, STATE_DIR)
        sys.stdout.flush()
        p = subprocess.run([harness, '--guest', '--hook', hooks['qemu'] + ':corral',
                            '--network-hook', hooks['network'] + ':corral', '--',
                            PYTHON, os.path.abspath(__file__), '--inside'])
        sys.exit(p.returncode)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def inside():
    tap = Tap()
    reason = os.environ.get('CORRAL_TEST_SKIP_REASON')
    if reason:
        tap.skip_all(reason)

    harness = os.environ['CORRAL_HARNESS']
    uri = os.environ['CORRAL_TEST_LIBVIRT_URI']
    guest = os.environ['CORRAL_TEST_GUEST']
    guest_ip = os.environ['CORRAL_TEST_GUEST_IP']
    port = int(os.environ.get('CORRAL_TEST_GUEST_PORT', '1337'))
    marker = os.environ['CORRAL_TEST_GUEST_MARKER']
    host_ip = '10.232.0.1'

    def virsh(*args):
        return sh('virsh', '-q', '-c', uri, *args, timeout=120).stdout.strip()

    def client_fetch():
        p = sh(os.path.join(harness, 'client-ns'), 'exec', 'curl', '-s', '--max-time', '3',
               'http://%s:8765/' % host_ip, check_rc=False, timeout=20)
        return p.returncode == 0 and marker in p.stdout

    def wait_guest():
        sh(os.path.join(harness, 'guest-wait-http'), '120', timeout=150)

    def ours():
        return [line for line in sh('iptables-save').stdout.splitlines() if 'CORRAL' in line or 'corral' in line]

    os.makedirs(STATE_DIR, exist_ok=True)
    bus = Bus()
    polkit = MockPolkit(bus)
    polkit.allow('org.corralvm.forwards.manage')
    helper = Helper(bus, uri, state_dir=STATE_DIR, run_dir=RUN_DIR).start()
    sh(os.path.join(harness, 'client-ns'), 'up')
    uuid = virsh('domuuid', guest)

    def test_status():
        status = bus.call('GetStatus')[0]
        tap.diag('GetStatus: %r' % status)
        check_equal(status['qemu-hook-installed'], True, 'qemu hook installed')
        check_equal(status['network-hook-installed'], True, 'network hook installed')
        check_equal(status['firewall-backend'], 'iptables', 'firewall backend of libvirt 9.0')

    def test_add_while_stopped():
        check_equal(bus.call('AddForward', 'sssqq', [uuid, 'tcp', '', 8765, port])[0], guest_ip,
                    'address of the guest')
        check_equal(ours(), [], 'rules for a guest that is not running')
        net = virsh('net-dumpxml', 'default')
        check(guest_ip in net, 'reservation missing from the network')

    def test_start():
        start = time.monotonic()
        virsh('start', guest)
        check(ours() != [], 'no rules once the guest started (hook)')
        wait_guest()
        tap.diag('guest serving %.1f s after start' % (time.monotonic() - start))
        check(client_fetch(), 'client does not get the guest page through host:8765')
        p = sh('curl', '-s', '--max-time', '3', 'http://%s:8765/' % host_ip, check_rc=False)
        check(marker in p.stdout, 'host itself does not get the guest page through host:8765')

    def test_stop():
        virsh('destroy', guest)
        wait_for(lambda: ours() == [], 'rules to go after the guest stopped')
        check(not client_fetch(), 'client still reaches port 8765 after the guest stopped')
        check_equal(bus.call('ListForwards', 's', [uuid])[0][0][6], False, 'forward active')

    def test_restart_guest():
        virsh('start', guest)
        check(ours() != [], 'no rules after the guest started again')
        wait_guest()
        check(client_fetch(), 'client does not reach the guest after it started again')

    def test_libvirtd_restart():
        before = ours()
        sh(os.path.join(harness, 'libvirtd-ctl'), 'restart', timeout=120)
        check_equal(ours(), before, 'our rules after a libvirtd restart')
        fw = [line for line in sh('iptables-save', '-t', 'filter').stdout.splitlines()
              if line.startswith('-A FORWARD')]
        check_equal(fw[0], '-A FORWARD -j CORRAL_FWD', 'first FORWARD rule after a libvirtd restart')
        check(client_fetch(), 'forward broken by a libvirtd restart')

    def test_live_changes():
        bus.call('RemoveForward', 'ssq', ['tcp', '', 8765])
        check(not client_fetch(), 'forward still works right after RemoveForward')
        check_equal(ours(), [], 'rules left after RemoveForward')
        bus.call('AddForward', 'sssqq', [uuid, 'tcp', '', 8765, port])
        check(client_fetch(), 'forward added to a running guest does not work at once')

    def test_network_restart():
        # libvirt puts its rules back in front when its network restarts: the
        # network hook puts ours back ahead.
        virsh('destroy', guest)
        virsh('net-destroy', 'default')
        virsh('net-start', 'default')
        virsh('start', guest)
        wait_guest()
        fw = [line for line in sh('iptables-save', '-t', 'filter').stdout.splitlines()
              if line.startswith('-A FORWARD')]
        check_equal(fw[0], '-A FORWARD -j CORRAL_FWD', 'first FORWARD rule after a network restart')
        check(client_fetch(), 'forward broken by a network restart')

    tap.run('GetStatus sees both hooks and the iptables backend', test_status)
    tap.run('AddForward to a stopped guest pins its address, adds no rule', test_add_while_stopped)
    tap.run('guest starts: hook applies, client and host reach guest :%d via :8765' % port, test_start)
    tap.run('guest stops: the rules are gone', test_stop)
    tap.run('guest starts again: the rules are back', test_restart_guest)
    tap.run('libvirtd restart: still working', test_libvirtd_restart)
    tap.run('RemoveForward / AddForward on a running guest act at once', test_live_changes)
    tap.run('network restart: ours back ahead of libvirt', test_network_restart)
    try:
        virsh('destroy', guest)
    except AssertionError:
        pass
    helper.stop()
    tap.done()


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--inside':
        inside()
    else:
        outside(sys.argv[1] if len(sys.argv) > 1 else '')
