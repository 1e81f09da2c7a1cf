#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Parses a cloud-init user-data file with a real YAML parser (python3-yaml) and checks what cloud-init
# will read from it: check-user-data.py FILE HOST USER PASSWORD_HASH|- KEY...
# Exit 0 when it matches, 1 (saying what differs) when not, 77 when python3-yaml is missing.
import sys

try:
    import yaml
except ImportError:
    print("python3-yaml is not installed")
    sys.exit(77)

path, host, user, password_hash, *keys = sys.argv[1:]
with open(path, encoding="utf-8") as f:
    text = f.read()
if not text.startswith("#cloud-config\n"):
    print("the first line is not #cloud-config")
    sys.exit(1)
data = yaml.safe_load(text)
expected_user = {
    "name": user,
    "sudo": "ALL=(ALL) NOPASSWD:ALL",
    "groups": "sudo",
    "shell": "/bin/bash",
    "lock_passwd": password_hash == "-",
}
if password_hash != "-":
    expected_user["passwd"] = password_hash
if keys:
    expected_user["ssh_authorized_keys"] = keys
expected = {
    "hostname": host,
    "preserve_hostname": False,
    "users": [expected_user],
    "ssh_pwauth": password_hash != "-",
}
if data != expected:
    print("parsed:  ", repr(data))
    print("expected:", repr(expected))
    sys.exit(1)
sys.exit(0)
