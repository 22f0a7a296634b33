# SPDX-License-Identifier: ISC
"""`vipd -t -f FILE`: a bad config is refused with FILE:LINE:, a good one
passes.  Run inside a lab namespace so that eth0 exists."""

import os

import pytest

from helpers import has_vipctl
from lab import vipd_bin, vrrp_conf

GOOD = vrrp_conf("h1", 100, 1)

BAD = {
    "vrid_256": ("virtual_router_id 51", "virtual_router_id 256"),
    "vrid_0": ("virtual_router_id 51", "virtual_router_id 0"),
    "priority_300": ("priority 100", "priority 300"),
    "priority_word": ("priority 100", "priority high"),
    "bad_vip": ("203.0.113.5/24", "203.0.113.300/24"),
    "bad_prefix": ("203.0.113.5/24", "203.0.113.5/33"),
    "advert_int_0": ("advert_int 1", "advert_int 0"),
    "version_4": ("version 3", "version 4"),
}

pytestmark = pytest.mark.skipif(not has_vipctl(), reason="vipd -t only")


def check(lab, text, name):
    path = os.path.join(lab.workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return lab.run("h1", vipd_bin(), "-t", "-f", path, check=False, timeout=10)


def test_good_config_passes(make_lab):
    lab = make_lab(1)
    r = check(lab, GOOD, "good.conf")
    assert r.returncode == 0, "exit %d, stderr:\n%s" % (r.returncode, r.stderr)
    assert "good.conf:" not in r.stderr, r.stderr


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_refused_with_line(make_lab, case):
    lab = make_lab(1)
    old, new = BAD[case]
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    line = [i + 1 for i, l in enumerate(text.splitlines()) if new in l][0]
    r = check(lab, text, "bad.conf")
    assert r.returncode != 0, "accepted line %d %r; stderr:\n%s" % (line, new, r.stderr)
    assert "bad.conf:%d:" % line in r.stderr, \
        "expected 'bad.conf:%d:' for %r, stderr:\n%s" % (line, new, r.stderr)


def test_missing_file_refused(make_lab):
    lab = make_lab(1)
    r = lab.run("h1", vipd_bin(), "-t", "-f", os.path.join(lab.workdir, "nope.conf"),
                check=False)
    assert r.returncode != 0 and "nope.conf" in r.stderr, (r.returncode, r.stderr)
