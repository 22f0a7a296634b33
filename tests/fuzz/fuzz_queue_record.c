/* SPDX-License-Identifier: ISC */
/* libFuzzer target: queue file records, main.cf lookup, postqueue -j lines and their splitter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck/postfix_conf.h"
#include "healthcheck/postqueue.h"
#include "healthcheck/queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
record(const uint8_t *data, size_t size)
{
	int64_t t = -42;
	enum hc_qrec_err e;

	e = hc_queue_record_arrival(data, size, &t);
	if (e == HC_QREC_OK ? t < 0 : t != -42)
		abort();
	if (hc_qrec_strerror(e)[0] == '\0')
		abort();
	/* Only the first HC_QREC_READ_MAX bytes are ever read. */
	if (size > HC_QREC_READ_MAX)
		hc_queue_record_arrival(data, HC_QREC_READ_MAX, &t);
}

static void
conf(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 8, 64, 4096 };
	char out[4096];
	enum hc_pfconf_err e;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(out, 'x', sizeof(out));
		e = hc_pfconf_queue_dir((const char *)data, size, "/etc/p",
		    out, sizes[i]);
		if (memchr(out, '\0', sizes[i]) == NULL)
			abort();
		if (e == HC_PFCONF_OK && out[0] != '/')
			abort();
		if (e != HC_PFCONF_OK && out[0] != '\0')
			abort();
		if (hc_pfconf_strerror(e)[0] == '\0')
			abort();
	}
	/* Names that appear in the corpus, expansion included. */
	hc_pfconf_lookup((const char *)data, size, "a", NULL, out,
	    sizeof(out));
	hc_pfconf_lookup((const char *)data, size, "myhostname", NULL, out,
	    sizeof(out));
}

static void
check_sum(const struct hc_pq_summary *s)
{
	uint32_t n = s->unknown_queue;
	int q;

	for (q = 0; q < HC_QUEUE_COUNT; q++)
		n += s->count[q];
	if (n != s->messages || s->salvaged > s->messages)
		abort();
}

static void
postqueue(const uint8_t *data, size_t size)
{
	static struct hc_pq_parser whole, chunked;
	struct hc_pq_summary s;
	size_t off = 0, n;

	hc_pq_summary_init(&s);
	hc_pq_parse_line(&s, (const char *)data, size);
	check_sum(&s);
	hc_pq_parser_init(&whole);
	hc_pq_parser_init(&chunked);
	hc_pq_parser_feed(&whole, (const char *)data, size);
	while (off < size) {
		n = (data[off] % 13) + 1;
		if (n > size - off)
			n = size - off;
		hc_pq_parser_feed(&chunked, (const char *)data + off, n);
		off += n;
	}
	hc_pq_parser_finish(&whole);
	hc_pq_parser_finish(&chunked);
	check_sum(&whole.sum);
	if (memcmp(&whole.sum, &chunked.sum, sizeof(whole.sum)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	record(data, size);
	conf(data, size);
	postqueue(data, size);
	return 0;
}
