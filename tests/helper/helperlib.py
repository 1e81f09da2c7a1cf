# SPDX-License-Identifier: GPL-3.0-or-later
"""Test support for corral-helper: TAP output, private namespaces, a private
system bus with the helper's own bus policy, polkit (python-dbusmock or the
real polkitd), the helper process, and network namespaces with a
libvirt-like firewall. Everything is torn down on exit, even on failure."""

import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

PYTHON = '/usr/bin/python3'
SOURCE_DIR = os.environ.get('CORRAL_SOURCE_DIR',
                            os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..')))
BUILD_DIR = os.environ.get('CORRAL_BUILD_DIR', '')
HELPER = os.path.join(BUILD_DIR, 'app', 'helper', 'corral-helper')
BUS_NAME = 'org.corralvm.Helper1'
BUS_PATH = '/org/corralvm/Helper1'
ERR = 'org.corralvm.Helper1.Error.'

GUEST_WEB = '6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e01'      # running, reserved 10.231.0.50
GUEST_LONELY = '6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e02'   # only on an isolated network
GUEST_FRESH = '6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e03'    # running, no reservation yet
GUEST_OFF = '6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e04'      # shut off, reserved 10.231.0.60
GUEST_UNKNOWN = '6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4eff'

_cleanups = []


def at_exit(fn):
    """Registers fn to run at exit, last registered first."""
    _cleanups.append(fn)


def _run_cleanups():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception:  # noqa: BLE001 - cleanup must go on
            traceback.print_exc(file=sys.stderr)


atexit.register(_run_cleanups)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def skip_all(self, reason):
        print('1..0 # SKIP %s' % reason, flush=True)
        sys.exit(0)

    def diag(self, text):
        for line in str(text).splitlines():
            print('# %s' % line, flush=True)

    def ok(self, cond, desc):
        self.n += 1
        if not cond:
            self.failed += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, desc), flush=True)
        return cond

    def run(self, desc, fn, *args):
        start = time.monotonic()
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - reported as a failed test
            self.diag(traceback.format_exc())
            return self.ok(False, desc)
        return self.ok(True, '%s (%.1f s)' % (desc, time.monotonic() - start))

    def skip(self, desc, reason):
        self.n += 1
        print('ok %d - %s # SKIP %s' % (self.n, desc, reason), flush=True)

    def done(self):
        print('1..%d' % self.n, flush=True)
        _run_cleanups()
        sys.exit(1 if self.failed else 0)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_equal(got, want, what):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def require(tap, tools, root=True):
    """Skips the whole test unless it runs as root with these tools."""
    if root and os.geteuid() != 0:
        tap.skip_all('needs root (network namespaces, firewall, D-Bus system bus policy)')
    if not os.path.exists(HELPER):
        tap.skip_all('corral-helper not built at %s (CORRAL_BUILD_DIR unset?)' % HELPER)
    for tool in tools:
        if shutil.which(tool) is None and not os.path.exists(tool):
            tap.skip_all('%s is not installed' % tool)


def enter_private_namespaces(tap):
    """Re-runs this test in its own network and mount namespaces, so rules,
    links and mounts it makes are never the machine's."""
    if os.environ.get('CORRAL_HELPER_TEST_PRIVATE') == '1':
        subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
        return
    env = dict(os.environ, CORRAL_HELPER_TEST_PRIVATE='1')
    sys.stdout.flush()
    try:
        os.execvpe('unshare', ['unshare', '--net', '--mount', '--propagation', 'private', '--',
                               PYTHON] + sys.argv, env)
    except OSError as e:
        tap.skip_all('cannot create namespaces: %s' % e)


def sh(*argv, input=None, check_rc=True, ns=None, timeout=60):
    """Runs argv (no shell), in holder ns's network namespace if given."""
    argv = [str(a) for a in argv]
    if ns is not None:
        argv = ['nsenter', '-t', str(ns.pid), '-n', '--'] + argv
    p = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout)
    if check_rc and p.returncode != 0:
        raise AssertionError('%s failed (%d): %s%s' % (' '.join(argv), p.returncode, p.stdout, p.stderr))
    return p


