#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Port forwards for real: corral-helper on a private system bus (mock
polkit allows), libvirt's test driver for guests and networks, and the real
firewall (iptables or nft, argv[1]) inside network namespaces: a client, this
host with libvirt's rules and reject, and a guest serving HTTP on :1337."""

import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helperlib import (ERR, GUEST_FRESH, GUEST_LONELY, GUEST_OFF, GUEST_UNKNOWN, GUEST_WEB, MARKER,  # noqa: E402
                       PYTHON, Bus, Helper, MockPolkit, Tap, Topology, check, check_equal, domain_xml,
                       enter_private_namespaces, require, sh, start_process, test_driver_uri)

backend = sys.argv[1] if len(sys.argv) > 1 else 'iptables'
tap = Tap()
require(tap, ['dbus-daemon', 'unshare', 'nsenter', 'ip', 'curl',
              'iptables-restore' if backend == 'iptables' else 'nft'])
enter_private_namespaces(tap)

topo = Topology(backend)
bus = Bus()
polkit = MockPolkit(bus)
polkit.allow('org.corralvm.forwards.manage')
helper = Helper(bus, test_driver_uri()).start()
H, G = Topology.HOST, Topology.GUEST
state = {}


def reaches(ns):
    return topo.fetch(H, 8765, ns=ns) == MARKER


def test_baseline():
    state['r0'] = topo.ruleset()
    check(not reaches(topo.client), 'client reaches host:8765 before any forward')
    check(topo.fetch(G, 1337, ns=topo.client) is None, "client reaches the guest directly through libvirt's reject")
    status = bus.call('GetStatus')[0]
    check_equal(status['firewall-backend'], backend, 'firewall backend in GetStatus')
    check_equal(status['ip-forwarding'], True, 'ip-forwarding in GetStatus')
    check_equal(status['forwards'], 0, 'forwards in GetStatus')


def test_add():
    address = bus.call('AddForward', 'sssqq', [GUEST_WEB, 'tcp', '', 8765, 1337])[0]
    check_equal(address, G, 'guest address')
    check_equal(bus.call('ListForwards', 's', [''])[0], [(GUEST_WEB, 'tcp', '', 8765, G, 1337, True)], 'forwards')
    check(reaches(topo.client), 'client does not reach the guest through host:8765')
    check(reaches(None), 'the host itself does not reach the guest through %s:8765' % H)
    check_equal(topo.fetch('10.231.0.1', 8765), MARKER, 'host through its bridge address')
    check(topo.fetch(G, 1337, ns=topo.client) is None, 'client reaches the guest directly: accept too wide')
    state['r1'] = topo.ruleset()
    check(state['r1'] != state['r0'], 'ruleset unchanged by AddForward')


def test_state_file():
    st = os.stat(helper.state_file())
    check_equal(st.st_uid, 0, 'state file owner')
    text = open(helper.state_file()).read()
    check('version=1' in text, 'no format version in the state file')
    check(not [f for f in os.listdir(helper.state_dir) if f != 'forwards.conf'], 'temp files left behind')


def our_rules(ruleset):
    """Our rules, each with its table and chain."""
    rules, where = [], ''
    for line in ruleset.splitlines():
        line = line.strip()
        if line.startswith(('*', 'table ', 'chain ')):
            where = (where.split('/')[0] + '/' + line) if line.startswith('chain ') else line
        elif 'comment "corral' in line or '--comment corral' in line or '-j CORRAL_' in line:
            rules.append(where + ': ' + line)
    return rules


def test_idempotent():
    before = topo.ruleset()
    for _ in range(100):
        helper.hook('network', 'default', 'started')
    after = topo.ruleset()
    check_equal(after, before, 'ruleset after re-applying 100 times')
    ours = our_rules(after)
    check_equal(len(ours), len(set(ours)), 'rules of ours (duplicates: %r)' % ours)
    # iptables: 3 jumps, DNAT in PREROUTING and OUTPUT, 1 accept; nft: 2 DNAT, 1 accept
    check_equal(len(ours), 6 if backend == 'iptables' else 3, 'number of rules of ours: %r' % ours)
    check(reaches(topo.client), 'forward broken after re-applying')


