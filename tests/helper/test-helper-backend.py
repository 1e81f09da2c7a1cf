#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which firewall backend corral-helper follows (GetStatus firewall-backend),
for each source of libvirt's own choice, in mount and network namespaces of
the test's own: /etc/libvirt/network.conf and libvirt's augeas lens test
(/usr/share/augeas/lenses/tests) replaced by the test's files, libvirt's
nftables table and iptables chains made for real, iptables or nft hidden.

libvirt >= 10.4 (Debian 13: 11.3) picks firewall_backend from network.conf,
else the first of its built-in firewall_backend_priority whose program is
installed; the helper also reads the tables libvirt made. libvirt before
10.4 (Debian 12: 9.0) has no firewall_backend: there only the tables count,
and without them iptables, whatever the files say."""

import ctypes
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (Bus, Helper, Tap, check_equal, enter_private_namespaces, require, sh,  # noqa: E402
                       test_driver_uri, tmpdir)

ETC = '/etc/libvirt'
AUG_TESTS = '/usr/share/augeas/lenses/tests'
AUG_TEST = 'test_libvirtd_network.aug'

tap = Tap()
require(tap, ['dbus-daemon', 'unshare', 'mount', 'umount', 'iptables', 'iptables-save', 'nft'])
for d in (ETC, AUG_TESTS):
    if not os.path.isdir(d):
        tap.skip_all('%s does not exist to mount over (libvirt-daemon not installed?)' % d)
enter_private_namespaces(tap)


def libvirt_version():
    """The version of the libvirt library the helper runs with (virGetVersion)."""
    lib = ctypes.CDLL('libvirt.so.0')
    version = ctypes.c_ulong(0)
    if lib.virGetVersion(ctypes.byref(version), None, None) != 0:
        raise AssertionError('virGetVersion failed')
    return version.value


VERSION = libvirt_version()
MODERN = VERSION >= 10004000
tap.diag('libvirt %d.%d.%d: %s' % (VERSION // 1000000, VERSION // 1000 % 1000, VERSION % 1000,
                                   'firewall_backend and nftables' if MODERN else 'iptables only'))

# The test's own /etc/libvirt and augeas tests directory, filled per case.
etc = tmpdir('corral-etc-libvirt-')
aug = tmpdir('corral-aug-tests-')
sh('mount', '--bind', etc, ETC)
sh('mount', '--bind', aug, AUG_TESTS)

bus = Bus()
helper = Helper(bus, test_driver_uri()).start()

# network.conf as libvirt installs it (the default documented in a comment), and its augeas test.
CONF_DEFAULT = '''# Master configuration file for the network driver.
#   If firewall_backend isn't configured, libvirt will choose the
#   first available backend from the following list:
#
#     [%(first)s, %(second)s]
#
#firewall_backend = "%(first)s"
'''
AUG_DEFAULT = '''module Test_libvirtd_network =
   let conf = "firewall_backend = \\"%(first)s\\"
"

  test Libvirtd_network.lns get conf =
{ "firewall_backend" = "%(first)s" }
'''
OTHER = {'iptables': 'nftables', 'nftables': 'iptables'}


def write(path, text):
    if text is None:
        if os.path.exists(path):
            os.unlink(path)
        return
    with open(path, 'w') as f:
        f.write(text)


def conf_default(first):
    return CONF_DEFAULT % {'first': first, 'second': OTHER[first]}


def aug_default(first):
    return AUG_DEFAULT % {'first': first}


def tables(nft=False, ipt=False):
    """libvirt's nftables table and iptables chains, made (or removed) for real."""
    have = sh('nft', 'list', 'table', 'ip', 'libvirt_network', check_rc=False).returncode == 0
    if nft and not have:
        sh('nft', '-f', '-', input='table ip libvirt_network {\n  chain guest_input {\n  }\n}\n')
    elif have and not nft:
        sh('nft', 'delete', 'table', 'ip', 'libvirt_network')
    for table, chain in (('filter', 'LIBVIRT_INP'), ('filter', 'LIBVIRT_FWI'), ('nat', 'LIBVIRT_PRT')):
        have = sh('iptables', '-t', table, '-n', '-L', chain, check_rc=False).returncode == 0
        if ipt and not have:
            sh('iptables', '-t', table, '-N', chain)
        elif have and not ipt:
            sh('iptables', '-t', table, '-X', chain)


