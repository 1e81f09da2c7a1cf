#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wizard's LVM disks end to end: corral-helper on a private system bus (mock polkit allows
org.corralvm.volumes.manage), a real volume group on a loop device made and removed by
tests/helper/lvm/run-lvm-loop.sh (activation off: metadata only), and TEST-PROGRAM
(test-wizard-lvm or test-guest-edit-lvm, whose TAP this prints) making and changing guests through
the core's helper client."""

import os
import subprocess
import sys

SOURCE_DIR = os.environ.get('CORRAL_SOURCE_DIR',
                            os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..')))
sys.path.insert(0, os.path.join(SOURCE_DIR, 'tests', 'helper'))
from helperlib import (Bus, Helper, MockPolkit, Tap,  # noqa: E402
                       enter_private_namespaces, require, test_driver_uri)

tap = Tap()
if len(sys.argv) != 2:
    tap.skip_all('usage: test-wizard-lvm.py TEST-PROGRAM')
if not os.environ.get('CORRAL_TEST_VG'):
    tap.skip_all('run through tests/helper/lvm/run-lvm-loop.sh, which makes the volume group')
require(tap, ['dbus-daemon', 'lvm'])
enter_private_namespaces(tap)

bus = Bus()
polkit = MockPolkit(bus)
polkit.allow('org.corralvm.volumes.manage')
helper = Helper(bus, test_driver_uri()).start()

rc = subprocess.run([sys.argv[1]], env=bus.env()).returncode
sys.exit(rc)