def test_other_backend_cleanup():
    # Rules of ours in the backend libvirt no longer uses are removed.
    before = topo.ruleset()
    if backend == 'iptables':
        subprocess.run(['nft', '-f', '-'], check=True, text=True, input=(
            'table ip corral {\n  chain prerouting {\n    type nat hook prerouting priority dstnat;\n'
            '    tcp dport 9999 dnat to 10.231.0.50:22 comment "corral stale"\n  }\n}\n'))
    else:
        subprocess.run(['iptables-restore', '--noflush'], check=True, text=True, input=(
            '*nat\n:CORRAL_PRE - [0:0]\n-I PREROUTING 1 -j CORRAL_PRE\n'
            '-A CORRAL_PRE -p tcp --dport 9999 -j DNAT --to-destination 10.231.0.50:22\nCOMMIT\n'))
    helper.hook('network', 'default', 'started')
    # (iptables-nft leaves its own empty "ip nat" table behind: not ours)
    check_equal(our_rules(topo.ruleset()), our_rules(before), 'our %s rules' % backend)
    check(reaches(topo.client), 'forward broken by the cleanup')
    if backend == 'iptables':
        out = subprocess.run(['nft', 'list', 'ruleset'], capture_output=True, text=True, check=True).stdout
        check('table ip corral' not in out, 'stale nftables table of ours left')
    else:
        out = subprocess.run(['iptables-save'], capture_output=True, text=True, check=True).stdout
        check('CORRAL' not in out, 'stale iptables rules of ours left: ' + out)
        subprocess.run(['nft', 'delete', 'table', 'ip', 'nat'], check=True)  # the test's, see above
    check_equal(topo.ruleset(), before, 'ruleset after the cleanup')


def test_ahead_of_libvirt():
    # libvirt re-inserting its jumps at the top (a network restart) must not
    # win: the network hook puts ours back in front.
    if backend == 'iptables':
        subprocess.run(['iptables', '-D', 'FORWARD', '-j', 'CORRAL_FWD'], check=True)
        subprocess.run(['iptables', '-A', 'FORWARD', '-j', 'CORRAL_FWD'], check=True)
    else:
        out = subprocess.run(['nft', '-a', 'list', 'chain', 'ip', 'libvirt_network', 'guest_input'],
                             capture_output=True, text=True, check=True).stdout
        handle = [l for l in out.splitlines() if 'comment "corral"' in l][0].split('# handle ')[1]
        subprocess.run(['nft', 'delete', 'rule', 'ip', 'libvirt_network', 'guest_input', 'handle', handle],
                       check=True)
    check(not reaches(topo.client), 'forward works without our accept')
    helper.hook('network', 'default', 'started')
    check(reaches(topo.client), 'network hook did not restore the forward')
    check_equal(topo.ruleset(), state['r1'], 'ruleset after the network hook')


