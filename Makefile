# SPDX-License-Identifier: ISC
# vipd build: `make` builds build/vipd and build/vipctl; `make check` runs every test.

CC       ?= cc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
B        := build

CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
            -Wstrict-prototypes -Wno-missing-field-initializers
CPPFLAGS += -std=c11 -D_GNU_SOURCE -I. -MMD -MP
LIBS_VIPD   := -lmnl -ljansson -lcap-ng -pthread
LIBS_VIPCTL := -ljansson -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Every .c under these directories belongs to the daemon, except the mains
# of other programs.
VIPD_SRCS   := $(sort $(wildcard lib/*.c conf/*.c ctl/*.c agent/*.c vrrp/*.c netlink/*.c healthcheck/*.c))
VIPCTL_SRCS := $(sort $(wildcard vipctl/*.c)) ctl/ctl_proto.c ctl/metrics.c

VIPD_OBJS   := $(VIPD_SRCS:%.c=$(B)/obj/%.o)
VIPCTL_OBJS := $(VIPCTL_SRCS:%.c=$(B)/obj/%.o)

# Unit tests: tests/unit/test_NAME.c links against TEST_NAME_SRCS (pure
# modules only: no root, no network) and runs under ASan/UBSan.
TEST_pkt_SRCS  := vrrp/pkt.c
TEST_fsm_backup_SRCS := vrrp/fsm.c
TEST_fsm_master_SRCS := vrrp/fsm.c
TEST_fsm_sim_SRCS    := vrrp/fsm.c
TEST_conf_lex_SRCS := conf/conf_lex.c
CONF_SRCS := $(sort $(wildcard conf/*.c)) lib/cmdline.c
TEST_conf_parse_SRCS := $(CONF_SRCS)
TEST_conf_errors_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_net_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_keepalived_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_vmac_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_checks_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_load_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_diff_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_pre_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_track_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_routes_SRCS := $(TEST_conf_parse_SRCS)
TEST_conf_sync_SRCS := $(TEST_conf_parse_SRCS)
TEST_sync_SRCS := vrrp/sync.c vrrp/fsm.c
TEST_arp_SRCS  := vrrp/arp.c
TEST_nlmsg_SRCS := netlink/nl_msg.c
TEST_nllink_SRCS := netlink/nl_msg.c
TEST_nlroute_SRCS := netlink/nl_route.c netlink/nl_msg.c
TEST_ctl_SRCS  := ctl/ctl_proto.c vipctl/print.c
TEST_metrics_SRCS := ctl/metrics.c
TEST_nagios_SRCS := vipctl/nagios.c
TEST_control_SRCS := agent/control.c ctl/ctl_proto.c
TEST_ctl_reload_SRCS := ctl/ctl_proto.c vipctl/print.c
TEST_loop_SRCS := lib/loop.c
TEST_gate_SRCS := healthcheck/gate.c
TEST_hyst_SRCS := healthcheck/hyst.c
TEST_cmdline_SRCS := lib/cmdline.c
TEST_trackers_SRCS := healthcheck/script.c healthcheck/trackfile.c \
                      healthcheck/proc.c healthcheck/gate.c lib/cmdline.c \
                      lib/cred.c lib/spawn.c lib/loop.c
TEST_script_run_SRCS := $(TEST_trackers_SRCS)
TEST_notify_SRCS  := agent/notify.c lib/spawn.c lib/cred.c \
                     lib/cmdline.c lib/loop.c lib/log.c
TEST_notify_user_SRCS := $(TEST_notify_SRCS)
TEST_cred_SRCS := lib/cred.c
TEST_postfix_maincf_SRCS    := healthcheck/postfix_conf.c
TEST_postfix_queue_SRCS     := healthcheck/queue.c healthcheck/queue_walk.c \
                               healthcheck/queue_check.c lib/loop.c
TEST_postfix_queue_walk_SRCS := $(TEST_postfix_queue_SRCS)
TEST_postfix_postqueue_SRCS := healthcheck/postqueue.c healthcheck/queue.c lib/loop.c
TEST_postfix_master_SRCS    := healthcheck/master.c lib/loop.c
TEST_master_unpriv_SRCS     := healthcheck/master.c lib/loop.c
TEST_smtp_reply_SRCS  := healthcheck/smtp_reply.c
TEST_smtp_dialog_SRCS := healthcheck/smtp_dialog.c healthcheck/smtp_reply.c
TEST_smtp_probe_SRCS  := healthcheck/smtp_probe.c healthcheck/smtp_dialog.c \
                         healthcheck/smtp_reply.c healthcheck/tls.c \
                         lib/loop.c lib/log.c
TEST_LIBS      := -lcmocka -lmnl -ljansson -lssl -lcrypto -lm

UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_NAMES:%=$(B)/test/test_%)

FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_pkt_SRCS  := vrrp/pkt.c
FUZZ_conf_SRCS := $(CONF_SRCS)
FUZZ_ctl_SRCS  := ctl/ctl_proto.c vipctl/print.c
FUZZ_cmdline_SRCS := lib/cmdline.c
FUZZ_smtp_reply_SRCS  := healthcheck/smtp_reply.c
FUZZ_queue_record_SRCS := healthcheck/queue.c healthcheck/postqueue.c \
                          healthcheck/postfix_conf.c lib/loop.c

.PHONY: all clean check unit system fuzz fuzz-build demo deps install bench soak deb deb-check

all: $(B)/vipd $(B)/vipctl

$(B)/vipd: $(VIPD_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_VIPD)

$(B)/vipctl: $(VIPCTL_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_VIPCTL)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# Test objects are built separately, with sanitizers.
$(B)/tobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -c -o $@ $<

# A function, so that % is not read as the pattern rule's stem.
tobjs = $(addprefix $(B)/tobj/,$(patsubst %.c,%.o,$(1)))

.SECONDEXPANSION:
$(B)/test/test_%: $(B)/tobj/tests/unit/test_%.o $$(call tobjs,$$(TEST_$$*_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(TEST_LIBS)

# Sanitized daemon for the system tests.
$(B)/san/vipd: $(VIPD_SRCS:%.c=$(B)/tobj/%.o)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LIBS_VIPD)

$(B)/san/vipctl: $(VIPCTL_SRCS:%.c=$(B)/tobj/%.o)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SAN) -o $@ $^ $(LIBS_VIPCTL)

# Root-only self-tests of the kernel-facing code (netlink/nl.c; vrrp/sock.c
# and announce.c), each in namespaces of its own; run by the system tier
# (tests/system/test_kernel.py).
KTEST_nltest_SRCS   := netlink/nl.c netlink/nl_mon.c netlink/nl_msg.c netlink/nl_send.c
KTEST_socktest_SRCS := vrrp/sock.c vrrp/arp.c vrrp/announce.c
KTEST_BINS := $(B)/san/nltest $(B)/san/socktest

$(B)/san/nltest: $(B)/tobj/tests/nltest.o $(call tobjs,$(KTEST_nltest_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ -lmnl -pthread

$(B)/san/socktest: $(B)/tobj/tests/socktest.o $(call tobjs,$(KTEST_socktest_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^

deps:
	@sh tests/deps.sh

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

system: all $(B)/san/vipd $(B)/san/vipctl $(KTEST_BINS)
	@sh tests/system/run.sh

# check: everything; the last line is the combined "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(B)/san/vipd $(B)/san/vipctl \
	    $(KTEST_BINS) fuzz-build
	@sh tests/check.sh

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_$$*_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang -std=c11 -D_GNU_SOURCE -I. -g -O1 \
	    -fsanitize=fuzzer,address,undefined -o $@ $^ -ljansson

fuzz-build: $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)

# Run each fuzzer for FUZZ_SECONDS (default 60) from its corpus.
FUZZ_SECONDS ?= 60
fuzz: deps fuzz-build
	@for f in $(FUZZ_NAMES); do \
	    mkdir -p $(B)/fuzz/corpus-$$f; \
	    echo "fuzz_$$f: $(FUZZ_SECONDS)s"; \
	    $(B)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
	        $(B)/fuzz/corpus-$$f tests/fuzz/corpus/$$f || exit 1; \
	done

demo: deps all
	@sh tests/demo.sh

# vipd against keepalived; results in bench/results/, table in BENCHMARKS.md.
bench: deps all $(B)/hiccup
	@/usr/bin/python3 bench/run.py

# The machine's own stalls, recorded beside every stress window.
$(B)/hiccup: bench/hiccup.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -pthread -o $@ $<

# The Debian package (debian/, debhelper), built in a copy under build/deb/.
deb: deps
	@sh tests/deb/build.sh

# Build, lintian, then install, upgrade and purge it on this machine (root;
# .ci/run runs it on CI's throw-away machine).
deb-check: deps
	@sh tests/deb/check.sh

# SOAK_N failovers of every kind (default 1000: about 3 hours; SOAK_N=5 for a
# short run), not part of check; results in bench/results/soak-*.json.
soak: deps all
	@/usr/bin/python3 bench/soak.py; rc=$$?; /usr/bin/python3 bench/report.py; exit $$rc

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(B)/vipd $(B)/vipctl $(DESTDIR)$(SBINDIR)/
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
