#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs test-cloud-nodes-real (the cluster end to end through Corral's core) inside
tests/system/harness: the test cloud image built first (outside: the harness's
namespaces have no network), a real libvirtd with Corral's hooks installed before it
started, its NAT network, corral-helper on a private system bus with mock polkit
allowing org.corralvm.forwards.manage (for the forward 2222 -> node1:22), and the
harness's client namespace up.

    test-cloud-nodes-real.py WITH-LIBVIRTD TEST-PROGRAM   (outside)
    test-cloud-nodes-real.py --inside TEST-PROGRAM        (run by the harness)"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'helper'))
from helperlib import (PYTHON, Bus, Helper, MockPolkit, Tap, hook_scripts, require, sh,  # noqa: E402
                       tmpdir)

STATE_DIR = '/run/corral-cloud-nodes/state'    # /run is private to the harness run
RUN_DIR = '/run/corral'                        # the helper's default, as the hooks use it


def outside(harness, program):
    tap = Tap()
    if not harness or not os.path.exists(harness):
        tap.skip_all('tests/system/harness/with-libvirtd is not there')
    if os.getuid() != 0:
        tap.skip_all('needs root (the harness\'s namespaces)')
    require(tap, ['dbus-daemon', 'virsh', 'ssh', 'ssh-keygen'])
    if subprocess.run([PYTHON, '-c', 'import dbusmock'], capture_output=True).returncode != 0:
        tap.skip_all('python3-dbusmock is not installed')
    p = subprocess.run([os.path.join(HERE, 'make-cloud-image')], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        print('# ' + line)
    if p.returncode == 77:
        why = [line[len('make-cloud-image: '):] for line in p.stderr.splitlines()
               if line.startswith('make-cloud-image: ')]
        tap.skip_all('cannot build the test cloud image: ' + (why[-1] if why else 'see the log'))
    if p.returncode != 0 or not p.stdout.strip():
        print('Bail out! make-cloud-image failed (exit %d)' % p.returncode)
        sys.exit(1)
    os.environ['CORRAL_TEST_CLOUD_IMAGE'] = p.stdout.strip()
    hooks = hook_scripts(tmpdir('corral-cloud-nodes-hooks-'), STATE_DIR)
    sys.stdout.flush()
    p = subprocess.run([harness, '--network', '--hook', hooks['qemu'] + ':corral',
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
    p = subprocess.run([program], env=bus.env(), timeout=1100)
    sys.exit(p.returncode)


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--inside':
        inside(sys.argv[2])
    else:
        outside(sys.argv[1] if len(sys.argv) > 1 else '', sys.argv[2] if len(sys.argv) > 2 else '')
