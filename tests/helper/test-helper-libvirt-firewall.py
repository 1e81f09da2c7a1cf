#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Forwards against the firewall libvirt itself makes: a real libvirtd and its
NAT network (tests/system/harness, no guest to boot), with libvirt's default
backend or firewall_backend = "nftables" (libvirt 10.4 or later). A "guest"
network namespace on libvirt's bridge at the guest's reserved address serves
HTTP on :1337, for a domain defined (not started) with that MAC; the qemu hook
is run as libvirt would run it. The helper must follow the backend whose
tables libvirt made; a client namespace reaches the guest through host:8765,
also after libvirt rebuilds its rules (network restart, libvirtd restart); and
once the last forward is gone, `nft list ruleset` and `iptables-save` are
exactly as before the first was added.

    test-helper-libvirt-firewall.py WITH-LIBVIRTD default|nftables   (outside)
    test-helper-libvirt-firewall.py --inside                         (run by the harness)"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (PYTHON, Bus, Helper, Holder, MockPolkit, Tap, check, check_equal,  # noqa: E402
                       hook_scripts, require, sh, start_process, tmpdir, wait_for)

STATE_DIR = '/run/corral-fw/state'   # /run is private to the harness run
RUN_DIR = '/run/corral'              # the helper's default, as the hooks use it
DOMAIN = 'fw-guest'
MARKER = 'corral-libvirt-firewall-marker-5c2e'


def outside(harness, backend):
    tap = Tap()
    if not harness or not os.path.exists(harness):
        tap.skip_all('tests/system/harness/with-libvirtd is not there')
    require(tap, ['dbus-daemon', 'iptables-save', 'nft', 'curl', 'virsh'])
    d = tempfile.mkdtemp(prefix='corral-fw-hooks-')
    try:
        os.chmod(d, 0o755)
        hooks = hook_scripts(d, STATE_DIR)
        argv = [harness, '--network', '--hook', hooks['qemu'] + ':corral', '--network-hook',
                hooks['network'] + ':corral']
        if backend != 'default':
            argv += ['--firewall-backend', backend]
        sys.stdout.flush()
        p = subprocess.run(argv + ['--', PYTHON, os.path.abspath(__file__), '--inside'])
        sys.exit(p.returncode)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def ruleset():
    """The whole ruleset, nft's and iptables-save's, without counters."""
    nft = re.sub(r'counter packets \d+ bytes \d+', 'counter', sh('nft', 'list', 'ruleset').stdout)
    ipt = '\n'.join(line for line in sh('iptables-save').stdout.splitlines() if not line.startswith('#'))
    return re.sub(r'\[\d+:\d+\]', '[0:0]', ipt) + '\n--- nft list ruleset ---\n' + nft


