#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""corral-helper over a private system bus with its real bus policy and
polkit by python-dbusmock: authorization (denied, then allowed), read-only
methods without a prompt, a battery of hostile arguments that must each get
a clear error and change nothing, a corrupt state file, and idle exit."""

import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (BUS_NAME, ERR, GUEST_WEB, GUEST_UNKNOWN, HELPER, Bus, Helper, MockPolkit,  # noqa: E402
                       configure_data, Tap, check, check_equal, enter_private_namespaces, require, sh,
                       start_process, test_driver_uri, tmpdir, wait_for)

tap = Tap()
require(tap, ['dbus-daemon', 'unshare', 'iptables-save', 'ip', 'mount', 'umount', 'sleep'])
enter_private_namespaces(tap)

bus = Bus()
polkit = MockPolkit(bus)
helper = Helper(bus, test_driver_uri()).start()


def ruleset():
    out = subprocess.run(['iptables-save'], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if not line.startswith('#')]


def snapshot():
    return (helper.state_bytes(), ruleset(), bus.call('ListForwards', 's', [''])[0])


def test_introspection():
    xml = bus.call('Introspect', dest=BUS_NAME, iface='org.freedesktop.DBus.Introspectable')[0]
    for method in ('GetStatus', 'ListForwards', 'ListHostPorts', 'AddForward', 'RemoveForward',
                   'ListVolumeGroups', 'ListVolumes', 'CreateVolume', 'RemoveVolume', 'ResizeVolume'):
        check('<method name="%s">' % method in xml, '%s missing from the introspection data' % method)


def test_read_only_without_authorization():
    status = bus.call('GetStatus')[0]
    for key, kind in (('version', str), ('firewall-backend', str), ('qemu-hook-installed', bool),
                      ('qemu-hook-active', bool), ('network-hook-installed', bool), ('ip-forwarding', bool), ('forwards', int),
                      ('active-forwards', int)):
        check(isinstance(status.get(key), kind), 'GetStatus %s: %r' % (key, status.get(key)))
    check_equal(status['firewall-backend'], 'iptables', 'firewall backend with no libvirt nft table')
    check_equal(bus.call('ListForwards', 's', [''])[0], [], 'forwards')
    check_equal(bus.call('ListHostPorts', 'ss', ['tcp', ''])[0], [], 'host ports taken in an empty namespace')


def test_denied():
    before = snapshot()
    e = bus.call_error('AddForward', 'sssqq', [GUEST_WEB, 'tcp', '', 8765, 1337])
    check_equal(e.name, ERR + 'NotAuthorized', 'AddForward while polkit says no')
    check('org.corralvm.forwards.manage' in e.message, 'message does not name the action: ' + e.message)
    e = bus.call_error('RemoveForward', 'ssq', ['tcp', '', 8765])
    check_equal(e.name, ERR + 'NotAuthorized', 'RemoveForward while polkit says no')
    e = bus.call_error('CreateVolume', 'sst', ['vg0', 'disk', 1 << 20])
    check_equal(e.name, ERR + 'NotAuthorized', 'CreateVolume while polkit says no')
    e = bus.call_error('RemoveVolume', 'ss', ['vg0', 'disk'])
    check_equal(e.name, ERR + 'NotAuthorized', 'RemoveVolume while polkit says no')
    e = bus.call_error('ResizeVolume', 'sst', ['vg0', 'disk', 2 << 20])
    check_equal(e.name, ERR + 'NotAuthorized', 'ResizeVolume while polkit says no')
    check_equal(snapshot(), before, 'state after denied calls')


def test_allowed_forwards_only():
    polkit.allow('org.corralvm.forwards.manage')
    check_equal(bus.call('AddForward', 'sssqq', [GUEST_WEB, 'tcp', '', 8765, 1337])[0], '10.231.0.50',
                'AddForward once allowed')
    check('-A PREROUTING -j CORRAL_PRE' in ruleset(), 'no rules after AddForward')
    e = bus.call_error('CreateVolume', 'sst', ['vg0', 'disk', 1 << 20])
    check_equal(e.name, ERR + 'NotAuthorized', 'volumes action allowed along with forwards')


def run_hook(args, xml='', **env):
    start = time.monotonic()
    p = subprocess.run([HELPER, '--hook'] + args, input=xml, env=dict(helper.env, **env),
                       capture_output=True, text=True, timeout=60)
    return p, time.monotonic() - start


def test_hook_path_without_sbin():
    # libvirt may give hooks a PATH without /usr/sbin: iptables is found anyway.
    subprocess.run(['iptables', '-t', 'nat', '-D', 'PREROUTING', '-j', 'CORRAL_PRE'], check=True)
    p, _ = run_hook(['network', 'default', 'started', 'begin', '-'], PATH='/usr/bin:/bin')
    check_equal((p.returncode, p.stderr), (0, ''), 'hook result')
    check('-A PREROUTING -j CORRAL_PRE' in ruleset(), 'jump not put back by the hook')


def test_hook_command_timeout():
    # A firewall command that hangs is stopped: the hook returns, says why,
    # and the guest's state is as before.
    fake = tmpdir('corral-fake-bin-')
    with open(os.path.join(fake, 'iptables-save'), 'w') as f:
        f.write('#!/bin/sh\nexec sleep 60\n')
    os.chmod(os.path.join(fake, 'iptables-save'), 0o755)
    rules = ruleset()
    active = open(os.path.join(helper.run_dir, 'active-guests')).read()
    p, took = run_hook(['qemu', 'web', 'stopped', 'end', '-'], '<domain><uuid>%s</uuid></domain>' % GUEST_WEB,
                       PATH=fake + ':' + os.environ['PATH'], CORRAL_HELPER_COMMAND_TIMEOUT='1')
    check_equal(p.returncode, 0, 'hook exit status')
    check('did not finish within 1 s' in p.stderr, 'hook did not say a command hung: ' + p.stderr)
    check(took < 10, 'hook took %.1f s' % took)
    tap.diag('hook with a hanging iptables-save returned after %.1f s: %s' % (took, p.stderr.strip()))
    check_equal(ruleset(), rules, 'rules after the failed hook')
    check_equal(open(os.path.join(helper.run_dir, 'active-guests')).read(), active, 'active guests after it')


H = 'AddForward'
HOSTILE = [
    # (method, signature, args, expected error)
    (H, 'sssqq', [GUEST_WEB, 'tcp', '', 0, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '', 8000, 0], 'InvalidArgument'),
    (H, 'sssuq', [GUEST_WEB, 'tcp', '', 70000, 1337], 'org.freedesktop.DBus.Error.InvalidArgs'),
    (H, 'sssiq', [GUEST_WEB, 'tcp', '', -1, 1337], 'org.freedesktop.DBus.Error.InvalidArgs'),
    (H, 'sssss', [GUEST_WEB, 'tcp', '', '8000', '1337'], 'org.freedesktop.DBus.Error.InvalidArgs'),
    (H, 'sssq', [GUEST_WEB, 'tcp', '', 8000], 'org.freedesktop.DBus.Error.InvalidArgs'),
    (H, 'sssqq', [GUEST_WEB, 'sctp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'TCP', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp; iptables -F', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, '', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', ['../../etc/passwd', 'tcp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', ['-rf', 'tcp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', ['', 'tcp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB + '; reboot', 'tcp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', ['$(reboot)', 'tcp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', ['x' * 100000, 'tcp', '', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_UNKNOWN, 'tcp', '', 8000, 1337], 'NotFound'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '127.0.0.1', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '0.0.0.0', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '224.0.0.1', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '010.1.1.1', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '10.1.1.1 ', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '10.1.1.1/0', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '::1', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '1.2.3.4 -j ACCEPT', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '1.2.3.4\n-A INPUT -j DROP', 8000, 1337], 'InvalidArgument'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '', 8765, 22], 'Conflict'),
    (H, 'sssqq', [GUEST_WEB, 'tcp', '10.99.99.99', 8000, 1337], 'InvalidArgument'),
    ('RemoveForward', 'ssq', ['tcp', '', 0], 'InvalidArgument'),
    ('RemoveForward', 'ssq', ['icmp', '', 8765], 'InvalidArgument'),
    ('RemoveForward', 'ssq', ['tcp', '../x', 8765], 'InvalidArgument'),
    ('RemoveForward', 'ssq', ['tcp', '', 9999], 'NotFound'),
    ('RemoveForward', 'ss', ['tcp', ''], 'org.freedesktop.DBus.Error.InvalidArgs'),
    ('ListForwards', 's', ['not-a-uuid'], 'InvalidArgument'),
    ('ListForwards', 'u', [1], 'org.freedesktop.DBus.Error.InvalidArgs'),
    ('CreateVolume', 'sst', ['vg0', 'a/b', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', '..', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', '.', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', '-disk', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['-vg0', 'disk', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', 'disk;reboot', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', '$(reboot)', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', 'disk name', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['../dev', 'disk', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', '', 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', 'x' * 300, 1 << 20], 'InvalidArgument'),
    ('CreateVolume', 'sst', ['vg0', 'disk', 0], 'InvalidArgument'),
    ('CreateVolume', 'sss', ['vg0', 'disk', '1G'], 'org.freedesktop.DBus.Error.InvalidArgs'),
    ('CreateVolume', 'ssx', ['vg0', 'disk', -1], 'org.freedesktop.DBus.Error.InvalidArgs'),
    ('RemoveVolume', 'ss', ['vg0', '../root'], 'InvalidArgument'),
    ('RemoveVolume', 'ss', ['vg0', '-ff'], 'InvalidArgument'),
    ('RemoveVolume', 'ss', ['vg0/disk', 'x'], 'InvalidArgument'),
    ('ResizeVolume', 'sst', ['vg0', '../root', 1 << 20], 'InvalidArgument'),
    ('ResizeVolume', 'sst', ['vg0', '-ff', 1 << 20], 'InvalidArgument'),
    ('ResizeVolume', 'sst', ['vg0/disk', 'x', 1 << 20], 'InvalidArgument'),
    ('ResizeVolume', 'sst', ['vg0', 'disk', 0], 'InvalidArgument'),
    ('ResizeVolume', 'sst', ['vg0', 'disk', 1000], 'InvalidArgument'),
    ('ResizeVolume', 'sss', ['vg0', 'disk', '1G'], 'org.freedesktop.DBus.Error.InvalidArgs'),
    ('NoSuchMethod', None, [], 'org.freedesktop.DBus.Error.UnknownMethod'),
]


def test_hostile():
    polkit.allow('org.corralvm.forwards.manage', 'org.corralvm.volumes.manage')
    before = snapshot()
    for method, sig, args, want in HOSTILE:
        e = bus.call_error(method, sig, args)
        want_name = want if '.' in want else ERR + want
        shown = repr(args)[:80]
        check_equal(e.name, want_name, '%s%s error' % (method, shown))
        check(e.message and len(e.message) < 400, '%s%s: unclear message %r' % (method, shown, e.message[:500]))
        check_equal(snapshot(), before, 'state after %s%s' % (method, shown))
        tap.diag('%s%s -> %s: %s' % (method, shown[:50], e.name.split('.')[-1], e.message[:120]))
    tap.diag('%d hostile calls refused, nothing changed' % len(HOSTILE))


def test_huge_volume():
    # The volume group does not exist here, whatever the size; sizes past the
    # free space are refused in the LVM test on a real volume group.
    before = snapshot()
    e = bus.call_error('CreateVolume', 'sst', ['vg0', 'disk', (1 << 64) - 1])
    check(e.name in (ERR + 'NotFound', ERR + 'NoSpace', ERR + 'InvalidArgument', ERR + 'Failed'),
          'error for a huge size: ' + e.name)
    check_equal(snapshot(), before, 'state after a huge CreateVolume')


def test_corrupt_state():
    helper.stop()
    original = helper.state_bytes()
    helper.start()
    try:
        corrupt_state_checks()
    finally:
        with open(helper.state_file(), 'wb') as f:
            f.write(original)
    check_equal(len(bus.call('ListForwards', 's', [''])[0]), 1, 'forwards once the file is repaired')


def corrupt_state_checks():
    for garbage in (b'\x00\xffnot a key file[[[', b'[corral-forwards]\nversion=99\n',
                    b'[corral-forwards]\nversion=1\n[forward tcp *:1]\nguest=x\n'):
        with open(helper.state_file(), 'wb') as f:
            f.write(garbage)
        rules = ruleset()
        for method, sig, args in (('ListForwards', 's', ['']), ('GetStatus', None, []),
                                  ('AddForward', 'sssqq', [GUEST_WEB, 'tcp', '', 9000, 80]),
                                  ('RemoveForward', 'ssq', ['tcp', '', 8765])):
            e = bus.call_error(method, sig, args)
            check_equal(e.name, ERR + 'CorruptState', '%s with a corrupt state file' % method)
            check(helper.state_file() in e.message, 'message does not name the file: ' + e.message)
        check_equal(helper.state_bytes(), garbage, 'corrupt state file was overwritten')
        check_equal(ruleset(), rules, 'rules changed with a corrupt state file')
        p = subprocess.run([HELPER, '--hook', 'qemu', 'web', 'stopped', 'end', '-'],
                           input='<domain><uuid>%s</uuid></domain>' % GUEST_WEB,
                           env=helper.env, capture_output=True, text=True, timeout=30)
        check_equal(p.returncode, 0, 'hook exit status with a corrupt state file')
        check(helper.state_file() in p.stderr, 'hook did not name the corrupt state file: ' + p.stderr)
        check_equal(helper.state_bytes(), garbage, 'corrupt state file overwritten by the hook')


def test_remove_all():
    bus.call('RemoveForward', 'ssq', ['tcp', '', 8765])
    check(not [l for l in ruleset() if 'CORRAL' in l], 'rules left after the last RemoveForward')


def test_idle_exit():
    helper.stop()
    idle = Helper(bus, helper.env['CORRAL_HELPER_LIBVIRT_URI'], state_dir=helper.state_dir,
                  run_dir=helper.run_dir, idle=2)
    idle.start()
    bus.call('GetStatus')
    start = time.monotonic()
    idle.proc.wait(30)
    took = time.monotonic() - start
    check_equal(idle.proc.returncode, 0, 'exit status when idle')
    check(took >= 1.5, 'exited after %.1f s, before being idle for 2 s' % took)
    tap.diag('exited %.1f s after its last call (idle timeout 2 s)' % took)
    check(not bus.has_owner(BUS_NAME), 'name still owned after idle exit')


def test_activation():
    # The real D-Bus service file (Exec pointed at the build tree) on a bus of
    # its own: the first call starts the helper, which exits when idle, and
    # the next call starts it again.
    services = tmpdir('corral-services-')
    configure_data('org.corralvm.Helper1.service', os.path.dirname(HELPER),
                   os.path.join(services, 'org.corralvm.Helper1.service'))
    env = dict(helper.env, CORRAL_HELPER_IDLE_TIMEOUT='1')
    env.pop('DBUS_SYSTEM_BUS_ADDRESS')
    abus = Bus(servicedir=services, daemon_env=env)
    MockPolkit(abus)
    check(not abus.has_owner(BUS_NAME), 'helper running before any call')
    for _ in range(2):
        check_equal(abus.call('GetStatus')[0]['version'] != '', True, 'GetStatus through activation')
        check(abus.has_owner(BUS_NAME), 'helper not on the bus after the call')
        wait_for(lambda: not abus.has_owner(BUS_NAME), 'the activated helper to exit when idle', timeout=20)


def test_hook_scripts_never_block():
    # libvirt refuses to start a guest whose "start" hook fails: Corral's
    # hook scripts exit 0 even when the helper is gone or fails.
    d = tmpdir('corral-hook-script-')
    for kind in ('qemu', 'network'):
        script = os.path.join(d, kind)
        configure_data('libvirt-hook-' + kind, d, script, mode=0o755)
        for helper_text in (None, '#!/bin/sh\nexit 3\n', '#!/bin/sh\nkill -SEGV $$\n'):
            fake = os.path.join(d, 'corral-helper')
            if os.path.exists(fake):
                os.unlink(fake)
            if helper_text is not None:
                with open(fake, 'w') as f:
                    f.write(helper_text)
                os.chmod(fake, 0o755)
            p = subprocess.run([script, 'guest', 'start', 'begin', '-'], input='<domain/>', capture_output=True,
                               text=True, timeout=30)
            check_equal(p.returncode, 0, '%s hook exit status with helper %r' % (kind, helper_text))


def host_ports(protocol, address):
    return bus.call('ListHostPorts', 'ss', [protocol, address])[0]


def bound_socket(family, kind, address):
    s = socket.socket(family, kind)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((address, 0))
    if kind == socket.SOCK_STREAM:
        s.listen()
    return s


def test_list_host_ports():
    # Two addresses of this namespace's own: a socket on one is no conflict for a forward from the other.
    sh('ip', 'link', 'add', 'corral-ports', 'type', 'veth', 'peer', 'name', 'corral-ports1')
    sh('ip', 'addr', 'add', '10.77.0.1/24', 'dev', 'corral-ports')
    sh('ip', 'addr', 'add', '10.77.0.2/24', 'dev', 'corral-ports')
    sh('ip', 'link', 'set', 'corral-ports', 'up')
    sh('ip', 'link', 'set', 'corral-ports1', 'up')
    on_one = bound_socket(socket.AF_INET, socket.SOCK_STREAM, '10.77.0.1')
    on_all = bound_socket(socket.AF_INET, socket.SOCK_STREAM, '0.0.0.0')
    on_v6 = bound_socket(socket.AF_INET6, socket.SOCK_STREAM, '::')
    udp = bound_socket(socket.AF_INET, socket.SOCK_DGRAM, '127.0.0.1')
    p_one, p_all, p_v6, p_udp = (s.getsockname()[1] for s in (on_one, on_all, on_v6, udp))
    # A client socket (connected, not listening) takes no port a forward could want.
    client = socket.create_connection(('10.77.0.1', p_one))

    everywhere = host_ports('tcp', '')
    for port, what in ((p_one, 'one address'), (p_all, '0.0.0.0'), (p_v6, '[::] (dual stack)')):
        check(port in everywhere, 'tcp %d listening on %s missing for "": %r' % (port, what, everywhere))
    check(client.getsockname()[1] not in everywhere, 'a connected client port is listed: %r' % everywhere)
    check_equal(everywhere, sorted(everywhere), 'ports in ascending order')
    check(p_one in host_ports('tcp', '10.77.0.1'), 'tcp listening on 10.77.0.1 missing for 10.77.0.1')
    other = host_ports('tcp', '10.77.0.2')
    check(p_one not in other, 'tcp listening on 10.77.0.1 listed for 10.77.0.2: %r' % other)
    check(p_all in other and p_v6 in other, 'wildcard listeners missing for 10.77.0.2: %r' % other)
    check(p_udp in host_ports('udp', ''), 'udp %d bound on 127.0.0.1 missing for "" ' % p_udp)
    check(p_udp not in host_ports('udp', '10.77.0.2'), 'udp bound on loopback listed for 10.77.0.2')
    check(p_udp not in host_ports('tcp', ''), 'a udp port listed as tcp')

    for s in (client, on_one, on_all, on_v6, udp):
        s.close()
    check_equal(host_ports('tcp', ''), [], 'tcp ports after the sockets closed')
    check_equal(host_ports('udp', ''), [], 'udp ports after the socket closed')
    for sig_args, what in ((['icmp', ''], 'protocol'), (['tcp', '127.0.0.1'], 'loopback address'),
                           (['tcp', '10.77.0.001'], 'address with leading zeros')):
        e = bus.call_error('ListHostPorts', 'ss', sig_args)
        check_equal(e.name, ERR + 'InvalidArgument', 'ListHostPorts with a bad ' + what)
    sh('ip', 'link', 'del', 'corral-ports')


def test_qemu_hook_active():
    # This test's own /run and /etc/libvirt/hooks (the mount namespace is the test's).
    hooks = '/etc/libvirt/hooks' if os.path.isdir('/etc/libvirt/hooks') else '/etc/libvirt'
    if not os.path.isdir(hooks):
        raise AssertionError('no /etc/libvirt to mount over')
    sh('mount', '-t', 'tmpfs', '-o', 'mode=755', 'corral-test-run', '/run')
    sh('mount', '-t', 'tmpfs', '-o', 'mode=755', 'corral-test-hooks', hooks)
    try:
        def status():
            s = bus.call('GetStatus')[0]
            return s['qemu-hook-installed'], s['qemu-hook-active']

        check_equal(status(), (False, False), 'installed, active with no hook')
        old = start_process(['sleep', '120'])
        with open('/run/libvirtd.pid', 'w') as f:
            f.write('%d\n' % old.pid)
        time.sleep(2.5)  # the hook's ctime must be later than the "daemon's" start, in seconds
        os.makedirs('/etc/libvirt/hooks/qemu.d', exist_ok=True)
        hook = '/etc/libvirt/hooks/qemu.d/corral'
        with open(hook, 'w') as f:
            f.write('#!/bin/sh\nexit 0\n')
        os.chmod(hook, 0o755)
        check_equal(status(), (True, False), 'installed, active: hook installed after libvirtd started')
        new = start_process(['sleep', '120'])
        with open('/run/libvirtd.pid', 'w') as f:
            f.write('%d\n' % new.pid)
        check_equal(status(), (True, True), 'installed, active: libvirtd restarted after the hook')
        os.unlink('/run/libvirtd.pid')
        os.makedirs('/run/libvirt')
        with open('/run/libvirt/libvirtd.pid', 'w') as f:
            f.write('%d\n' % old.pid)
        check_equal(status(), (True, False), 'installed, active: libvirtd -p pid file, started before the hook')
        os.unlink('/run/libvirt/libvirtd.pid')
        check_equal(status(), (True, True), 'installed, active: no libvirtd pid file (cannot tell)')
        os.chmod(hook, 0o644)
        check_equal(status(), (False, False), 'installed, active: hook not executable')
        for p in (old, new):
            p.terminate()
            p.wait()
    finally:
        sh('umount', hooks)
        sh('umount', '/run')


tap.run('introspection lists every method', test_introspection)
tap.run('read-only methods need no authorization', test_read_only_without_authorization)
tap.run('ListHostPorts: real sockets, with the address-overlap check', test_list_host_ports)
tap.run('GetStatus qemu-hook-active: the hook is installed and libvirtd started after it', test_qemu_hook_active)
tap.run('polkit denies: NotAuthorized, nothing changes', test_denied)
tap.run('polkit allows forwards: AddForward works, volumes still denied', test_allowed_forwards_only)
tap.run('hooks find iptables with a PATH lacking /usr/sbin', test_hook_path_without_sbin)
tap.run('a hanging firewall command is stopped; the hook returns and changes nothing', test_hook_command_timeout)
tap.run('hostile arguments: a clear error each, nothing changes', test_hostile)
tap.run('a huge volume size is refused', test_huge_volume)
tap.run('a corrupt state file gives a clear error and is never overwritten', test_corrupt_state)
tap.run('RemoveForward of the last forward removes every rule', test_remove_all)
tap.run('the service exits when idle', test_idle_exit)
tap.run('D-Bus activation starts the helper on demand; it exits when idle', test_activation)
tap.run('the hook scripts never keep a guest from starting', test_hook_scripts_never_block)
tap.done()
