#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP test of the real-libvirtd harness (tests/system/harness), suite "system".
#
# Boots the test guest under with-libvirtd and checks, from inside the run's namespaces, what the other
# system tests rely on: the private daemon, network, DHCP reservation, the guest's web page, --hook,
# --network-hook, --bind, client-ns, libvirtd-ctl kill9/start/restart with the guest still running. Then, from the
# host: nothing is left (processes, mounts, work dir) and the host's links, addresses, routes,
# firewall rulesets and libvirt directories are exactly as before. Also: the exit status is passed
# through, two runs at once do not disturb each other, a killed with-libvirtd is cleaned up by its
# watchdog, and an unprivileged caller gets CORRAL_TEST_SKIP_REASON instead of a failure.
#
#   test-harness.sh                  the test (as root; skips otherwise)
#   test-harness.sh --inside STATE   the part run by with-libvirtd (internal)
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
harness=$here/harness
hook=$here/test-harness-hook.sh
planned=37

ok ()
{
  echo "ok - $*"
}

not_ok ()
{
  echo "not ok - $*"
  failures=$((failures + 1))
}

# check DESCRIPTION CMD...: one TAP line from CMD's exit status
check ()
{
  local what=$1
  shift
  if "$@" >/dev/null; then ok "$what"; else not_ok "$what"; fi
}

diag ()
{
  sed 's/^/# /'
}

failures=0

# ------------------------------------------------------------------------------------------------
# inside the run's namespaces (CMD of with-libvirtd)
if [ "${1:-}" = --inside ]; then
  state=$2
  if [ -n "${CORRAL_TEST_SKIP_REASON:-}" ]; then
    echo "$CORRAL_TEST_SKIP_REASON" > "$state/skip"
    exit 0
  fi
  V () { virsh -q -c "$CORRAL_TEST_LIBVIRT_URI" "$@"; }
  fetch () { curl -s -m 5 "$@" 2>/dev/null; }
  guest_url=http://$CORRAL_TEST_GUEST_IP:$CORRAL_TEST_GUEST_PORT/
  serves_marker () { fetch "$guest_url" | grep -q "$CORRAL_TEST_GUEST_MARKER"; }

  # for the host-side checks after teardown
  for t in net mnt; do readlink "/proc/$CORRAL_NS_HOLDER/ns/$t"; done > "$state/nsids"
  echo "$CORRAL_NS_DIR" > "$state/workdir"

  check "libvirtd answers on $CORRAL_TEST_LIBVIRT_URI" V version
  check "qemu:///system is the harness's daemon (its pid file is in the private /run)" \
    test "$(cat /run/libvirt/libvirtd.pid 2>/dev/null)" = "$("$CORRAL_HARNESS/libvirtd-ctl" pid)"
  leaked=$(comm -12 <(ls /sys/class/net | sort) <(grep -vx lo "$state/host-nics" | sort))
  check "none of the host's network devices is visible inside (${leaked:-none})" test -z "$leaked"
  check "--hook installed 90-probe in the private /etc/libvirt/hooks/qemu.d (mode 755)" \
    test "$(stat -c %a /etc/libvirt/hooks/qemu.d/90-probe 2>/dev/null)" = 755
  check "--bind put the test's directory over /srv" grep -qx bound-by-test-harness /srv/bind-marker
  check "network $CORRAL_TEST_NETWORK is active" \
    test "$(V net-info "$CORRAL_TEST_NETWORK" | awk '/^Active:/ { print $2 }')" = yes
  check "bridge $CORRAL_TEST_BRIDGE has 10.231.0.1/24" \
    sh -c "ip -4 -o addr show dev $CORRAL_TEST_BRIDGE | grep -q ' 10.231.0.1/24 '"
  check "guest $CORRAL_TEST_GUEST is defined and shut off" \
    test "$(V domstate "$CORRAL_TEST_GUEST")" = "shut off"
  check "the guest's ISO is in the private /var/lib/libvirt/images" test -s "$CORRAL_TEST_GUEST_ISO"

  start=$SECONDS
  check "virsh start $CORRAL_TEST_GUEST" V start "$CORRAL_TEST_GUEST"
  check "guest-wait-http: the guest serves its page" "$CORRAL_HARNESS/guest-wait-http" 120
  echo "start to page served: $((SECONDS - start)) s" | diag
  check "curl $guest_url shows the marker" serves_marker
  check "the DHCP lease is the reservation ($CORRAL_TEST_GUEST_MAC = $CORRAL_TEST_GUEST_IP)" \
    sh -c "virsh -q -c '$CORRAL_TEST_LIBVIRT_URI' net-dhcp-leases '$CORRAL_TEST_NETWORK' \
           | grep -i '$CORRAL_TEST_GUEST_MAC' | grep -q ' $CORRAL_TEST_GUEST_IP/24 '"
  check "the serial console log shows the guest's address" \
    grep -q "CORRAL-GUEST-IP=$CORRAL_TEST_GUEST_IP" "/var/log/libvirt/qemu/$CORRAL_TEST_GUEST-serial.log"
  check "the hook ran when the guest started" \
    grep -qx "$CORRAL_TEST_GUEST start begin" /var/log/libvirt/corral-test-hook.log
  check "the --network-hook ran when the network started" \
    grep -qx "$CORRAL_TEST_NETWORK start begin" /var/log/libvirt/corral-test-hook.log

  # client namespace: reaches the libvirt side over the veth, sees none of its devices
  "$CORRAL_HARNESS/client-ns" up
  mkdir -p "$state/www"
  echo "client-reached-libvirt-side" > "$state/www/marker"
  /usr/bin/python3 -m http.server --bind 10.232.0.1 --directory "$state/www" 8080 >/dev/null 2>&1 &
  server=$!
  for i in $(seq 50); do fetch http://10.232.0.1:8080/marker >/dev/null && break; sleep 0.1; done
  check "client-ns: the client (10.232.0.2) reaches the libvirt side at 10.232.0.1" \
    sh -c "'$CORRAL_HARNESS/client-ns' exec curl -s -m 5 http://10.232.0.1:8080/marker \
           | grep -qx client-reached-libvirt-side"
  check "client-ns: the client namespace has only lo and its veth" \
    test "$("$CORRAL_HARNESS/client-ns" exec ip -br link | awk '{ print $1 }' | sed 's/@.*//' | sort | tr '\n' ' ')" = "corral-c lo "
  kill "$server"
  "$CORRAL_HARNESS/client-ns" down
  check "client-ns down: its namespace is gone" \
    sh -c "! '$CORRAL_HARNESS/client-ns' exec true 2>/dev/null"
  "$CORRAL_HARNESS/client-ns" up      # left up on purpose: the teardown must remove it

  # libvirtd-ctl: a crashed daemon comes back and finds the running guest
  "$CORRAL_HARNESS/libvirtd-ctl" kill9
  check "libvirtd-ctl kill9: the daemon is gone" sh -c "! virsh -q -c qemu:///system version >/dev/null 2>&1"
  check "libvirtd-ctl start" "$CORRAL_HARNESS/libvirtd-ctl" start
  check "after kill9 + start the guest is listed as running" \
    sh -c "virsh -q -c qemu:///system list --name | grep -qx '$CORRAL_TEST_GUEST'"
  check "... and still serves its page" serves_marker
  check "libvirtd-ctl restart" "$CORRAL_HARNESS/libvirtd-ctl" restart
  for i in $(seq 50); do
    grep -qx "$CORRAL_TEST_GUEST reconnect begin" /var/log/libvirt/corral-test-hook.log && break
    sleep 0.1
  done
  check "after restart the guest is running and the hook saw 'reconnect'" \
    sh -c "virsh -q -c qemu:///system list --name | grep -qx '$CORRAL_TEST_GUEST' &&
           grep -qx '$CORRAL_TEST_GUEST reconnect begin' /var/log/libvirt/corral-test-hook.log"
  # the guest is left running too, and a process in a namespace made with `ip netns add`:
  # the teardown must remove both
  ip netns add corral-leftover
  ip netns exec corral-leftover sleep 600 </dev/null >/dev/null 2>&1 &
  echo "net:[$(stat -L -c %i /run/netns/corral-leftover)]" >> "$state/nsids"
  exit $failures
