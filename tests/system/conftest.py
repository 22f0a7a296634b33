# SPDX-License-Identifier: ISC
"""pytest glue for vipd's system tests: lab fixtures, log dumps, timeouts."""

import os
import signal

import pytest

import lab as labmod

TEST_TIMEOUT = int(float(os.environ.get("VIPD_TEST_TIMEOUT", "120")) * labmod.TIMESCALE)


def pytest_report_header(config):
    if labmod.impl() == "keepalived":
        return "vipd system tests: agent under test = keepalived (lab sanity run)"
    return "vipd system tests: vipd=%s vipctl=%s" % (labmod.vipd_bin(), labmod.vipctl_bin())


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="system tests need root (network namespaces)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _binaries():
    if os.geteuid() != 0 or labmod.impl() == "keepalived":
        return
    for path in (labmod.vipd_bin(), labmod.vipctl_bin()):
        if not os.access(path, os.X_OK):
            pytest.fail("%s missing: run `make all build/san/vipd build/san/vipctl`" % path,
                        pytrace=False)


@pytest.fixture(autouse=True)
def _timeout():
    """Fail a test that hangs rather than stall the whole suite."""
    def on_alarm(signum, frame):
        raise TimeoutError("test exceeded %d s" % TEST_TIMEOUT)
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TEST_TIMEOUT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture
def make_lab(request):
    """Factory: make_lab(hosts=3) -> a set-up Lab, cleaned up after the test.
    Teardown fails the test if a vipd hit a sanitizer error or did not exit
    0 on SIGTERM at cleanup, or if any agent exited during the test that
    the test did not stop (lab.stop_agent) or expect to exit
    (lab.expect_exit)."""
    labs = []
    request.node._vipd_labs = labs

    def make(hosts=3, **kw):
        new = labmod.Lab(hosts, **kw)
        labs.append(new)
        new.setup()
        return new
    yield make
    problems = []
    for one in labs:
        problems += one.cleanup()
    if problems:
        pytest.fail("vipd problems at teardown:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def lab(make_lab):
    """A three-host lab."""
    return make_lab(3)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach agent logs and the VIP timeline to a failed test's report
    (before teardown removes them)."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and rep.when in ("setup", "call"):
        for one in getattr(item, "_vipd_labs", []):
            if one.cleaned:
                continue
            for title, text in one.report():
                rep.sections.append((title, text))
