#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs virt-manager (the Debian package's own code, unchanged) with two
# measurement marks added from outside, the same marks Corral prints with
# CORRAL_BENCH=1, so the two figures mean the same thing:
#
#   vmm-bench: list-drawn <unix time> guests <rows>
#       after the first frame the manager window paints once its list model
#       holds every guest of the connection (VMM_BENCH_EXPECT guests);
#   vmm-bench: selection-drawn <unix time>
#       after the first frame painted after the selected guest changed.
#
# Nothing else is changed: the marks wrap vmmManager.vm_added and
# vmmManager.update_current_selection, call the originals first, and only
# print.  Usage: vmm-probe.py [virt-manager options]
# (list-scale passes --no-fork --connect test:///...).

import os
import sys
import time

sys.path.insert(0, "/usr/share/virt-manager")

import importlib.abc  # noqa: E402
import importlib.machinery  # noqa: E402

EXPECT = int(os.environ.get("VMM_BENCH_EXPECT", "0"))
state = {"added": 0, "reported": False, "selected": None}


def mark(what):
    sys.stdout.write("vmm-bench: %s %.6f%s\n" % (what[0], time.time(), what[1]))
    sys.stdout.flush()


def after_paint_once(widget, what):
    clock = widget.get_frame_clock()
    if clock is None:
        # Not realized yet: try again once it is mapped.
        def on_map(w):
            w.disconnect(handler[0])
            after_paint_once(w, what)
        handler = [widget.connect("map", on_map)]
        return
    ids = []

    def on_after_paint(c):
        c.disconnect(ids[0])
        mark(what)
    ids.append(clock.connect("after-paint", on_after_paint))
    widget.queue_draw()


orig_vm_added = None
orig_update = None


def vm_added(self, conn, vm):
    orig_vm_added(self, conn, vm)
    state["added"] += 1
    if not state["reported"] and EXPECT and state["added"] >= EXPECT:
        state["reported"] = True
        rows = 0
        model = self.model
        it = model.get_iter_first()
        while it is not None:
            rows += 1 + model.iter_n_children(it)
            it = model.iter_next(it)
        after_paint_once(self.widget("vm-list"), ("list-drawn", " guests %d" % rows))


def update_current_selection(self, *args):
    orig_update(self, *args)
    vm = self.current_vm()
    if vm is not None and vm is not state["selected"]:
        state["selected"] = vm
        after_paint_once(self.widget("vm-list"), ("selection-drawn", ""))
    elif vm is None:
        state["selected"] = None


def patch(module):
    global orig_vm_added, orig_update
    cls = module.vmmManager
    orig_vm_added = cls.vm_added
    orig_update = cls.update_current_selection
    cls.vm_added = vm_added
    cls.update_current_selection = update_current_selection


class PatchFinder(importlib.abc.MetaPathFinder):
    """Patches virtManager.manager right after virt-manager imports it (its
    own import order must stay as it is: it imports Gtk late on purpose)."""

    def find_spec(self, name, path, target=None):
        if name != "virtManager.manager":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            patch(module)
        spec.loader.exec_module = exec_and_patch
        return spec


sys.meta_path.insert(0, PatchFinder())

from virtManager import virtmanager  # noqa: E402

sys.argv[0] = "virt-manager"
virtmanager.runcli()