fi

# ------------------------------------------------------------------------------------------------
# on the host
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root (the harness makes network and mount namespaces)"
  exit 0
fi

state=$(mktemp -d /var/tmp/corral-test-harness.XXXXXX)
trap 'rm -rf "$state"' EXIT
chmod 755 "$state"

# What must not change on the host: devices, addresses, routes, firewall, libvirt's directories,
# and mounts. (Counters are left out; they move with any traffic.)
snapshot ()
{
  local d
  echo "== links"; ip -br link
  echo "== addresses"; ip -o addr | sed 's/ valid_lft.*//'
  echo "== routes"; ip route; ip -6 route 2>/dev/null
  echo "== iptables"; iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  echo "== ip6tables"; ip6tables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  echo "== nft"; nft list ruleset 2>/dev/null | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
  echo "== legacy tables"; cat /proc/net/ip_tables_names 2>/dev/null
  for d in /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt; do
    echo "== $d"
    if [ -e "$d" ]; then
      find "$d" -printf '%p %M %u:%g %s %T@\n' 2>/dev/null | sort
    else
      echo absent
    fi
  done
  echo "== mounts"; findmnt -rn -o TARGET,SOURCE,FSTYPE | grep -E 'libvirt|corral|^/run|^/sys |^/dev/kvm' | sort
}

ls /sys/class/net > "$state/host-nics"
snapshot > "$state/before"
echo bound-by-test-harness > "$state/bind-marker"

# the main run: guest, hook, bind; CMD = this script's inside part
start=$SECONDS
"$harness/with-libvirtd" --guest --hook "$hook:90-probe" --network-hook "$hook:90-probe" --bind "$state:/srv" \
  -- "$0" --inside "$state" 2> "$state/stderr"
rc=$?
elapsed=$((SECONDS - start))
if [ -s "$state/skip" ]; then
  echo "1..0 # SKIP $(cat "$state/skip")"
  exit 0