def tmpdir(prefix='corral-helper-test-'):
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    at_exit(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


def start_process(argv, env=None, **kw):
    p = subprocess.Popen([str(a) for a in argv], env=env, **kw)

    def stop():
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    at_exit(stop)
    return p


def wait_for(cond, what, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError('timed out waiting for %s' % what)


# --- D-Bus -------------------------------------------------------------------

BUS_CONFIG = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%(socket)s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
  <includedir>%(includedir)s</includedir>
  %(servicedir)s
</busconfig>
'''


class HelperError(Exception):
    def __init__(self, name, message):
        super().__init__('%s: %s' % (name, message))
        self.name = name
        self.message = message


class Bus:
    """A private system bus whose policy is the helper's real bus policy
    (data/org.corralvm.Helper1.conf) plus what the test needs."""

    def __init__(self, extra_confs=(), servicedir=None, daemon_env=None):
        self.dir = tmpdir('corral-bus-')
        includedir = os.path.join(self.dir, 'system.d')
        os.mkdir(includedir)
        shutil.copy(os.path.join(SOURCE_DIR, 'data', 'org.corralvm.Helper1.conf'), includedir)
        for conf in extra_confs:
            shutil.copy(conf, includedir)
        self.socket = os.path.join(self.dir, 'system_bus_socket')
        config = os.path.join(self.dir, 'bus.conf')
        with open(config, 'w') as f:
            f.write(BUS_CONFIG % {'socket': self.socket, 'includedir': includedir,
                                  'servicedir': '<servicedir>%s</servicedir>' % servicedir if servicedir else ''})
        self.address = 'unix:path=' + self.socket
        # dbus-daemon prints its address once it listens; the socket file alone appears before that
        # (bind before listen), and a client that connects in between is refused.
        self.proc = start_process(['dbus-daemon', '--config-file=' + config, '--nofork', '--nopidfile',
                                   '--print-address=1'],
                                  env=daemon_env, stdout=subprocess.PIPE)
        if not self.proc.stdout.readline():
            raise AssertionError('the private system bus did not start (dbus-daemon exited %s)'
                                 % self.proc.wait())
        self.proc.stdout.close()
        self.conn = Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        at_exit(lambda: self.conn.close_sync(None))

    def env(self, **extra):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env.update(extra)
        return env

    def has_owner(self, name):
        r = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                                'NameHasOwner', GLib.Variant('(s)', (name,)), GLib.VariantType('(b)'),
                                Gio.DBusCallFlags.NONE, 5000, None)
        return r.unpack()[0]

    def call(self, method, signature=None, args=(), dest=BUS_NAME, path=BUS_PATH, iface=BUS_NAME,
             timeout=60000):
        params = GLib.Variant('(%s)' % signature, tuple(args)) if signature is not None else None
        try:
            r = self.conn.call_sync(dest, path, iface, method, params, None,
                                    Gio.DBusCallFlags.NONE, timeout, None)
        except GLib.Error as e:
            name = Gio.DBusError.get_remote_error(e) or str(e)
            message = e.message
            prefix = 'GDBus.Error:%s: ' % name
            if message.startswith(prefix):
                message = message[len(prefix):]
            raise HelperError(name, message) from None
        return r.unpack()

    def call_error(self, method, signature=None, args=()):
        try:
            r = self.call(method, signature, args)
        except HelperError as e:
            return e
        raise AssertionError('%s%r succeeded (%r) but should have failed' % (method, tuple(args), r))


class MockPolkit:
    """polkit by python-dbusmock: denies everything until allowed."""

    def __init__(self, bus):
        self.bus = bus
        self.proc = start_process([PYTHON, '-m', 'dbusmock', '--system', '--template', 'polkitd'],
                                  env=bus.env(), stdout=subprocess.DEVNULL)
        wait_for(lambda: bus.has_owner('org.freedesktop.PolicyKit1'), 'the mock polkit')

    def allow(self, *actions):
        self.bus.call('SetAllowed', 'as', [list(actions)], dest='org.freedesktop.PolicyKit1',
                      path='/org/freedesktop/PolicyKit1/Authority', iface='org.freedesktop.DBus.Mock')


class Helper:
    """corral-helper on the private bus, with state and runtime dirs of its
    own and libvirt at libvirt_uri."""

    def __init__(self, bus, libvirt_uri, state_dir=None, run_dir=None, idle=0, extra_env=None):
        base = tmpdir('corral-helper-state-')
        self.state_dir = state_dir or os.path.join(base, 'state')
        self.run_dir = run_dir or os.path.join(base, 'run')
        self.bus = bus
        self.env = bus.env(CORRAL_HELPER_STATE_DIR=self.state_dir,
                           CORRAL_HELPER_RUNTIME_DIR=self.run_dir,
                           CORRAL_HELPER_LIBVIRT_URI=libvirt_uri,
                           CORRAL_HELPER_IDLE_TIMEOUT=str(idle))
        if extra_env:
            self.env.update(extra_env)
        self.proc = None

    def start(self):
        self.proc = start_process([HELPER], env=self.env)
        wait_for(lambda: self.proc.poll() is not None or self.bus.has_owner(BUS_NAME), 'corral-helper on the bus')
        check(self.proc.poll() is None, 'corral-helper exited with %s' % self.proc.poll())
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)
        wait_for(lambda: not self.bus.has_owner(BUS_NAME), 'corral-helper to leave the bus')

    def hook(self, kind, name, operation, sub='begin', xml='', quiet=True):
        """Runs the helper's hook mode as libvirt would (argv + XML on stdin)."""
        env = {k: v for k, v in self.env.items() if k != 'DBUS_SYSTEM_BUS_ADDRESS'}
        start = time.monotonic()
        p = subprocess.run([HELPER, '--hook', kind, name, operation, sub, '-'], input=xml, env=env,
                           capture_output=True, text=True, timeout=30)
        check_equal(p.returncode, 0, 'hook exit status')
        check(not quiet or p.stderr == '', 'hook said: %s' % p.stderr)
        return time.monotonic() - start

    def state_file(self):
        return os.path.join(self.state_dir, 'forwards.conf')

    def state_bytes(self):
        try:
            with open(self.state_file(), 'rb') as f:
                return f.read()
        except FileNotFoundError:
            return None


def domain_xml(uuid, name='guest'):
    return "<domain type='kvm'><name>%s</name><uuid>%s</uuid></domain>" % (name, uuid)


# --- libvirt's test driver: real libvirt, in process, no daemon ----------------

NODE_XML = '''<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <network>
    <name>default</name>
    <forward mode='nat'/>
    <bridge name='corralbr0'/>
    <ip address='10.231.0.1' netmask='255.255.255.0'>
      <dhcp>
        <range start='10.231.0.100' end='10.231.0.199'/>
        <host mac='52:54:00:e2:e0:01' ip='10.231.0.50'/>
        <host mac='52:54:00:e2:e0:04' ip='10.231.0.60'/>
      </dhcp>
    </ip>
  </network>
  <network>
    <name>isolated</name>
    <bridge name='corralbr1'/>
    <ip address='10.233.0.1' netmask='255.255.255.0'>
      <dhcp><range start='10.233.0.100' end='10.233.0.199'/></dhcp>
    </ip>
  </network>
  <domain type='test'>
    <name>web</name><uuid>%(web)s</uuid><memory>65536</memory><os><type>hvm</type></os>
    <devices><interface type='network'><mac address='52:54:00:e2:e0:01'/><source network='default'/></interface></devices>
  </domain>
  <domain type='test'>
    <name>lonely</name><uuid>%(lonely)s</uuid><memory>65536</memory><os><type>hvm</type></os>
    <devices><interface type='network'><mac address='52:54:00:e2:e0:02'/><source network='isolated'/></interface></devices>
  </domain>
  <domain type='test'>
    <name>fresh</name><uuid>%(fresh)s</uuid><memory>65536</memory><os><type>hvm</type></os>
    <devices><interface type='network'><mac address='52:54:00:e2:e0:03'/><source network='default'/></interface></devices>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>off</name><uuid>%(off)s</uuid><memory>65536</memory><os><type>hvm</type></os>
    <devices><interface type='network'><mac address='52:54:00:e2:e0:04'/><source network='default'/></interface></devices>
    <test:runstate>5</test:runstate>
  </domain>
</node>
'''


def test_driver_uri():
    d = tmpdir('corral-libvirt-test-')
    path = os.path.join(d, 'node.xml')
    with open(path, 'w') as f:
        f.write(NODE_XML % {'web': GUEST_WEB, 'lonely': GUEST_LONELY, 'fresh': GUEST_FRESH, 'off': GUEST_OFF})
    return 'test://' + path


# --- network namespaces with a libvirt-like firewall ---------------------------

class Holder:
    """A network namespace held by a sleeping process (nothing in /run/netns)."""

    def __init__(self):
        self.proc = start_process(['unshare', '--net', '--', 'sleep', 'infinity'])
        wait_for(lambda: os.readlink('/proc/%d/ns/net' % self.proc.pid) != os.readlink('/proc/self/ns/net'),
                 'a new network namespace')
        self.pid = self.proc.pid
        sh('ip', 'link', 'set', 'lo', 'up', ns=self)


IPTABLES_LIBVIRT = '''*filter
:LIBVIRT_INP - [0:0]
:LIBVIRT_OUT - [0:0]
:LIBVIRT_FWO - [0:0]
:LIBVIRT_FWI - [0:0]
:LIBVIRT_FWX - [0:0]
-A INPUT -j LIBVIRT_INP
-A FORWARD -j LIBVIRT_FWX
-A FORWARD -j LIBVIRT_FWI
-A FORWARD -j LIBVIRT_FWO
-A OUTPUT -j LIBVIRT_OUT
-A LIBVIRT_INP -i corralbr0 -p udp -m udp --dport 53 -j ACCEPT
-A LIBVIRT_INP -i corralbr0 -p tcp -m tcp --dport 53 -j ACCEPT
-A LIBVIRT_INP -i corralbr0 -p udp -m udp --dport 67 -j ACCEPT
-A LIBVIRT_OUT -o corralbr0 -p udp -m udp --dport 68 -j ACCEPT
-A LIBVIRT_FWO -s 10.231.0.0/24 -i corralbr0 -j ACCEPT
-A LIBVIRT_FWO -i corralbr0 -j REJECT --reject-with icmp-port-unreachable
-A LIBVIRT_FWI -d 10.231.0.0/24 -o corralbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A LIBVIRT_FWI -o corralbr0 -j REJECT --reject-with icmp-port-unreachable
-A LIBVIRT_FWX -i corralbr0 -o corralbr0 -j ACCEPT
COMMIT
*nat
:LIBVIRT_PRT - [0:0]
-A POSTROUTING -j LIBVIRT_PRT
-A LIBVIRT_PRT -s 10.231.0.0/24 -d 224.0.0.0/24 -j RETURN
-A LIBVIRT_PRT -s 10.231.0.0/24 -d 255.255.255.255/32 -j RETURN
-A LIBVIRT_PRT -s 10.231.0.0/24 ! -d 10.231.0.0/24 -p tcp -j MASQUERADE --to-ports 1024-65535
-A LIBVIRT_PRT -s 10.231.0.0/24 ! -d 10.231.0.0/24 -j MASQUERADE
COMMIT
'''

# The tables libvirt 11.3's nftables backend makes for a NAT network (`nft list ruleset` in
# helper-libvirt-firewall-nftables on Debian 13, bridge and subnet renamed): iif/oif match the bridge by index
# (it must exist first), and tcp and udp are masqueraded to unprivileged ports.
NFT_LIBVIRT = '''table ip libvirt_network {
  chain forward {
    type filter hook forward priority filter; policy accept;
    counter jump guest_cross
    counter jump guest_input
    counter jump guest_output
  }
  chain guest_output {
    ip saddr 10.231.0.0/24 iif "corralbr0" counter accept
    iif "corralbr0" counter reject
  }
  chain guest_input {
    oif "corralbr0" ip daddr 10.231.0.0/24 ct state established,related counter accept
    oif "corralbr0" counter reject
  }
  chain guest_cross {
    iif "corralbr0" oif "corralbr0" counter accept
  }
  chain guest_nat {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 10.231.0.0/24 ip daddr 224.0.0.0/24 counter return
    ip saddr 10.231.0.0/24 ip daddr 255.255.255.255 counter return
    meta l4proto tcp ip saddr 10.231.0.0/24 ip daddr != 10.231.0.0/24 counter masquerade to :1024-65535
    meta l4proto udp ip saddr 10.231.0.0/24 ip daddr != 10.231.0.0/24 counter masquerade to :1024-65535
    ip saddr 10.231.0.0/24 ip daddr != 10.231.0.0/24 counter masquerade
  }
}
table ip6 libvirt_network {
  chain forward {
    type filter hook forward priority filter; policy accept;
    counter jump guest_cross
    counter jump guest_input
    counter jump guest_output
  }
  chain guest_output {
  }
  chain guest_input {
  }
  chain guest_cross {
  }
  chain guest_nat {
    type nat hook postrouting priority srcnat; policy accept;
  }
}
'''

MARKER = 'corral-guest-marker-7f3a'


class Topology:
    """This (private) namespace is the "host": a bridge corralbr0 10.231.0.1/24
    with a "guest" namespace at 10.231.0.50 serving HTTP on :1337, a "client"
    namespace 10.232.0.2 behind 10.232.0.1, IPv4 forwarding on, and libvirt's
    firewall rules for the bridge (iptables or nftables)."""

    HOST = '10.232.0.1'
    GUEST = '10.231.0.50'

    def __init__(self, backend):
        self.backend = backend
        self.guest = Holder()
        self.client = Holder()
        sh('ip', 'link', 'add', 'corralbr0', 'type', 'bridge')
        sh('ip', 'addr', 'add', '10.231.0.1/24', 'dev', 'corralbr0')
        sh('ip', 'link', 'set', 'corralbr0', 'up')
        sh('ip', 'link', 'add', 'vnet-g', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', str(self.guest.pid))
        sh('ip', 'link', 'set', 'vnet-g', 'master', 'corralbr0', 'up')
        sh('ip', 'addr', 'add', self.GUEST + '/24', 'dev', 'eth0', ns=self.guest)
        sh('ip', 'link', 'set', 'eth0', 'up', ns=self.guest)
        sh('ip', 'route', 'add', 'default', 'via', '10.231.0.1', ns=self.guest)
        sh('ip', 'link', 'add', 'vcl', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', str(self.client.pid))
        sh('ip', 'addr', 'add', self.HOST + '/24', 'dev', 'vcl')
        sh('ip', 'link', 'set', 'vcl', 'up')
        sh('ip', 'addr', 'add', '10.232.0.2/24', 'dev', 'eth0', ns=self.client)
        sh('ip', 'link', 'set', 'eth0', 'up', ns=self.client)
        sh('ip', 'route', 'add', 'default', 'via', self.HOST, ns=self.client)
        with open('/proc/sys/net/ipv4/ip_forward', 'w') as f:
            f.write('1\n')
        if backend == 'iptables':
            sh('iptables-restore', '--noflush', input=IPTABLES_LIBVIRT)
        else:
            sh('nft', '-f', '-', input=NFT_LIBVIRT)

        www = tmpdir('corral-www-')
        with open(os.path.join(www, 'index.html'), 'w') as f:
            f.write(MARKER + '\n')
        self.server = start_process(['nsenter', '-t', self.guest.pid, '-n', '--', PYTHON, '-m', 'http.server',
                                     '1337', '--bind', self.GUEST, '--directory', www],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.fetch(self.GUEST, 1337, ns=self.guest) == MARKER, 'the guest web server')

    def fetch(self, address, port, ns=None, timeout=3):
        p = sh('curl', '-s', '--max-time', timeout, 'http://%s:%d/' % (address, port), ns=ns, check_rc=False,
               timeout=timeout + 5)
        return p.stdout.strip() if p.returncode == 0 else None

    def ruleset(self):
        """The whole ruleset, without counters or timestamps."""
        nft = re.sub(r'counter packets \d+ bytes \d+', 'counter', sh('nft', 'list', 'ruleset').stdout)
        if self.backend == 'iptables':
            out = sh('iptables-save').stdout
            out = '\n'.join(l for l in out.splitlines() if not l.startswith('#'))
            # iptables-nft keeps its rules in nftables: a chain left behind (say an empty nat PREROUTING
            # base chain) shows in the whole nft ruleset, not in iptables-save.
            return re.sub(r'\[\d+:\d+\]', '[0:0]', out) + '\n--- nft list ruleset ---\n' + nft
        return nft


# --- Corral's real libvirt hook scripts, for the harness (tests/system/harness) ------

def hook_scripts(d, state_dir):
    """Writes into directory d Corral's real hook scripts (data/libvirt-hook-*),
    pointing at a wrapper that runs the build tree's helper with state_dir
    (libvirt gives hooks a clean environment, so the wrapper sets it). Returns
    {'qemu': path, 'network': path}, for with-libvirtd's --hook and
    --network-hook."""
    wrapper = os.path.join(d, 'corral-helper')
    with open(wrapper, 'w') as f:
        f.write('#!/bin/sh\nCORRAL_HELPER_STATE_DIR=%s\nexport CORRAL_HELPER_STATE_DIR\nexec %s "$@"\n'
                % (state_dir, HELPER))
    os.chmod(wrapper, 0o755)
    hooks = {}
    for kind in ('qemu', 'network'):
        hooks[kind] = os.path.join(d, 'hook-' + kind)
        configure_data('libvirt-hook-' + kind, d, hooks[kind], mode=0o755)
    return hooks


def configure_data(name, libexecdir, dest, mode=0o644):
    """Writes data/NAME to dest as meson configures it, with @LIBEXECDIR@ =
    libexecdir."""
    with open(os.path.join(SOURCE_DIR, 'data', name)) as f:
        text = f.read().replace('@LIBEXECDIR@', libexecdir)
    with open(dest, 'w') as f:
        f.write(text)
    os.chmod(dest, mode)
