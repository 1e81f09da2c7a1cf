#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""LVM over D-Bus: corral-helper on a private bus (mock polkit allows volumes)
against a real volume group on a loop device, made and removed by
lvm/run-lvm-loop.sh (activation off: metadata only, set by the test through
CORRAL_LVM_CONFIG, not by the helper). Create, list, refuse an untagged
removal, grow (ResizeVolume) and refuse a shrink, too large a size and an untagged
volume, remove."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (ERR, Bus, Helper, MockPolkit, Tap, check, check_equal, enter_private_namespaces,  # noqa: E402
                       require, test_driver_uri)

MiB = 1 << 20
tap = Tap()
vg = os.environ.get('CORRAL_TEST_VG')
if not vg:
    tap.skip_all('run through lvm/run-lvm-loop.sh, which makes the volume group (CORRAL_TEST_VG unset)')
require(tap, ['dbus-daemon', 'lvm'])
enter_private_namespaces(tap)

bus = Bus()
polkit = MockPolkit(bus)
polkit.allow('org.corralvm.volumes.manage')
helper = Helper(bus, test_driver_uri()).start()
config = os.environ.get('CORRAL_LVM_CONFIG', '')


def lvs():
    out = subprocess.run(['lvm', 'lvs', '--config', config, '--noheadings', '-o', 'lv_name,lv_tags', vg],
                         capture_output=True, text=True, check=True).stdout
    return sorted(tuple(line.split()) if len(line.split()) > 1 else (line.strip(), '')
                  for line in out.splitlines() if line.strip())


def group():
    groups = {name: (size, free) for name, size, free in bus.call('ListVolumeGroups')[0]}
    check(vg in groups, 'volume group %s not listed: %r' % (vg, groups))
    return groups[vg]


def test_list_groups():
    size, free = group()
    check(200 * MiB < size <= 256 * MiB, 'size of the 256 MiB group: %d' % size)
    check_equal(free, size, 'free space of an empty group')


def test_create():
    _, free_before = group()
    path = bus.call('CreateVolume', 'sst', [vg, 'disk1', 16 * MiB])[0]
    check_equal(path, '/dev/%s/disk1' % vg, 'path of the new volume')
    check_equal(lvs(), [('disk1', 'corral')], 'volumes in the group (lvs)')
    _, free = group()
    check_equal(free, free_before - 16 * MiB, 'free space after creating 16 MiB')
    check_equal(bus.call('ListVolumes')[0], [(vg, 'disk1', 16 * MiB, path)], 'ListVolumes')


def test_refusals():
    before = lvs()
    for args, want in (([vg, 'disk1', 16 * MiB], 'Conflict'),
                       ([vg, 'big', 1 << 40], 'NoSpace'),
                       ([vg, 'huge', (1 << 64) - 512], 'NoSpace'),
                       (['corralnosuchvg', 'disk2', 16 * MiB], 'NotFound')):
        e = bus.call_error('CreateVolume', 'sst', args)
        check_equal(e.name, ERR + want, 'CreateVolume%r' % (args,))
        tap.diag('CreateVolume%r -> %s: %s' % (args, e.name.split('.')[-1], e.message))
    e = bus.call_error('RemoveVolume', 'ss', [vg, 'nosuchvolume'])
    check_equal(e.name, ERR + 'NotFound', 'RemoveVolume of a volume that does not exist')
    check_equal(lvs(), before, 'volumes after refused calls')


def test_untagged():
    subprocess.run(['lvm', 'lvcreate', '--config', config, '--yes', '-n', 'plain', '-L', '8M', vg],
                   capture_output=True, check=True)
    e = bus.call_error('RemoveVolume', 'ss', [vg, 'plain'])
    check_equal(e.name, ERR + 'NotCorral', 'RemoveVolume of a volume Corral did not create')
    tap.diag('RemoveVolume(plain) -> %s' % e.message)
    check(('plain', '') in lvs(), 'untagged volume removed')
    check_equal([v[1] for v in bus.call('ListVolumes')[0]], ['disk1'], 'ListVolumes lists only ours')


def lv_size(name):
    out = subprocess.run(['lvm', 'lvs', '--config', config, '--noheadings', '--units', 'b', '--nosuffix',
                          '-o', 'lv_size', '%s/%s' % (vg, name)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def test_resize():
    _, free_before = group()
    bus.call('ResizeVolume', 'sst', [vg, 'disk1', 24 * MiB])
    check_equal(lv_size('disk1'), 24 * MiB, 'size after growing 16 MiB to 24 MiB')
    _, free = group()
    check_equal(free, free_before - 8 * MiB, 'free space after growing by 8 MiB')
    # a size between extents is rounded up to the next whole extent (4 MiB)
    bus.call('ResizeVolume', 'sst', [vg, 'disk1', 25 * MiB])
    check_equal(lv_size('disk1'), 28 * MiB, 'size after asking for 25 MiB (whole extents)')
    check_equal([v[2] for v in bus.call('ListVolumes')[0]], [28 * MiB], 'ListVolumes size after growing')


def test_resize_refusals():
    before = [(name, lv_size(name)) for name, _ in lvs()]
    _, free = group()
    for args, want, words in (([vg, 'disk1', 16 * MiB], 'InvalidArgument', 'only grows'),
                              ([vg, 'disk1', 28 * MiB], 'InvalidArgument', 'only grows'),
                              ([vg, 'disk1', 28 * MiB + free + 4 * MiB], 'NoSpace', 'free'),
                              ([vg, 'disk1', 1 << 40], 'NoSpace', 'free'),
                              ([vg, 'plain', 64 * MiB], 'NotCorral', "Corral's tag"),
                              ([vg, 'nosuchvolume', 64 * MiB], 'NotFound', 'no logical volume'),
                              (['corralnosuchvg', 'disk1', 64 * MiB], 'NotFound', 'no volume group')):
        e = bus.call_error('ResizeVolume', 'sst', args)
        check_equal(e.name, ERR + want, 'ResizeVolume%r' % (args,))
        check(words in e.message, 'ResizeVolume%r message lacks %r: %s' % (args, words, e.message))
        tap.diag('ResizeVolume%r -> %s: %s' % (args, e.name.split('.')[-1], e.message))
    check_equal([(name, lv_size(name)) for name, _ in lvs()], before, 'volumes and sizes after refused resizes')


def test_remove():
    bus.call('RemoveVolume', 'ss', [vg, 'disk1'])
    check_equal(lvs(), [('plain', '')], 'volumes after RemoveVolume')
    check_equal(bus.call('ListVolumes')[0], [], 'ListVolumes after RemoveVolume')


tap.run('ListVolumeGroups: size and free space', test_list_groups)
tap.run('CreateVolume: a tagged linear volume, listed', test_create)
tap.run('existing name, too big, unknown group: refused, nothing changes', test_refusals)
tap.run('an untagged volume is never removed', test_untagged)
tap.run('ResizeVolume grows ours, in whole extents', test_resize)
tap.run('ResizeVolume: a shrink, too large, untagged, unknown: refused, nothing changes', test_resize_refusals)
tap.run('RemoveVolume removes ours', test_remove)
tap.done()