fi
echo "with-libvirtd --guest run: ${elapsed} s in all" | diag
check "with-libvirtd returned the inside part's status (0)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || diag < "$state/stderr"

snapshot > "$state/after"
check "the host's links, addresses, routes, rulesets, libvirt dirs and mounts are unchanged" \
  diff "$state/before" "$state/after"
diff "$state/before" "$state/after" | diag
left=
if [ -s "$state/nsids" ]; then
  for p in /proc/[0-9]*; do
    for t in net mnt; do
      grep -qxF "$(readlink "$p/ns/$t" 2>/dev/null)" "$state/nsids" 2>/dev/null && left="$left ${p#/proc/}"
    done
  done
fi
check "no process is left in the run's namespaces (${left:-none})" test -s "$state/nsids" -a -z "$left"
workdir=$(cat "$state/workdir" 2>/dev/null)
check "the run's work dir is gone" test -n "$workdir" -a ! -e "$workdir"
check "no mount on the host refers to the work dir" sh -c "! findmnt -rn | grep -q '${workdir:-corral-ns.}'"
check "/srv on the host is not the bind source" test ! -e /srv/bind-marker

# the exit status is CMD's
"$harness/with-libvirtd" -- sh -c 'exit 7' 2>/dev/null
rc=$?
check "with-libvirtd -- sh -c 'exit 7' exits 7" test $rc -eq 7

# two runs at once, each with its own network "default" on virbr0
for i in 1 2; do
  "$harness/with-libvirtd" --network -- sh -c '
    readlink /proc/self/ns/net > "$1"
    ip -4 -o addr show dev "$CORRAL_TEST_BRIDGE" | grep -q " 10.231.0.1/24 " || exit 1
    sleep 2
    virsh -q -c "$CORRAL_TEST_LIBVIRT_URI" net-list --name | grep -qx default' \
    concurrent "$state/concurrent-$i" 2>"$state/concurrent-$i.err" &
  eval "pid$i=\$!"
done
wait "$pid1"; rc1=$?
wait "$pid2"; rc2=$?
check "two concurrent runs both succeed (exit $rc1 and $rc2)" test $rc1 -eq 0 -a $rc2 -eq 0
check "... in different network namespaces" \
  test -s "$state/concurrent-1" -a "$(cat "$state/concurrent-1" 2>/dev/null)" != "$(cat "$state/concurrent-2" 2>/dev/null)"
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] || cat "$state"/concurrent-*.err | diag

# SIGTERM (meson's timeout, Ctrl-C is alike): CMD is stopped, the run torn down before exiting
"$harness/with-libvirtd" --network -- sh -c 'echo "$CORRAL_NS_DIR" > "$1"; exec sleep 120' \
  terminated "$state/terminated" 2>/dev/null &
victim=$!
for i in $(seq 200); do [ -s "$state/terminated" ] && break; sleep 0.1; done
kill -TERM "$victim"
wait "$victim"
rc=$?
terminated_dir=$(cat "$state/terminated" 2>/dev/null)
check "SIGTERM: with-libvirtd exits 143 with the run already removed" \
  test $rc -eq 143 -a -n "$terminated_dir" -a ! -e "$terminated_dir"

# a with-libvirtd killed with SIGKILL: its watchdog tears the run down
"$harness/with-libvirtd" --network -- sh -c 'echo "$CORRAL_NS_DIR" > "$1"; readlink /proc/self/ns/net >> "$1"; exec sleep 120' \
  killed "$state/killed" 2>/dev/null &
victim=$!
for i in $(seq 200); do [ "$(wc -l 2>/dev/null < "$state/killed")" = 2 ] && break; sleep 0.1; done
kill -KILL "$victim"
wait "$victim" 2>/dev/null
killed_dir=$(sed -n 1p "$state/killed" 2>/dev/null)
killed_ns=$(sed -n 2p "$state/killed" 2>/dev/null)
for i in $(seq 150); do [ -n "$killed_dir" ] && [ ! -e "$killed_dir" ] && break; sleep 0.1; done
left=
for p in /proc/[0-9]*; do
  [ -n "$killed_ns" ] && [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$killed_ns" ] && left="$left ${p#/proc/}"
done
check "after SIGKILL of with-libvirtd the watchdog removed the run (left:${left:- none})" \
  test -n "$killed_dir" -a ! -e "$killed_dir" -a -z "$left"

# an unprivileged caller: CMD still runs, told why there is no daemon
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$harness/with-libvirtd" 2>/dev/null; then
  out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
          "$harness/with-libvirtd" --guest -- sh -c 'echo "uri=${CORRAL_TEST_LIBVIRT_URI:-unset} reason=$CORRAL_TEST_SKIP_REASON"; exit 3' 2>/dev/null)
  rc=$?
  check "as nobody: CMD runs without CORRAL_TEST_LIBVIRT_URI, with a skip reason, its status kept" \
    sh -c "echo '$out' | grep -q '^uri=unset reason=needs root' && test $rc -eq 3"
else
  ok "# SKIP the source tree is not readable by nobody"
fi

echo "1..$planned"
exit 0