def backend():
    return bus.call('GetStatus')[0]['firewall-backend']


def case(want, conf=None, aug_test=None, nft=False, ipt=False, make_tables=True):
    """GetStatus's backend with these files and tables; on libvirt before 10.4, the files do not count."""
    write(os.path.join(ETC, 'network.conf'), conf)
    write(os.path.join(AUG_TESTS, AUG_TEST), aug_test)
    if make_tables:
        tables(nft=nft, ipt=ipt)
    what = 'network.conf %s, %s %s, libvirt nft table %s, libvirt iptables chains %s' % (
        'absent' if conf is None else repr(conf[-60:]), AUG_TEST, 'absent' if aug_test is None else 'present',
        nft, ipt)
    if not MODERN:
        want = 'nftables' if nft and not ipt else 'iptables'
    check_equal(backend(), want, what)


def test_setting_wins():
    # What network.conf sets, libvirt uses: not the tables left from before, not the default.
    for first in ('iptables', 'nftables'):
        setting = conf_default(OTHER[first]) + 'firewall_backend = "%s"\n' % first
        case(first, setting, aug_default(OTHER[first]))
        case(first, setting, aug_default(OTHER[first]), nft=first == 'iptables', ipt=first == 'nftables')
        case(first, setting, aug_default(OTHER[first]), nft=True, ipt=True)
        # The last setting counts; spaces around '=' are libvirt's to allow.
        case(first, 'firewall_backend="%s"\n  firewall_backend  =  "%s"  \n' % (OTHER[first], first))


def test_tables():
    # No setting: the tables libvirt made say which it uses, whatever the default.
    for first in ('iptables', 'nftables'):
        case('nftables', conf_default(first), aug_default(first), nft=True)
        case('iptables', conf_default(first), aug_default(first), ipt=True)


def test_builtin_default():
    # No setting, no tables (or both, one left from a change of default): libvirt's built-in default, from its
    # augeas lens test, else from network.conf's comment, else upstream's (nftables).
    for first in ('iptables', 'nftables'):
        case(first, conf_default(first), aug_default(first))
        case(first, None, aug_default(first))
        case(first, conf_default(OTHER[first]), aug_default(first))
        case(first, conf_default(first), None)
        case(first, conf_default(first), aug_default(first), nft=True, ipt=True)
    case('nftables', None, None)
    case('nftables', '# nothing here\n', 'module Test_libvirtd_network =\n')


def hide(program):
    """Makes program (and whatever shares its executable) not installed, in this mount namespace."""
    real = os.path.realpath(shutil.which(program))
    stub = os.path.join(tmpdir('corral-hidden-'), 'not-executable')
    open(stub, 'w').close()
    os.chmod(stub, 0o644)
    sh('mount', '--bind', stub, real)
    return real


def test_default_not_installed():
    # libvirt takes the first backend of its priority list whose program is installed.
    for first, program in (('iptables', 'iptables'), ('nftables', 'nft')):
        tables()
        real = hide(program)
        try:
            case(OTHER[first], conf_default(first), aug_default(first), make_tables=False)
        finally:
            sh('umount', real)
    tables()


tap.run('firewall_backend set in network.conf wins over tables and the default', test_setting_wins)
tap.run("no setting: libvirt's own nftables table or iptables chains tell the backend", test_tables)
tap.run("no setting, no tables: libvirt's built-in default (augeas lens test, network.conf comment, upstream)",
        test_builtin_default)
tap.run('the default backend whose program is not installed is skipped, as libvirt does', test_default_not_installed)
tap.done()
