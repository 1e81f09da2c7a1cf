#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A qemu hook that test-harness.sh installs with `with-libvirtd --hook`: it logs every call
# ("GUEST OPERATION SUB-OPERATION") to the run's private /var/log/libvirt, and does nothing else.
cat > /dev/null
echo "$1 $2 $3" >> /var/log/libvirt/corral-test-hook.log
exit 0
