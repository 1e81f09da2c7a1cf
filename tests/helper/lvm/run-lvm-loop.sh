#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs TEST-PROGRAM (test-lvm-loop) against a volume group of its own: a 256 MiB
# sparse file in a temporary directory, on a loop device, with a fresh uniquely named
# VG "corraltest...".  Everything is removed afterwards, also when the test fails or
# is killed (trap), and only what this script created.
#
# This kernel has no device-mapper, so activation is off for every LVM command here
# and in the helper code under test (through its CORRAL_LVM_CONFIG hook).  The
# devices file and metadata backups are off too, so nothing is left in /etc/lvm.
#
# Prints TAP: the test program's, or "1..0 # SKIP reason".
set -u

test_program=$1
shift

skip () {
  echo "1..0 # SKIP $*"
  exit 0
}

PATH=$PATH:/usr/sbin:/sbin
export PATH
export LVM_SUPPRESS_FD_WARNINGS=1
export CORRAL_LVM_CONFIG='global { activation = 0 } devices { use_devicesfile = 0 } backup { backup = 0 archive = 0 }'

[ "$(id -u)" = 0 ] || skip "needs root (losetup, pvcreate, vgcreate)"
for tool in lvm losetup truncate; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done

lvm_ () {
  command=$1
  shift
  lvm "$command" --config "$CORRAL_LVM_CONFIG" "$@"
}

tmpdir=
loop=
pv_made=
vg=
vg_made=

cleanup () {
  status=$?
  # stdout carries TAP: everything here goes to stderr
  {
    if [ -n "$vg_made" ]; then
      lvm_ vgremove --force --yes "$vg" || echo "# could not remove VG $vg"
    fi
    if [ -n "$pv_made" ]; then
      lvm_ pvremove --yes "$loop" || echo "# could not pvremove $loop"
    fi
    if [ -n "$loop" ]; then
      losetup -d "$loop" || echo "# could not detach $loop"
    fi
    if [ -n "$tmpdir" ]; then
      rm -rf "$tmpdir"
    fi
  } >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/corral-lvm-test.XXXXXX") || skip "cannot make a temporary directory"
truncate -s 256M "$tmpdir/pv.img" || skip "cannot make a 256 MiB sparse file in $tmpdir"
loop=$(losetup -f --show "$tmpdir/pv.img" 2>"$tmpdir/losetup.err") || {
  loop=
  skip "no loop device: $(cat "$tmpdir/losetup.err")"
}

# A name no VG on this machine has.
i=0
while :; do
  vg=corraltest$$$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  lvm_ vgs "$vg" >/dev/null 2>&1 || break
  i=$((i + 1))
  [ "$i" -lt 20 ] || { echo "Bail out! no unused VG name found"; exit 1; }
done

lvm_ pvcreate --yes "$loop" >&2 || { echo "Bail out! pvcreate $loop failed"; exit 1; }
pv_made=1
lvm_ vgcreate "$vg" "$loop" >&2 || { echo "Bail out! vgcreate $vg failed"; exit 1; }
vg_made=1

echo "# volume group $vg on $loop" >&2
CORRAL_TEST_VG=$vg CORRAL_TEST_PV=$loop "$test_program" "$@"
