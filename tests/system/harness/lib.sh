# SPDX-License-Identifier: GPL-3.0-or-later
# Shared definitions for Corral's real-libvirtd test harness (sourced by the scripts beside it).
#
# One run = one work dir ($CORRAL_NS_DIR, made by with-libvirtd with mktemp under /var/tmp):
#   root/etc-libvirt  root/var-lib-libvirt  root/var-log-libvirt  root/var-cache-libvirt  root/run
#                     bind-mounted over /etc/libvirt, /var/lib/libvirt, /var/log/libvirt,
#                     /var/cache/libvirt and /run inside the run's private mount namespace
#   root/dev          a 1 MiB tmpfs (mounted inside only) holding the private /dev/kvm node
#   pid/              holder, virtlogd, libvirtd, client, watchdog
#   ns/               net, mnt, client-net: namespace ids (as in /proc/PID/ns/*), to find every
#                     process that is still inside after the holders are gone
#   log/              daemon stdout/stderr, teardown log
#   binds-created     --bind targets that did not exist on the host and were made by this run
# Nothing of a run lives anywhere else, except the shared cache ($HX_CACHE, locked with flock).

HX_HARNESS=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
HX_CACHE=${CORRAL_TEST_CACHE:-/var/tmp/corral-test-cache}

# The private NAT network and the test guest (fixed, so tests know them in advance).
HX_NETWORK=default
HX_BRIDGE=virbr0
HX_NET_GATEWAY=10.231.0.1
HX_GUEST=e2e-guest
HX_GUEST_IP=10.231.0.50
HX_GUEST_MAC=52:54:00:c0:a1:50
HX_GUEST_PORT=1337
HX_GUEST_MARKER=corral-test-guest-is-serving-7d41
# The "client" namespace, joined to the libvirt namespace by a veth pair.
HX_CLIENT_IF=corral-c
HX_CLIENT_IP=10.232.0.2
HX_LIBVIRT_SIDE_IF=corral-h
HX_LIBVIRT_SIDE_IP=10.232.0.1

# Daemons get a clean environment, as an init system would give them.
HX_DAEMON_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root)

hx_msg ()
{
  echo "${HX_PROG:-harness}: $*" >&2
}

# Progress with timestamps, when CORRAL_HARNESS_VERBOSE is set.
hx_step ()
{
  [ -n "${CORRAL_HARNESS_VERBOSE:-}" ] && echo "${HX_PROG:-harness}: [$(date +%T.%3N)] $*" >&2
  return 0
}

hx_die ()
{
  hx_msg "$*"
  exit 1
}

# The work dir of the run we belong to; every helper needs it.
hx_require_run ()
{
  W=${CORRAL_NS_DIR:-}
  [ -n "$W" ] && [ -d "$W/pid" ] || hx_die "CORRAL_NS_DIR is not set to a harness run's work dir"
  HOLDER=$(cat "$W/pid/holder" 2>/dev/null) || hx_die "no holder pid in $W"
}

# Namespace id ("net:[4026532178]") of a process, empty if it is gone.
hx_ns_of ()
{
  readlink "/proc/$1/ns/$2" 2>/dev/null || true
}

# Every pid whose namespace of type $1 (net, mnt) is $2.
hx_pids_in_ns ()
{
  local type=$1 id=$2
  [ -n "$id" ] || return 0
  # find's -lname takes a glob: escape the brackets of "net:[4026532178]"
  find /proc/[0-9]*/ns -maxdepth 1 -name "$type" -lname "$(printf '%s' "$id" | sed 's/[][*?\\]/\\&/g')" \
    2>/dev/null | cut -d/ -f3
  return 0
}

# Is pid $1 still the process we started (same net namespace as recorded in ns/$2)?
hx_pid_is_ours ()
{
  local pid=$1 which=$2
  [ -n "$pid" ] && [ -s "$W/ns/$which" ] || return 1
  [ "$(hx_ns_of "$pid" net)" = "$(cat "$W/ns/$which")" ]
}

# Run a command inside the libvirt namespaces; directly when we are already in them.
hx_in_ns ()
{
  if [ "$(hx_ns_of self net)" = "$(cat "$W/ns/net")" ] \
     && [ "$(hx_ns_of self mnt)" = "$(cat "$W/ns/mnt")" ]; then
    "$@"
  else
    nsenter -t "$HOLDER" -n -m --wd=/ -- "$@"
  fi
}

hx_virsh ()
{
  hx_in_ns virsh -q -c qemu:///system "$@"
}

# Start libvirtd in the run's namespaces, in its own session (a test's process-group kill
# must not take it down before the teardown has destroyed the guests).
#
# libvirtd is pinned to one CPU: its QEMU capabilities cache records the host's CPUID, and on some
# virtual machines CPUID differs between the virtual CPUs, so a daemon that happened to run on another
# CPU than last time would throw the cache away and probe QEMU again (~8 s, at start and on lookups).
# libvirt gives the QEMU processes it starts all host CPUs again, so guests are not pinned.
hx_start_libvirtd ()
{
  local i pin=() cpu
  if command -v taskset >/dev/null; then
    cpu=$(taskset -pc $$ 2>/dev/null | sed -e 's/.*: *//' -e 's/[,-].*//')
    [[ $cpu =~ ^[0-9]+$ ]] && pin=(taskset -c "$cpu")
  fi
  if [ "$(hx_ns_of self net)" = "$(cat "$W/ns/net")" ]; then
    setsid "${pin[@]}" "${HX_DAEMON_ENV[@]}" libvirtd -f /etc/libvirt/libvirtd.conf \
      -p /run/libvirt/libvirtd.pid </dev/null >>"$W/log/libvirtd.out" 2>&1 &
  else
    setsid nsenter -t "$HOLDER" -n -m --wd=/ -- "${pin[@]}" "${HX_DAEMON_ENV[@]}" libvirtd \
      -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid </dev/null >>"$W/log/libvirtd.out" 2>&1 &
  fi
  echo $! > "$W/pid/libvirtd"
  # ~0.5 s with a warm QEMU capabilities cache, ~10 s on a first run (QEMU is probed).
  for i in $(seq 600); do
    if [ -S "$W/root/run/libvirt/libvirt-sock" ] && hx_virsh version >/dev/null 2>&1; then
      return 0
    fi
    hx_alive "$(cat "$W/pid/libvirtd")" || break
    sleep 0.1
  done
  hx_msg "libvirtd did not come up"
  return 1
}

# Is pid $1 alive? (A zombie is not: one whose parent is gone may wait a while for init to reap it.)
hx_alive ()
{
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ -n "$stat" ] && [ "${stat%% *}" != Z ]
}

# Wait until pid $1 is gone, at most $2 tenths of a second.
hx_wait_gone ()
{
  local pid=$1 n=$2 i
  for i in $(seq "$n"); do
    hx_alive "$pid" || return 0
    sleep 0.1
  done
  ! hx_alive "$pid"
}

hx_print_logs ()
{
  local f
  for f in "$W/log/virtlogd.out" "$W/log/libvirtd.out" "$W/root/var-log-libvirt/libvirtd.log"; do
    [ -s "$f" ] || continue
    echo "----- $f (last 60 lines)" >&2
    tail -n 60 "$f" >&2
  done
}