def test_hook_cycles():
    xml = domain_xml(GUEST_WEB, 'web')
    helper.hook('qemu', 'web', 'stopped', 'end', xml)
    check_equal(topo.ruleset(), state['r0'], 'ruleset after the guest stopped')
    check(not reaches(topo.client), 'forward still works after the guest stopped')
    check_equal(bus.call('ListForwards', 's', [GUEST_WEB])[0][0][6], False, 'forward active after stop')
    helper.hook('qemu', 'web', 'start', 'begin', xml)
    check(reaches(topo.client), 'forward missing after the guest started')
    times = []
    for i in range(100):
        times.append(helper.hook('qemu', 'web', 'started', 'begin', xml))
        times.append(helper.hook('qemu', 'web', 'stopped', 'end', xml))
        times.append(helper.hook('qemu', 'web', 'release', 'end', xml))
        times.append(helper.hook('qemu', 'web', 'start', 'begin', xml))
    times.sort()
    tap.diag('hook run time: median %.1f ms, max %.1f ms' % (times[len(times) // 2] * 1000, times[-1] * 1000))
    check_equal(topo.ruleset(), state['r1'], 'ruleset after 100 start/stop cycles (running)')
    helper.hook('qemu', 'web', 'stopped', 'end', xml)
    check_equal(topo.ruleset(), state['r0'], 'ruleset after 100 start/stop cycles (stopped)')
    helper.hook('qemu', 'web', 'reconnect', 'begin', xml)
    check_equal(topo.ruleset(), state['r1'], 'ruleset after reconnect')
    check(reaches(topo.client), 'forward missing after reconnect')


def test_other_guest_hooks_touch_nothing():
    before = topo.ruleset()
    helper.hook('qemu', 'lonely', 'started', 'begin', domain_xml(GUEST_LONELY, 'lonely'))
    helper.hook('qemu', 'lonely', 'stopped', 'end', domain_xml(GUEST_LONELY, 'lonely'))
    helper.hook('qemu', 'x', 'started', 'begin', '<not xml', quiet=False)
    check_equal(topo.ruleset(), before, 'ruleset after hooks of a guest without forwards')


def test_conflicts():
    e = bus.call_error('AddForward', 'sssqq', [GUEST_FRESH, 'tcp', '', 8765, 80])
    check_equal(e.name, ERR + 'Conflict', 'error for a port already forwarded')
    check(GUEST_WEB in e.message and '8765' in e.message, 'message does not say which: ' + e.message)
    e = bus.call_error('AddForward', 'sssqq', [GUEST_FRESH, 'tcp', H, 8765, 80])
    check_equal(e.name, ERR + 'Conflict', 'error for a port already forwarded on all addresses')
    listener = start_process(['/usr/bin/python3', '-c',
                              'import socket,time\ns=socket.socket()\ns.bind(("0.0.0.0",8766))\n'
                              's.listen()\nprint("up",flush=True)\ntime.sleep(60)'],
                             stdout=subprocess.PIPE, text=True)
    check_equal(listener.stdout.readline().strip(), 'up', 'listener')
    e = bus.call_error('AddForward', 'sssqq', [GUEST_FRESH, 'tcp', '', 8766, 80])
    check_equal(e.name, ERR + 'Conflict', 'error for a port a host process listens on')
    check('python3' in e.message and str(listener.pid) in e.message, 'message does not name the process: '
          + e.message)
    listener.terminate()
    listener.wait()


def test_targets():
    e = bus.call_error('AddForward', 'sssqq', [GUEST_LONELY, 'tcp', '', 9000, 80])
    check_equal(e.name, ERR + 'Unsupported', 'error for a guest on an isolated network')
    check('isolated' in e.message, 'message does not name the network: ' + e.message)
    e = bus.call_error('AddForward', 'sssqq', [GUEST_UNKNOWN, 'tcp', '', 9000, 80])
    check_equal(e.name, ERR + 'NotFound', 'error for an unknown guest')


def test_reservation():
    # "fresh" has no reservation: the helper pins the first free address.
    address = bus.call('AddForward', 'sssqq', [GUEST_FRESH.upper(), 'udp', '', 5353, 53])[0]
    check_equal(address, '10.231.0.100', 'address reserved for a guest without one')
    fwd = bus.call('ListForwards', 's', [GUEST_FRESH])[0]
    check_equal(fwd, [(GUEST_FRESH, 'udp', '', 5353, '10.231.0.100', 53, True)], 'forwards of fresh')
    bus.call('RemoveForward', 'ssq', ['udp', '', 5353])


UDP_ECHO = (
    'import socket\n'
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n'
    's.bind(("%s", 1337))\n'
    'while True:\n'
    '    data, peer = s.recvfrom(2048)\n'
    '    s.sendto(b"echo:" + data, peer)\n')

UDP_ASK = (
    'import socket, sys\n'
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n'
    's.settimeout(1)\n'
    'for _ in range(int(sys.argv[3])):\n'
    '    s.sendto(b"ping", (sys.argv[1], int(sys.argv[2])))\n'
    '    try:\n'
    '        print(s.recvfrom(2048)[0].decode())\n'
    '        break\n'
    '    except socket.timeout:\n'
    '        pass\n')


def test_udp():
    start_process(['nsenter', '-t', topo.guest.pid, '-n', '--', PYTHON, '-c', UDP_ECHO % G])

    def ask(tries):
        return sh(PYTHON, '-c', UDP_ASK, H, 5353, tries, ns=topo.client, check_rc=False).stdout.strip()

    check_equal(ask(1), '', 'UDP answer before the forward')
    bus.call('AddForward', 'sssqq', [GUEST_WEB, 'udp', '', 5353, 1337])
    check_equal(ask(5), 'echo:ping', 'UDP answer through the forward')
    bus.call('RemoveForward', 'ssq', ['udp', '', 5353])
    check_equal(ask(1), '', 'UDP answer after RemoveForward')


def test_concurrent():
    # 10 clients add forwards at once while libvirt runs the guest's hooks:
    # every forward lands once, in the state and in the rules.
    before = topo.ruleset()
    xml = domain_xml(GUEST_WEB, 'web')
    errors = []

    def add(port):
        try:
            bus.call('AddForward', 'sssqq', [GUEST_WEB, 'tcp', '', port, 1337])
        except Exception as e:  # noqa: BLE001 - collected and reported below
            errors.append('%d: %s' % (port, e))

    def hooks():
        for _ in range(3):
            helper.hook('qemu', 'web', 'started', 'begin', xml)
            helper.hook('network', 'default', 'started')

    ports = list(range(9100, 9110))
    threads = [threading.Thread(target=add, args=(p,)) for p in ports] + [threading.Thread(target=hooks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    check_equal(errors, [], 'errors of concurrent AddForward calls')
    listed = sorted(f[3] for f in bus.call('ListForwards', 's', [GUEST_WEB])[0])
    check_equal(listed, [8765] + ports, 'forwarded host ports')
    rules = our_rules(topo.ruleset())
    check_equal(len(rules), len(set(rules)), 'duplicate rules')
    for port in ports:
        check_equal(sum(1 for r in rules if 'dport %d ' % port in r), 2, 'DNAT rules for port %d' % port)
    check_equal(topo.fetch(H, ports[-1], ns=topo.client), MARKER, 'client through one of the new forwards')

    removers = [threading.Thread(target=bus.call, args=('RemoveForward', 'ssq', ['tcp', '', p])) for p in ports]
    for t in removers:
        t.start()
    for t in removers:
        t.join(120)
    check_equal(topo.ruleset(), before, 'ruleset after removing them all at once')


def test_stopped_guest():
    before = topo.ruleset()
    bus.call('AddForward', 'sssqq', [GUEST_OFF, 'tcp', '', 8080, 80])
    check_equal(topo.ruleset(), before, 'rules added for a guest that is not running')
    check_equal(bus.call('ListForwards', 's', [GUEST_OFF])[0][0][6], False, 'forward of a stopped guest active')
    helper.hook('qemu', 'off', 'start', 'begin', domain_xml(GUEST_OFF, 'off'))
    check(topo.ruleset() != before, 'no rules after the guest started')
    helper.hook('qemu', 'off', 'stopped', 'end', domain_xml(GUEST_OFF, 'off'))
    check_equal(topo.ruleset(), before, 'rules left after the guest stopped')
    bus.call('RemoveForward', 'ssq', ['tcp', '', 8080])


def test_remove():
    e = bus.call_error('RemoveForward', 'ssq', ['tcp', '', 8767])
    check_equal(e.name, ERR + 'NotFound', 'error removing a forward that does not exist')
    bus.call('RemoveForward', 'ssq', ['tcp', '', 8765])
    check(not reaches(topo.client), 'client still reaches the guest after RemoveForward')
    check(not reaches(None), 'host still reaches the guest after RemoveForward')
    check_equal(topo.ruleset(), state['r0'], 'ruleset after RemoveForward')
    check_equal(bus.call('ListForwards', 's', [''])[0], [], 'forwards left')


def test_survives_restart():
    bus.call('AddForward', 'sssqq', [GUEST_WEB, 'tcp', H, 8765, 1337])
    check(reaches(topo.client), 'forward on one host address does not work')
    check(topo.fetch('10.231.0.1', 8765) is None, 'forward on one address also took another')
    helper.stop()
    helper.start()
    check_equal(len(bus.call('ListForwards', 's', [''])[0]), 1, 'forwards after a helper restart')
    bus.call('RemoveForward', 'ssq', ['tcp', H, 8765])
    check_equal(topo.ruleset(), state['r0'], 'ruleset after the last RemoveForward')


tap.run('baseline: libvirt-like %s ruleset, no forward' % backend, test_baseline)
tap.run('AddForward: client and host reach guest :1337 through host :8765', test_add)
tap.run('state file is root-owned, versioned, written atomically', test_state_file)
tap.run('applying 100 times leaves one copy of each rule', test_idempotent)
tap.run('rules of ours in the other backend are removed', test_other_backend_cleanup)
tap.run('our accept is put back ahead of libvirt reject by the network hook', test_ahead_of_libvirt)
tap.run('100 hook start/stop cycles leave the ruleset exactly as before', test_hook_cycles)
tap.run('hooks of guests without forwards touch nothing', test_other_guest_hooks_touch_nothing)
tap.run('ports already forwarded or listened on are refused, saying which', test_conflicts)
tap.run('targets outside libvirt NAT networks and unknown guests are refused', test_targets)
tap.run('a guest without a reservation gets one', test_reservation)
tap.run('UDP forwards carry datagrams both ways', test_udp)
tap.run('concurrent AddForward calls and hooks: each forward exactly once', test_concurrent)
tap.run('a stopped guest gets its rules when it starts', test_stopped_guest)
tap.run('RemoveForward removes exactly ours', test_remove)
tap.run('host-address forwards; state survives a helper restart', test_survives_restart)
tap.done()