def inside():
    tap = Tap()
    reason = os.environ.get('CORRAL_TEST_SKIP_REASON')
    if reason:
        tap.skip_all(reason)

    harness = os.environ['CORRAL_HARNESS']
    uri = os.environ['CORRAL_TEST_LIBVIRT_URI']
    network = os.environ['CORRAL_TEST_NETWORK']
    bridge = os.environ['CORRAL_TEST_BRIDGE']
    guest_ip = os.environ['CORRAL_TEST_GUEST_IP']
    guest_mac = os.environ['CORRAL_TEST_GUEST_MAC']
    configured = os.environ.get('CORRAL_TEST_FIREWALL_BACKEND', 'default')
    host_ip = '10.232.0.1'
    tap.diag('libvirt firewall_backend: %s' % configured)
    # what the harness's tc-no-csum forgave libvirt (a kernel without the csum action), said in the log
    try:
        with open('/run/corral-harness/tc-csum-skipped') as skipped:
            for line in skipped:
                tap.diag('harness: %s' % line.rstrip())
    except OSError:
        pass

    def virsh(*args):
        return sh('virsh', '-q', '-c', uri, *args, timeout=120).stdout.strip()

    # The "guest": a namespace on libvirt's bridge, at the address libvirt's DHCP reserves for its MAC.
    guest = Holder()

    def plug_guest():
        # (again after a network restart: libvirt makes a new bridge)
        if sh('ip', 'link', 'show', 'vnet-fw', check_rc=False).returncode != 0:
            sh('ip', 'link', 'add', 'vnet-fw', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', str(guest.pid))
            sh('ip', 'addr', 'add', guest_ip + '/24', 'dev', 'eth0', ns=guest)
            sh('ip', 'link', 'set', 'eth0', 'address', guest_mac, 'up', ns=guest)
            sh('ip', 'route', 'add', 'default', 'via', '10.231.0.1', ns=guest)
        sh('ip', 'link', 'set', 'vnet-fw', 'master', bridge, 'up')

    plug_guest()
    www = tmpdir('corral-www-')
    with open(os.path.join(www, 'index.html'), 'w') as f:
        f.write(MARKER + '\n')
    start_process(['nsenter', '-t', guest.pid, '-n', '--', PYTHON, '-m', 'http.server', '1337', '--bind',
                   guest_ip, '--directory', www], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sh(os.path.join(harness, 'client-ns'), 'up')

    def fetch(via_client=True):
        argv = ['curl', '-s', '--max-time', '3', 'http://%s:8765/' % host_ip]
        if via_client:
            argv = [os.path.join(harness, 'client-ns'), 'exec'] + argv
        p = sh(*argv, check_rc=False, timeout=20)
        return p.returncode == 0 and MARKER in p.stdout

    wait_for(lambda: sh('nsenter', '-t', guest.pid, '-n', '--', 'curl', '-s', '--max-time', '1',
                        'http://%s:1337/' % guest_ip, check_rc=False).stdout.strip() == MARKER,
             'the guest web server')

    d = tmpdir('corral-fw-domain-')
    with open(os.path.join(d, 'domain.xml'), 'w') as f:
        f.write("<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory>"
                "<os><type arch='x86_64'>hvm</type></os><devices>"
                "<interface type='network'><source network='%s'/><mac address='%s'/><model type='virtio'/>"
                "</interface></devices></domain>" % (DOMAIN, network, guest_mac))
    virsh('define', os.path.join(d, 'domain.xml'))
    uuid = virsh('domuuid', DOMAIN)
    xml = virsh('dumpxml', DOMAIN)

    os.makedirs(STATE_DIR, exist_ok=True)
    bus = Bus()
    polkit = MockPolkit(bus)
    polkit.allow('org.corralvm.forwards.manage')
    helper = Helper(bus, uri, state_dir=STATE_DIR, run_dir=RUN_DIR).start()
    state = {}

    def test_backend():
        state['r0'] = ruleset()
        nft_table = sh('nft', 'list', 'table', 'ip', 'libvirt_network', check_rc=False).returncode == 0
        ipt_chains = ':LIBVIRT_FWI ' in sh('iptables-save').stdout
        check(nft_table != ipt_chains, 'libvirt made nft table %s, iptables chains %s' % (nft_table, ipt_chains))
        made = state['made'] = 'nftables' if nft_table else 'iptables'
        tap.diag("libvirt's own tables: %s" % made)
        if configured != 'default':
            check_equal(made, configured, 'the backend libvirt used')
        check_equal(bus.call('GetStatus')[0]['firewall-backend'], made, 'GetStatus firewall-backend')
        check(not fetch(), 'client reaches host:8765 before any forward')

    def test_add():
        check_equal(bus.call('AddForward', 'sssqq', [uuid, 'tcp', '', 8765, 1337])[0], guest_ip, 'guest address')
        check_equal(ruleset(), state['r0'], 'ruleset after a forward to a guest that is not running')
        helper.hook('qemu', DOMAIN, 'started', 'begin', xml)
        check(fetch(), 'client does not reach the guest through host:8765')
        check(fetch(via_client=False), 'the host itself does not reach the guest through %s:8765' % host_ip)
        check(sh(os.path.join(harness, 'client-ns'), 'exec', 'curl', '-s', '--max-time', '3',
                 'http://%s:1337/' % guest_ip, check_rc=False).returncode != 0,
              "client reaches the guest directly, past libvirt's reject")

    def test_remove():
        bus.call('RemoveForward', 'ssq', ['tcp', '', 8765])
        check(not fetch(), 'client still reaches the guest after RemoveForward')
        check_equal(ruleset(), state['r0'], 'whole ruleset after the last forward was removed')

    def test_guest_cycle():
        bus.call('AddForward', 'sssqq', [uuid, 'tcp', '', 8765, 1337])
        check(fetch(), 'forward to a running guest')
        helper.hook('qemu', DOMAIN, 'stopped', 'end', xml)
        check(not fetch(), 'forward works after the guest stopped')
        check_equal(ruleset(), state['r0'], 'whole ruleset after the guest stopped')
        helper.hook('qemu', DOMAIN, 'start', 'begin', xml)
        check(fetch(), 'forward missing after the guest started again')

    def test_network_restart():
        # libvirt rebuilds its tables; its network hook (Corral's, installed) puts ours back.
        virsh('net-destroy', network)
        virsh('net-start', network)
        plug_guest()
        wait_for(fetch, 'the forward after a network restart', timeout=20)

    def test_libvirtd_restart():
        # libvirt's network driver removes and adds its rules again when it starts, and runs no network hook for
        # that; the qemu driver then runs the "reconnect" hook of each running guest (run here as libvirt would:
        # the domain is not really running).
        sh(os.path.join(harness, 'libvirtd-ctl'), 'restart', timeout=120)
        works = fetch()
        tap.diag('forward right after the libvirtd restart, before the reconnect hook: %s' % (
            'works' if works else "broken (libvirt rebuilt its rules over ours)"))
        if state['made'] == 'iptables':
            # libvirt refills its own chains and leaves the jumps ahead of its own alone
            check(works, 'forward broken by a libvirtd restart, before the reconnect hook')
        helper.hook('qemu', DOMAIN, 'reconnect', 'begin', xml)
        check(fetch(), 'forward broken by a libvirtd restart, after the reconnect hook')

    def test_remove_at_last():
        bus.call('RemoveForward', 'ssq', ['tcp', '', 8765])
        check(not fetch(), 'client still reaches the guest after RemoveForward')
        check_equal(ruleset(), state['r0'], 'whole ruleset after the last forward was removed, after the restarts')

    tap.run("libvirt's backend (%s), as its own tables show, is the helper's" % configured, test_backend)
    tap.run('AddForward + the qemu hook: client and host reach the guest through host:8765', test_add)
    tap.run('RemoveForward of the last forward: nft and iptables rulesets exactly as before', test_remove)
    tap.run('guest stopped: ruleset as before; started: forward back', test_guest_cycle)
    tap.run('network restart: libvirt rebuilds its rules, the network hook puts ours back', test_network_restart)
    tap.run('libvirtd restart and the guest reconnect hook: the forward still works', test_libvirtd_restart)
    tap.run('the last RemoveForward after the restarts: rulesets exactly as before', test_remove_at_last)
    helper.stop()
    tap.done()


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--inside':
        inside()
    else:
        outside(sys.argv[1] if len(sys.argv) > 1 else '', sys.argv[2] if len(sys.argv) > 2 else 'default')
